"""Ingest: the core's EventSink. Events are stored in batches, one transaction per
batch, and each caller learns the fate of its event only once it is committed.

The queue in front is bounded: when storage falls behind, `receive` waits, and the
adapter's ack waits with it, so a burst pushes back on the platform instead of
piling up in memory."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import Clock
from bot.events import Event
from bot.tasks import cancel_and_wait
from db.inbox import store_events

log = logging.getLogger(__name__)

_Item = tuple[Event, asyncio.Future[bool]]


class Ingest:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        clock: Clock,
        *,
        max_pending: int = 1000,
        batch_size: int = 200,
        on_stored: Callable[[], None] = lambda: None,
    ):
        self._sessions = sessions
        self._clock = clock
        self._queue: asyncio.Queue[_Item] = asyncio.Queue(maxsize=max_pending)
        self._batch_size = batch_size
        self._on_stored = on_stored
        self._task: asyncio.Task[None] | None = None
        self.stored = 0
        self.duplicates = 0

    async def receive(self, event: Event) -> bool:
        if self._task is None or self._task.done():
            raise RuntimeError("ingest is not running")
        fut: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        await self._queue.put((event, fut))
        return await fut

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="presence-ingest")

    async def stop(self) -> None:
        """Store what is queued, then stop."""
        await self._queue.join()
        if self._task is not None:
            await cancel_and_wait(self._task)
            self._task = None

    @property
    def queued(self) -> int:
        return self._queue.qsize()

    async def _run(self) -> None:
        while True:
            batch = [await self._queue.get()]
            while len(batch) < self._batch_size and not self._queue.empty():
                batch.append(self._queue.get_nowait())
            try:
                await self._store(batch)
            finally:
                for _ in batch:
                    self._queue.task_done()

    async def _insert(self, events: list[Event]) -> set[str]:
        async with self._sessions.begin() as session:
            return await store_events(session, events, self._clock.now())

    async def _store(self, batch: list[_Item]) -> None:
        live = [(ev, fut) for ev, fut in batch if not fut.cancelled()]
        try:
            new_keys = await self._insert([ev for ev, _ in live])
        except Exception:
            if len(live) > 1:
                # One bad event must not hold back the rest: store them one by one.
                for item in live:
                    await self._store([item])
                return
            log.exception("could not store event %s; it is not acked", live[0][0].event_key)
            exc = RuntimeError("event could not be stored")
            for _, fut in live:
                if not fut.done():
                    fut.set_exception(exc)
            return
        claimed: set[str] = set()
        for ev, fut in live:
            # The first caller of a key in this batch owns it; later ones are redeliveries.
            is_new = ev.event_key in new_keys and ev.event_key not in claimed
            claimed.add(ev.event_key)
            self.stored += is_new
            self.duplicates += not is_new
            if not fut.done():
                fut.set_result(is_new)
        if new_keys:
            self._on_stored()
