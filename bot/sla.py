"""SLA policies as targets in time: due times in the support calendar's business time
(or calendar time for 24/7 tiers), the escalation schedule, and the arithmetic of a
paused clock. Pure functions; the clocks themselves live on the question rows.

Days and weeks: on a business calendar "2d" means two business days (two average
open days of the calendar, 2 x 9h for Mon-Fri 08:00-17:00) and "1w" one business
week (45h there), not 48 or 168 hours of business time. Hours and minutes are
business hours and minutes. On a 24/7 calendar a day is 24 hours.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

from bot.calendar import BusinessCalendar
from bot.config import PresenceConfig
from bot.sla_config import SlaConfig

DAY = timedelta(days=1)
WEEK = timedelta(days=7)
# Escalation steps after the first follow at a tenth of the target each, at least this.
MIN_STEP_GAP_S = 300.0


@dataclass(frozen=True)
class DueTimes:
    first_response: datetime
    warn: datetime
    resolution: datetime | None
    policy: SlaConfig


@lru_cache(maxsize=64)
def _calendar(timezone: str, hours: str, country: str | None) -> BusinessCalendar:
    return BusinessCalendar(timezone, hours, country)


def support_calendar(config: PresenceConfig, policy: SlaConfig | None = None) -> BusinessCalendar:
    support = config.support
    hours = "24/7" if policy is not None and policy.calendar == "24/7" else support.hours
    return _calendar(support.timezone, hours, support.country)


def calendar_named(config: PresenceConfig, calendar: str) -> BusinessCalendar:
    """The support calendar as a stored policy names it ("business" or "24/7")."""
    support = config.support
    hours = "24/7" if calendar == "24/7" else support.hours
    return _calendar(support.timezone, hours, support.country)


def week_length(cal: BusinessCalendar) -> timedelta:
    minutes = sum(end - start for day in cal.hours.days for start, end in day)
    return timedelta(minutes=minutes)


def day_length(cal: BusinessCalendar) -> timedelta:
    """One business day: the average open time of the calendar's open weekdays."""
    open_days = sum(1 for day in cal.hours.days if day)
    return week_length(cal) / max(open_days, 1)


def business_target(cal: BusinessCalendar, total: timedelta, dw: tuple[int, int]) -> timedelta:
    """A configured target in business time: whole days/weeks as written become
    business days/weeks; the rest is business hours and minutes."""
    if cal.hours.always:
        return total
    days, weeks = dw
    rest = total - days * DAY - weeks * WEEK
    if rest < timedelta(0):  # the written units do not add up: trust the total
        return total
    return days * day_length(cal) + weeks * week_length(cal) + rest


def due_times(config: PresenceConfig, tier: str, priority: str, start: datetime) -> DueTimes:
    policy = config.sla_for(tier, priority)
    cal = support_calendar(config, policy)
    first = business_target(cal, policy.first_response, policy.first_response_dw)
    resolution = (
        business_target(cal, policy.resolution, policy.resolution_dw) if policy.resolution else None
    )
    return DueTimes(
        first_response=cal.add(start, first),
        warn=cal.add(start, first * policy.warn_at),
        resolution=cal.add(start, resolution) if resolution is not None else None,
        policy=policy,
    )


def step_delays(policy: SlaConfig, first_response: timedelta) -> tuple[timedelta, ...]:
    if policy.escalation_delays is not None:
        return policy.escalation_delays
    gap = timedelta(seconds=max(MIN_STEP_GAP_S, first_response.total_seconds() / 10))
    return tuple(gap * i for i in range(len(policy.escalation)))


def policy_dict(policy: SlaConfig, config: PresenceConfig | None = None) -> dict[str, object]:
    """The policy as a question keeps it: targets already in business time, so a later
    config change does not move the clocks of questions already asked."""
    cal = support_calendar(config or PresenceConfig(), policy)
    first = business_target(cal, policy.first_response, policy.first_response_dw)
    nxt = (
        business_target(cal, policy.next_response, policy.next_response_dw)
        if policy.next_response
        else None
    )
    res = (
        business_target(cal, policy.resolution, policy.resolution_dw) if policy.resolution else None
    )
    return {
        "tier": policy.tier,
        "priority": policy.priority,
        "calendar": policy.calendar,
        "first_response_s": int(first.total_seconds()),
        "next_response_s": int(nxt.total_seconds()) if nxt else None,
        "resolution_s": int(res.total_seconds()) if res else None,
        "warn_at": policy.warn_at,
        "escalation": list(policy.escalation),
        "delays_s": [int(d.total_seconds()) for d in step_delays(policy, first)],
    }


@dataclass(frozen=True)
class Policy:
    """The policy stored on a question (see policy_dict), read back with defaults for
    rows written before a field existed."""

    calendar: str
    first_response: timedelta
    next_response: timedelta | None
    resolution: timedelta | None
    warn_at: float
    escalation: tuple[str, ...]
    delays: tuple[timedelta, ...]

    @classmethod
    def of(cls, stored: dict[str, Any]) -> Policy:
        first = timedelta(seconds=float(stored.get("first_response_s") or 3600))
        chain = tuple(stored.get("escalation") or ("assignee", "backup", "lead", "triage"))
        raw_delays = stored.get("delays_s")
        if raw_delays is not None and len(raw_delays) == len(chain):
            delays = tuple(timedelta(seconds=float(d)) for d in raw_delays)
        else:
            gap = timedelta(seconds=max(MIN_STEP_GAP_S, first.total_seconds() / 10))
            delays = tuple(gap * i for i in range(len(chain)))
        nxt = stored.get("next_response_s")
        res = stored.get("resolution_s")
        return cls(
            calendar=str(stored.get("calendar") or "business"),
            first_response=first,
            next_response=timedelta(seconds=float(nxt)) if nxt else None,
            resolution=timedelta(seconds=float(res)) if res else None,
            warn_at=float(stored.get("warn_at") or 0.75),
            escalation=chain,
            delays=delays,
        )


def warn_time(
    cal: BusinessCalendar, start: datetime, target: timedelta, warn_at: float
) -> datetime:
    return cal.add(start, target * warn_at)


def remaining(cal: BusinessCalendar, now: datetime, due: datetime) -> timedelta:
    """Business time left until `due` (negative once past): what a pause keeps."""
    return cal.elapsed(now, due)


def resumed_due(cal: BusinessCalendar, now: datetime, left: timedelta) -> datetime:
    """The due time of a clock that had `left` to run when paused, resumed at `now`."""
    return cal.add(now, max(left, timedelta(0)))
