"""Handles stored events, once each.

A batch of pending inbox rows is claimed in one transaction (FOR UPDATE SKIP
LOCKED on PostgreSQL); each event's handling runs in a savepoint together with
marking its row done, so an event's effects and its "handled" mark commit or
vanish together. A crash before the commit leaves the rows pending: the next
start handles them, once."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import Clock
from bot.context import CollectingContext
from bot.dispatcher import Dispatcher
from bot.events import from_dict
from bot.services import Services
from bot.tasks import RoundLoop
from db.dialect import locks_rows
from db.inbox import claim_pending, mark_done
from db.models import InboxEvent

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5


# Small batches: everything a batch says waits for its commit, so a large batch
# delays the first expert DM by the handling time of the whole batch.
class Processor:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        dispatcher: Dispatcher,
        services: Services,
        clock: Clock,
        *,
        batch_size: int = 16,
        poll_interval: float = 1.0,
        on_said: Callable[[], None] = lambda: None,
        before_batch: Callable[[AsyncSession], Awaitable[None]] | None = None,
    ):
        self._sessions = sessions
        self._dispatcher = dispatcher
        self._services = services
        self._clock = clock
        self._batch_size = batch_size
        # A full batch means a backlog: take up to four times as many next round, so
        # the per-batch statements (claim, checks, mark, commit) are paid less often
        # in a burst, while a quiet stream keeps small, quickly committed batches.
        # PostgreSQL only: on SQLite a longer batch holds the one write lock, and the
        # outbox sender (whose busy wait polls) got no turn until the burst was over,
        # so the first expert DM waited for the last question.
        self._max_batch = batch_size * 4
        self._next_batch = batch_size
        self._poll = poll_interval
        self._on_said = on_said
        # Runs first in each batch's transaction: the app reloads chat config changes
        # there (one indexed read when nothing changed).
        self._before_batch = before_batch
        self._loop = RoundLoop("processor", self.process_batch, self._idle, log=log)
        self.handled = 0
        self.failures = 0

    def wake(self) -> None:
        self._loop.wake()

    def start(self) -> None:
        self._loop.start()

    async def stop(self) -> None:
        await self._loop.stop()

    async def _idle(self) -> float:
        return self._poll

    async def process_batch(self) -> bool:
        said = 0
        async with self._sessions.begin() as session:
            if self._before_batch is not None:
                await self._before_batch(session)
            rows = await claim_pending(session, self._next_batch)
            if len(rows) == self._next_batch and locks_rows(session):
                self._next_batch = min(self._max_batch, self._next_batch * 2)
            else:
                self._next_batch = self._batch_size
            handled: list[tuple[int, datetime]] = []
            for row in rows:
                said += await self._handle(session, row, handled)
            # One statement marks the batch's handled rows done, before the commit
            # that carries their effects.
            await mark_done(session, handled)
        if said:
            self._on_said()
        return bool(rows)

    async def _handle(
        self, session: AsyncSession, row: InboxEvent, handled: list[tuple[int, datetime]]
    ) -> int:
        now = self._clock.now()
        row_id, key, attempts = row.id, row.event_key, row.attempts
        ctx = CollectingContext(session=session, services=self._services, now=now)
        try:
            async with session.begin_nested():
                event = from_dict(row.payload)
                await self._dispatcher.dispatch(event, ctx)
                await ctx.flush_said()
            handled.append((row_id, now))
            self.handled += 1
            return ctx.said
        except Exception as e:
            # The savepoint's rollback expired `row`; write through a statement
            # rather than touching its attributes (which would need lazy IO).
            self.failures += 1
            attempts += 1
            parked = attempts >= MAX_ATTEMPTS
            await session.execute(
                update(InboxEvent)
                .where(InboxEvent.id == row_id)
                .values(
                    attempts=attempts,
                    error=f"{type(e).__name__}: {e}"[:1000],
                    status="failed" if parked else "pending",
                )
            )
            if parked:
                log.exception("processor: event %s failed %d times; parked", key, attempts)
            else:
                log.exception("processor: event %s failed; will retry", key)
            return 0
