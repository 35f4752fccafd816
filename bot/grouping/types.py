"""The input and output values of grouping."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class GroupMessage:
    """One channel line as grouping sees it.

    `user` None marks a system line (join/part/nick change); `ts` None means the
    line carries no clock (it then takes the last known one). `thread_parent` is
    an explicit platform thread or reply target and always wins. `mentions` are
    platform-resolved user mentions (ids as in `user`)."""

    id: str
    ts: float | None
    user: str | None
    text: str
    is_staff: bool | None = None
    thread_parent: str | None = None
    mentions: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Decision:
    """A grouping decision and why it was taken."""

    id: str
    parent: str  # earlier message id, or `id` itself for a new conversation
    reason: str  # "thread", "system", "model", "staff-answer", "customer-follow-up"
    score: float  # the model's score of the chosen row (0.0 when no model ran)
    alternatives: tuple[tuple[str, float], ...] = field(default=())  # best rows, best first

    @property
    def starts_conversation(self) -> bool:
        return self.parent == self.id
