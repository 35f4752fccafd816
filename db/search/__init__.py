"""Archive search on the engine's own full-text index: SQLite FTS5 or PostgreSQL
tsvector + GIN (migrations 0002 and 0008). Never a scan.

`query` holds the shared model (filters, scope, words, the SQL conditions of a
match), `facets` the filter values indexed beside the words, and `sqlite` and
`postgres` the strategy of each engine."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from db.search import facets, postgres, sqlite
from db.search.query import (
    MAX_LIMIT,
    MAX_TERMS,
    RANKED_CANDIDATES,
    Filters,
    Hit,
    Ids,
    Scope,
    conditions,
    message_url,
    phrases,
    terms,
)
from db.search.text_match import snippet

__all__ = [
    "MAX_LIMIT",
    "MAX_TERMS",
    "RANKED_CANDIDATES",
    "Filters",
    "Hit",
    "Scope",
    "message_url",
    "phrases",
    "search_messages",
    "snippet",
    "terms",
]


async def search_messages(
    session: AsyncSession,
    query: str,
    *,
    filters: Filters | None = None,
    scope: Scope | None = None,
    customer: str | None = None,
    limit: int = 20,
) -> list[Hit]:
    groups = phrases(query)
    if not groups:
        return []
    filters = filters or Filters(customer=customer)
    scope = scope or Scope.staff()
    ids = await _resolve(session, filters)
    if ids is None:
        return []  # a filter names nothing there is: nothing can match it
    params: dict[str, Any] = {}
    where = conditions(filters, scope, ids, params)
    days = facets.day_span(filters, *await _span(session, filters))
    if days is not None and days[0] > days[1]:
        return []
    wanted = facets.wanted(filters, scope, ids, days)
    limit = max(1, min(limit, MAX_LIMIT))
    if session.get_bind().dialect.name == "sqlite":
        return await sqlite.search(session, groups, wanted, where, params, limit)
    return await postgres.search(session, groups, wanted, where, params, limit)


async def _resolve(session: AsyncSession, filters: Filters) -> Ids | None:
    """The ids the named filters point at, in one statement; None if one of them
    names no row."""
    named = {
        "customer": ("SELECT id FROM customer WHERE name = :customer", filters.customer),
        "channel": ("SELECT id FROM channel WHERE qualified = :channel", filters.channel),
        "author": ("SELECT id FROM person WHERE qualified = :author", filters.author),
        "expert": ("SELECT id FROM person WHERE qualified = :expert", filters.expert),
    }
    asked = {key: sql for key, (sql, value) in named.items() if value}
    if not asked:
        return Ids()
    params = {key: named[key][1] for key in asked}
    sql = "SELECT " + ", ".join(f"({sql})" for sql in asked.values())
    found = (await session.execute(text(sql), params)).one()
    if any(row is None for row in found):
        return None
    return Ids(**{key: int(row) for key, row in zip(asked, found, strict=True)})


async def _span(session: AsyncSession, filters: Filters) -> tuple[datetime | None, datetime | None]:
    """The oldest and newest message times, when a date filter leaves an end open
    (two index lookups)."""
    if (filters.since is None) == (filters.until is None):
        return None, None
    # Two subqueries: SQLite answers min() or max() from the index only alone.
    sql = "SELECT (SELECT min(created_at) FROM message), (SELECT max(created_at) FROM message)"
    row = (await session.execute(text(sql))).one()
    return _time(row[0]), _time(row[1])


def _time(value: datetime | str | None) -> datetime | None:
    if isinstance(value, str):  # SQLite: naive UTC text
        return datetime.fromisoformat(value).replace(tzinfo=UTC)
    return value
