"""Config of the customer loop: `[ideas]`, `[status]` and `[digests]`, read as
strictly as the rest of the file (unknown keys and bad values are one line)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import timedelta
from urllib.parse import urlsplit

from bot.config_table import Table, check_id
from bot.errors import ConfigError

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_WEEKLY = re.compile(r"(?P<day>[a-z]{3})\s+(?P<h>\d{1,2}):(?P<m>\d{2})")
_DAILY = re.compile(r"(?P<h>\d{1,2}):(?P<m>\d{2})")


@dataclass(frozen=True)
class IdeasConfig:
    # Organisation names next to votes are shown only when the admin allows it.
    show_organisations: bool = False
    similar: float = 0.35  # how alike a proposal and an idea must be to offer a vote


@dataclass(frozen=True)
class StatusConfig:
    statuspage_url: str | None = None  # a Statuspage-compatible .../api/v2/summary.json
    poll_interval: timedelta = timedelta(minutes=1)


@dataclass(frozen=True)
class Schedule:
    """A time in the support time zone, weekly (weekday 0=Mon) or daily (None)."""

    weekday: int | None
    hour: int
    minute: int


@dataclass(frozen=True)
class DigestConfig:
    # Off unless configured: a digest nobody asked for is noise.
    customer_weekly: Schedule | None = None
    staff_daily: Schedule | None = None
    staff_channel: str | None = None  # default: the triage channel


@dataclass(frozen=True)
class LoopConfig:
    ideas: IdeasConfig = field(default_factory=IdeasConfig)
    status: StatusConfig = field(default_factory=StatusConfig)
    digests: DigestConfig = field(default_factory=DigestConfig)


def parse_loop(top: Table) -> LoopConfig:
    top.used.update(("ideas", "status", "digests"))
    t = Table(top.data.get("ideas", {}), "ideas")
    similar = t.number("similar", 0.35)
    if not 0 < similar <= 1:
        raise ConfigError("config: ideas.similar must be above 0 and at most 1")
    ideas = IdeasConfig(show_organisations=t.flag("show_organisations", False), similar=similar)
    t.done()

    t = Table(top.data.get("status", {}), "status")
    url = t.text("statuspage_url")
    if url is not None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ConfigError("config: status.statuspage_url must be an http(s) URL")
    interval = t.duration("poll_interval", timedelta(minutes=1)) or timedelta(minutes=1)
    if interval < timedelta(seconds=10):
        raise ConfigError("config: status.poll_interval must be at least 10s")
    status = StatusConfig(statuspage_url=url, poll_interval=interval)
    t.done()

    t = Table(top.data.get("digests", {}), "digests")
    digests = DigestConfig(
        customer_weekly=_schedule(t, "customer_weekly", DigestConfig.customer_weekly, weekly=True),
        staff_daily=_schedule(t, "staff_daily", DigestConfig.staff_daily, weekly=False),
        staff_channel=check_id(t.text("staff_channel"), "digests.staff_channel"),
    )
    t.done()
    return LoopConfig(ideas=ideas, status=status, digests=digests)


def _schedule(t: Table, key: str, default: Schedule | None, *, weekly: bool) -> Schedule | None:
    raw = t.text(key)
    if raw is None:
        return default
    text = raw.lower()
    if text == "off":
        return None
    m = (_WEEKLY if weekly else _DAILY).fullmatch(text)
    shape = '"Mon 09:00"' if weekly else '"08:30"'
    if m is None or int(m["h"]) > 23 or int(m["m"]) > 59:
        raise ConfigError(f'config: digests.{key} must look like {shape} or be "off"')
    day = None
    if weekly:
        if m["day"] not in DAYS:
            raise ConfigError(f"config: digests.{key} names an unknown day {m['day']!r}")
        day = DAYS.index(m["day"])
    return Schedule(day, int(m["h"]), int(m["m"]))
