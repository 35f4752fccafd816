"""Who may run what: five ordered permission levels.

A caller's level is the highest that applies (an admin is also a lead, a lead
also staff); a verb names the lowest level that may run it."""

from __future__ import annotations

from enum import IntEnum


class Level(IntEnum):
    CUSTOMER = 0
    STAFF = 1
    EXPERT = 2
    LEAD = 3
    ADMIN = 4

    @property
    def label(self) -> str:
        return {
            Level.CUSTOMER: "everyone",
            Level.STAFF: "staff",
            Level.EXPERT: "experts",
            Level.LEAD: "team leads",
            Level.ADMIN: "admins",
        }[self]


def refusal(needed: Level, verb: str) -> str:
    """The one-line answer to a caller below `needed`."""
    return f"`{verb}` needs the {needed.name.lower()} level: only {needed.label} can run it."
