"""A running worker's caches of message text follow forgets and retention purges.

The routing history (which past questions look like a new one, quoted as
"similar, answered before" in the expert's DM) and the live conversation
groupers are built from the archive and kept in memory. An erasure made by the
CLI (`presence forget`) or by another worker's retention sweep changes the
archive only, so each erasure bumps the data-rights epoch in its own transaction
(db/data_rights/epoch.py) and the worker, once per transaction it handles events
in, compares it with the epoch its caches were built under. When it moved:

- the history is emptied and the groupers dropped at once, so the very next
  question is routed and grouped without the erased words;
- the history is rebuilt from the database (where the text is gone) in the
  background: rows read through a read-only engine outside the handler's
  transaction (on SQLite that transaction holds the write lock), the index built
  in a thread (200,000 questions take seconds of CPU), then swapped in. Until
  then routing works without "similar past questions" and past activity."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.context import Context
from bot.routing.history import DAY, ResolvedHistory
from db.data_rights.epoch import current_epoch
from db.data_rights.reader import read_engine
from db.engine import make_sessionmaker
from db.models import Person, Question

log = logging.getLogger(__name__)

_CHECKED = "presence.data_rights_epoch_checked"
# The epoch each history was last built under (keyed by the object: tests run
# several Apps in one process).
_SEEN: WeakKeyDictionary[ResolvedHistory, str] = WeakKeyDictionary()
_REBUILDS: set[asyncio.Task[None]] = set()
# Imported while the app starts, before it loads the caches (handlers.grouping
# imports this module). Erasures write wall-clock times, as this is.
_IMPORTED = datetime.now(UTC)


async def sync_caches(ctx: Context) -> None:
    """Drop the caches if an erasure happened since they were built, and rebuild the
    history in the background. One indexed read per transaction (a processor
    batch); nothing more after that."""
    info = ctx.session.info
    if info.get(_CHECKED):
        return
    info[_CHECKED] = True
    history = ctx.services.history
    epoch, at = await current_epoch(ctx.session)
    seen = _SEEN.get(history)
    if seen is None:
        # First look since the start, which built the caches from the archive after
        # this module was imported: only an erasure since then can be missing.
        seen = "" if at is not None and at > _IMPORTED else epoch
    if seen == epoch:
        _SEEN[history] = epoch
        return
    _SEEN[history] = epoch
    _refill(history, _empty_like(history))
    groupers = ctx.services.groupers
    if groupers is not None:
        groupers.clear()
    url = ctx.session.get_bind().engine.url.render_as_string(hide_password=False)
    task = asyncio.create_task(_rebuild(url, history, epoch), name="data-rights-rebuild")
    _REBUILDS.add(task)
    task.add_done_callback(_REBUILDS.discard)


async def rebuilds_done() -> None:
    """Until the background rebuilds started so far are done (tests, shutdown)."""
    if _REBUILDS:
        await asyncio.wait(list(_REBUILDS))


def _empty_like(history: ResolvedHistory) -> ResolvedHistory:
    return ResolvedHistory(
        max_items=history.max_items,
        half_life_days=history.half_life / DAY,
        scan_per_word=history.scan_per_word,
    )


def _refill(history: ResolvedHistory, fresh: ResolvedHistory) -> None:
    # Services hands the same history object to every loop: its state is replaced
    # in place, in one step between two awaits, so no reader sees it half built.
    vars(history).clear()
    vars(history).update(vars(fresh))


async def _rebuild(url: str, history: ResolvedHistory, epoch: str) -> None:
    try:
        engine = read_engine(url)
        try:
            sessions = make_sessionmaker(engine)
            async with sessions() as session:
                rows = await resolved_rows(session, history.max_items)
            fresh = await asyncio.to_thread(_build, _empty_like(history), rows)
            # Questions resolved while it was built: read again, just before the swap.
            newest = max((r.resolved_at for r in rows), default=None)
            seen = {r.id for r in rows}
            async with sessions() as session:
                late = await resolved_rows(session, history.max_items, since=newest)
        finally:
            await engine.dispose()
    except Exception:
        log.exception("data rights: could not rebuild the routing history; it stays empty")
        return
    if _SEEN.get(history) != epoch:
        return  # a newer erasure came meanwhile; its own rebuild will swap in
    _build(fresh, [r for r in late if r.id not in seen])
    _refill(history, fresh)
    log.info("data rights: routing history rebuilt after an erasure (%d questions)", len(fresh))


async def resolved_rows(
    session: AsyncSession, limit: int, *, since: datetime | None = None
) -> Sequence[Any]:
    """The newest `limit` resolved questions (newest first), as App.start loads them."""
    stmt = (
        select(
            Question.id, Question.summary, Question.topic, Question.resolved_at, Person.qualified
        )
        .join(Person, Person.id == Question.assignee_id, isouter=True)
        .where(Question.state == "resolved", Question.resolved_at.is_not(None))
        .order_by(Question.resolved_at.desc())
        .limit(limit)
    )
    if since is not None:
        stmt = stmt.where(Question.resolved_at >= since)
    return (await session.execute(stmt)).all()


def _build(fresh: ResolvedHistory, rows: Sequence[Any]) -> ResolvedHistory:
    for qid, summary, topic, resolved_at, who in reversed(rows):
        if resolved_at is not None:
            fresh.add(
                summary, [topic] if topic else [], [who] if who else [], resolved_at, str(qid)
            )
    return fresh
