"""The retention sweeper: a small periodic task that purges message text past each
customer's retention limit (config `retention_days`, `[retention] default_days`).
Work is done in batches, one transaction each, so a large first purge never holds
the write lock for long; a restart just carries on."""

from __future__ import annotations

import asyncio
import logging

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.clock import Clock
from bot.config import PresenceConfig
from bot.tasks import RoundLoop
from db.data_rights.retention import PurgeResult, limits, purge_batch, purge_events

log = logging.getLogger(__name__)


class RetentionSweeper:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        config: PresenceConfig,
        clock: Clock,
        *,
        interval: float = 3600.0,
        batch_size: int = 500,
    ):
        self._sessions = sessions
        self._config = config
        self._clock = clock
        self._interval = interval
        self._batch_size = batch_size
        self._loop = RoundLoop("retention", self._round, self._idle, log=log)
        self.purged = 0

    @property
    def enabled(self) -> bool:
        cfg = self._config
        return cfg.retention.default_days is not None or any(
            c.retention_days is not None for c in cfg.customers
        )

    def wake(self) -> None:
        self._loop.wake()

    def start(self) -> None:
        if self.enabled:
            self._loop.start()

    async def stop(self) -> None:
        await self._loop.stop()
        # The worker's other data-rights work (App.stop calls this once): exports
        # started from chat stop at their next batch and tell the admin.
        from handlers.commands.export import stop_exports

        if not await asyncio.to_thread(stop_exports):
            log.warning("an export from chat did not stop in time; its folder stays .partial")

    async def _round(self) -> bool:
        await self.sweep()
        return False  # purged what was due: sleep until the next interval

    async def _idle(self) -> float:
        return self._interval

    async def sweep(self) -> PurgeResult:
        """Purge everything past its limit now; returns what was purged."""
        now = self._clock.now()
        total = PurgeResult()
        async with self._sessions() as session:
            lims = await limits(session, self._config, now)
        for lim in lims:
            while True:
                async with self._sessions.begin() as session:
                    step = await purge_batch(session, lim, size=self._batch_size)
                total.messages += step.messages
                total.edits += step.edits
                total.summaries += step.summaries
                total.copies += step.copies
                if lim.customer and step.messages:
                    total.by_customer[lim.customer] = (
                        total.by_customer.get(lim.customer, 0) + step.messages
                    )
                if step.messages < self._batch_size and step.edits < self._batch_size:
                    break
        async with self._sessions.begin() as session:
            total.events = await purge_events(session, lims)
        if total.messages or total.events:
            log.info(
                "retention: purged the text of %d message(s), %d stored event(s)",
                total.messages,
                total.events,
            )
        self.purged += total.messages
        return total
