"""An in-process ChatPlatform with channels, threads, users, reactions and buttons.

People "type" through post/react_as/press/command; what Presence says lands in
`sent`. With a transcript file, every send is appended as a JSON line and the
idempotency keys are reloaded at start, so a restarted process can prove it
never said one thing twice."""

from __future__ import annotations

import itertools
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.clock import Clock, SystemClock
from bot.events import (
    Attachment,
    Author,
    ButtonPressed,
    CommandInvoked,
    MessageDeleted,
    MessageEdited,
    MessagePosted,
    ReactionAdded,
)
from bot.outgoing import Destination, OutgoingMessage, message_to_dict
from bot.ports import EventSink, Member, SendError
from bot.refs import ChannelRef, MessageRef, UserRef

PLATFORM = "local"


@dataclass
class LocalMessage:
    ref: MessageRef
    text: str
    by: str  # user id, or "presence"
    to: Destination | None = None
    msg: OutgoingMessage | None = None
    key: str | None = None
    edits: list[OutgoingMessage] = field(default_factory=list)

    @property
    def current(self) -> OutgoingMessage | None:
        return self.edits[-1] if self.edits else self.msg


class LocalPlatform:
    name = PLATFORM

    def __init__(
        self,
        *,
        clock: Clock | None = None,
        transcript: Path | None = None,
        workspace: str = "home",
    ):
        self._clock = clock or SystemClock()
        self._sink: EventSink | None = None
        self._ids = itertools.count(1)
        self._transcript = transcript
        self.workspace = workspace
        self.members: dict[str, Member] = {}
        self.sent: list[LocalMessage] = []
        self.posted: list[LocalMessage] = []
        self.reactions: list[tuple[MessageRef, str]] = []
        self._by_key: dict[str, MessageRef] = {}
        self._failures: list[SendError] = []
        if transcript is not None and transcript.exists():
            for line in transcript.read_text().splitlines():
                row = json.loads(line)
                if row.get("key") and row.get("op") == "send":
                    self._by_key[row["key"]] = MessageRef(**row["ref"])
                    self._ids = itertools.count(int(row["ref"]["message_id"].split("-")[-1]) + 1)

    # -- wiring ---------------------------------------------------------------
    def attach(self, sink: EventSink) -> None:
        self._sink = sink

    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        return None

    def ready_info(self) -> dict[str, Any]:
        return {}

    # -- people on the platform ----------------------------------------------
    def add_user(
        self, user_id: str, name: str, *, staff: bool = False, timezone: str | None = None
    ) -> UserRef:
        ref = UserRef(PLATFORM, user_id)
        self.members[user_id] = Member(ref, name, is_staff=staff, timezone=timezone)
        return ref

    def _author(self, user_id: str) -> Author:
        m = self.members.get(user_id)
        if m is None:
            return Author(UserRef(PLATFORM, user_id))
        return Author(m.user, m.name, m.is_staff, m.is_bot, m.timezone)

    def _next_id(self, prefix: str) -> str:
        return f"{prefix}-{next(self._ids)}"

    async def _deliver(self, event: Any) -> bool:
        if self._sink is None:
            raise RuntimeError("local platform is not attached to a running Presence")
        return await self._sink.receive(event)

    async def post(
        self,
        channel_id: str,
        user_id: str,
        text: str,
        *,
        thread: MessageRef | None = None,
        attachments: Sequence[Attachment] = (),
        at: datetime | None = None,
    ) -> MessageRef:
        mid = self._next_id("m")
        ref = MessageRef(PLATFORM, channel_id, mid, thread.root_id if thread else None)
        self.posted.append(LocalMessage(ref, text, user_id))
        await self._deliver(
            MessagePosted(
                event_key=f"local:{mid}",
                channel=ChannelRef(PLATFORM, channel_id, self.workspace),
                author=self._author(user_id),
                message=ref,
                text=text,
                occurred_at=at or self._clock.now(),
                attachments=tuple(attachments),
            )
        )
        return ref

    async def edit_as(self, user_id: str, ref: MessageRef, text: str) -> None:
        await self._deliver(
            MessageEdited(
                event_key=f"local:{ref.message_id}:edit:{self._next_id('e')}",
                channel=ChannelRef(PLATFORM, ref.channel_id, self.workspace),
                author=self._author(user_id),
                message=ref,
                text=text,
                occurred_at=self._clock.now(),
            )
        )

    async def delete_as(self, ref: MessageRef) -> None:
        await self._deliver(
            MessageDeleted(
                event_key=f"local:{ref.message_id}:delete",
                channel=ChannelRef(PLATFORM, ref.channel_id, self.workspace),
                message=ref,
                occurred_at=self._clock.now(),
            )
        )

    async def react_as(self, user_id: str, ref: MessageRef, emoji: str) -> None:
        await self._deliver(
            ReactionAdded(
                event_key=f"local:{ref.message_id}:react:{user_id}:{emoji}",
                channel=ChannelRef(PLATFORM, ref.channel_id, self.workspace),
                author=self._author(user_id),
                message=ref,
                emoji=emoji,
                occurred_at=self._clock.now(),
            )
        )

    async def press(self, user_id: str, action_id: str, *, channel_id: str = "D") -> None:
        await self._deliver(
            ButtonPressed(
                event_key=f"local:press:{self._next_id('p')}",
                channel=ChannelRef(PLATFORM, channel_id, self.workspace),
                author=self._author(user_id),
                action_id=action_id,
                occurred_at=self._clock.now(),
            )
        )

    async def command(self, user_id: str, text: str, *, channel_id: str = "D") -> None:
        await self._deliver(
            CommandInvoked(
                event_key=f"local:cmd:{self._next_id('c')}",
                channel=ChannelRef(PLATFORM, channel_id, self.workspace),
                author=self._author(user_id),
                name="presence",
                text=text,
                occurred_at=self._clock.now(),
            )
        )

    # -- test controls ----------------------------------------------------------
    def fail_next(self, *errors: SendError) -> None:
        """The next sends raise these errors, in order (429s, outages)."""
        self._failures.extend(errors)

    def said_to(self, kind: str, target: str) -> list[LocalMessage]:
        """What Presence sent to a DM user id, channel id or thread root id."""
        out = []
        for m in self.sent:
            to = m.to
            if to is None or to.kind != kind:
                continue
            if target in (to.user_id, to.channel_id, to.thread_id):
                out.append(m)
        return out

    # -- ChatPlatform -------------------------------------------------------
    async def send(
        self,
        to: Destination,
        msg: OutgoingMessage,
        *,
        idempotency_key: str | None = None,
        resend: bool = False,
    ) -> MessageRef:
        if idempotency_key and idempotency_key in self._by_key:
            return self._by_key[idempotency_key]
        if self._failures:
            raise self._failures.pop(0)
        mid = self._next_id("p")
        if to.kind == "dm":
            ref = MessageRef(PLATFORM, f"D-{to.user_id}", mid)
        elif to.kind == "thread":
            ref = MessageRef(PLATFORM, to.channel_id or "", mid, to.thread_id)
        else:
            ref = MessageRef(PLATFORM, to.channel_id or "", mid)
        self.sent.append(LocalMessage(ref, msg.text, "presence", to, msg, idempotency_key))
        if idempotency_key:
            self._by_key[idempotency_key] = ref
        self._write(
            {
                "op": "send",
                "key": idempotency_key,
                "ref": _ref(ref),
                "to": to.kind,
                "msg": message_to_dict(msg),
            }
        )
        return ref

    async def update(self, ref: MessageRef, msg: OutgoingMessage) -> None:
        if self._failures:
            raise self._failures.pop(0)
        for m in self.sent:
            if m.ref == ref:
                m.edits.append(msg)
                self._write({"op": "update", "ref": _ref(ref), "msg": message_to_dict(msg)})
                return
        raise SendError(f"message {ref.message_id} not found", retryable=False)

    async def react(self, msg: MessageRef, emoji: str) -> None:
        self.reactions.append((msg, emoji))

    async def permalink(self, msg: MessageRef) -> str:
        return f"local://{msg.channel_id}/{msg.root_id}/{msg.message_id}"

    async def member(self, who: UserRef) -> Member:
        m = self.members.get(who.id)
        return m or Member(who, f"user {who.id}", is_staff=False)

    def _write(self, row: dict[str, Any]) -> None:
        if self._transcript is None:
            return
        row["at"] = datetime.now(UTC).isoformat()
        with self._transcript.open("a") as f:
            f.write(json.dumps(row) + "\n")
            f.flush()


def _ref(ref: MessageRef) -> dict[str, Any]:
    return {
        "platform": ref.platform,
        "channel_id": ref.channel_id,
        "message_id": ref.message_id,
        "thread_id": ref.thread_id,
    }
