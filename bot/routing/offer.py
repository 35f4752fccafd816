"""Who may be messaged now: the pure rules behind held DMs and quiet-aware picks
(handlers/routing.py and handlers/offers.py apply them with the database)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from bot.routing.config import QuietConfig
from bot.routing.model import Assignment, ExpertProfile
from bot.routing.quiet import quiet_until


def quiet_for(
    now: datetime, expert: ExpertProfile, priority: str, quiet: QuietConfig
) -> datetime | None:
    """Until when a DM of this priority to `expert` waits; None: it goes now.

    Without `[routing.quiet]` only an expert's own `quiet_hours` hold anything, and
    closed hours do not."""
    if not quiet.enabled and expert.quiet is None:
        return None
    if quiet.rule.wakes(priority):
        return None
    return quiet_until(
        now,
        expert.calendar,
        expert.quiet,
        outside_hours=quiet.enabled and quiet.rule.outside_hours,
    )


def prefer_awake(
    got: Assignment,
    experts: list[ExpertProfile],
    priority: str,
    quiet: QuietConfig,
    now: datetime,
) -> Assignment:
    """Rank already puts on-duty experts who fit first; quiet hours can be narrower
    than duty (a 24/7 on-call person asleep 22:00-07:00). When the pick is quiet for
    this priority, the best candidate who fits, is on duty and is awake gets it."""
    if got.assignee is None:
        return got
    profiles = {e.user: e for e in experts}
    top = profiles.get(got.assignee)
    if top is None or quiet_for(now, top, priority, quiet) is None:
        return got
    for c in got.candidates:
        p = profiles.get(c.user)
        if p is None or c.user == got.assignee or not (c.fits and c.on_duty):
            continue
        if quiet_for(now, p, priority, quiet) is None:
            first = replace(c, reasons=(*c.reasons, f"{top.name} is in quiet hours"))
            rest = tuple(x for x in got.candidates if x.user != c.user)
            return replace(
                got, assignee=c.user, candidates=(first, *rest), reason="; ".join(first.reasons)
            )
    return got
