"""The search query model shared by both engines: what a person may filter by,
who is asking, the words of a query, and the SQL conditions that decide a match.

User input reaches the engine only as bound parameters, and the query text only
as plain words: no operator, column filter or SQL fragment a user types can
change what is searched. Scoping (`Scope`) is set by the caller from who is
asking, never parsed from the query."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

_WORD = re.compile(r"\w+", re.UNICODE)
MAX_TERMS = 12
MAX_LIMIT = 200
# Only the newest matches are ranked: a common word matches a third of a large
# archive, and scoring every match costs seconds where the newest few hundred
# answer a support search in milliseconds.
RANKED_CANDIDATES = 500


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


@dataclass(frozen=True)
class Ids:
    """The rows the named filters point at (a name, a qualified id)."""

    customer: int | None = None
    channel: int | None = None
    author: int | None = None
    expert: int | None = None


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


def utc(value: datetime) -> datetime:
    return value.astimezone(UTC)


def conditions(filters: Filters, scope: Scope, ids: Ids, params: dict[str, Any]) -> list[str]:
    """The SQL that decides whether a message matches, over `m` (message) and `c`
    (its conversation). The facet terms of the full-text query only narrow the
    candidates; these conditions are what a hit must meet."""
    where = ["m.deleted_at IS NULL"]
    if scope.customer_id is not None:
        where.append("c.customer_id = :scope_customer")
        params["scope_customer"] = scope.customer_id
    if scope.resolved_only:
        where.append(
            "EXISTS (SELECT 1 FROM question rq WHERE rq.conversation_id = c.id "
            "AND rq.state = 'resolved')"
        )
    if ids.customer is not None:
        where.append("c.customer_id = :customer_id")
        params["customer_id"] = ids.customer
    if ids.channel is not None:
        where.append("c.channel_id = :channel_id")
        params["channel_id"] = ids.channel
    if ids.author is not None:
        where.append("m.author_id = :author_id")
        params["author_id"] = ids.author
    if filters.since:
        where.append("m.created_at >= :since")
        params["since"] = utc(filters.since)
    if filters.until:
        where.append("m.created_at < :until")
        params["until"] = utc(filters.until)
    q_parts = []
    if ids.expert is not None:
        q_parts.append("fq.assignee_id = :expert_id")
        params["expert_id"] = ids.expert
    if filters.topic:
        q_parts.append("fq.topic = :topic")
        params["topic"] = filters.topic
    if filters.status:
        q_parts.append("fq.state = :status")
        params["status"] = filters.status
    if q_parts:
        where.append(
            "EXISTS (SELECT 1 FROM question fq WHERE fq.conversation_id = c.id AND "
            + " AND ".join(q_parts)
            + ")"
        )
    return where


def needs_conversation(where: list[str]) -> bool:
    """Whether the conditions test the conversation (`c`), not the message alone:
    a join per candidate that the message-only ones do without."""
    return any(not c.startswith("m.") for c in where)


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
