"""Neutral events: what adapters hand the core.

Frozen, keyed by a platform-given `event_key`, and free of payloads: a handler
never sees a Slack or Discord dict. `to_dict`/`from_dict` let the inbox store an
event and replay it after a restart.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime
from typing import Any, ClassVar

from bot.refs import ChannelRef, MessageRef, UserRef
from bot.text import storable


@dataclass(frozen=True, slots=True)
class Attachment:
    name: str
    size: int | None = None
    content_type: str | None = None
    url: str | None = None


@dataclass(frozen=True, slots=True)
class Author:
    """Who wrote or did something, as far as the adapter could tell at the time.

    `is_staff` is the adapter's verdict (Slack: home-workspace member, not a guest;
    Discord: holds a staff role); the config may override it per person.
    """

    user: UserRef
    name: str | None = None
    is_staff: bool | None = None
    is_bot: bool = False
    timezone: str | None = None
    email: str | None = None


@dataclass(frozen=True, slots=True)
class MessagePosted:
    kind: ClassVar[str] = "message_posted"
    event_key: str
    channel: ChannelRef
    author: Author
    message: MessageRef
    text: str
    occurred_at: datetime  # aware UTC
    attachments: tuple[Attachment, ...] = ()
    mentions: tuple[UserRef, ...] = ()
    reply_to: str | None = None  # Discord message reference (id in the same channel)
    # Imported history (backfill): archived only, never detected, routed or answered.
    historical: bool = False


@dataclass(frozen=True, slots=True)
class MessageEdited:
    kind: ClassVar[str] = "message_edited"
    event_key: str
    channel: ChannelRef
    author: Author | None
    message: MessageRef
    text: str
    occurred_at: datetime


@dataclass(frozen=True, slots=True)
class MessageDeleted:
    kind: ClassVar[str] = "message_deleted"
    event_key: str
    channel: ChannelRef
    message: MessageRef
    occurred_at: datetime


@dataclass(frozen=True, slots=True)
class ReactionAdded:
    kind: ClassVar[str] = "reaction_added"
    event_key: str
    channel: ChannelRef
    author: Author
    message: MessageRef
    emoji: str  # neutral name: "eyes", "white_check_mark", "ticket"
    occurred_at: datetime


@dataclass(frozen=True, slots=True)
class CommandInvoked:
    """`/presence <text>`. `reply_to` lets the adapter answer in place
    (Slack response_url / Discord interaction token), carried as an opaque string."""

    kind: ClassVar[str] = "command_invoked"
    event_key: str
    channel: ChannelRef
    author: Author
    name: str
    text: str
    occurred_at: datetime
    reply_handle: str | None = None
    thread: MessageRef | None = None


@dataclass(frozen=True, slots=True)
class ButtonPressed:
    kind: ClassVar[str] = "button_pressed"
    event_key: str
    channel: ChannelRef
    author: Author
    action_id: str
    occurred_at: datetime
    message: MessageRef | None = None
    value: str | None = None
    reply_handle: str | None = None


@dataclass(frozen=True, slots=True)
class MemberJoined:
    kind: ClassVar[str] = "member_joined"
    event_key: str
    channel: ChannelRef
    author: Author
    occurred_at: datetime


Event = (
    MessagePosted
    | MessageEdited
    | MessageDeleted
    | ReactionAdded
    | CommandInvoked
    | ButtonPressed
    | MemberJoined
)

EVENT_TYPES: dict[str, type[Any]] = {
    cls.kind: cls
    for cls in (
        MessagePosted,
        MessageEdited,
        MessageDeleted,
        ReactionAdded,
        CommandInvoked,
        ButtonPressed,
        MemberJoined,
    )
}

_NESTED: dict[str, type[Any]] = {
    "channel": ChannelRef,
    "message": MessageRef,
    "thread": MessageRef,
    "author": Author,
}


def to_dict(event: Event) -> dict[str, Any]:
    """A JSON-safe dict of the event, for the inbox row."""
    data: dict[str, Any] = {"kind": event.kind}
    for f in dataclasses.fields(event):
        data[f.name] = _plain(getattr(event, f.name))
    return data


def from_dict(data: dict[str, Any]) -> Event:
    cls = EVENT_TYPES[data["kind"]]
    kwargs: dict[str, Any] = {}
    for f in dataclasses.fields(cls):
        if f.name not in data:
            continue
        kwargs[f.name] = _restore(f.name, data[f.name])
    event: Event = cls(**kwargs)
    return event


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, str):
        return storable(value)
    return value


def _restore(name: str, value: Any) -> Any:
    if value is None:
        return None
    if name == "occurred_at":
        return datetime.fromisoformat(value)
    if name == "author":
        return Author(
            user=UserRef(**value["user"]),
            **{k: v for k, v in value.items() if k != "user"},
        )
    if name in _NESTED:
        return _NESTED[name](**value)
    if name == "attachments":
        return tuple(Attachment(**a) for a in value)
    if name == "mentions":
        return tuple(UserRef(**u) for u in value)
    return value


__all__ = [
    "Attachment",
    "Author",
    "ButtonPressed",
    "CommandInvoked",
    "Event",
    "MemberJoined",
    "MessageDeleted",
    "MessageEdited",
    "MessagePosted",
    "ReactionAdded",
    "from_dict",
    "to_dict",
]
