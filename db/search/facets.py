"""Facets: the filter values indexed beside a message's words (migration 0008), so
the full-text index intersects a filter with the words instead of the search
testing each match of a common word against its conversation and questions.

A facet is a kind letter and a value: `k` customer id, `h` channel id, `a` author
id, `x` a question's assignee id, `s` a question's state and `t` its topic (both
as hex of their UTF-8, so any text is one token), `d`/`m`/`y` the UTC day, month
and year the message was written. The terms asked for are a superset test: a
message with a conversation whose one question is the expert's and another the
topic carries both facets; the SQL conditions (query.conditions) decide."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from db.search.query import Filters, Ids, Scope, utc

RESOLVED = "resolved"


@dataclass(frozen=True)
class Facet:
    kind: str  # one letter
    value: str  # digits or lowercase hex: nothing a query language reads as syntax


# Every group must match; a group matches when any facet in it does.
Groups = list[tuple[Facet, ...]]


def _hex(value: str) -> str:
    return value.encode().hex()


def wanted(filters: Filters, scope: Scope, ids: Ids, days: tuple[date, date] | None) -> Groups:
    """The facet terms a message must carry to possibly match."""
    groups: Groups = []
    if scope.customer_id is not None:
        groups.append((Facet("k", str(int(scope.customer_id))),))
    if scope.resolved_only:
        groups.append((Facet("s", _hex(RESOLVED)),))
    for kind, row in (("k", ids.customer), ("h", ids.channel), ("a", ids.author)):
        if row is not None:
            groups.append((Facet(kind, str(int(row))),))
    if ids.expert is not None:
        groups.append((Facet("x", str(int(ids.expert))),))
    if filters.topic:
        groups.append((Facet("t", _hex(filters.topic)),))
    if filters.status:
        groups.append((Facet("s", _hex(filters.status)),))
    if days is not None:
        groups.append(tuple(calendar(*days)))
    return groups


def day_span(
    filters: Filters, oldest: datetime | None, newest: datetime | None
) -> tuple[date, date] | None:
    """The UTC days a date filter covers, an open end closed by the oldest or
    newest message; None when there is no date filter. The first day is after
    the last when nothing can match (no messages, or none that late)."""
    if filters.since is None and filters.until is None:
        return None
    start = utc(filters.since) if filters.since else oldest
    end = utc(filters.until) - timedelta(microseconds=1) if filters.until else newest
    if start is None or end is None:
        return date.max, date.min
    return utc(start).date(), utc(end).date()


def calendar(first: date, last: date) -> list[Facet]:
    """Whole years, then whole months, then days, covering first..last: a
    30-day range is a few dozen terms, a two-year one a handful."""
    out: list[Facet] = []
    day = first
    while day <= last:
        year_end = date(day.year, 12, 31)
        next_month = date(day.year + day.month // 12, day.month % 12 + 1, 1)
        if day.month == 1 and day.day == 1 and year_end <= last:
            out.append(Facet("y", f"{day.year:04d}"))
            day = year_end + timedelta(days=1)
        elif day.day == 1 and next_month - timedelta(days=1) <= last:
            out.append(Facet("m", f"{day.year:04d}{day.month:02d}"))
            day = next_month
        else:
            out.append(Facet("d", f"{day.year:04d}{day.month:02d}{day.day:02d}"))
            day += timedelta(days=1)
    return out
