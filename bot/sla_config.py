"""SLA policies and the stale-conversation rules as the config file declares them
(`[[sla]]`, `[stale]`); the clock arithmetic over them lives in bot/sla.py."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from bot.config_table import Table
from bot.durations import parse_duration
from bot.errors import ConfigError
from bot.priorities import PRIORITIES

DEFAULT_ESCALATION = ("assignee", "backup", "lead", "triage")


@dataclass(frozen=True)
class SlaConfig:
    tier: str = "*"
    priority: str | None = None
    calendar: str = "business"  # "business" | "24/7"
    first_response: timedelta = timedelta(hours=4)
    next_response: timedelta | None = None
    resolution: timedelta | None = None
    warn_at: float = 0.75
    escalation: tuple[str, ...] = DEFAULT_ESCALATION
    # When each step runs, counted from the breach (calendar time); None: evenly spaced.
    escalation_delays: tuple[timedelta, ...] | None = None
    # The whole days and weeks written in each target ("2d" -> (2, 0)): on a business
    # calendar they count business days and weeks, not 24-hour blocks (bot/sla.py).
    first_response_dw: tuple[int, int] = (0, 0)
    next_response_dw: tuple[int, int] = (0, 0)
    resolution_dw: tuple[int, int] = (0, 0)


@dataclass(frozen=True)
class StaleConfig:
    """Conversations waiting on the customer: nudge, then close (calendar time)."""

    nudge_after: timedelta | None = timedelta(days=3)
    close_after: timedelta | None = timedelta(days=4)  # counted from the nudge


def parse_sla(raw: Any, i: int) -> SlaConfig:
    where = f"sla[{i}]"
    t = Table(raw, where)
    calendar = t.text("calendar", "business")
    if calendar not in ("business", "24/7"):
        raise ConfigError(f"config: {where}.calendar must be 'business' or '24/7'")
    priority = t.text("priority")
    if priority is not None and priority not in PRIORITIES:
        raise ConfigError(f"config: {where}.priority must be one of {', '.join(PRIORITIES)}")
    warn_at = t.number("warn_at", 0.75)
    if not 0 < warn_at < 1:
        raise ConfigError(f"config: {where}.warn_at must be between 0 and 1")
    steps = t.texts("escalation", DEFAULT_ESCALATION)
    for step in steps:
        if step not in DEFAULT_ESCALATION:
            raise ConfigError(
                f"config: {where}.escalation step {step!r} is not one of "
                + ", ".join(DEFAULT_ESCALATION)
            )
    if not steps:
        raise ConfigError(f"config: {where}.escalation needs at least one step")
    cfg = SlaConfig(
        tier=t.text("tier", "*"),
        priority=priority,
        calendar=calendar,
        first_response=t.duration("first_response", timedelta(hours=4)) or timedelta(hours=4),
        next_response=t.duration("next_response", None),
        resolution=t.duration("resolution", None),
        warn_at=warn_at,
        escalation=steps,
        escalation_delays=_delays(t, "escalation_delays", steps),
        first_response_dw=_day_units(t.text("first_response")),
        next_response_dw=_day_units(t.text("next_response")),
        resolution_dw=_day_units(t.text("resolution")),
    )
    t.done()
    return cfg


def parse_stale(top: Table) -> StaleConfig:
    top.used.add("stale")
    t = Table(top.data.get("stale", {}), "stale")
    enabled = t.flag("enabled", True)
    nudge = t.duration("nudge_after", timedelta(days=3))
    close = t.duration("close_after", timedelta(days=4))
    t.done()
    if not enabled:
        return StaleConfig(nudge_after=None, close_after=None)
    return StaleConfig(nudge_after=nudge, close_after=close)


def _day_units(text: str | None) -> tuple[int, int]:
    """Whole days and weeks written in a duration ("1w2d4h" -> (2, 1))."""
    if text is None:
        return (0, 0)
    parts = re.findall(r"(\d+)\s*([dw])", text.lower())
    return (
        sum(int(n) for n, u in parts if u == "d"),
        sum(int(n) for n, u in parts if u == "w"),
    )


def _delays(t: Table, key: str, steps: tuple[str, ...]) -> tuple[timedelta, ...] | None:
    raw = t.texts(key)
    if not raw:
        return None
    where = f"config: {t.where}.{key}"
    if len(raw) != len(steps):
        raise ConfigError(f"{where} needs one delay per escalation step ({len(steps)})")
    out = [
        timedelta(0) if text in ("0", "0s", "0m") else parse_duration(text, what=where)
        for text in raw
    ]
    if any(b < a for a, b in zip(out, out[1:], strict=False)):
        raise ConfigError(f"{where} must not decrease (each is counted from the breach)")
    return tuple(out)
