"""The few statements that differ between SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession


def insert_ignoring_conflicts(session: AsyncSession, table: Any) -> Any:
    """An INSERT ... ON CONFLICT DO NOTHING for the session's engine."""
    if session.get_bind().dialect.name == "sqlite":
        return sqlite.insert(table).on_conflict_do_nothing()
    return postgresql.insert(table).on_conflict_do_nothing()


def locks_rows(session: AsyncSession) -> bool:
    """PostgreSQL claims rows with FOR UPDATE SKIP LOCKED; SQLite has one writer
    at a time (BEGIN IMMEDIATE), so there is nothing to skip."""
    return session.get_bind().dialect.name != "sqlite"
