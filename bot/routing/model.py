"""Value types of routing: who can answer, what is asked, and the ranked outcome."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from bot.calendar import BusinessCalendar
from bot.routing.quiet import QuietWindow


@dataclass(frozen=True)
class ExpertProfile:
    user: str  # qualified id, "slack:U1"
    name: str
    topics: frozenset[str]
    languages: frozenset[str]
    calendar: BusinessCalendar
    capacity: int = 5
    backup: str | None = None
    away: bool = False
    quiet: QuietWindow | None = None  # nightly quiet hours in their zone (routing DMs)


@dataclass(frozen=True)
class RoutingRequest:
    text: str
    language: str | None
    now: datetime  # aware
    customer_owner: str | None = None
    owner_first: bool = False
    topic: str | None = None  # known topics (e.g. chosen by the asker); else classified
    extra_topics: frozenset[str] = field(default_factory=frozenset)
    asker: str | None = None  # never routed their own question


@dataclass(frozen=True)
class Candidate:
    user: str
    score: float
    on_duty: bool
    reasons: tuple[str, ...]
    fits: bool = True


@dataclass(frozen=True)
class Assignment:
    """The pick (None: post to triage), the ranked candidates and why."""

    assignee: str | None
    candidates: tuple[Candidate, ...]
    topic: str | None
    topic_confidence: float
    reason: str

    @property
    def to_triage(self) -> bool:
        return self.assignee is None
