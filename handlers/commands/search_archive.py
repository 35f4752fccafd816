"""`/presence search <words> [filters]`: staff search the whole archive; a customer
searches only their own organisation's resolved conversations.

The organisation a customer searches is the caller's own, worked out from where
and who they are (the channel they run the command in, mapped to a customer, and
the person's own organisation when known), never from anything they type. The
filters that could point elsewhere (customer, channel, author, expert, topic,
status) are refused for customers with one line; dates narrow either search."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta

from bot.commands import Level
from bot.commands.refs import read_channel, read_user
from bot.errors import NotAllowed, UsageError
from db.directory import channel_by_qualified
from db.search import Filters, Hit, Scope, search_messages
from handlers.commands.caller import Call, channel, customer, person

MAX_QUERY = 200  # characters of search words kept; more says nothing more
SHOWN = 5
KEYS = ("customer", "channel", "author", "expert", "topic", "status", "since", "until")
STAFF_ONLY = KEYS[:6]
# key:value or key=value at the start of a word; a value with spaces is quoted.
_FILTER = re.compile(
    r"(?<!\S)(?P<key>[A-Za-z]{2,12})[:=](?P<value>\"[^\"]*\"|\u201c[^\u201d]*\u201d|\S+)"
)


def split_filters(text: str) -> tuple[str, dict[str, str]]:
    """The search words and the `key:value` filters of a query. A word that only
    looks like a filter (`text:foo`, `NEAR:`) stays a search word."""
    found: dict[str, str] = {}

    def take(m: re.Match[str]) -> str:
        key = m["key"].lower()
        if key not in KEYS or key in found:
            return m.group(0)
        found[key] = m["value"].strip('"\u201c\u201d').strip()
        return " "

    words = _FILTER.sub(take, text)
    return " ".join(words.split()), found


async def run(call: Call) -> str:
    words, named = split_filters(str(call.args["query"]))
    if call.level < Level.STAFF:
        staff_filters = [k for k in STAFF_ONLY if k in named]
        if staff_filters:
            raise NotAllowed(
                f"`{staff_filters[0]}:` is for staff: your search already covers your "
                "organisation's resolved conversations only. Narrow it by date instead, "
                "e.g. `since:2026-01-01 until:2026-02-01`."
            )
        scope = Scope.customer(await _organisation(call))
        filters = Filters(since=_day(named, "since"), until=_end(named))
    else:
        scope = Scope.staff()
        filters = await _staff_filters(call, named)
    if not words.strip():
        raise UsageError("Search for what? Example: `/presence search invoice export`.")
    hits = await search_messages(call.ctx.session, words[:MAX_QUERY], filters=filters, scope=scope)
    if not hits:
        where = " in your resolved conversations" if scope.customer_id is not None else ""
        return f"Nothing found for {_shown(words)}{where}."
    return "\n".join(_line(h, staff=scope.customer_id is None) for h in hits[:SHOWN])


async def _organisation(call: Call) -> int:
    """The customer the caller belongs to: the one their channel is mapped to, and
    the person's own when the directory knows it. Anywhere else, or if the two
    disagree, the caller gets no search rather than someone else's."""
    here = await channel_by_qualified(call.ctx.session, call.ev.channel.qualified)
    mapped = here.customer_id if here is not None else None
    own = call.person.customer_id
    if mapped is not None and own is not None and mapped != own:
        raise NotAllowed("Search from your own organisation's support channel.")
    organisation = mapped if mapped is not None else own
    if organisation is None:
        raise NotAllowed("Search works in your organisation's support channel: run it there.")
    return organisation


async def _staff_filters(call: Call, named: dict[str, str]) -> Filters:
    def mention(kind: str) -> str:
        example = "#acme" if kind == "channel" else "@erin"
        return f"`{kind}:` takes a mention or an id, e.g. `{kind}:{example}`."

    author = expert = where = who_customer = None
    if "customer" in named:
        who_customer = (await customer(call, named["customer"])).name
    if "channel" in named:
        ref = read_channel(named["channel"])
        if ref is None:
            raise UsageError(mention("channel"))
        where = (await channel(call, ref)).qualified
    for key in ("author", "expert"):
        if key in named:
            user = read_user(named[key])
            if user is None:
                raise UsageError(mention(key))
            found = (await person(call, user)).qualified
            author, expert = (found, expert) if key == "author" else (author, found)
    return Filters(
        customer=who_customer,
        channel=where,
        author=author,
        expert=expert,
        topic=named.get("topic", "").lower() or None,
        status=named.get("status", "").lower() or None,
        since=_day(named, "since"),
        until=_end(named),
    )


def _day(named: dict[str, str], key: str) -> datetime | None:
    value = named.get(key)
    if value is None:
        return None
    try:
        return datetime.combine(date.fromisoformat(value), time(), tzinfo=UTC)
    except ValueError:
        raise UsageError(f"`{key}:` takes a date like 2026-01-31, not {_shown(value)}.") from None


def _end(named: dict[str, str]) -> datetime | None:
    # `until:2026-01-31` includes that day.
    day = _day(named, "until")
    return day + timedelta(days=1) if day is not None else None


def _line(h: Hit, *, staff: bool) -> str:
    who = h.author or "-"
    head = f"{h.customer or '-'} · {who}" if staff else who
    return f"{head} · {h.created_at:%Y-%m-%d}: {' '.join(h.snippet.split())} {h.url}"


def _shown(text: str, n: int = 60) -> str:
    text = " ".join(text.split()).replace("`", "'")
    return repr(text if len(text) <= n else text[: n - 1] + "…")
