"""`stats [customer|expert] [period]`: questions, first response and resolution
(median and p90, wall-clock), breaches and CSAT, overall or per group."""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import select

from bot.durations import format_duration
from db.models import CsatRating, Customer, Person, Question
from handlers.commands.caller import Call, handles

DEFAULT_PERIOD = timedelta(days=30)


@dataclass
class Tally:
    questions: int = 0
    first: list[float] = field(default_factory=list)
    resolution: list[float] = field(default_factory=list)
    breaches: int = 0
    scores: list[int] = field(default_factory=list)


def percentile(values: Sequence[float], p: float) -> float | None:
    """Nearest-rank percentile; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


def _span(values: Sequence[float]) -> str:
    med, p90 = percentile(values, 50), percentile(values, 90)
    if med is None or p90 is None:
        return "-"
    return (
        f"{format_duration(timedelta(seconds=med))} / p90 {format_duration(timedelta(seconds=p90))}"
    )


def render(name: str, t: Tally) -> str:
    csat = f"{sum(t.scores) / len(t.scores):.1f}/5 ({len(t.scores)})" if t.scores else "-"
    return (
        f"{name}: {t.questions} questions · first response {_span(t.first)} · "
        f"resolution {_span(t.resolution)} · breaches {t.breaches} · CSAT {csat}"
    )


@handles("stats")
async def stats(call: Call) -> str:
    period: timedelta = call.args.get("period") or DEFAULT_PERIOD
    by: str | None = call.args.get("by")
    since = call.ctx.now - period
    session = call.ctx.session
    rows = (await session.scalars(select(Question).where(Question.created_at >= since))).all()
    ratings = (
        await session.execute(
            select(CsatRating.question_id, CsatRating.score).where(
                CsatRating.score.is_not(None), CsatRating.offered_at >= since
            )
        )
    ).all()
    score_of = {qid: score for qid, score in ratings if score is not None}
    names: dict[int | None, str] = {None: "unassigned" if by == "expert" else "no customer"}
    if by == "customer":
        for c in (await session.scalars(select(Customer))).all():
            names[c.id] = c.name
    elif by == "expert":
        ids = {q.assignee_id for q in rows if q.assignee_id is not None}
        if ids:
            for p in (await session.scalars(select(Person).where(Person.id.in_(ids)))).all():
                names[p.id] = p.name or p.qualified
    groups: dict[str, Tally] = defaultdict(Tally)
    for q in rows:
        key = "all"
        if by == "customer":
            key = names.get(q.customer_id, "?")
        elif by == "expert":
            key = names.get(q.assignee_id, "?")
        t = groups[key]
        t.questions += 1
        if q.first_response_at is not None:
            t.first.append((q.first_response_at - q.created_at).total_seconds())
        if q.resolved_at is not None and q.state == "resolved":
            t.resolution.append((q.resolved_at - q.created_at).total_seconds())
        if q.breached_at is not None:
            t.breaches += 1
        if q.id in score_of:
            t.scores.append(score_of[q.id])
    head = f"*Last {format_duration(period)}*" + (f" by {by}" if by else "")
    if not groups:
        return f"{head}: no questions."
    body = [render(name, groups[name]) for name in sorted(groups)]
    return "\n".join([head, *body[:30]])
