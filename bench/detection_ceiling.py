"""How far a model of the shipped kind gets on swda-questions and nps-chat when it
is trained on the very set it is scored on (k folds by conversation / session).

    .venv/bin/python bench/detection_ceiling.py [--data ../shared/data] [--folds 3]

Measurement only. Both sets are non-commercial: the in-domain models here live in
memory for the run and are never written anywhere; the shipped model is
bot/detection/model.npz, which never saw either set.

What it answers: is the shipped model short of a target because of what it was
trained on (an in-domain model would close the gap) or because of what one line
of text can say under Presence's own definition of a question (the in-domain model
stays short too)? Three figures per set, all on the same lines:

- shipped: bot/detection/model.npz with Presence's rules, balanced threshold;
- in-domain + rules: the same features and rules, weights fitted on the other
  folds of the same set, at the best of several thresholds (a generous bound:
  the threshold is picked on the scored lines themselves);
- in-domain, model only: the same weights, no rules (backchannel, rhetorical and
  agreement vetoes; problem reports and requests without "?"), best threshold.
  This follows the dataset's definition instead of the issue's.

--context gives the in-domain model the two previous lines of the conversation
(session) as features too; --ngrams adds word and character n-grams to its
features; --no-shape-floor drops the one rule that is a
heuristic rather than the issue's definition. Needs the "train" extra (scikit-learn, scipy).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from scipy import sparse  # type: ignore[import-untyped]
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench._common import table, write_json  # noqa: E402
from bot.detection import kinds  # noqa: E402
from bot.detection.cues import Cues, read_cues  # noqa: E402
from bot.detection.detector import DEFAULT_THRESHOLD  # noqa: E402
from bot.detection.features import (  # noqa: E402
    DIM,
    LinearModel,
    feature_indices,
    feature_strings,
    hash_feature,
)
from bot.detection.kinds import NEEDS_REPLY, decide  # noqa: E402
from bot.detection.normalize import clean, ends_with_question_mark  # noqa: E402

THRESHOLDS = (0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7)

Line = tuple[str, bool, int, tuple[str, ...]]  # text, label, fold, previous lines
CONTEXT = 2


def swda_lines(data: Path, folds: int) -> list[Line]:
    out: list[Line] = []
    with (data / "swda-questions" / "conversations.jsonl").open() as fh:
        for raw in fh:
            conv = json.loads(raw)
            fold = int(conv["conv"]) % folds
            texts = [u["text"] for u in conv["utts"]]
            out.extend(
                (u["text"], bool(u["q"]), fold, tuple(texts[max(0, i - CONTEXT) : i]))
                for i, u in enumerate(conv["utts"])
            )
    return out


def nps_lines(data: Path, folds: int) -> list[Line]:
    sessions: dict[str, int] = {}
    before: dict[str, list[str]] = {}
    out: list[Line] = []
    with (data / "nps-chat" / "posts.jsonl").open() as fh:
        for raw in fh:
            p = json.loads(raw)
            if p["act"] == "System":
                continue
            fold = sessions.setdefault(p["session"], len(sessions) % folds)
            seen = before.setdefault(p["session"], [])
            out.append((p["text"], bool(p["is_question"]), fold, tuple(seen[-CONTEXT:])))
            seen.append(p["text"])
    return out


class Counts:
    def __init__(self) -> None:
        self.tp = self.fp = self.fn = 0

    def add(self, predicted: bool, label: bool) -> None:
        if predicted and label:
            self.tp += 1
        elif predicted:
            self.fp += 1
        elif label:
            self.fn += 1

    @property
    def f1(self) -> float:
        return 2 * self.tp / (2 * self.tp + self.fp + self.fn) if self.tp else 0.0


def context_features(own: Cues, previous: tuple[str, ...]) -> list[str]:
    """How the previous lines end and open, and how that meets this line's own shape."""
    own_shape = next(f for f in feature_strings(own) if f.startswith("x:"))
    out: list[str] = []
    for j, text in enumerate(reversed(previous)):
        cues = read_cues(clean(text))
        words = [w for w in cues.words if w[0] not in "?!"]
        end = "q" if ends_with_question_mark(text) else "n"
        shape = next(f for f in feature_strings(cues) if f.startswith("x:"))
        out += [f"p{j}:end{end}", f"p{j}:{shape}", f"p{j}:len{min(len(words), 5)}"]
        if words:
            out.append(f"p{j}:f:{words[0]}")
        if j == 0:
            out.append(f"p0:{end}+{own_shape}")
    return out


def matrix(cues: list[Cues], previous: list[tuple[str, ...]] | None) -> sparse.csr_matrix:
    indptr, indices = [0], []
    for i, c in enumerate(cues):
        idx = set(feature_indices(c))
        if previous is not None:
            idx.update(hash_feature(f) for f in context_features(c, previous[i]))
        indices.extend(idx)
        indptr.append(len(indices))
    data = np.ones(len(indices), dtype=np.float32)
    return sparse.csr_matrix(
        (data, np.array(indices), np.array(indptr)), shape=(len(indptr) - 1, DIM)
    )


def with_rules(cues: Cues, score: float, limit: float) -> bool:
    verdict = decide(cues, score, limit)
    return verdict.kind in NEEDS_REPLY and verdict.score >= limit


def with_ngrams(
    x: sparse.csr_matrix, texts: list[str], train: np.ndarray, test: np.ndarray
) -> tuple[sparse.csr_matrix, sparse.csr_matrix]:
    """The hashed features plus tf-idf word 1-3-grams and character 2-5-grams,
    fitted on the training folds only."""
    words = TfidfVectorizer(
        ngram_range=(1, 3),
        min_df=2,
        sublinear_tf=True,
        lowercase=False,
        token_pattern=r"[\w']+|[?.,!-]",
    )
    chars = TfidfVectorizer(
        analyzer="char_wb", ngram_range=(2, 5), min_df=3, sublinear_tf=True, lowercase=False
    )
    tr = [texts[i] for i in train]
    te = [texts[i] for i in test]
    fitted = sparse.hstack([x[train], words.fit_transform(tr), chars.fit_transform(tr)])
    scored = sparse.hstack([x[test], words.transform(te), chars.transform(te)])
    return fitted.tocsr(), scored.tocsr()


def measure(
    lines: list[Line], folds: int, c: float, context: bool, ngrams: bool
) -> dict[str, object]:
    cues = [read_cues(clean(line[0])) for line in lines]
    x = matrix(cues, [line[3] for line in lines] if context else None)
    labels = np.array([line[1] for line in lines])
    fold_of = np.array([line[2] for line in lines])
    shipped = LinearModel.load()
    ruled = {t: Counts() for t in THRESHOLDS}
    bare = {t: Counts() for t in THRESHOLDS}
    ship = Counts()
    ship_per_fold: list[float] = []
    for k in range(folds):
        train, test = np.flatnonzero(fold_of != k), np.flatnonzero(fold_of == k)
        clf = LogisticRegression(C=c, max_iter=3000, solver="liblinear")
        if ngrams:
            x_train, x_test = with_ngrams(x, [line[0] for line in lines], train, test)
        else:
            x_train, x_test = x[train], x[test]
        clf.fit(x_train, labels[train])
        proba = clf.predict_proba(x_test)[:, 1]
        fold_ship = Counts()
        for i, p in zip(test.tolist(), proba.tolist(), strict=True):
            label = bool(labels[i])
            for t in THRESHOLDS:
                ruled[t].add(with_rules(cues[i], p, t), label)
                bare[t].add(p >= t, label)
            s = with_rules(cues[i], shipped.score(feature_indices(cues[i])), DEFAULT_THRESHOLD)
            ship.add(s, label)
            fold_ship.add(s, label)
        ship_per_fold.append(round(fold_ship.f1, 4))

    def best(counts: dict[float, Counts]) -> tuple[float, Counts]:
        return max(counts.items(), key=lambda kv: kv[1].f1)

    t_r, best_r = best(ruled)
    t_b, best_b = best(bare)
    row: Callable[[Counts], dict[str, int | float]] = lambda n: {  # noqa: E731
        "tp": n.tp,
        "fp": n.fp,
        "fn": n.fn,
        "f1": round(n.f1, 4),
    }
    return {
        "lines": len(lines),
        "shipped": row(ship),
        "shipped_f1_per_fold": ship_per_fold,
        "in_domain_with_rules": {**row(best_r), "threshold": t_r},
        "in_domain_with_rules_at_0_5": row(ruled[0.5]),
        "in_domain_model_only": {**row(best_b), "threshold": t_b},
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--folds", type=int, default=3)
    ap.add_argument("--c", type=float, default=0.5, help="the shipped model's C")
    ap.add_argument(
        "--context",
        action="store_true",
        help=f"the in-domain model also reads the {CONTEXT} previous lines (how they end and open)",
    )
    ap.add_argument(
        "--ngrams",
        action="store_true",
        help="the in-domain model also reads tf-idf word 1-3-grams and character 2-5-grams",
    )
    ap.add_argument(
        "--no-shape-floor",
        action="store_true",
        help="drop the one rule that is a heuristic, not the issue's definition: a short line "
        "that opens like a question counts as one without '?'",
    )
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args()
    if args.no_shape_floor:
        kinds.SHAPE_FLOOR = 0.0
    started = time.time()
    results = {
        "swda-questions": measure(
            swda_lines(args.data, args.folds), args.folds, args.c, args.context, args.ngrams
        ),
        "nps-chat": measure(
            nps_lines(args.data, args.folds), args.folds, args.c, args.context, args.ngrams
        ),
    }
    rows = []
    for name, r in results.items():
        for label, key in (
            ("shipped (never saw the set)", "shipped"),
            ("in-domain + Presence rules", "in_domain_with_rules"),
            ("in-domain + rules, t=0.5", "in_domain_with_rules_at_0_5"),
            ("in-domain, model only", "in_domain_model_only"),
        ):
            m = r[key]
            assert isinstance(m, dict)
            rows.append({"set": name, "model": label, **m})
    print(table(rows, ["set", "model", "threshold", "tp", "fp", "fn", "f1"]))
    for name, r in results.items():
        print(f"{name}: shipped F1 per fold {r['shipped_f1_per_fold']}")
    path = write_json(
        "detection_ceiling",
        {
            "folds": args.folds,
            "c": args.c,
            "context": args.context,
            "ngrams": args.ngrams,
            "shape_floor": not args.no_shape_floor,
            "seconds": round(time.time() - started, 1),
            **results,
        },
        args.out,
    )
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
