"""Response and resolution times in the SLA's own measure (business time of the
policy's calendar, time waiting on the customer left out), summarised as median and
p90 per expert or per customer, with breach counts."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bot.durations import format_duration

GROUPINGS = ("question", "expert", "customer")


@dataclass(frozen=True)
class QuestionFacts:
    id: int
    customer: str
    expert: str
    asked_at: datetime
    state: str
    first_response_s: float | None  # business seconds, pauses excluded
    resolution_s: float | None
    breaches: int
    late: bool  # a breach noticed after downtime


def percentile(values: Sequence[float], p: float) -> float | None:
    """Nearest-rank percentile (a value that occurred); None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


@dataclass(frozen=True)
class Stats:
    questions: int
    answered: int
    resolved: int
    breaches: int
    breached_questions: int
    first_response_median_s: float | None
    first_response_p90_s: float | None
    resolution_median_s: float | None
    resolution_p90_s: float | None


def stats_of(facts: Sequence[QuestionFacts]) -> Stats:
    first = [f.first_response_s for f in facts if f.first_response_s is not None]
    res = [f.resolution_s for f in facts if f.resolution_s is not None]
    return Stats(
        questions=len(facts),
        answered=len(first),
        resolved=len(res),
        breaches=sum(f.breaches for f in facts),
        breached_questions=sum(1 for f in facts if f.breaches),
        first_response_median_s=percentile(first, 50),
        first_response_p90_s=percentile(first, 90),
        resolution_median_s=percentile(res, 50),
        resolution_p90_s=percentile(res, 90),
    )


def _minutes(seconds: float | None) -> float | None:
    return None if seconds is None else round(seconds / 60, 1)


def question_row(f: QuestionFacts) -> dict[str, Any]:
    return {
        "question": f.id,
        "customer": f.customer,
        "expert": f.expert,
        "asked_at": f.asked_at.isoformat(),
        "state": f.state,
        "first_response_min": _minutes(f.first_response_s),
        "resolution_min": _minutes(f.resolution_s),
        "breaches": f.breaches,
        "late": f.late,
    }


def stats_row(name_key: str, name: str, s: Stats) -> dict[str, Any]:
    return {
        name_key: name,
        "questions": s.questions,
        "answered": s.answered,
        "resolved": s.resolved,
        "breaches": s.breaches,
        "breached_questions": s.breached_questions,
        "first_response_median_min": _minutes(s.first_response_median_s),
        "first_response_p90_min": _minutes(s.first_response_p90_s),
        "resolution_median_min": _minutes(s.resolution_median_s),
        "resolution_p90_min": _minutes(s.resolution_p90_s),
    }


def group_rows(facts: Sequence[QuestionFacts], by: str) -> list[dict[str, Any]]:
    """Report rows: one per question, or one per expert/customer (busiest first)."""
    if by == "question":
        return [question_row(f) for f in facts]
    if by not in GROUPINGS:
        raise ValueError(f"cannot group by {by!r}; choose one of {', '.join(GROUPINGS)}")
    key: Callable[[QuestionFacts], str] = (
        (lambda f: f.expert) if by == "expert" else (lambda f: f.customer)
    )
    groups: dict[str, list[QuestionFacts]] = {}
    for f in facts:
        groups.setdefault(key(f), []).append(f)
    ordered = sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    return [stats_row(by, name, stats_of(items)) for name, items in ordered]


def _span(median: float | None, p90: float | None) -> str:
    if median is None or p90 is None:
        return "-"
    return (
        f"{format_duration(timedelta(seconds=median))} "
        f"(p90 {format_duration(timedelta(seconds=p90))})"
    )


def summary_lines(facts: Sequence[QuestionFacts], by: str, limit: int = 10) -> list[str]:
    """Chat-sized lines for the command suite: one per expert or customer, busiest first."""
    if by not in ("expert", "customer"):
        raise ValueError("summary lines are per expert or per customer")
    key: Callable[[QuestionFacts], str] = (
        (lambda f: f.expert) if by == "expert" else (lambda f: f.customer)
    )
    groups: dict[str, list[QuestionFacts]] = {}
    for f in facts:
        groups.setdefault(key(f), []).append(f)
    lines = []
    for name, items in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))[:limit]:
        s = stats_of(items)
        lines.append(
            f"{name}: {s.questions} questions · first response "
            f"{_span(s.first_response_median_s, s.first_response_p90_s)} · resolution "
            f"{_span(s.resolution_median_s, s.resolution_p90_s)} · breaches {s.breaches}"
        )
    return lines
