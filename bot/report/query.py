"""The facts the report needs, read from the question rows."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from bot.report.metrics import QuestionFacts
from db.models import Customer, Person, Question

UNASSIGNED = "(unassigned)"


async def question_facts(
    session: AsyncSession,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    customer: str | None = None,
) -> list[QuestionFacts]:
    """Questions asked in [since, until), dismissed ones left out."""
    expert = aliased(Person)
    stmt = (
        select(Question, Customer.name, expert.name, expert.qualified)
        .join(Customer, Customer.id == Question.customer_id, isouter=True)
        .join(expert, expert.id == Question.assignee_id, isouter=True)
        .where(Question.state != "dismissed")
        .order_by(Question.created_at, Question.id)
    )
    if since is not None:
        stmt = stmt.where(Question.created_at >= since)
    if until is not None:
        stmt = stmt.where(Question.created_at < until)
    if customer is not None:
        stmt = stmt.where(Customer.name == customer)
    out = []
    for q, customer_name, expert_name, expert_id in (await session.execute(stmt)).all():
        out.append(
            QuestionFacts(
                id=q.id,
                customer=customer_name or "(no customer)",
                expert=expert_name or expert_id or UNASSIGNED,
                asked_at=q.created_at,
                state=q.state,
                first_response_s=q.ttfr_s,
                resolution_s=q.ttr_s,
                breaches=q.breaches,
                late=q.breach_late,
            )
        )
    return out
