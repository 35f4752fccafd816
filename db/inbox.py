"""The inbox: every received event under its key, stored before it is acked."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import cast

from sqlalchemy import Table, bindparam, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.events import Event, to_dict
from db.dialect import insert_ignoring_conflicts, locks_rows
from db.models import InboxEvent


async def store_events(session: AsyncSession, events: Sequence[Event], now: datetime) -> set[str]:
    """Insert events whose keys are new; return the keys that were new.

    Redeliveries (a key already stored, or twice in this batch) are ignored by the
    database's unique index, so concurrent workers cannot both store one key."""
    rows: dict[str, dict[str, object]] = {}
    for ev in events:
        rows.setdefault(
            ev.event_key,
            {
                "event_key": ev.event_key,
                "kind": ev.kind,
                "payload": to_dict(ev),
                "status": "pending",
                "attempts": 0,
                "received_at": now,
            },
        )
    if not rows:
        return set()
    stmt = insert_ignoring_conflicts(session, InboxEvent).returning(InboxEvent.event_key)
    result = await session.execute(stmt, list(rows.values()))
    return {key for (key,) in result.all()}


async def claim_pending(session: AsyncSession, limit: int) -> Sequence[InboxEvent]:
    stmt = (
        select(InboxEvent)
        .where(InboxEvent.status == "pending")
        .order_by(InboxEvent.id)
        .limit(limit)
    )
    if locks_rows(session):
        stmt = stmt.with_for_update(skip_locked=True)
    return (await session.scalars(stmt)).all()


async def pending_count(session: AsyncSession) -> int:
    stmt = select(func.count()).select_from(InboxEvent).where(InboxEvent.status == "pending")
    return int((await session.scalar(stmt)) or 0)


async def mark_done(session: AsyncSession, handled: Sequence[tuple[int, datetime]]) -> None:
    """Mark a batch's handled rows done in one statement, in the transaction that
    holds their effects: effects and marks still commit (or vanish) together."""
    if not handled:
        return
    table = cast(Table, InboxEvent.__table__)  # Core: no identity-map work per row
    stmt = (
        update(table)
        .where(table.c.id == bindparam("row_id"))
        .values(status="done", handled_at=bindparam("at"), error=None)
    )
    await session.execute(stmt, [{"row_id": i, "at": at} for i, at in handled])
