"""A backup taken while messages keep arriving restores to a consistent database."""

from __future__ import annotations

import asyncio
import sqlite3
import subprocess
import uuid
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.errors import UsageError
from db.data_rights.backup import (
    backup_postgres,
    backup_sqlite,
    libpq_url,
    restore_sqlite,
    sqlite_file,
)
from db.engine import make_engine, make_sessionmaker
from db.models import Conversation, Message
from db.search import search_messages
from tests.conftest import PG_HOST, PG_PORT, PG_USER, TestBot, _psql

WORDS = ["invoice", "webhook", "token", "export", "billing", "latency"]


async def _keep_posting(bot: TestBot, stop: asyncio.Event) -> int:
    n = 0
    while not stop.is_set():
        word = WORDS[n % len(WORDS)]
        await bot.platform.post("ACME", "ANNA", f"status note {n} about {word} numbers")
        n += 1
        if n % 10 == 0:
            await asyncio.sleep(0)
    return n


async def _consistency(url: str, *, still: bool = True) -> tuple[int, list[tuple[int, int, int]]]:
    """Message count, and conversations whose counter disagrees with their rows."""
    engine = make_engine(url)
    try:
        async with make_sessionmaker(engine)() as s:
            total = int(await s.scalar(select(func.count(Message.id))) or 0)
            counted = (
                select(Message.conversation_id, func.count(Message.id).label("n"))
                .group_by(Message.conversation_id)
                .subquery()
            )
            bad = (
                await s.execute(
                    select(Conversation.id, Conversation.message_count, counted.c.n)
                    .join(counted, counted.c.conversation_id == Conversation.id)
                    .where(Conversation.message_count != counted.c.n)
                )
            ).all()
            if not still:  # while writes go on, two statements see two moments
                return total, [tuple(r) for r in bad]
            hits = await search_messages(s, "status invoice", limit=500)
            assert len(hits) == len(
                (
                    await s.scalars(
                        select(Message.id).where(
                            Message.text.like("%invoice%"), Message.text.like("status%")
                        )
                    )
                ).all()
            )
    finally:
        await engine.dispose()
    return total, [tuple(r) for r in bad]


async def test_backup_while_messages_arrive_restores_consistently(
    drbot: TestBot, db_url: str, tmp_path: Path
) -> None:
    stop = asyncio.Event()
    writer = asyncio.create_task(_keep_posting(drbot, stop))
    for _ in range(600):  # until some messages are logged (30 s at most)
        if (await _consistency(db_url, still=False))[0] >= 20:
            break
        await asyncio.sleep(0.05)
    out = tmp_path / "presence.backup"
    db = sqlite_file(db_url)
    if db is not None:
        info = await asyncio.to_thread(backup_sqlite, db, out)
    else:
        info = await asyncio.to_thread(backup_postgres, db_url, out)
    await asyncio.sleep(0.3)
    stop.set()
    posted = await writer
    await drbot.settle()
    assert out.exists() and info.size > 0

    if db is not None:
        restored = tmp_path / "restored.db"
        await asyncio.to_thread(restore_sqlite, out, restored)
        url = f"sqlite+aiosqlite:///{restored}"
        conn = sqlite3.connect(restored)
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        conn.execute("INSERT INTO message_fts(message_fts) VALUES('integrity-check')")
        conn.close()
    else:
        name = f"presence_test_{uuid.uuid4().hex[:12]}"
        _psql(f"CREATE DATABASE {name}")
        url = f"postgresql+asyncpg://{PG_USER}@{PG_HOST}:{PG_PORT}/{name}"
        cmd = ["pg_restore", "--no-owner", f"--dbname={libpq_url(url)}", str(out)]
        await asyncio.to_thread(subprocess.run, cmd, check=True, capture_output=True, timeout=120)
    try:
        total, bad = await _consistency(url)
    finally:
        if db is None:
            _psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
    live_total, _ = await _consistency(db_url)
    assert bad == []
    # The copy is a moment in the middle: some messages, not all of them.
    assert 0 < total < live_total
    assert live_total >= posted


async def test_restore_refuses_what_is_not_a_presence_database(tmp_path: Path) -> None:
    junk = tmp_path / "junk.db"
    sqlite3.connect(junk).execute("CREATE TABLE t (x)").connection.commit()
    with pytest.raises(UsageError, match="not a Presence database"):
        restore_sqlite(junk, tmp_path / "target.db")
    assert not (tmp_path / "target.db").exists() or (tmp_path / "target.db").stat().st_size == 0
