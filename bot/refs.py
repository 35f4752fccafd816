"""Small value types that stand in for platform objects.

Ids are strings as the platform gives them; the platform name travels with them
so one archive can hold Slack and Discord side by side.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class UserRef:
    platform: str
    id: str

    @property
    def qualified(self) -> str:
        return f"{self.platform}:{self.id}"


@dataclass(frozen=True, slots=True)
class ChannelRef:
    platform: str
    id: str
    workspace: str | None = None  # Slack team id / Discord guild id

    @property
    def qualified(self) -> str:
        return f"{self.platform}:{self.id}"


@dataclass(frozen=True, slots=True)
class MessageRef:
    """Where a message lives. `thread_id` is the thread root's id (Slack thread_ts,
    Discord thread channel id) or None for a top-level message."""

    platform: str
    channel_id: str
    message_id: str
    thread_id: str | None = None

    @property
    def root_id(self) -> str:
        return self.thread_id or self.message_id


def parse_qualified(value: str) -> tuple[str, str]:
    """'slack:C0123' -> ('slack', 'C0123'); raises ValueError with a readable text."""
    platform, sep, ident = value.partition(":")
    if not sep or not platform or not ident:
        raise ValueError(f"expected PLATFORM:ID (e.g. slack:C0123), got {value!r}")
    return platform, ident
