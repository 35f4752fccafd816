"""A running worker's caches of message text follow forgets and retention purges.

The routing history (which past questions look like a new one, quoted as
"similar, answered before" in the expert's DM) and the live conversation
groupers are built from the archive and kept in memory. An erasure made by the
CLI (`presence forget`) or by another worker's retention sweep changes the
archive only, so each erasure bumps the data-rights epoch in its own transaction
(db/data_rights/epoch.py) and the worker, once per transaction it handles events
in, compares it with the epoch its caches were built under; when it moved, the
history is rebuilt from the database (where the text is gone) and the groupers
start over from the scrubbed archive."""

from __future__ import annotations

import logging
from weakref import WeakKeyDictionary

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.context import Context
from bot.routing.history import DAY, ResolvedHistory
from db.data_rights.epoch import current_epoch
from db.models import Person, Question

log = logging.getLogger(__name__)

_CHECKED = "presence.data_rights_epoch_checked"
# The epoch each history was last built under (keyed by the object: tests run
# several Apps in one process).
_SEEN: WeakKeyDictionary[ResolvedHistory, str] = WeakKeyDictionary()


async def sync_caches(ctx: Context) -> None:
    """Rebuild the caches if an erasure happened since they were built. Costs one
    indexed read per transaction (a processor batch), nothing more after that."""
    info = ctx.session.info
    if info.get(_CHECKED):
        return
    info[_CHECKED] = True
    history = ctx.services.history
    epoch = await current_epoch(ctx.session)
    seen = _SEEN.get(history)
    if seen is None:
        # First look since the start, which built the caches from the archive.
        _SEEN[history] = epoch
        return
    if seen == epoch:
        return
    fresh = await load_history(ctx.session, like=history)
    # Services hands the same history object to every loop: refill it in place,
    # in one step between two awaits, so no reader sees it half built.
    vars(history).clear()
    vars(history).update(vars(fresh))
    _SEEN[history] = epoch
    groupers = ctx.services.groupers
    if groupers is not None:
        groupers.clear()
    log.info("data rights: caches rebuilt after an erasure (%d resolved questions)", len(history))


async def load_history(session: AsyncSession, *, like: ResolvedHistory) -> ResolvedHistory:
    """The resolved questions, newest `max_items`, as App.start loads them."""
    fresh = ResolvedHistory(
        max_items=like.max_items,
        half_life_days=like.half_life / DAY,
        scan_per_word=like.scan_per_word,
    )
    rows = (
        await session.execute(
            select(
                Question.id,
                Question.summary,
                Question.topic,
                Question.resolved_at,
                Person.qualified,
            )
            .join(Person, Person.id == Question.assignee_id, isouter=True)
            .where(Question.state == "resolved", Question.resolved_at.is_not(None))
            .order_by(Question.resolved_at.desc())
            .limit(like.max_items)
        )
    ).all()
    for qid, summary, topic, resolved_at, who in reversed(rows):
        if resolved_at is None:  # filtered above; for the type checker
            continue
        fresh.add(
            summary, [topic] if topic else [], [who] if who else [], resolved_at, ref=str(qid)
        )
    return fresh
