"""The customer loop's periodic work: poll the Statuspage summary, and post the
digests when their schedule comes round. One small task; `tick()` does one
round and is what tests call. Nothing here crashes the loop: a bad or unreachable
URL is logged once (and again only when the error changes), then retried."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable
from typing import Any

import aiohttp
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.board.statuspage import parse_summary
from bot.clock import Clock
from bot.context import Context
from bot.services import Services
from bot.tasks import RoundLoop
from db.dialect import locks_rows
from handlers import digests, status

log = logging.getLogger(__name__)
MAX_SUMMARY_BYTES = 2_000_000
# How often the loop wakes to see whether a digest is due; polling has its own interval.
DIGEST_CHECK_SECONDS = 60.0
# Several workers run this loop against one PostgreSQL: one applies a round at a
# time (a transaction-scoped advisory lock), the others skip it.
ADVISORY_KEY = 0x7072_6C70  # "prlp"


class LoopTasks:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        services: Services,
        clock: Clock,
        *,
        on_said: Callable[[], None] = lambda: None,
        timeout: float = 10.0,
    ):
        self._sessions = sessions
        self._services = services
        self._clock = clock
        self._on_said = on_said
        self._timeout = timeout
        cfg = services.config.loop
        self.url = cfg.status.statuspage_url
        self._interval = cfg.status.poll_interval.total_seconds()
        self._loop = RoundLoop("presence-customer-loop", self._round, self._idle, log=log)
        self._http: aiohttp.ClientSession | None = None
        self._lock = asyncio.Lock()
        self._last_error: str | None = None
        self._last_poll = 0.0
        self.polls = 0
        self.poll_errors = 0

    def start(self) -> None:
        self._loop.start()

    async def stop(self) -> None:
        # Between rounds, never mid-transaction (bot/tasks.py RoundLoop).
        await self._loop.stop()
        if self._http is not None:
            await self._http.close()
            self._http = None

    def wake(self) -> None:
        self._loop.wake()

    @property
    def running(self) -> bool:
        return self._loop._task is not None and not self._loop._task.done()

    async def _round(self) -> bool:
        now = asyncio.get_running_loop().time()
        due_poll = self.url is not None and now - self._last_poll >= self._interval
        await self.tick(poll=due_poll)
        return False  # never busy: sleep until the next poll or digest check

    async def _idle(self) -> float:
        wait = DIGEST_CHECK_SECONDS
        if self.url is not None:
            since = asyncio.get_running_loop().time() - self._last_poll
            wait = min(wait, max(1.0, self._interval - since))
        return wait

    async def tick(self, *, poll: bool = True) -> None:
        async with self._lock:
            if poll and self.url is not None:
                self._last_poll = asyncio.get_running_loop().time()
                await self.poll_once()
            digests_cfg = self._services.config.loop.digests
            if digests_cfg.customer_weekly is not None or digests_cfg.staff_daily is not None:
                await self.digests_once()

    async def poll_once(self) -> int:
        """Fetch and apply the summary; returns the changes made (-1 on failure)."""
        assert self.url is not None
        try:
            data = await self._fetch(self.url)
            summary = parse_summary(data)
        except Exception as e:  # any failure of the page is the page's, not ours
            self.poll_errors += 1
            self._report(f"{type(e).__name__}: {e}"[:300])
            return -1
        if self._last_error is not None:
            log.info("status: %s is readable again", self.url)
            self._last_error = None
        self.polls += 1
        changes = await self._in_unit(lambda ctx: status.apply_summary(ctx, summary))
        return int(changes)

    async def digests_once(self) -> int:
        return int(await self._in_unit(digests.post_due))

    async def _in_unit(self, work: Callable[[Context], Any]) -> Any:
        async with self._sessions.begin() as session:
            if locks_rows(session):
                got = await session.scalar(
                    text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": ADVISORY_KEY}
                )
                if not got:
                    return 0  # another worker is doing this round
            ctx = Context(session=session, services=self._services, now=self._clock.now())
            result = await work(ctx)
            said = ctx.said
        if said:
            self._on_said()
        return result

    async def _fetch(self, url: str) -> Any:
        if self._http is None:
            self._http = aiohttp.ClientSession(
                timeout=aiohttp.ClientTimeout(total=self._timeout),
                headers={"Accept": "application/json", "User-Agent": "presence-status-poller"},
            )
        async with self._http.get(url) as resp:
            if resp.status != 200:
                raise ValueError(f"HTTP {resp.status}")
            body = bytearray()
            # read(n) may stop at a chunk boundary: gather chunks, capped.
            async for chunk in resp.content.iter_chunked(65536):
                body.extend(chunk)
                if len(body) > MAX_SUMMARY_BYTES:
                    raise ValueError("summary larger than 2 MB")
            return json.loads(body)

    def _report(self, error: str) -> None:
        if error != self._last_error:
            log.warning("status: cannot read %s (%s); retrying every poll", self.url, error)
        else:
            log.debug("status: still cannot read %s (%s)", self.url, error)
        self._last_error = error
