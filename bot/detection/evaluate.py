"""Precision/recall/F1 of the detector on labelled sets, next to "ends with ?".

nps-chat and swda-questions are read from the shared data folder (never copied
into the repository: non-commercial licences). The multilingual set ships in
tests/data/detection/.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from bot.detection.detector import Detector
from bot.detection.normalize import ends_with_question_mark


@dataclass(frozen=True, slots=True)
class Item:
    text: str
    label: bool
    context: tuple[str, ...] = ()
    group: str = ""


@dataclass(frozen=True, slots=True)
class Scores:
    tp: int
    fp: int
    fn: int
    n: int

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


def score(preds: list[bool], items: list[Item]) -> Scores:
    tp = sum(1 for p, it in zip(preds, items, strict=True) if p and it.label)
    fp = sum(1 for p, it in zip(preds, items, strict=True) if p and not it.label)
    fn = sum(1 for p, it in zip(preds, items, strict=True) if not p and it.label)
    return Scores(tp, fp, fn, len(items))


def nps_chat(data: Path) -> list[Item]:
    """Posts of nps-chat; ``System`` posts (room joins/parts) are left out."""
    items: list[Item] = []
    with (data / "nps-chat" / "posts.jsonl").open() as fh:
        for line in fh:
            p = json.loads(line)
            if p["act"] != "System":
                items.append(Item(p["text"], bool(p["is_question"]), group=p["session"]))
    return items


def swda(data: Path, context: int = 2) -> list[Item]:
    """Utterances of swda-questions with up to ``context`` previous utterances."""
    items: list[Item] = []
    with (data / "swda-questions" / "conversations.jsonl").open() as fh:
        for line in fh:
            conv = json.loads(line)
            texts = [u["text"] for u in conv["utts"]]
            for i, u in enumerate(conv["utts"]):
                ctx = tuple(texts[max(0, i - context) : i]) if context else ()
                items.append(Item(u["text"], bool(u["q"]), ctx, conv["conv"]))
    return items


def jsonl_set(path: Path) -> list[Item]:
    """A set in the repository format: {"text", "is_question", "lang", ...} per line."""
    items: list[Item] = []
    with path.open() as fh:
        for line in fh:
            if line.strip():
                r = json.loads(line)
                items.append(Item(r["text"], bool(r["is_question"]), group=r.get("lang", "")))
    return items


def baseline(items: list[Item]) -> list[bool]:
    return [ends_with_question_mark(it.text) for it in items]


def predict(det: Detector, items: list[Item], use_context: bool = False) -> list[bool]:
    if use_context:
        return [det.detect(it.text, it.context).is_question for it in items]
    return [d.is_question for d in det.detect_many(it.text for it in items)]


def by_group(items: list[Item]) -> Iterator[tuple[str, list[int]]]:
    groups: dict[str, list[int]] = {}
    for i, it in enumerate(items):
        groups.setdefault(it.group, []).append(i)
    yield from sorted(groups.items())
