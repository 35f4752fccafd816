"""Sets of lines labelled Q (needs a reply), N (needs none), R (a reply after an
answer that resolves) or O (one that does not), one ``label|text`` per line."""

from __future__ import annotations

from pathlib import Path

from bot.detection import Detector


def read_labelled(path: Path) -> list[tuple[str, str]]:
    """(label, text) per non-empty line; ``\\n`` in the text is a newline."""
    out: list[tuple[str, str]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            label, text = line.split("|", 1)
            out.append((label, text.replace("\\n", "\n")))
    return out


def judged_right(det: Detector, label: str, text: str) -> bool:
    d = det.detect(text)
    if label == "Q":
        return d.is_question and d.kind in ("question", "problem", "request")
    if label == "N":
        return not d.is_question
    return d.resolves == (label == "R")
