"""Times as a person reads them: in their own zone, with the day when it is not today."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo


def place(timezone: str) -> str:
    """'Europe/Helsinki' -> 'Helsinki'."""
    return timezone.rsplit("/", 1)[-1].replace("_", " ")


def local(at: datetime, timezone: str, now: datetime) -> str:
    zone = ZoneInfo(timezone)
    when = at.astimezone(zone)
    today = now.astimezone(zone).date()
    if when.date() == today:
        day = ""
    elif (when.date() - today).days == 1:
        day = "tomorrow "
    elif 0 < (when.date() - today).days < 7:
        day = when.strftime("%a ")
    else:
        day = when.strftime("%a %d %b ")
    return f"{day}{when:%H:%M} ({place(timezone)} time)"
