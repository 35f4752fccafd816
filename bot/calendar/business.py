"""Business-time arithmetic over weekly hours, public holidays and personal days off.

Everything is computed span by span (one open interval per step, at most a few per
day), never minute by minute, so adding days of business time costs a few dozen steps.
Local wall times are turned into instants through zoneinfo, so a DST change simply
makes that day's span an hour shorter or longer.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import holidays

from bot.calendar.hours import MINUTES_PER_DAY, WeeklyHours, parse_hours
from bot.errors import ConfigError

Span = tuple[datetime, datetime]

# The search for an open span gives up after this many closed days in a row; only a
# calendar closed for years (days off covering everything) can reach it.
_MAX_CLOSED_DAYS = 3660
FOREVER = datetime.max.replace(tzinfo=UTC)


@lru_cache(maxsize=256)
def _public_holidays(country: str, subdivision: str | None) -> holidays.HolidayBase:
    # Shared: callers build a calendar per expert per question, and filling a country's
    # holiday years costs far more than the queries that follow.
    return holidays.country_holidays(country, subdiv=subdivision)


def _utc(at: datetime, name: str) -> datetime:
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError(f"{name} must be an aware datetime")
    return at.astimezone(UTC)


class BusinessCalendar:
    """Opening hours of a person or a team in their own time zone."""

    def __init__(
        self,
        timezone: str,
        hours: str,
        country: str | None = None,
        subdivision: str | None = None,
        days_off: Iterable[date] = (),
    ) -> None:
        try:
            self.zone = ZoneInfo(timezone)
        except (ZoneInfoNotFoundError, ValueError) as e:
            raise ConfigError(f"unknown time zone {timezone!r}") from e
        self.timezone = timezone
        self.hours: WeeklyHours = parse_hours(hours)
        self.country = country
        self.subdivision = subdivision
        self._holidays: holidays.HolidayBase | None = None
        if country:
            try:
                self._holidays = _public_holidays(country, subdivision)
            except NotImplementedError as e:
                where = f"{country}/{subdivision}" if subdivision else country
                raise ConfigError(f"no public holiday calendar for {where!r}") from e
        self.days_off = frozenset(days_off)
        self._last_day_off = max(self.days_off, default=None)
        # Spans per local day are pure in the date; cache them for the sweeper's hot loop.
        self._day_spans = lru_cache(maxsize=4096)(self._compute_day_spans)

    def __repr__(self) -> str:
        return f"BusinessCalendar({self.timezone!r}, {self.hours.spec!r}, country={self.country!r})"

    def _plain_from(self, at: datetime) -> bool:
        """True when business time from `at` on is plain calendar time (24/7, nothing closed)."""
        if not self.hours.always:
            return False
        day = at.astimezone(self.zone).date()
        return self._last_day_off is None or self._last_day_off < day

    def is_closed_day(self, day: date) -> bool:
        if day in self.days_off:
            return True
        # Round-the-clock service runs through public holidays; only personal days off stop it.
        return not self.hours.always and self._holidays is not None and day in self._holidays

    def holiday_name(self, day: date) -> str | None:
        if self._holidays is None:
            return None
        name = self._holidays.get(day)
        return str(name) if name else None

    def _instant(self, day: date, minute: int) -> datetime:
        day = day + timedelta(days=minute // MINUTES_PER_DAY)
        minute %= MINUTES_PER_DAY
        local = datetime.combine(day, time(minute // 60, minute % 60), tzinfo=self.zone)
        return local.astimezone(UTC)

    def _compute_day_spans(self, day: date) -> tuple[Span, ...]:
        if self.is_closed_day(day):
            return ()
        spans = []
        for start, end in self.hours.days[day.weekday()]:
            s, e = self._instant(day, start), self._instant(day, end)
            if e > s:  # a span inside a DST gap collapses to nothing
                spans.append((s, e))
        return tuple(spans)

    def _raw_spans(self, at: datetime) -> Iterator[Span]:
        """Day spans in time order, from the local day before `at` onward."""
        day = at.astimezone(self.zone).date() - timedelta(days=1)
        closed_run = 0
        while closed_run <= _MAX_CLOSED_DAYS:
            if self.hours.always and (self._last_day_off is None or day > self._last_day_off):
                # Round the clock with no day off ahead: open for good from here.
                yield (self._instant(day, 0), FOREVER)
                return
            spans = self._day_spans(day)
            closed_run = 0 if spans else closed_run + 1
            yield from spans
            day += timedelta(days=1)
        raise ConfigError(f"calendar {self.hours.spec!r} is never open")

    def spans(self, at: datetime) -> Iterator[Span]:
        """Maximal open spans (touching days merged) that end after `at`, in order."""
        at = _utc(at, "at")
        if self._plain_from(at):
            yield (at, FOREVER)
            return
        current: Span | None = None
        horizon = at + timedelta(days=_MAX_CLOSED_DAYS)
        for s, e in self._raw_spans(at):
            if s > horizon:
                break
            if current is not None and s <= current[1]:
                current = (current[0], max(current[1], e))
                continue
            if current is not None and current[1] > at:
                yield current
            current = (s, e)
        if current is not None and current[1] > at:
            yield current

    def span_at(self, at: datetime) -> Span:
        """The open span holding `at`, or else the next one: all three questions below at once."""
        return next(self.spans(at))

    def is_open(self, at: datetime) -> bool:
        return self.span_at(at)[0] <= at

    def open_until(self, at: datetime) -> datetime | None:
        """End of the open span holding `at`; None when closed. Always-open: FOREVER."""
        start, end = self.span_at(at)
        return end if start <= at else None

    def next_open(self, at: datetime) -> datetime:
        """`at` itself when open, else the start of the next open span."""
        return max(_utc(at, "at"), self.span_at(at)[0])

    def add(self, start: datetime, duration: timedelta) -> datetime:
        """The instant `duration` of business time after `start`.

        A due time that lands exactly on closing time stays there (17:00 Friday, not
        08:00 Monday); a zero duration returns `start` even when closed.
        """
        start = _utc(start, "start")
        if duration < timedelta(0):
            raise ValueError("duration must not be negative")
        if duration == timedelta(0):
            return start
        remaining = duration
        for s, e in self.spans(start):
            s = max(s, start)
            if e == FOREVER or remaining <= e - s:
                return s + remaining
            remaining -= e - s
        raise AssertionError("unreachable: spans() ends only by raising")

    def elapsed(self, start: datetime, end: datetime) -> timedelta:
        """Business time between two instants (negative when end is before start)."""
        start, end = _utc(start, "start"), _utc(end, "end")
        if end < start:
            return -self.elapsed(end, start)
        total = timedelta(0)
        for s, e in self.spans(start):
            if s >= end:
                break
            total += min(e, end) - max(s, start)
        return total
