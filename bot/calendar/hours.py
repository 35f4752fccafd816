"""Weekly opening hours parsed from a short spec such as "Mon-Fri 08:00-17:00".

Grammar (case-insensitive, commas and spaces both separate):
    spec  := "24/7" | group ("," group)*
    group := days+ range+
    days  := Day | Day "-" Day              (Mon..Sun or full names; ranges may wrap)
    range := HH:MM "-" HH:MM                (end "24:00" allowed; end < start runs past midnight)
e.g. "Mon-Thu 08:00-16:00, Fri 08:00-14:00", "Sat,Sun 10:00-14:00",
"Mon-Fri 08:00-12:00 13:00-17:00".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from bot.errors import ConfigError

MINUTES_PER_DAY = 24 * 60

_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_FULL = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_TIME_RANGE = re.compile(r"(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})")
_ALWAYS = {"24/7", "24x7"}


@dataclass(frozen=True, slots=True)
class WeeklyHours:
    """Open intervals per weekday (0 = Monday), in local minutes since that day's midnight.

    An interval may end after 1440 when it runs past midnight into the next day; the part
    after midnight still belongs to the day it started on (a holiday on that day closes it).
    """

    spec: str
    days: tuple[tuple[tuple[int, int], ...], ...]
    always: bool = False


def _day_index(token: str, spec: str) -> int:
    t = token.lower()
    if t in _DAYS:
        return _DAYS.index(t)
    if t in _FULL:
        return _FULL.index(t)
    raise ConfigError(f"bad business hours {spec!r}: unknown day {token!r}")


def _days(token: str, spec: str) -> list[int]:
    if "-" not in token:
        return [_day_index(token, spec)]
    first, _, last = token.partition("-")
    a, b = _day_index(first, spec), _day_index(last, spec)
    span = (b - a) % 7
    return [(a + i) % 7 for i in range(span + 1)]


def _time_range(token: str, spec: str) -> tuple[int, int]:
    m = _TIME_RANGE.fullmatch(token)
    if m is None:
        raise ConfigError(f"bad business hours {spec!r}: cannot read {token!r}")
    h1, m1, h2, m2 = (int(g) for g in m.groups())
    for h, mi in ((h1, m1), (h2, m2)):
        if mi > 59 or h > 24 or (h == 24 and mi != 0):
            raise ConfigError(f"bad business hours {spec!r}: bad time in {token!r}")
    start, end = h1 * 60 + m1, h2 * 60 + m2
    if start == MINUTES_PER_DAY:
        raise ConfigError(f"bad business hours {spec!r}: {token!r} starts at 24:00")
    if start == end:
        raise ConfigError(f"bad business hours {spec!r}: {token!r} is empty")
    if end < start:
        end += MINUTES_PER_DAY
    return start, end


def _merge(intervals: list[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return tuple(merged)


@lru_cache(maxsize=512)
def parse_hours(spec: str) -> WeeklyHours:
    """Parse a business-hours spec; raise ConfigError naming the bad part."""
    text = spec.strip()
    if not text:
        raise ConfigError("bad business hours '': empty")
    if text.lower() in _ALWAYS:
        whole = ((0, MINUTES_PER_DAY),)
        return WeeklyHours(spec=text, days=(whole,) * 7, always=True)
    tokens = [t for t in re.split(r"[,;\s]+", re.sub(r"\s*-\s*", "-", text)) if t]
    per_day: list[list[tuple[int, int]]] = [[] for _ in range(7)]
    pending_days: list[int] = []
    seen_range = False
    for token in tokens:
        if token[0].isdigit():
            if not pending_days:
                raise ConfigError(f"bad business hours {spec!r}: {token!r} has no days before it")
            interval = _time_range(token, spec)
            for d in pending_days:
                per_day[d].append(interval)
            seen_range = True
        else:
            if seen_range:
                pending_days, seen_range = [], False
            pending_days.extend(_days(token, spec))
    if pending_days and not seen_range:
        raise ConfigError(f"bad business hours {spec!r}: days without hours at the end")
    days = tuple(_merge(d) for d in per_day)
    # Every day fully open is round the clock, however it was spelled.
    always = all(d and d[0][0] == 0 and d[-1][1] >= MINUTES_PER_DAY for d in days)
    return WeeklyHours(spec=text, days=days, always=always)
