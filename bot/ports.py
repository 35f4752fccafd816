"""The one port between the core and a chat platform.

An adapter is a handful of verbs (send, update, react, permalink, member); the
core never sees a platform payload and the adapter never sees the database.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any, Protocol

from bot.events import Event
from bot.outgoing import Destination, OutgoingMessage
from bot.refs import MessageRef, UserRef


@dataclass(frozen=True, slots=True)
class Member:
    user: UserRef
    name: str
    is_staff: bool
    is_bot: bool = False
    timezone: str | None = None
    email: str | None = None


class SendError(Exception):
    """A platform refused or failed a call. `retryable` tells the outbox whether
    trying again can help; `retry_after` (seconds) is the platform's own hint."""

    def __init__(self, reason: str, *, retryable: bool, retry_after: float | None = None):
        super().__init__(reason)
        self.reason = reason
        self.retryable = retryable
        self.retry_after = retry_after


class RateLimited(SendError):
    def __init__(self, retry_after: float, reason: str = "rate limited"):
        super().__init__(reason, retryable=True, retry_after=retry_after)


class ChatPlatform(Protocol):
    name: str

    async def send(
        self,
        to: Destination,
        msg: OutgoingMessage,
        *,
        idempotency_key: str | None = None,
        resend: bool = False,
    ) -> MessageRef:
        """Post `msg`. With an idempotency key, a second send of the same key
        returns the first message instead of posting again, where the platform
        lets the adapter know (Discord nonce, Slack message metadata, local log).
        `resend` says an earlier attempt of this key may have landed, so the adapter
        should look harder (e.g. fresh channel history) before posting."""
        ...

    async def update(self, ref: MessageRef, msg: OutgoingMessage) -> None: ...

    async def react(self, msg: MessageRef, emoji: str) -> None: ...

    async def permalink(self, msg: MessageRef) -> str: ...

    async def member(self, who: UserRef) -> Member: ...


class EventSink(Protocol):
    """What an adapter hands events to (the core's ingest).

    `receive` returns once the event is committed to the database: True for a new
    event, False for a redelivery (ack it and drop it). If it raises, the event was
    not stored: do not ack, so the platform delivers it again."""

    async def receive(self, event: Event) -> bool: ...


class PlatformAdapter(ChatPlatform, Protocol):
    """A ChatPlatform that also connects: `start` returns once it is connected and
    receiving; `stop` drains and disconnects."""

    async def start(self) -> None: ...

    async def stop(self) -> None: ...

    def ready_info(self) -> dict[str, Any]:
        """Facts for PRESENCE_READY_FILE (e.g. {"slack_http_url": ...})."""
        ...


# (platform, option being typed, what was typed so far) -> up to 25 (name, value)
# suggestions, for adapters whose command forms autocomplete.
Suggest = Callable[[str, str, str], Awaitable[list[tuple[str, str]]]]
