"""Archive search on the engine's own full-text index: SQLite FTS5 or PostgreSQL
tsvector + GIN (migration 0002). Never a scan."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from db.base import UTCDateTime

_WORD = re.compile(r"\w+", re.UNICODE)
MAX_TERMS = 12


@dataclass(frozen=True)
class Hit:
    message_id: int
    conversation_id: int
    customer: str | None
    channel: str
    author: str | None
    created_at: datetime
    snippet: str


def terms(query: str) -> list[str]:
    """The words of a query. Operators and quotes are dropped, so user input can
    never become FTS syntax (or SQL: the terms travel as bound parameters)."""
    return [w.lower() for w in _WORD.findall(query)][:MAX_TERMS]


async def search_messages(
    session: AsyncSession,
    query: str,
    *,
    customer: str | None = None,
    limit: int = 20,
) -> list[Hit]:
    words = terms(query)
    if not words:
        return []
    params: dict[str, Any] = {"limit": limit, "customer": customer}
    customer_filter = "AND cu.name = :customer" if customer else ""
    if session.get_bind().dialect.name == "sqlite":
        params["match"] = " ".join('"' + w.replace('"', "") + '"' for w in words)
        sql = f"""
            SELECT m.id, m.conversation_id, cu.name, ch.qualified, m.author_name, m.created_at,
                   snippet(message_fts, 0, '*', '*', '…', 16)
            FROM message_fts
            JOIN message m ON m.id = message_fts.rowid
            JOIN conversation c ON c.id = m.conversation_id
            JOIN channel ch ON ch.id = m.channel_id
            LEFT JOIN customer cu ON cu.id = c.customer_id
            WHERE message_fts MATCH :match AND m.deleted_at IS NULL {customer_filter}
            ORDER BY bm25(message_fts), m.id DESC
            LIMIT :limit
        """
    else:
        params["q"] = " & ".join(words)
        sql = f"""
            SELECT m.id, m.conversation_id, cu.name, ch.qualified, m.author_name, m.created_at,
                   ts_headline('simple', m.text, to_tsquery('simple', :q),
                               'StartSel=*,StopSel=*,MaxWords=16,MinWords=5')
            FROM message m
            JOIN conversation c ON c.id = m.conversation_id
            JOIN channel ch ON ch.id = m.channel_id
            LEFT JOIN customer cu ON cu.id = c.customer_id
            WHERE m.search @@ to_tsquery('simple', :q) AND m.deleted_at IS NULL {customer_filter}
            ORDER BY ts_rank(m.search, to_tsquery('simple', :q)) DESC, m.id DESC
            LIMIT :limit
        """
    rows = (await session.execute(text(sql), params)).all()
    when = UTCDateTime()
    dialect = session.get_bind().dialect
    hits = []
    for mid, conv, cust, chan, author, created, snippet in rows:
        if isinstance(created, str):
            created = datetime.fromisoformat(created)
        at = when.process_result_value(created, dialect)
        assert at is not None
        hits.append(Hit(mid, conv, cust, chan, author, at, snippet or ""))
    return hits
