"""Train the grouping pair scorer on irc-disentanglement (CC BY 4.0) train streams.

    .venv/bin/python -m training.grouping.train [--data DIR] [--members 5] [--out PATH]

Only streams of the authors' `train` split are read for training (bot/grouping/data.py
fixes the split); the dev streams are scored at the end as a check. The result is
plain numpy arrays (bot/grouping/model.npz) loaded offline at run time.
Needs scikit-learn (the `train` extra), which the runtime never imports.
"""

from __future__ import annotations

import argparse
import math
import time
from collections import Counter
from pathlib import Path

import numpy as np
from sklearn.neural_network import MLPClassifier

from bot.grouping import text as tx
from bot.grouping.data import Stream, load_streams
from bot.grouping.evaluate import evaluate, predict_with
from bot.grouping.features import Vectoriser
from bot.grouping.grouper import Grouper
from bot.grouping.model import MODEL_PATH, Mlp, PairModel, save

FAR = 20  # candidates farther than this are sampled ...
FAR_KEEP = 0.25  # ... at this rate, and weighted back up


def build_idf(streams: list[Stream], min_df: int = 2) -> tuple[dict[str, float], float]:
    df: Counter[str] = Counter()
    n = 0
    for s in streams:
        for ln in s.lines:
            if ln.user is not None:
                n += 1
                df.update(set(tx.words(ln.text)))
    unknown = math.log((1 + n) / 1) + 1.0
    return {w: math.log((1 + n) / (1 + c)) + 1.0 for w, c in df.items() if c >= min_df}, unknown


def pairs(
    streams: list[Stream], vec: Vectoriser, window: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Feature rows with gold labels, the history built from gold links."""
    xs: list[np.ndarray] = []
    ys: list[np.ndarray] = []
    ws: list[np.ndarray] = []
    for s in streams:
        g = Grouper(None, vec, window)
        for ln in s.lines:
            f = g.featurise(ln.message())
            parents = ln.parents
            gold = str(max(parents)) if parents else str(ln.idx)
            if parents is not None and not f.entry.is_system and f.candidates:
                ids = [str(ln.idx)] + [c.id for c in f.candidates]
                y = np.array([i in {str(p) for p in parents} for i in ids], dtype=np.int8)
                if y.any():
                    dist = np.arange(len(ids))
                    keep = (dist <= FAR) | (y == 1) | (rng.random(len(ids)) < FAR_KEEP)
                    w = np.where((dist <= FAR) | (y == 1), 1.0, 1.0 / FAR_KEEP)
                    xs.append(f.rows[keep])
                    ys.append(y[keep])
                    ws.append(w[keep].astype(np.float32))
            g.remember(f, gold)
    return np.concatenate(xs), np.concatenate(ys), np.concatenate(ws)


def fit_members(
    x: np.ndarray, y: np.ndarray, w: np.ndarray, members: int, hidden: tuple[int, ...]
) -> list[Mlp]:
    out = []
    for k in range(members):
        t0 = time.perf_counter()
        clf = MLPClassifier(
            hidden_layer_sizes=hidden,
            alpha=1e-4,
            batch_size=1024,
            learning_rate_init=1e-3,
            max_iter=12,
            early_stopping=False,
            random_state=k,
        )
        clf.fit(x, y, sample_weight=w)
        out.append(Mlp(tuple(clf.coefs_), tuple(clf.intercepts_)))
        print(f"  member {k}: {time.perf_counter() - t0:.0f}s, loss {clf.loss_:.4f}", flush=True)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=Path("../shared/data/irc-disentanglement"))
    ap.add_argument("--out", type=Path, default=MODEL_PATH)
    ap.add_argument("--members", type=int, default=5)
    ap.add_argument("--hidden", type=str, default="64,32")
    ap.add_argument("--window", type=int, default=100)
    ap.add_argument("--cache", type=Path, default=None, help="npz cache of the feature rows")
    args = ap.parse_args()
    streams = load_streams(args.data)
    train = [s for s in streams if s.trained_on]
    dev = [s for s in streams if s.source_split == "dev"]
    print(f"train streams {len(train)}, dev streams {len(dev)}", flush=True)
    idf, unknown = build_idf(train)
    vec = Vectoriser(idf, unknown)
    t0 = time.perf_counter()
    if args.cache is not None and args.cache.exists():
        z = np.load(args.cache)
        x, y, w = z["x"], z["y"], z["w"]
    else:
        x, y, w = pairs(train, vec, args.window, np.random.default_rng(0))
        if args.cache is not None:
            np.savez(args.cache, x=x, y=y, w=w)
    print(f"rows {len(y)} (positive {int(y.sum())}), {time.perf_counter() - t0:.0f}s", flush=True)
    mean = x.mean(axis=0)
    scale = x.std(axis=0)
    scale[scale < 1e-6] = 1.0
    hidden = tuple(int(h) for h in args.hidden.split(","))
    members = fit_members((x - mean) / scale, y, w, args.members, hidden)
    save(args.out, mean=mean, scale=scale, members=members, idf=idf, unknown_idf=unknown)
    model = PairModel(mean, scale, tuple(members), vec)
    rep = evaluate(dev, predict_with(lambda: Grouper(model, vec, args.window)))
    p, r, f = rep.overall.link_prf()
    print(f"dev link P {p:.1f} R {r:.1f} F {f:.1f}; saved {args.out}")


if __name__ == "__main__":
    main()
