"""Archive search on the engine's own full-text index: SQLite FTS5 or PostgreSQL
tsvector + GIN (migration 0002). Never a scan.

User input reaches the engine only as bound parameters, and the query text only
as plain words (quoted for FTS5, '&'-joined lexemes for tsquery): no operator,
column filter or SQL fragment a user types can change what is searched. Scoping
(`Scope`) is set by the caller from who is asking, never parsed from the query."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from db.base import UTCDateTime

_WORD = re.compile(r"\w+", re.UNICODE)
MAX_TERMS = 12
MAX_LIMIT = 200
RANKED_CANDIDATES = 2000


@dataclass(frozen=True)
class Filters:
    """What a person may narrow a search by."""

    customer: str | None = None  # customer name
    channel: str | None = None  # qualified channel id
    author: str | None = None  # qualified user id
    expert: str | None = None  # qualified id of the question's assignee
    topic: str | None = None
    status: str | None = None  # question state
    since: datetime | None = None
    until: datetime | None = None


@dataclass(frozen=True)
class Scope:
    """Who is asking. A customer sees only their own organisation's resolved
    conversations; staff see everything."""

    customer_id: int | None = None
    resolved_only: bool = False

    @classmethod
    def staff(cls) -> Scope:
        return cls()

    @classmethod
    def customer(cls, customer_id: int) -> Scope:
        return cls(customer_id=customer_id, resolved_only=True)


@dataclass(frozen=True)
class Hit:
    message_id: int
    conversation_id: int
    customer: str | None
    channel: str
    author: str | None
    created_at: datetime
    snippet: str
    platform_message_id: str = ""
    thread_id: str | None = None


def terms(query: str) -> list[str]:
    """The words of a query, lowercased; everything else is dropped."""
    return [w.lower() for w in _WORD.findall(query)][:MAX_TERMS]


def _conditions(filters: Filters, scope: Scope, params: dict[str, Any]) -> list[str]:
    where = ["m.deleted_at IS NULL"]
    if scope.customer_id is not None:
        where.append("c.customer_id = :scope_customer")
        params["scope_customer"] = scope.customer_id
    if scope.resolved_only:
        where.append(
            "EXISTS (SELECT 1 FROM question rq WHERE rq.conversation_id = c.id "
            "AND rq.state = 'resolved')"
        )
    if filters.customer:
        where.append("cu.name = :customer")
        params["customer"] = filters.customer
    if filters.channel:
        where.append("ch.qualified = :channel")
        params["channel"] = filters.channel
    if filters.author:
        where.append("au.qualified = :author")
        params["author"] = filters.author
    if filters.since:
        where.append("m.created_at >= :since")
        params["since"] = filters.since
    if filters.until:
        where.append("m.created_at < :until")
        params["until"] = filters.until
    q_parts = []
    if filters.expert:
        q_parts.append("ex.qualified = :expert")
        params["expert"] = filters.expert
    if filters.topic:
        q_parts.append("fq.topic = :topic")
        params["topic"] = filters.topic
    if filters.status:
        q_parts.append("fq.state = :status")
        params["status"] = filters.status
    if q_parts:
        where.append(
            "EXISTS (SELECT 1 FROM question fq LEFT JOIN person ex ON ex.id = fq.assignee_id "
            "WHERE fq.conversation_id = c.id AND " + " AND ".join(q_parts) + ")"
        )
    return where


_SELECT = """
    SELECT m.id, m.conversation_id, cu.name, ch.qualified, m.author_name, m.created_at,
           {snippet}, m.platform_message_id, m.thread_id
"""
_JOINS = """
    JOIN conversation c ON c.id = m.conversation_id
    JOIN channel ch ON ch.id = m.channel_id
    JOIN person au ON au.id = m.author_id
    LEFT JOIN customer cu ON cu.id = c.customer_id
"""


async def search_messages(
    session: AsyncSession,
    query: str,
    *,
    filters: Filters | None = None,
    scope: Scope | None = None,
    customer: str | None = None,
    limit: int = 20,
) -> list[Hit]:
    words = terms(query)
    if not words:
        return []
    filters = filters or Filters(customer=customer)
    scope = scope or Scope.staff()
    params: dict[str, Any] = {"limit": max(1, min(limit, MAX_LIMIT))}
    conditions = _conditions(filters, scope, params)
    where = " AND ".join(conditions)
    # Conditions on the message alone need no joins to pick candidates, which lets
    # PostgreSQL walk the primary key backwards and stop at the newest matches.
    inner_joins = _JOINS if any(not c.startswith("m.") for c in conditions) else ""
    if session.get_bind().dialect.name == "sqlite":
        params["since"] = _sqlite_time(params.get("since"))
        params["until"] = _sqlite_time(params.get("until"))
        params["match"] = " ".join('"' + w + '"' for w in words)
        sql = (
            _SELECT.format(snippet="snippet(message_fts, 0, '*', '*', '…', 16)")
            + " FROM message_fts JOIN message m ON m.id = message_fts.rowid"
            + _JOINS
            + f" WHERE message_fts MATCH :match AND {where}"
            + " ORDER BY bm25(message_fts), m.id DESC LIMIT :limit"
        )
    else:
        params["q"] = " & ".join(words)
        params["candidates"] = RANKED_CANDIDATES
        # Rank only the newest matches: a common word matches a third of a large
        # archive, and scoring every match costs seconds where the newest few
        # thousand answer a support search in milliseconds.
        sql = (
            _SELECT.format(
                snippet="ts_headline('simple', m.text, to_tsquery('simple', :q), "
                "'StartSel=*,StopSel=*,MaxWords=16,MinWords=5')"
            )
            + " FROM (SELECT m.id FROM message m"
            + inner_joins
            + f" WHERE m.search @@ to_tsquery('simple', :q) AND {where}"
            + " ORDER BY m.id DESC LIMIT :candidates) recent"
            + " JOIN message m ON m.id = recent.id"
            + _JOINS
            + " ORDER BY ts_rank(m.search, to_tsquery('simple', :q)) DESC, m.id DESC"
            + " LIMIT :limit"
        )
    rows = (await session.execute(text(sql), params)).all()
    when = UTCDateTime()
    dialect = session.get_bind().dialect
    hits = []
    for mid, conv, cust, chan, author, created, snippet, pmid, thread in rows:
        if isinstance(created, str):
            created = datetime.fromisoformat(created)
        at = when.process_result_value(created, dialect)
        assert at is not None
        hits.append(Hit(mid, conv, cust, chan, author, at, snippet or "", pmid, thread))
    return hits


def _sqlite_time(value: datetime | None) -> str | None:
    # SQLAlchemy stores SQLite datetimes as naive UTC text in this exact form; a raw
    # text() query must compare against the same form.
    if value is None:
        return None
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
