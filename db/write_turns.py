"""SQLite writers of one process take turns on an asyncio lock before SQLite's own.

Every SQLite transaction here begins with BEGIN IMMEDIATE, so a transaction that
finds the write lock taken waits in SQLite's busy handler, which sleeps in steps
of up to 100 ms and retries. Under a burst the ingest (whose commit is what the
platform's ack waits for) lost that race again and again to the processor's
batches: acks took 0.7 s at the median and 2-3 s at p99 (Slack gives up at 3 s).
An asyncio lock hands the turn over the moment the holder ends its transaction,
in arrival order. Other processes (the CLI, a second worker) still meet SQLite's
lock and busy timeout, as before.

The turn is taken in the engine's "begin" event, inside SQLAlchemy's greenlet, and
given back when the transaction commits or rolls back, or when its connection
goes back to the pool, is invalidated or closed (a cancelled task's connection is
reset on its way back), so no path keeps it."""

from __future__ import annotations

import asyncio
import weakref
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.util import await_

_KEY = "presence_write_turn"


class WriteTurns:
    def __init__(self, wait: float = 60.0) -> None:
        # One lock per event loop: tests and the CLI may run several loops in turn.
        self._locks: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = (
            weakref.WeakKeyDictionary()
        )
        self._wait = wait

    def take(self, info: dict[Any, Any]) -> None:
        """Wait for this process's turn to write (called from the "begin" event)."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return  # no loop (migrations in a thread): SQLite's lock alone
        lock = self._locks.get(loop)
        if lock is None:
            lock = self._locks[loop] = asyncio.Lock()
        if info.get(_KEY) is lock:
            return  # a second transaction on a connection that still holds the turn
        try:
            await_(_acquire(lock, self._wait))
        except TimeoutError:
            # A turn that never came (a caller holding two connections at once)
            # falls back to SQLite's busy timeout, which reports it as an error.
            return
        info[_KEY] = lock

    @staticmethod
    def give_back(info: dict[Any, Any]) -> None:
        lock = info.pop(_KEY, None)
        if lock is not None and lock.locked():
            lock.release()


async def _acquire(lock: asyncio.Lock, wait: float) -> None:
    async with asyncio.timeout(wait):
        await lock.acquire()


def install(engine: AsyncEngine, begin_sql: str) -> WriteTurns:
    """Take a turn, then run `begin_sql`, at the start of every transaction."""
    turns = WriteTurns()
    sync = engine.sync_engine

    @event.listens_for(sync, "begin")
    def _on_begin(conn: Any) -> None:
        turns.take(conn.connection.info)
        conn.exec_driver_sql(begin_sql)

    @event.listens_for(sync, "commit")
    @event.listens_for(sync, "rollback")
    def _on_end(conn: Any) -> None:
        turns.give_back(conn.connection.info)

    @event.listens_for(sync, "checkin")
    @event.listens_for(sync, "close")
    def _on_pool(_dbapi: Any, record: Any) -> None:
        if record is not None:
            turns.give_back(record.info)

    @event.listens_for(sync, "reset")
    def _on_reset(_dbapi: Any, record: Any, _state: Any) -> None:
        turns.give_back(record.info)

    @event.listens_for(sync, "invalidate")
    def _on_invalidate(_dbapi: Any, record: Any, _exc: Any) -> None:
        turns.give_back(record.info)

    return turns
