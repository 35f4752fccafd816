"""Question metrics of a customer, as the export's CSV shows them. Computed from
row counts and timestamps only, so forgetting and retention leave them unchanged."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Customer, Question

QUESTION_COLUMNS = [
    "question_message_id",
    "channel",
    "created_at",
    "state",
    "kind",
    "topic",
    "priority",
    "assignee",
    "first_response_due",
    "first_response_at",
    "first_response_seconds",
    "resolved_at",
    "resolution_seconds",
    "breached",
]
SUMMARY_COLUMNS = [
    "customer",
    "questions",
    "answered",
    "resolved",
    "breached",
    "median_first_response_seconds",
    "p90_first_response_seconds",
]


def seconds(start: datetime | None, end: datetime | None) -> float | None:
    if start is None or end is None:
        return None
    return round((end - start).total_seconds(), 3)


@dataclass
class CustomerMetrics:
    customer: str
    questions: int = 0
    answered: int = 0
    resolved: int = 0
    breached: int = 0
    first_responses: list[float] = field(default_factory=list)

    def add(self, q: Question) -> None:
        self.questions += 1
        first = seconds(q.created_at, q.first_response_at)
        if first is not None:
            self.answered += 1
            self.first_responses.append(first)
        self.resolved += q.resolved_at is not None
        self.breached += q.breached_at is not None

    @property
    def median_first_response(self) -> float | None:
        return statistics.median(self.first_responses) if self.first_responses else None

    @property
    def p90_first_response(self) -> float | None:
        if len(self.first_responses) < 2:
            return self.median_first_response
        return statistics.quantiles(self.first_responses, n=10, method="inclusive")[-1]

    def row(self) -> list[Any]:
        return [
            self.customer,
            self.questions,
            self.answered,
            self.resolved,
            self.breached,
            _num(self.median_first_response),
            _num(self.p90_first_response),
        ]


def _num(v: float | None) -> str:
    return "" if v is None else f"{v:.3f}"


async def customer_metrics(
    session: AsyncSession, customer: str, since: datetime | None = None
) -> CustomerMetrics:
    """The question count and response times of one customer (the `stats` figures)."""
    out = CustomerMetrics(customer)
    stmt = select(Question).join(Customer, Customer.id == Question.customer_id)
    stmt = stmt.where(Customer.name == customer).order_by(Question.id)
    if since is not None:
        stmt = stmt.where(Question.created_at >= since)
    for q in (await session.scalars(stmt)).all():
        out.add(q)
    return out
