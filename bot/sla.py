"""Due times from SLA policies, in the support calendar's business time or in
calendar time for 24/7 tiers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from bot.calendar import BusinessCalendar
from bot.config import PresenceConfig, SlaConfig


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


def due_times(config: PresenceConfig, tier: str, priority: str, start: datetime) -> DueTimes:
    policy = config.sla_for(tier, priority)
    cal = support_calendar(config, policy)
    warn_after = timedelta(seconds=policy.first_response.total_seconds() * policy.warn_at)
    return DueTimes(
        first_response=cal.add(start, policy.first_response),
        warn=cal.add(start, warn_after),
        resolution=cal.add(start, policy.resolution) if policy.resolution else None,
        policy=policy,
    )


def policy_dict(policy: SlaConfig) -> dict[str, object]:
    return {
        "tier": policy.tier,
        "priority": policy.priority,
        "calendar": policy.calendar,
        "first_response_s": int(policy.first_response.total_seconds()),
        "resolution_s": int(policy.resolution.total_seconds()) if policy.resolution else None,
        "warn_at": policy.warn_at,
        "escalation": list(policy.escalation),
    }
