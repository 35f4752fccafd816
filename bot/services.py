"""What handlers may touch, built once in the app and handed to every handler."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from bot.clock import Clock
from bot.config import PresenceConfig
from bot.routing.history import ResolvedHistory
from bot.routing.topics import TopicModel


class DetectionResult(Protocol):
    @property
    def is_question(self) -> bool: ...
    @property
    def score(self) -> float: ...
    @property
    def kind(self) -> str: ...
    @property
    def lang(self) -> str: ...
    @property
    def reasons(self) -> tuple[str, ...]: ...
    @property
    def resolves(self) -> bool: ...


class QuestionDetector(Protocol):
    def detect(
        self,
        text: str,
        *,
        context: Sequence[str] = (),
        is_staff: bool = False,
        is_bot: bool = False,
        threshold: float | None = None,
    ) -> DetectionResult: ...


# Not frozen: `config` is swapped in place when a chat change to the SLA targets is
# seen (handlers/commands/overrides.py, LiveOverrides), so every loop holding this
# object sees the new policies at once.
@dataclass
class Services:
    config: PresenceConfig
    clock: Clock
    detector: QuestionDetector
    # Derived from the archive at start and kept current on resolve; a cache, never
    # the only copy (the database is).
    history: ResolvedHistory = field(default_factory=ResolvedHistory)
    topics: TopicModel = field(default_factory=TopicModel)
    groupers: Any = None  # handlers.grouping.LiveGroupers; a cache rebuilt from the archive
