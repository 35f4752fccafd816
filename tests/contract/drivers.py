"""The neutral driver the contract scenarios are written against, the shared
configuration, and the local platform's driver.

A driver plays two people in one customer channel: `customer` (a customer of
"Acme Oy") and `staff` (the supplier's only expert, who gets the DMs). It posts and
reacts as them, presses buttons and runs `/presence` as them through the platform's
own wire, and reads back what Presence said: by DM, in the triage channel, in a
question's thread, privately to one person, and whether anything could ping.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from typing import Any, Literal, Protocol

from bot.app import App
from bot.config import PresenceConfig, parse_config
from bot.events import Event
from bot.ports import EventSink
from bot.settings import Settings
from integrations.local import LocalPlatform
from integrations.local.platform import LocalMessage

Role = Literal["customer", "staff"]
MASS = ("everyone", "here", "channel")
# A broadcast keyword as the platform would act on it: not preceded by a word
# character and not broken by the zero-width characters the renderers insert.
_BARE_MASS = re.compile(r"(?<![\w\u2060\u200b])@(everyone|here|channel)\b")


@dataclass(frozen=True)
class Posted:
    """A message a person posted: its platform id (Slack ts, Discord snowflake)."""

    id: str
    raw: Any = None


@dataclass(frozen=True)
class Said:
    """One message Presence sent, as it stands now."""

    id: str
    text: str  # everything a reader sees, flattened (text, quote, fields, title)
    buttons: tuple[tuple[str, str], ...] = ()  # (label, action id)
    edits: int = 0  # how many times it was edited in place

    @property
    def action_ids(self) -> list[str]:
        return [a for _, a in self.buttons]

    @property
    def labels(self) -> list[str]:
        return [label for label, _ in self.buttons]


class Driver(Protocol):
    name: str
    app: App

    async def post(self, who: Role, text: str, *, thread: Posted | None = None) -> Posted:
        """A message in the customer channel, or in the thread under `thread`."""
        ...

    async def press(self, who: Role, action_id: str) -> None:
        """Press the button with this action id on the latest message that shows it."""
        ...

    async def react(self, who: Role, target: Posted, emoji: str) -> None: ...

    async def command(self, who: Role, text: str) -> None:
        """`/presence <text>` typed in the customer channel."""
        ...

    async def redeliver_last(self) -> None:
        """The platform delivers the last event again (retry / gateway replay)."""
        ...

    async def settle(self) -> None: ...

    def dms(self, who: Role) -> list[Said]: ...

    def triage(self) -> list[Said]:
        """Top-level messages in the triage channel."""
        ...

    def thread(self, root: Posted) -> list[Said]:
        """What Presence said in the thread under a customer's message."""
        ...

    def private(self, who: Role) -> list[Said]:
        """Answers only `who` can see (ephemeral, private reply)."""
        ...

    def footprint(self) -> list[str]:
        """Every public post and edit so far, one line each, in order."""
        ...

    def pings(self) -> set[str]:
        """Who could be pinged by what was sent: "everyone", "here", "channel",
        "user:<id>", "role:<id>"."""
        ...


def contract_config(platform: str, *, channel: str, triage: str, expert: str) -> PresenceConfig:
    """The same world on every platform: one gold customer, one API expert, 24/7."""
    return parse_config(
        {
            "support": {
                "timezone": "UTC",
                "hours": "Mon-Sun 00:00-23:59",
                "triage_channel": f"{platform}:{triage}",
            },
            "customers": [
                {"name": "Acme Oy", "tier": "gold", "channels": [f"{platform}:{channel}"]}
            ],
            "experts": [
                {
                    "user": f"{platform}:{expert}",
                    "name": "Erin",
                    "topics": ["api"],
                    "hours": "Mon-Sun 00:00-23:59",
                }
            ],
            "topics": [{"name": "api", "keywords": ["api", "key", "token"]}],
            "sla": [{"tier": "*", "calendar": "24/7", "first_response": "30m"}],
            "discord": {"staff_roles": ["Support"]},
        }
    )


def base_settings(db_url: str) -> Settings:
    return replace(Settings(), database_url=db_url, sweep_interval=3600)


# ---- local ---------------------------------------------------------------------
LOCAL_USERS: dict[Role, str] = {"customer": "ANNA", "staff": "ERIN"}
LOCAL_CHANNEL = "ACME"
LOCAL_TRIAGE = "TRIAGE"


class _Recorder:
    """Sits between the local platform and the core, keeping the last event so
    it can be delivered again."""

    def __init__(self, inner: EventSink) -> None:
        self.inner = inner
        self.last: Event | None = None

    async def receive(self, event: Event) -> bool:
        self.last = event
        return await self.inner.receive(event)


class RecordingLocalPlatform(LocalPlatform):
    recorder: _Recorder | None = None

    def attach(self, sink: EventSink) -> None:
        self.recorder = _Recorder(sink)
        super().attach(self.recorder)


def _local_said(m: LocalMessage) -> Said:
    msg = m.current
    if msg is None:
        return Said(m.ref.message_id, m.text, edits=len(m.edits))
    parts = [msg.title or "", msg.text, msg.quote or "", msg.context or ""]
    parts += [f"{f.label}: {f.value}" for f in msg.fields]
    return Said(
        m.ref.message_id,
        "\n".join(p for p in parts if p),
        tuple((b.label, b.action_id) for b in msg.buttons),
        len(m.edits),
    )


class LocalDriver:
    name = "local"

    def __init__(self, app: App, platform: RecordingLocalPlatform) -> None:
        self.app = app
        self.platform = platform

    async def post(self, who: Role, text: str, *, thread: Posted | None = None) -> Posted:
        root = thread.raw if thread is not None else None
        ref = await self.platform.post(LOCAL_CHANNEL, LOCAL_USERS[who], text, thread=root)
        return Posted(ref.message_id, ref)

    async def press(self, who: Role, action_id: str) -> None:
        await self.platform.press(LOCAL_USERS[who], action_id, channel_id=LOCAL_TRIAGE)

    async def react(self, who: Role, target: Posted, emoji: str) -> None:
        await self.platform.react_as(LOCAL_USERS[who], target.raw, emoji)

    async def command(self, who: Role, text: str) -> None:
        await self.platform.command(LOCAL_USERS[who], text, channel_id=LOCAL_CHANNEL)

    async def redeliver_last(self) -> None:
        recorder = self.platform.recorder
        assert recorder is not None and recorder.last is not None, "nothing delivered yet"
        await recorder.receive(recorder.last)

    async def settle(self) -> None:
        await self.app.wait_idle(30)

    def dms(self, who: Role) -> list[Said]:
        return [_local_said(m) for m in self.platform.said_to("dm", LOCAL_USERS[who])]

    def triage(self) -> list[Said]:
        return [_local_said(m) for m in self.platform.said_to("channel", LOCAL_TRIAGE)]

    def thread(self, root: Posted) -> list[Said]:
        return [_local_said(m) for m in self.platform.said_to("thread", root.id)]

    def private(self, who: Role) -> list[Said]:
        uid = LOCAL_USERS[who]
        return [
            _local_said(m)
            for m in self.platform.sent
            if m.to is not None and m.to.kind in ("ephemeral", "reply") and m.to.user_id == uid
        ]

    def _public(self) -> list[LocalMessage]:
        return [
            m for m in self.platform.sent if m.to is None or m.to.kind not in ("ephemeral", "reply")
        ]

    def footprint(self) -> list[str]:
        out = []
        for m in self._public():
            out.append(f"send {m.ref.message_id}")
            out += [f"edit {m.ref.message_id}"] * len(m.edits)
        return out

    def pings(self) -> set[str]:
        # Plain text has no escaping: by the core's contract a customer's words
        # travel only in `quote`, which every renderer escapes; anything else
        # that names a broadcast, and every listed mention, would ping.
        found: set[str] = set()
        for m in self.platform.sent:
            for msg in [m.msg, *m.edits]:
                if msg is None:
                    continue
                found |= {f"user:{u.id}" for u in msg.mentions}
                shown = [msg.text, msg.title or "", msg.context or ""]
                shown += [f.value for f in msg.fields]
                for text in shown:
                    found |= {k.lower() for k in _BARE_MASS.findall(text)}
        return found


@asynccontextmanager
async def local_driver(db_url: str) -> AsyncIterator[LocalDriver]:
    platform = RecordingLocalPlatform()
    platform.add_user(LOCAL_USERS["customer"], "Anna (Acme)")
    platform.add_user(LOCAL_USERS["staff"], "Erin", staff=True)
    config = contract_config(
        "local", channel=LOCAL_CHANNEL, triage=LOCAL_TRIAGE, expert=LOCAL_USERS["staff"]
    )
    app = App(base_settings(db_url), config, platforms={"local": platform})
    await app.start()
    try:
        yield LocalDriver(app, platform)
    finally:
        await app.stop()
