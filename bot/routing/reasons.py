"""The words a person reads next to an assignment: why this expert, and are they free."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.calendar import FOREVER
from bot.calendar.business import Span
from bot.routing.model import ExpertProfile


def _place(timezone: str) -> str:
    return timezone.rsplit("/", 1)[-1].replace("_", " ")


def _clock(at: datetime, expert: ExpertProfile, now: datetime) -> str:
    local = at.astimezone(expert.calendar.zone)
    today = now.astimezone(expert.calendar.zone).date()
    when = local.strftime("%H:%M")
    if local.date() != today:
        when = (
            local.strftime("%a %H:%M")
            if local - now < timedelta(days=6)
            else local.strftime("%d %b %H:%M")
        )
    return f"{when} {_place(expert.calendar.timezone)}"


def duty(expert: ExpertProfile, now: datetime, span: Span | None = None) -> str:
    """Words on whether `expert` is on duty at `now` (`span`: their calendar's span_at(now))."""
    cal = expert.calendar
    if expert.away:
        return "away"
    start, end = span if span is not None else cal.span_at(now)
    if start <= now:
        if end == FOREVER:
            return "on duty around the clock"
        return f"on duty until {_clock(end, expert, now)}"
    day = now.astimezone(cal.zone).date()
    back = f"back {_clock(start, expert, now)}"
    if day in cal.days_off:
        return f"day off; {back}"
    holiday = cal.holiday_name(day)
    if holiday and cal.hours.days[day.weekday()]:
        return f"public holiday ({holiday}); {back}"
    return f"off duty; {back}"


def load(open_now: int, capacity: int) -> str:
    if open_now >= capacity:
        return f"at capacity: {open_now} open of {capacity}"
    return f"{open_now} open of {capacity}"


def plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"
