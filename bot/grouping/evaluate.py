"""Scoring a grouper (and the "reply to the previous message" baseline) on
irc-disentanglement streams the shipped model was not trained on."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from bot.grouping.data import Stream
from bot.grouping.grouper import Grouper
from bot.grouping.metrics import Scores

Predictor = Callable[[Stream], dict[int, int]]


def predict_with(make: Callable[[], Grouper]) -> Predictor:
    """Run a fresh grouper over every line of a stream, as `presence group` does."""

    def run(stream: Stream) -> dict[int, int]:
        g = make()
        return {ln.idx: int(g.add(ln.message())) for ln in stream.lines}

    return run


def previous_message(stream: Stream) -> dict[int, int]:
    """Baseline of Kummerfeld et al.: every message replies to the previous
    message; system lines (joins, parts) and the first message stand alone."""
    out: dict[int, int] = {}
    prev: int | None = None
    for ln in stream.lines:
        if ln.user is None:
            out[ln.idx] = ln.idx
            continue
        out[ln.idx] = ln.idx if prev is None else prev
        prev = ln.idx
    return out


@dataclass(slots=True)
class Report:
    per_channel: dict[str, Scores]
    overall: Scores
    seconds: float
    lines: int


def evaluate(streams: Sequence[Stream], predict: Predictor) -> Report:
    per: dict[str, Scores] = {}
    overall = Scores()
    started = time.perf_counter()
    lines = 0
    for s in streams:
        pred = predict(s)
        lines += len(s.lines)
        gold_p = {ln.idx: ln.parents for ln in s.lines if ln.parents is not None}
        gold_c = {ln.idx: ln.conv for ln in s.lines if ln.parents is not None}
        for sc in (per.setdefault(s.channel, Scores()), overall):
            sc.add_stream(s.id, pred, gold_p, gold_c)
    return Report(per, overall, time.perf_counter() - started, lines)
