"""Hashed binary features and the linear model that scores them.

The same ``feature_indices`` runs at training time (training/detection/) and at
run time, so the shipped weights always match what the detector computes.
"""

from __future__ import annotations

import math
import zlib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np
import numpy.typing as npt

from bot.detection.cues import Cues
from bot.detection.lexicon import FILLERS

DIM_BITS = 18
DIM = 1 << DIM_BITS
_MASK = DIM - 1
MODEL_FILE = "model.npz"


def feature_strings(cues: Cues) -> list[str]:
    feats = ["bias_word"]
    feats.extend("c:" + name for name in cues.names)
    words = [w for w in cues.words if w[0] not in "!"]
    plain = [w for w in words if w[0] != "?"]
    feats.extend("w:" + w for w in words)
    feats.extend(f"b:{a}_{b}" for a, b in zip(words, words[1:], strict=False))
    feats.extend("s:" + w[-3:] for w in plain if len(w) >= 5)
    start = 0
    while start < len(plain) - 1 and plain[start] in FILLERS:
        start += 1
    feats.append(_shape_conjunction(cues.names, len(plain)))
    if plain:
        feats.append("f:" + plain[start])
        if start + 1 < len(plain):
            feats.append(f"f2:{plain[start]}_{plain[start + 1]}")
        feats.append("l:" + plain[-1])
    return feats


# How the first sentence opens, most telling first.
_SHAPES = (
    ("first_wh_aux", "wh_aux"),
    ("first_wh_subj", "wh_subj"),
    ("first_wh_start", "wh"),
    ("first_aux_subj_start", "aux_subj"),
    ("first_aux_start", "aux"),
    ("first_anyone_start", "anyone"),
)
_ENDS = (("endq", "q"), ("end_period", "period"), ("end_comma", "comma"), ("end_open", "open"))


def _shape_conjunction(names: frozenset[str], n_words: int) -> str:
    """One feature joining opening shape, closing punctuation, length and case.

    A linear model cannot learn on its own that "what you need is ..." ending in
    a period is a statement while "what you doing" typed in lower case is a
    question: the same opening means different things depending on how the
    writer closes and punctuates, so the combination gets a weight of its own.
    """
    shape = next((short for name, short in _SHAPES if name in names), "none")
    end = next((short for name, short in _ENDS if name in names), "other")
    size = "s" if n_words <= 4 else "m" if n_words <= 9 else "l"
    case = "cap" if "cap_start" in names else "low"
    return f"x:{shape}|{end}|{size}|{case}"


@lru_cache(maxsize=1 << 17)
def hash_feature(name: str) -> int:
    return zlib.crc32(name.encode("utf-8")) & _MASK


def feature_indices(cues: Cues) -> list[int]:
    return list({hash_feature(f) for f in feature_strings(cues)})


@dataclass(frozen=True, slots=True)
class LinearModel:
    weights: npt.NDArray[np.float32]
    bias: float
    meta: dict[str, str]

    def margin(self, idx: list[int]) -> float:
        return self.bias + float(self.weights[idx].sum()) if idx else self.bias

    def score(self, idx: list[int]) -> float:
        m = self.margin(idx)
        return 1.0 / (1.0 + math.exp(-m)) if m > -30 else 0.0

    def contribution(self, name: str) -> float:
        return float(self.weights[hash_feature(name)])

    def save(self, path: Path) -> None:
        keys = np.array(sorted(self.meta), dtype=object).astype(str)
        vals = np.array([self.meta[k] for k in sorted(self.meta)]).astype(str)
        nz = np.flatnonzero(self.weights).astype(np.int32)
        np.savez_compressed(
            path,
            idx=nz,
            val=self.weights[nz].astype(np.float16),
            bias=np.array([self.bias], dtype=np.float64),
            dim=np.array([DIM], dtype=np.int64),
            meta_keys=keys,
            meta_vals=vals,
        )

    @classmethod
    def load(cls, path: Path | None = None) -> LinearModel:
        if path is None:
            with resources.as_file(resources.files("bot.detection") / MODEL_FILE) as p:
                return cls.load(Path(p))
        with np.load(path, allow_pickle=False) as data:
            if int(data["dim"][0]) != DIM:
                raise ValueError(f"model {path} has {int(data['dim'][0])} features, want {DIM}")
            weights = np.zeros(DIM, dtype=np.float32)
            weights[data["idx"]] = data["val"].astype(np.float32)
            meta = dict(zip(data["meta_keys"].tolist(), data["meta_vals"].tolist(), strict=True))
            return cls(weights=weights, bias=float(data["bias"][0]), meta=meta)
