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
    url: str = ""  # the message on its platform (Slack permalink, Discord jump URL)


def message_url(
    platform: str, workspace: str | None, channel: str, message: str, thread: str | None
) -> str:
    """The link that opens a logged message on its platform, built from what the
    log stores (no platform call, so the CLI and a search of fifty hits need none).
    The same form each adapter's ChatPlatform.permalink returns: a Discord jump URL
    (a thread is a channel there), a local:// reference, and Slack's archive link,
    which opens in the reader's signed-in workspace (the log does not keep the
    workspace's domain)."""
    if platform == "discord":
        # A thread's starter message lives in the parent channel, not in the thread.
        where = thread if thread and thread != message else channel
        return f"https://discord.com/channels/{workspace or '@me'}/{where}/{message}"
    if platform == "slack":
        url = f"https://slack.com/archives/{channel}/p{message.replace('.', '')}"
        if thread and thread != message:
            url += f"?thread_ts={thread}&cid={channel}"
        return url
    return f"{platform}://{channel}/{thread or message}/{message}"


def terms(query: str) -> list[str]:
    """The words of a query, lowercased; everything else is dropped."""
    return [w for group in phrases(query) for w in group]


def phrases(query: str) -> list[tuple[str, ...]]:
    """The query as groups of words that must appear together: a "quoted phrase"
    is one group, every other word a group of its own. Only word characters
    survive (at most MAX_TERMS words in all), so no quote, operator, column filter
    or SQL a user types reaches the engine's query language."""
    groups: list[tuple[str, ...]] = []
    left = MAX_TERMS
    for i, part in enumerate(query.split('"')):
        found = [w.lower() for w in _WORD.findall(part)][:left]
        left -= len(found)
        # Odd parts sit between two quotes; an unclosed quote quotes nothing.
        closed = i % 2 == 1 and i < query.count('"')
        if closed and len(found) > 1:
            groups.append(tuple(found))
        else:
            groups.extend((w,) for w in found)
    return groups


def _fts5_match(groups: list[tuple[str, ...]]) -> str:
    # Each group is an FTS5 string ("a b" is the phrase a b); the words hold no quote.
    return " ".join('"' + " ".join(g) + '"' for g in groups)


def _tsquery(groups: list[tuple[str, ...]]) -> str:
    # Words only (no operator characters), so to_tsquery sees lexemes and the
    # operators put here: <-> within a phrase, & between groups.
    return " & ".join("(" + " <-> ".join(g) + ")" if len(g) > 1 else g[0] for g in groups)


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
           {snippet}, m.platform_message_id, m.thread_id,
           ch.platform, ch.platform_id, ch.workspace_id
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
    groups = phrases(query)
    if not groups:
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
        params["match"] = _fts5_match(groups)
        sql = (
            _SELECT.format(snippet="snippet(message_fts, 0, '*', '*', '…', 16)")
            + " FROM message_fts JOIN message m ON m.id = message_fts.rowid"
            + _JOINS
            + f" WHERE message_fts MATCH :match AND {where}"
            + " ORDER BY bm25(message_fts), m.id DESC LIMIT :limit"
        )
    else:
        params["q"] = _tsquery(groups)
        params["candidates"] = RANKED_CANDIDATES
        # Rank only the newest matches: a common word matches a third of a large
        # archive, and scoring every match costs seconds where the newest few
        # thousand answer a support search in milliseconds.
        sql = (
            _SELECT.format(
                snippet="ts_headline('simple', m.text, to_tsquery('simple', :q), "
                "'StartSel=*,StopSel=*,MaxWords=24,MinWords=12')"
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
    for row in rows:
        mid, conv, cust, chan, author, created, snippet, pmid, thread = row[:9]
        platform, channel_id, workspace = row[9:]
        if isinstance(created, str):
            created = datetime.fromisoformat(created)
        at = when.process_result_value(created, dialect)
        assert at is not None
        url = message_url(platform, workspace, channel_id, pmid, thread)
        hits.append(Hit(mid, conv, cust, chan, author, at, snippet or "", pmid, thread, url))
    return hits


def _sqlite_time(value: datetime | None) -> str | None:
    # SQLAlchemy stores SQLite datetimes as naive UTC text in this exact form; a raw
    # text() query must compare against the same form.
    if value is None:
        return None
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
