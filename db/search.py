"""Archive search on the engine's own full-text index: SQLite FTS5 or PostgreSQL
tsvector + GIN (migration 0002). Never a scan.

User input reaches the engine only as bound parameters, and the query text only
as plain words (quoted for FTS5, '&'-joined lexemes for tsquery): no operator,
column filter or SQL fragment a user types can change what is searched. Scoping
(`Scope`) is set by the caller from who is asking, never parsed from the query."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from db.base import UTCDateTime

_WORD = re.compile(r"\w+", re.UNICODE)
# A token as FTS5's unicode61 tokenizer cuts one: letters and digits (no underscore).
_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)
_SPACE = re.compile(r"\s+")
MAX_TERMS = 12
MAX_LIMIT = 200
RANKED_CANDIDATES = 500
# A filter that leaves at most this many messages (one author, one channel, one
# customer) is read through its own index and matched there (SQLite), instead of
# walking the full-text matches of a common word for the few that pass it.
NARROW_ROWS = 6000


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
        where.append("c.customer_id = (SELECT id FROM customer WHERE name = :customer)")
        params["customer"] = filters.customer
    # Channel and author narrow the message itself (a channel through the indexed
    # conversation): no join is needed to test them.
    if filters.channel:
        where.append(
            "m.conversation_id IN (SELECT id FROM conversation WHERE channel_id = "
            "(SELECT id FROM channel WHERE qualified = :channel))"
        )
        params["channel"] = filters.channel
    if filters.author:
        where.append("m.author_id = (SELECT id FROM person WHERE qualified = :author)")
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
    # Conditions on the message alone need no join to pick candidates; the others
    # need only the conversation (its customer, its questions).
    needs_conversation = any(not c.startswith("m.") for c in conditions)
    params["candidates"] = RANKED_CANDIDATES
    if session.get_bind().dialect.name == "sqlite":
        return await _sqlite_search(session, groups, where, needs_conversation, params)
    params["q"] = _tsquery(groups)
    conversation = " JOIN conversation c ON c.id = m.conversation_id" if needs_conversation else ""
    # Rank only the newest matches: a common word matches a third of a large
    # archive, and scoring every match costs seconds where the newest few
    # thousand answer a support search in milliseconds.
    sql = (
        _SELECT.format(
            snippet="ts_headline('simple', m.text, to_tsquery('simple', :q), "
            "'StartSel=*,StopSel=*,MaxWords=24,MinWords=12')"
        )
        + " FROM (SELECT m.id FROM message m"
        + conversation
        + f" WHERE m.search @@ to_tsquery('simple', :q) AND {where}"
        + " ORDER BY m.id DESC LIMIT :candidates) recent"
        + " JOIN message m ON m.id = recent.id"
        + _JOINS
        + " ORDER BY ts_rank(m.search, to_tsquery('simple', :q)) DESC, m.id DESC"
        + " LIMIT :limit"
    )
    rows = (await session.execute(text(sql), params)).all()
    return _hits(session, rows)


async def _sqlite_search(
    session: AsyncSession,
    groups: list[tuple[str, ...]],
    where: str,
    needs_conversation: bool,
    params: dict[str, Any],
) -> list[Hit]:
    """FTS5 gives the newest matches in rowid order and stops there; ranking them
    here (BM25's term-frequency and length parts) avoids bm25(), whose corpus
    statistics read every match of every term: seconds for a common phrase."""
    params["since"] = _sqlite_time(params.get("since"))
    params["until"] = _sqlite_time(params.get("until"))
    params["match"] = _fts5_match(groups)
    # CROSS JOIN keeps the FTS index the outer loop: walked newest first, it stops
    # after `candidates` matches that pass the filters.
    if await _narrow(session, params):
        candidates = await _matching(session, groups, where, needs_conversation, params)
    else:
        conversation = (
            " CROSS JOIN conversation c ON c.id = m.conversation_id" if needs_conversation else ""
        )
        candidates = [
            (int(mid), str(body))
            for mid, body in await session.execute(
                text(
                    "SELECT m.id, m.text FROM message_fts f"
                    " CROSS JOIN message m ON m.id = f.rowid"
                    + conversation
                    + f" WHERE message_fts MATCH :match AND {where}"
                    + " ORDER BY f.rowid DESC LIMIT :candidates"
                ),
                params,
            )
        ]
    if not candidates:
        return []
    ranked = _rank(candidates, groups)[: params["limit"]]
    bodies = {mid: body for mid, body in candidates}
    ids = ", ".join(str(int(mid)) for mid in ranked)  # our own integers, not input
    rows = (
        await session.execute(
            text(
                _SELECT.format(snippet="''")
                + " FROM message m"
                + _JOINS
                + f" WHERE m.id IN ({ids})"
            )
        )
    ).all()
    order = {mid: i for i, mid in enumerate(ranked)}
    rows = sorted(rows, key=lambda r: order[r[0]])
    return [replace(h, snippet=snippet(bodies[h.message_id], groups)) for h in _hits(session, rows)]


async def _narrow(session: AsyncSession, params: dict[str, Any]) -> bool:
    """Whether one filter alone (an author, a channel, a customer) leaves at most
    NARROW_ROWS messages: counted on indexes, without the other conditions."""
    counts = []
    if "author" in params:
        counts.append(
            "SELECT count(*) FROM (SELECT 1 FROM message WHERE author_id = "
            "(SELECT id FROM person WHERE qualified = :author) LIMIT :narrow) few"
        )
    if "channel" in params:
        counts.append(
            "SELECT coalesce(sum(message_count), 0) FROM conversation WHERE channel_id = "
            "(SELECT id FROM channel WHERE qualified = :channel)"
        )
    if "customer" in params:
        counts.append(
            "SELECT coalesce(sum(message_count), 0) FROM conversation WHERE customer_id = "
            "(SELECT id FROM customer WHERE name = :customer)"
        )
    if "scope_customer" in params:
        counts.append(
            "SELECT coalesce(sum(message_count), 0) FROM conversation "
            "WHERE customer_id = :scope_customer"
        )
    for sql in counts:
        n = await session.scalar(text(sql), {**params, "narrow": NARROW_ROWS + 1})
        if int(n or 0) <= NARROW_ROWS:
            return True
    return False


async def _matching(
    session: AsyncSession,
    groups: list[tuple[str, ...]],
    where: str,
    needs_conversation: bool,
    params: dict[str, Any],
) -> list[tuple[int, str]]:
    """The newest messages the filters leave that hold every word and phrase,
    matched as FTS5 would (tokens of letters and digits, case and accents folded)."""
    conversation = " JOIN conversation c ON c.id = m.conversation_id" if needs_conversation else ""
    wanted = _norm_groups(groups)
    ascii_words = [w for g in wanted for w in g if w.isascii()]
    # Only texts that contain the words come back: SQLite's lower() folds ASCII
    # alone, so a text with any other character always comes back, for Python.
    having = "".join(
        f" AND (instr(lower(m.text), :w{i}) > 0 OR m.text GLOB :other)"
        for i in range(len(ascii_words))
    )
    words = {f"w{i}": w for i, w in enumerate(ascii_words)}
    rows = await session.execute(
        text(
            f"SELECT m.id, m.text FROM message m{conversation} WHERE {where}{having}"
            " ORDER BY m.id DESC"
        ),
        {**params, **words, "other": "*[^\x01-\x7f]*"},
    )
    found: list[tuple[int, str]] = []
    for mid, body in rows:
        if body.isascii():
            # An ASCII word can only be a token of an ASCII text that contains it.
            low = body.lower()
            if not all(w in low for w in ascii_words):
                continue
        toks = _tokens(body)
        if all(_count(toks, g) for g in wanted):
            found.append((int(mid), str(body)))
            if len(found) >= params["candidates"]:
                break
    return found


def _norm(word: str) -> str:
    # As FTS5's unicode61 tokenizer with remove_diacritics 2 sees a word.
    return "".join(
        ch for ch in unicodedata.normalize("NFKD", word.lower()) if not unicodedata.combining(ch)
    )


def _tokens(body: str) -> list[str]:
    if body.isascii():  # most chat: nothing to fold but case
        return _TOKEN.findall(body.lower())
    return [_norm(w) for w in _TOKEN.findall(body)]


def _norm_groups(groups: list[tuple[str, ...]]) -> list[tuple[str, ...]]:
    # A query word FTS5 would cut in two ("foo_bar") is a phrase of its pieces.
    return [tuple(t for w in g for t in _tokens(w)) for g in groups if any(_tokens(w) for w in g)]


def _count(toks: list[str], g: tuple[str, ...]) -> int:
    if len(g) == 1:
        return toks.count(g[0])
    n = len(g)
    return sum(1 for i, t in enumerate(toks) if t == g[0] and tuple(toks[i : i + n]) == g)


def _rank(candidates: list[tuple[int, str]], groups: list[tuple[str, ...]]) -> list[int]:
    """Candidate ids, best first: BM25 (k1 1.2, b 0.75) without the idf part, which
    is the same for every candidate (each holds every term); newer first on ties."""
    wanted = _norm_groups(groups)
    docs = [(mid, _tokens(body)) for mid, body in candidates]
    avg = sum(len(toks) for _, toks in docs) / len(docs) or 1.0
    scored = []
    for mid, toks in docs:
        norm = 1.2 * (0.25 + 0.75 * len(toks) / avg)
        score = 0.0
        for g in wanted:
            tf = _count(toks, g)
            score += tf * 2.2 / (tf + norm) if tf else 0.0
        scored.append((-score, -mid))
    return [-neg_mid for _, neg_mid in sorted(scored)]


def snippet(body: str, groups: list[tuple[str, ...]], words: int = 16) -> str:
    """Up to `words` words of `body` around its first match, matches in *stars*."""
    found = list(_TOKEN.finditer(body))
    if not found:
        return ""
    toks = [_norm(m.group(0)) for m in found]
    hit = [False] * len(toks)
    for g in _norm_groups(groups):
        for i in range(len(toks) - len(g) + 1):
            if tuple(toks[i : i + len(g)]) == g:
                hit[i : i + len(g)] = [True] * len(g)
    first = hit.index(True) if any(hit) else 0
    start = max(0, min(first - 3, len(toks) - words))
    end = min(len(toks), start + words)
    out = []
    for i in range(start, end):
        w = found[i].group(0)
        out.append(f"*{w}*" if hit[i] else w)
        if i + 1 < end:  # what stood between this word and the next, spaces folded
            out.append(_SPACE.sub(" ", body[found[i].end() : found[i + 1].start()]))
    text_ = "".join(out)
    return ("…" if start else "") + text_ + ("…" if end < len(toks) else "")


def _hits(session: AsyncSession, rows: Any) -> list[Hit]:
    when = UTCDateTime()
    dialect = session.get_bind().dialect
    hits = []
    for row in rows:
        mid, conv, cust, chan, author, created, snip, pmid, thread = row[:9]
        platform, channel_id, workspace = row[9:]
        if isinstance(created, str):
            created = datetime.fromisoformat(created)
        at = when.process_result_value(created, dialect)
        assert at is not None
        url = message_url(platform, workspace, channel_id, pmid, thread)
        hits.append(Hit(mid, conv, cust, chan, author, at, snip or "", pmid, thread, url))
    return hits


def _sqlite_time(value: datetime | None) -> str | None:
    # SQLAlchemy stores SQLite datetimes as naive UTC text in this exact form; a raw
    # text() query must compare against the same form.
    if value is None:
        return None
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
