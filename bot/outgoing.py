"""Neutral outgoing messages: what the core asks a platform to say.

Slack renders them as Block Kit, Discord as an embed plus buttons, the local
platform as plain text. `quote` holds text written by someone else (usually the
customer); every renderer escapes it so it can never ping anyone.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from bot.refs import MessageRef, UserRef

ButtonStyle = Literal["default", "primary", "danger"]


@dataclass(frozen=True, slots=True)
class Button:
    label: str
    action_id: str  # <= 100 chars (Discord custom_id cap); state lives here
    style: ButtonStyle = "default"
    value: str | None = None


@dataclass(frozen=True, slots=True)
class Field:
    label: str
    value: str


@dataclass(frozen=True, slots=True)
class OutgoingMessage:
    text: str
    title: str | None = None
    quote: str | None = None  # someone else's words, escaped by the renderer
    fields: tuple[Field, ...] = ()
    buttons: tuple[Button, ...] = ()
    link: MessageRef | None = None  # rendered as a permalink ("Open thread")
    link_label: str = "Open thread"
    mentions: tuple[UserRef, ...] = ()  # people this message may ping on purpose
    context: str | None = None  # small print under the message


DestinationKind = Literal["channel", "thread", "dm", "ephemeral", "reply"]


@dataclass(frozen=True, slots=True)
class Destination:
    kind: DestinationKind
    platform: str
    channel_id: str | None = None
    thread_id: str | None = None
    user_id: str | None = None
    handle: str | None = None  # "reply": the adapter's opaque reply handle (response_url, token)
    private_reply: bool = False  # "reply": visible to the invoking person only

    @classmethod
    def channel(cls, platform: str, channel_id: str) -> Destination:
        return cls("channel", platform, channel_id=channel_id)

    @classmethod
    def thread(cls, ref: MessageRef) -> Destination:
        return cls("thread", ref.platform, channel_id=ref.channel_id, thread_id=ref.root_id)

    @classmethod
    def dm(cls, user: UserRef) -> Destination:
        return cls("dm", user.platform, user_id=user.id)

    @classmethod
    def private(cls, platform: str, channel_id: str, user_id: str) -> Destination:
        """Visible to one person in a channel (Slack ephemeral; Discord falls back to a DM)."""
        return cls("ephemeral", platform, channel_id=channel_id, user_id=user_id)

    @classmethod
    def reply(
        cls, platform: str, handle: str, *, channel_id: str, user_id: str, private: bool = True
    ) -> Destination:
        """Answer a command or button press where it happened."""
        return cls(
            "reply",
            platform,
            channel_id=channel_id,
            user_id=user_id,
            handle=handle,
            private_reply=private,
        )


def message_to_dict(msg: OutgoingMessage) -> dict[str, Any]:
    return {
        "text": msg.text,
        "title": msg.title,
        "quote": msg.quote,
        "fields": [[f.label, f.value] for f in msg.fields],
        "buttons": [[b.label, b.action_id, b.style, b.value] for b in msg.buttons],
        "link": _ref_dict(msg.link),
        "link_label": msg.link_label,
        "mentions": [[u.platform, u.id] for u in msg.mentions],
        "context": msg.context,
    }


def message_from_dict(data: dict[str, Any]) -> OutgoingMessage:
    link = data.get("link")
    return OutgoingMessage(
        text=data["text"],
        title=data.get("title"),
        quote=data.get("quote"),
        fields=tuple(Field(a, b) for a, b in data.get("fields", [])),
        buttons=tuple(Button(a, b, c, d) for a, b, c, d in data.get("buttons", [])),
        link=MessageRef(**link) if link else None,
        link_label=data.get("link_label") or "Open thread",
        mentions=tuple(UserRef(p, i) for p, i in data.get("mentions", [])),
        context=data.get("context"),
    )


def destination_to_dict(to: Destination) -> dict[str, Any]:
    return {
        "kind": to.kind,
        "platform": to.platform,
        "channel_id": to.channel_id,
        "thread_id": to.thread_id,
        "user_id": to.user_id,
        "handle": to.handle,
        "private_reply": to.private_reply,
    }


def destination_from_dict(data: dict[str, Any]) -> Destination:
    return Destination(**data)


def _ref_dict(ref: MessageRef | None) -> dict[str, Any] | None:
    if ref is None:
        return None
    return {
        "platform": ref.platform,
        "channel_id": ref.channel_id,
        "message_id": ref.message_id,
        "thread_id": ref.thread_id,
    }


__all__ = ["Button", "Destination", "Field", "OutgoingMessage"]
