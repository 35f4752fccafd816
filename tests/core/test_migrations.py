"""Every migration runs up and down on SQLite and PostgreSQL, and the models
match what the migrations build (a model change without a migration fails here)."""

from __future__ import annotations

import asyncio
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from db.base import Base
from db.engine import make_engine
from db.migrate import downgrade, upgrade_async
from db.models import __all__ as _models  # noqa: F401

# Built by migration 0002 by hand; the models do not declare them.
SEARCH_OBJECTS = {"message_fts", "search", "ix_message_search"}


def _include(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
    return not (name and (name in SEARCH_OBJECTS or name.startswith("message_fts")))


async def _diff(url: str) -> list[Any]:
    engine = make_engine(url)
    try:
        async with engine.connect() as conn:

            def compare(sync_conn: Any) -> list[Any]:
                ctx = MigrationContext.configure(
                    sync_conn, opts={"include_object": _include, "compare_type": False}
                )
                return list(compare_metadata(ctx, Base.metadata))

            return await conn.run_sync(compare)
    finally:
        await engine.dispose()


async def _tables(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        async with engine.connect() as conn:
            return set(await conn.run_sync(lambda c: inspect(c).get_table_names()))
    finally:
        await engine.dispose()


async def test_up_down_up_and_models_match(empty_db_url: str) -> None:
    await upgrade_async(empty_db_url)
    assert {"inbox", "outbox", "question", "message", "audit"} <= await _tables(empty_db_url)
    assert await _diff(empty_db_url) == []
    await asyncio.to_thread(downgrade, empty_db_url, "base")
    assert await _tables(empty_db_url) <= {"alembic_version"}
    await upgrade_async(empty_db_url)
    assert await _diff(empty_db_url) == []
