"""The shipped pair scorer: an ensemble of small MLPs evaluated in numpy.

Trained by training/grouping/train.py (scikit-learn), exported as plain arrays
in model.npz next to this file, so the runtime needs numpy only.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bot.grouping.features import FEATURE_NAMES, Vectoriser

MODEL_PATH = Path(__file__).with_name("model.npz")


@dataclass(frozen=True, slots=True)
class Mlp:
    weights: tuple[np.ndarray, ...]
    biases: tuple[np.ndarray, ...]

    def logits(self, x: np.ndarray) -> np.ndarray:
        h = x
        last = len(self.weights) - 1
        for i, (w, b) in enumerate(zip(self.weights, self.biases, strict=True)):
            h = h @ w + b
            if i < last:
                np.maximum(h, 0.0, out=h)
        out: np.ndarray = h[:, 0]
        return out


@dataclass(frozen=True, slots=True)
class PairModel:
    mean: np.ndarray
    scale: np.ndarray
    members: tuple[Mlp, ...]
    vectoriser: Vectoriser

    def score(self, rows: np.ndarray) -> np.ndarray:
        """Mean logit over members: higher = likelier antecedent."""
        x = (rows - self.mean) / self.scale
        total = np.zeros(rows.shape[0], dtype=np.float64)
        for m in self.members:
            total += m.logits(x)
        out: np.ndarray = total / len(self.members)
        return out


def save(
    path: Path,
    *,
    mean: np.ndarray,
    scale: np.ndarray,
    members: list[Mlp],
    idf: dict[str, float],
    unknown_idf: float,
) -> None:
    arrays: dict[str, np.ndarray] = {
        "feature_names": np.array(FEATURE_NAMES),
        "mean": mean.astype(np.float32),
        "scale": scale.astype(np.float32),
        "vocab": np.array(sorted(idf)),
        "unknown_idf": np.array(unknown_idf, dtype=np.float32),
        "n_members": np.array(len(members)),
    }
    arrays["idf"] = np.array([idf[w] for w in arrays["vocab"]], dtype=np.float32)
    for k, m in enumerate(members):
        arrays[f"m{k}_n"] = np.array(len(m.weights))
        for j, (w, b) in enumerate(zip(m.weights, m.biases, strict=True)):
            arrays[f"m{k}_w{j}"] = w.astype(np.float32)
            arrays[f"m{k}_b{j}"] = b.astype(np.float32)
    np.savez_compressed(path, **arrays)  # type: ignore[arg-type]


def load(path: Path = MODEL_PATH) -> PairModel:
    with np.load(path, allow_pickle=False) as z:
        names = tuple(str(n) for n in z["feature_names"])
        if names != FEATURE_NAMES:
            raise ValueError(f"{path}: model was trained on other features; retrain it")
        members = []
        for k in range(int(z["n_members"])):
            n = int(z[f"m{k}_n"])
            members.append(
                Mlp(
                    tuple(z[f"m{k}_w{j}"].astype(np.float64) for j in range(n)),
                    tuple(z[f"m{k}_b{j}"].astype(np.float64) for j in range(n)),
                )
            )
        idf = dict(zip((str(w) for w in z["vocab"]), (float(v) for v in z["idf"]), strict=True))
        return PairModel(
            mean=z["mean"].astype(np.float64),
            scale=z["scale"].astype(np.float64),
            members=tuple(members),
            vectoriser=Vectoriser(idf, float(z["unknown_idf"])),
        )
