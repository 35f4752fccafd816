"""Train the shipped question model and write bot/detection/model.npz.

    .venv/bin/python -m training.detection.train --data ../shared/data

Reads only shippable data: stackexchange-beer (CC BY-SA 3.0), irc-disentanglement
(CC BY 4.0) and the examples written for this project (training/detection/examples/).
"""

from __future__ import annotations

import argparse
import random
import time
from collections import Counter
from pathlib import Path

import numpy as np
from scipy import sparse  # type: ignore[import-untyped]
from sklearn.linear_model import LogisticRegression

from bot.detection.cues import read_cues
from bot.detection.features import DIM, LinearModel, feature_indices
from bot.detection.normalize import clean
from training.detection.augment import augment
from training.detection.corpora import irc, stackexchange
from training.detection.handwritten import handwritten

OUT = Path(__file__).resolve().parents[2] / "bot" / "detection" / "model.npz"


def build(
    examples: list[tuple[str, int, float, str]],
) -> tuple[sparse.csr_matrix, np.ndarray, np.ndarray]:
    indptr = [0]
    indices: list[int] = []
    for text, *_ in examples:
        idx = feature_indices(read_cues(clean(text)))
        indices.extend(idx)
        indptr.append(len(indices))
    data = np.ones(len(indices), dtype=np.float32)
    x = sparse.csr_matrix((data, np.array(indices), np.array(indptr)), shape=(len(examples), DIM))
    y = np.array([e[1] for e in examples])
    w = np.array([e[2] for e in examples])
    return x, y, w


def fit_one(
    args: argparse.Namespace, rng: random.Random, verbose: bool
) -> tuple[np.ndarray, float, int]:
    """One model on one random draw of negatives, augmentations and fillers.

    The draws move single figures by about +-0.003 F1; averaging the weights of
    a few such models (bagging) keeps the shipped model from hanging on one draw.
    """
    base = []
    if not args.without_stackexchange:
        base += stackexchange(args.data / "stackexchange-beer" / "questions.jsonl")
    base += irc(args.data / "irc-disentanglement" / "messages.jsonl", rng)
    hand = handwritten(rng)
    examples = augment(base, rng) + hand
    if verbose:
        counts = Counter((src.split("+")[0], lab) for _, lab, _, src in examples)
        for (src, lab), n in sorted(counts.items()):
            print(f"  {src:<22} label={lab} n={n}")
    t0 = time.time()
    x, y, w = build(examples)
    print(f"features built for {len(examples)} examples in {time.time() - t0:.1f}s")
    clf = LogisticRegression(C=args.c, max_iter=2000, solver="liblinear")
    clf.fit(x, y, sample_weight=w)
    return clf.coef_[0].astype(np.float64), float(clf.intercept_[0]), len(examples)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path, default=Path("../shared/data"))
    ap.add_argument("--out", type=Path, default=OUT)
    ap.add_argument("--c", type=float, default=0.5)
    ap.add_argument("--seed", type=int, default=13)
    ap.add_argument(
        "--without-stackexchange",
        action="store_true",
        help="leave out the CC BY-SA text, so the model carries no share-alike terms",
    )
    ap.add_argument(
        "--bags",
        type=int,
        default=4,
        help="average the weights of this many models, each on its own random draw",
    )
    args = ap.parse_args()

    weights = np.zeros(DIM, dtype=np.float64)
    bias = 0.0
    n_examples = 0
    for bag in range(args.bags):
        w, b, n = fit_one(args, random.Random(args.seed + bag), verbose=bag == 0)
        weights += w / args.bags
        bias += b / args.bags
        n_examples = n
    weights = weights.astype(np.float32)
    weights[np.abs(weights) < 1e-3] = 0.0
    meta = {
        "trained": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "examples": str(n_examples),
        "bags": str(args.bags),
        "sources": ("" if args.without_stackexchange else "stackexchange-beer (CC BY-SA 3.0); ")
        + "irc-disentanglement (CC BY 4.0); handwritten examples (this repository)",
        "C": str(args.c),
        "seed": str(args.seed),
    }
    model = LinearModel(weights=weights, bias=bias, meta=meta)
    model.save(args.out)
    print(
        f"wrote {args.out} ({args.out.stat().st_size / 1024:.0f} KiB, "
        f"{np.count_nonzero(weights)} weights)"
    )


if __name__ == "__main__":
    main()
