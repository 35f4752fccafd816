"""The outbox: what Presence will say, written with the change that caused it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.outgoing import Destination, OutgoingMessage, destination_to_dict, message_to_dict
from db.dialect import insert_ignoring_conflicts, locks_rows
from db.models import OutboxMessage


async def enqueue(
    session: AsyncSession,
    *,
    key: str,
    to: Destination,
    msg: OutgoingMessage,
    now: datetime,
    purpose: str,
    question_id: int | None = None,
    op: str = "send",
    target_key: str | None = None,
) -> None:
    """Add a row unless one with this key exists: the key names the message's
    meaning ("q12:dm:slack:U1"), so handling one event twice cannot say it twice."""
    values = outbox_row(
        key=key,
        to=to,
        msg=msg,
        now=now,
        purpose=purpose,
        question_id=question_id,
        op=op,
        target_key=target_key,
    )
    await session.execute(insert_ignoring_conflicts(session, OutboxMessage), [values])


async def enqueue_rows(session: AsyncSession, rows: Sequence[dict[str, Any]]) -> None:
    """Several rows built by `outbox_row` in one statement (the sweeper's batches)."""
    if rows:
        await session.execute(insert_ignoring_conflicts(session, OutboxMessage), list(rows))


def outbox_row(
    *,
    key: str,
    to: Destination,
    msg: OutgoingMessage,
    now: datetime,
    purpose: str,
    question_id: int | None = None,
    op: str = "send",
    target_key: str | None = None,
) -> dict[str, Any]:
    return {
        "key": key,
        "platform": to.platform,
        "op": op,
        "destination": destination_to_dict(to),
        "message": message_to_dict(msg),
        "target_key": target_key,
        "purpose": purpose,
        "question_id": question_id,
        "status": "pending",
        "attempts": 0,
        "next_attempt_at": now,
        "created_at": now,
    }


async def claim_due(
    session: AsyncSession, now: datetime, *, limit: int, lease: timedelta
) -> Sequence[OutboxMessage]:
    """Rows due for a send attempt, marked 'sending' with a lease.

    A row left in 'sending' by a worker that died is taken again once its lease
    runs out; the platform's idempotency key keeps that retry from double-posting."""
    stale = now - lease
    stmt = (
        select(OutboxMessage)
        .where(
            or_(
                (OutboxMessage.status == "pending") & (OutboxMessage.next_attempt_at <= now),
                (OutboxMessage.status == "sending") & (OutboxMessage.claimed_at < stale),
            )
        )
        .order_by(OutboxMessage.id)
        .limit(limit)
    )
    if locks_rows(session):
        stmt = stmt.with_for_update(skip_locked=True)
    rows = (await session.scalars(stmt)).all()
    for row in rows:
        row.status = "sending"
        row.claimed_at = now
        row.attempts += 1
    return rows


async def target_states(
    session: AsyncSession, keys: Sequence[str]
) -> dict[str, tuple[str, dict[str, Any] | None]]:
    """For messages to be edited in place: each target's status and sent ref."""
    if not keys:
        return {}
    stmt = select(OutboxMessage.key, OutboxMessage.status, OutboxMessage.sent_ref).where(
        OutboxMessage.key.in_(keys)
    )
    return {k: (status, ref) for k, status, ref in (await session.execute(stmt)).all()}


async def outbox_platform(session: AsyncSession, key: str) -> str | None:
    platform: str | None = await session.scalar(
        select(OutboxMessage.platform).where(OutboxMessage.key == key)
    )
    return platform


async def release_sending(session: AsyncSession) -> int:
    """At start on a single-writer database: rows a crashed process left mid-send
    go back to pending at once (their idempotency key prevents a double post)."""
    result = await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.status == "sending")
        .values(status="pending", claimed_at=None)
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def next_due(session: AsyncSession) -> datetime | None:
    stmt = select(func.min(OutboxMessage.next_attempt_at)).where(OutboxMessage.status == "pending")
    value: datetime | None = await session.scalar(stmt)
    return value


async def unsent_count(session: AsyncSession) -> int:
    stmt = (
        select(func.count())
        .select_from(OutboxMessage)
        .where(OutboxMessage.status.in_(("pending", "sending")))
    )
    return int((await session.scalar(stmt)) or 0)


async def outbox_busy(session: AsyncSession, now: datetime) -> bool:
    """Is anything being sent, or due to be sent, right now?"""
    stmt = (
        select(OutboxMessage.id)
        .where(
            (OutboxMessage.status == "sending")
            | ((OutboxMessage.status == "pending") & (OutboxMessage.next_attempt_at <= now))
        )
        .limit(1)
    )
    return (await session.scalar(stmt)) is not None
