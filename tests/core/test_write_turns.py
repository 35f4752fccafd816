"""Writers of one process take turns: a store queued behind a long batch gets the
write lock as soon as the batch ends, in arrival order, and nothing a writer does
(fail, be cancelled) keeps the turn from the next one."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.engine import make_engine, make_sessionmaker
from db.migrate import upgrade_async
from db.models import Customer


@pytest.fixture
async def sqlite_sessions(tmp_path: Path) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'turns.db'}"
    await upgrade_async(url)
    engine = make_engine(url)
    try:
        yield make_sessionmaker(engine)
    finally:
        await engine.dispose()


async def _add(sessions: async_sessionmaker[AsyncSession], name: str) -> None:
    async with sessions.begin() as session:
        session.add(Customer(name=name, created_at=datetime.now(UTC)))


async def _names(sessions: async_sessionmaker[AsyncSession]) -> list[str]:
    async with sessions() as session:
        return list(await session.scalars(select(Customer.name).order_by(Customer.id)))


async def test_writers_queued_behind_a_long_transaction_all_land(db_url: str) -> None:
    engine = make_engine(db_url)
    sessions = make_sessionmaker(engine)
    try:
        release = asyncio.Event()

        async def long_batch() -> None:
            async with sessions.begin() as session:
                session.add(Customer(name="batch", created_at=datetime.now(UTC)))
                await session.flush()
                await release.wait()

        holder = asyncio.create_task(long_batch())
        await asyncio.sleep(0.05)
        writers = [asyncio.create_task(_add(sessions, f"store {i}")) for i in range(25)]
        await asyncio.sleep(0.2)
        release.set()
        await asyncio.wait_for(asyncio.gather(holder, *writers), 60)
        names = await _names(sessions)
        assert sorted(names) == sorted(["batch", *(f"store {i}" for i in range(25))])
    finally:
        await engine.dispose()


async def test_queued_writers_get_the_lock_in_arrival_order(
    sqlite_sessions: async_sessionmaker[AsyncSession],
) -> None:
    release = asyncio.Event()

    async def long_batch() -> None:
        async with sqlite_sessions.begin() as session:
            session.add(Customer(name="batch", created_at=datetime.now(UTC)))
            await session.flush()
            await release.wait()

    # Connections opened beforehand, so each writer reaches the lock at once and
    # "arrival" means the order the writers started in.
    await asyncio.gather(*(_names(sqlite_sessions) for _ in range(9)))
    holder = asyncio.create_task(long_batch())
    await asyncio.sleep(0.05)
    writers = []
    for i in range(8):
        writers.append(asyncio.create_task(_add(sqlite_sessions, f"store {i}")))
        await asyncio.sleep(0.02)  # each one is waiting before the next arrives
    release.set()
    await asyncio.wait_for(asyncio.gather(holder, *writers), 60)
    # SQLite's busy handler woke waiters in whatever order their sleeps ended.
    assert await _names(sqlite_sessions) == ["batch", *(f"store {i}" for i in range(8))]


async def test_a_failed_transaction_gives_the_turn_back(
    sqlite_sessions: async_sessionmaker[AsyncSession],
) -> None:
    await _add(sqlite_sessions, "Acme Oy")
    with pytest.raises(Exception, match="UNIQUE"):
        await _add(sqlite_sessions, "Acme Oy")
    await asyncio.wait_for(_add(sqlite_sessions, "Globex"), 10)
    assert await _names(sqlite_sessions) == ["Acme Oy", "Globex"]


async def test_a_cancelled_writer_gives_the_turn_back(
    sqlite_sessions: async_sessionmaker[AsyncSession],
) -> None:
    started = asyncio.Event()

    async def stuck() -> None:
        async with sqlite_sessions.begin() as session:
            session.add(Customer(name="never", created_at=datetime.now(UTC)))
            await session.flush()
            started.set()
            await asyncio.Event().wait()

    task = asyncio.create_task(stuck())
    await started.wait()
    waiting = asyncio.create_task(_add(sqlite_sessions, "next"))
    await asyncio.sleep(0.05)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    await asyncio.wait_for(waiting, 10)
    assert await _names(sqlite_sessions) == ["next"]
