"""Migration 0003 goes up and down on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio

from sqlalchemy import inspect

from db.engine import make_engine
from db.migrate import downgrade, upgrade

NEW = {"clock_state", "paused_at", "next_response_due", "nudged_at", "ttfr_s", "breaches"}


async def _columns(url: str) -> set[str]:
    engine = make_engine(url)
    async with engine.connect() as conn:
        cols = await conn.run_sync(lambda c: inspect(c).get_columns("question"))
    await engine.dispose()
    return {c["name"] for c in cols}


async def test_sla_migration_up_and_down(empty_db_url: str) -> None:
    db_url = empty_db_url
    await asyncio.to_thread(upgrade, db_url, "0003")
    assert await _columns(db_url) >= NEW
    await asyncio.to_thread(downgrade, db_url, "0002")
    cols = await _columns(db_url)
    assert not (NEW & cols) and "first_response_due" in cols
    await asyncio.to_thread(upgrade, db_url, "heads")
    assert await _columns(db_url) >= NEW
