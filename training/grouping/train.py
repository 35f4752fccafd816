"""Train the grouping pair scorer on irc-disentanglement (CC BY 4.0) train streams.

    .venv/bin/python -m training.grouping.train [--data DIR] [--members 5] [--out PATH]

Only streams of the authors' `train` split are read for training (bot/grouping/data.py
fixes the split); the dev streams are scored at the end as a check. The result is
plain numpy arrays (bot/grouping/model.npz) loaded offline at run time.
Needs numpy only, like the runtime.
"""

from __future__ import annotations

import argparse
import hashlib
import math
import time
from collections import Counter
from pathlib import Path

import numpy as np

from bot.grouping import text as tx
from bot.grouping.data import Stream, load_streams
from bot.grouping.evaluate import evaluate, predict_with
from bot.grouping.features import Vectoriser
from bot.grouping.grouper import Grouper
from bot.grouping.model import MODEL_PATH, PairModel, load, save
from training.grouping import softmax


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


def groups(
    streams: list[Stream], vec: Vectoriser, window: int, history: PairModel | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per annotated message, its candidate rows padded to window + 1, which rows
    are valid and which are gold parents. The remembered conversations come from
    `history`'s own decisions when given (so the conversation features look as
    they will at run time), else from the gold links."""
    xs: list[np.ndarray] = []
    ms: list[np.ndarray] = []
    ps: list[np.ndarray] = []
    k = window + 1
    for s in streams:
        g = Grouper(None, vec, window)
        for ln in s.lines:
            f = g.featurise(ln.message())
            parents = ln.parents
            gold = str(max(parents)) if parents else str(ln.idx)
            if parents is not None and not f.entry.is_system and f.candidates:
                ids = [str(ln.idx)] + [c.id for c in f.candidates]
                want = {str(p) for p in parents}
                y = np.array([i in want for i in ids])
                if y.any():
                    x = np.zeros((k, f.rows.shape[1]), dtype=np.float32)
                    x[: len(ids)] = f.rows
                    m = np.zeros(k, dtype=bool)
                    m[: len(ids)] = True
                    yy = np.zeros(k, dtype=bool)
                    yy[: len(ids)] = y
                    xs.append(x)
                    ms.append(m)
                    ps.append(yy)
            if history is not None and not f.entry.is_system and f.candidates:
                scores = history.score(f.rows)
                best = int(np.argmax(scores))
                gold = ln.message().id if best == 0 else f.candidates[best - 1].id
            g.remember(f, gold)
    return np.stack(xs), np.stack(ms), np.stack(ps)


def _held_for_validation(stream_id: str) -> bool:
    # a tenth of the train streams, chosen by a stable hash, decides early stopping
    return int(hashlib.sha1(stream_id.encode()).hexdigest(), 16) % 10 == 0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", type=Path, default=Path("../shared/data/irc-disentanglement"))
    ap.add_argument("--out", type=Path, default=MODEL_PATH)
    ap.add_argument("--members", type=int, default=5)
    ap.add_argument("--hidden", type=str, default="64,32")
    ap.add_argument("--window", type=int, default=100)
    ap.add_argument("--epochs", type=int, default=12)
    ap.add_argument("--seed-start", type=int, default=0)
    ap.add_argument("--merge", type=Path, default=None, help="model whose members to keep")
    ap.add_argument(
        "--history-model",
        type=Path,
        default=None,
        help="earlier model whose own decisions build the remembered conversations",
    )
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
        x, m, p, names = z["x"], z["m"], z["p"], z["names"]
    else:
        fit_s = [s for s in train if not _held_for_validation(s.id)]
        val_s = [s for s in train if _held_for_validation(s.id)]
        hist = None if args.history_model is None else load(args.history_model)
        x, m, p = groups(fit_s, vec, args.window, hist)
        vx, vm, vp = groups(val_s, vec, args.window, hist)
        names = np.array([0] * len(x) + [1] * len(vx))
        x, m, p = np.concatenate([x, vx]), np.concatenate([m, vm]), np.concatenate([p, vp])
        if args.cache is not None:
            np.savez(args.cache, x=x, m=m, p=p, names=names)
    print(f"messages {len(x)}, {time.perf_counter() - t0:.0f}s", flush=True)
    valid = x[m]
    mean = valid.mean(axis=0)
    scale = valid.std(axis=0)
    scale[scale < 1e-6] = 1.0
    x = ((x - mean) / scale).astype(np.float32)
    x[~m] = 0.0
    fit_i, val_i = names == 0, names == 1
    hidden = tuple(int(h) for h in args.hidden.split(","))
    members = []
    if args.merge is not None:
        # members already trained on this same cache (same scaling) join the vote
        old = load(args.merge)
        if not np.allclose(old.mean, mean, atol=1e-4) or not np.allclose(
            old.scale, scale, atol=1e-4
        ):
            raise SystemExit(f"{args.merge}: trained on other rows; cannot merge")
        members.extend(old.members)
    for k in range(args.seed_start, args.seed_start + args.members):
        print(f"  member {k}", flush=True)
        members.append(
            softmax.fit(
                x[fit_i],
                m[fit_i],
                p[fit_i],
                hidden=hidden,
                epochs=args.epochs,
                seed=k,
                dev=(x[val_i], m[val_i], p[val_i]),
            )
        )
    save(args.out, mean=mean, scale=scale, members=members, idf=idf, unknown_idf=unknown)
    model = PairModel(mean, scale, tuple(members), vec)
    rep = evaluate(dev, predict_with(lambda: Grouper(model, vec, args.window)))
    lp, lr, lf = rep.overall.link_prf()
    print(f"dev link P {lp:.1f} R {lr:.1f} F {lf:.1f}; saved {args.out}")


if __name__ == "__main__":
    main()
