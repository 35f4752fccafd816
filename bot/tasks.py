"""Small asyncio helpers shared by the long-running loops."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any


async def cancel_and_wait(task: asyncio.Task[Any] | None) -> None:
    if task is None:
        return
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task


class Waker:
    """Wakes a loop early (new work) or lets it sleep until a timeout (polling for
    work other processes created)."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def wake(self) -> None:
        self._event.set()

    async def sleep(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(seconds):
                await self._event.wait()
        self._event.clear()


class RoundLoop:
    """Runs `round` again and again in a background task; sleeps when a round found
    nothing to do, until woken or `idle` seconds pass.

    `stop` lets the current round finish instead of cancelling it: a round cut off
    mid-transaction can leave its connection, and on SQLite the write lock, held
    until garbage collection, and every other writer then waits for the busy
    timeout. Only a round that overruns `grace` is cancelled."""

    def __init__(
        self,
        name: str,
        round_: Callable[[], Awaitable[bool]],
        idle: Callable[[], Awaitable[float]],
        *,
        log: logging.Logger,
    ):
        self._name = name
        self._round = round_
        self._idle = idle
        self._log = log
        self._waker = Waker()
        self._stopping = False
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        if self._task is not None and not self._task.done():
            return  # already running: a second loop would race the first
        self._stopping = False
        self._task = asyncio.create_task(self._run(), name=self._name)

    def wake(self) -> None:
        self._waker.wake()

    async def stop(self, grace: float = 15.0) -> None:
        if self._task is None:
            return
        self._stopping = True
        self._waker.wake()
        try:
            async with asyncio.timeout(grace):
                await asyncio.shield(self._task)
        except TimeoutError:
            self._log.warning("%s: a round overran %.0fs at shutdown; cancelled", self._name, grace)
            await cancel_and_wait(self._task)
        self._task = None

    async def _run(self) -> None:
        while not self._stopping:
            try:
                busy = await self._round()
            except Exception:
                self._log.exception("%s: round failed; retrying shortly", self._name)
                busy = False
            if not busy and not self._stopping:
                await self._waker.sleep(await self._idle())
