"""Quiet hours: when an expert is not to be woken, and until when.

Pure (no database, no clock of its own). An expert is quiet outside their working
hours (their `BusinessCalendar`: zone, hours, holidays, days off), unless the rule
says otherwise, and inside their optional nightly window (`quiet_hours =
"22:00-07:00"` in their own zone). A DM of a priority the rule does not wake for is
held until the quiet ends; `wake_for` priorities always go through.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.calendar import BusinessCalendar
from bot.errors import ConfigError

_WINDOW = re.compile(r"(?P<h1>\d{1,2}):(?P<m1>\d{2})\s*-\s*(?P<h2>\d{1,2}):(?P<m2>\d{2})")
# Quiet spans are chained (closed hours, then the nightly window...): this many steps
# is a week of alternations, far more than any real calendar produces.
_MAX_STEPS = 64


@dataclass(frozen=True)
class QuietWindow:
    """A daily span of wall-clock time; end before start runs past midnight."""

    start: time
    end: time

    def contains(self, local: datetime) -> bool:
        t = local.time().replace(tzinfo=None)
        if self.start <= self.end:
            return self.start <= t < self.end
        return t >= self.start or t < self.end

    def end_after(self, local: datetime) -> datetime:
        """The end of the window holding `local` (a local, aware datetime)."""
        day = local.date()
        if self.start > self.end and local.time().replace(tzinfo=None) >= self.start:
            day += timedelta(days=1)  # an overnight window ends tomorrow morning
        naive = datetime.combine(day, self.end)
        return naive.replace(tzinfo=local.tzinfo)

    def __str__(self) -> str:
        return f"{self.start:%H:%M}-{self.end:%H:%M}"


def parse_window(text: str, *, what: str = "quiet_hours") -> QuietWindow:
    m = _WINDOW.fullmatch(text.strip())
    if m is None:
        raise ConfigError(f"{what} must look like 22:00-07:00, got {text!r}")
    try:
        start = time(int(m["h1"]), int(m["m1"]))
        midnight = m["h2"] == "24" and m["m2"] == "00"  # "24:00" is a valid end
        end = time(0, 0) if midnight else time(int(m["h2"]), int(m["m2"]))
    except ValueError:
        raise ConfigError(f"{what} has a time that does not exist: {text!r}") from None
    if start == end:
        raise ConfigError(f"{what} must not start and end at the same time: {text!r}")
    return QuietWindow(start, end)


@dataclass(frozen=True)
class QuietRule:
    """`[routing.quiet]`: which priorities wake an expert, and whether closed hours
    count as quiet."""

    wake_for: frozenset[str] = frozenset({"urgent", "high"})
    outside_hours: bool = True

    def wakes(self, priority: str) -> bool:
        return priority in self.wake_for


def quiet_until(
    now: datetime,
    calendar: BusinessCalendar,
    window: QuietWindow | None,
    *,
    outside_hours: bool = True,
) -> datetime | None:
    """None when the expert may be messaged now; else the instant their quiet ends
    (closed hours and the nightly window chained: whichever ends last)."""
    zone = ZoneInfo(calendar.timezone)
    at = now
    for _ in range(_MAX_STEPS):
        moved = False
        if outside_hours:
            opens = calendar.next_open(at)
            if opens > at:
                at, moved = opens, True
        if window is not None:
            local = at.astimezone(zone)
            if window.contains(local):
                ends = window.end_after(local).astimezone(now.tzinfo)
                if ends > at:
                    at, moved = ends, True
        if not moved:
            break
    return None if at == now else at
