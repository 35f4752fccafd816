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
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from typing import Any, Literal, Protocol

from bot.app import App
from bot.clock import FakeClock
from bot.config import PresenceConfig, parse_config
from bot.events import Attachment, Event
from bot.ports import EventSink
from bot.settings import Settings
from integrations.local import LocalPlatform
from integrations.local.platform import LocalMessage

# "second", "third" and "fourth" are further staff, present only in a `World` that
# names them (as experts, or in `team`).
Role = Literal["customer", "staff", "second", "third", "fourth"]
# What the further staff are called when a `World` names them in `team`.
TEAM_NAMES: dict[Role, str] = {"second": "Sam", "third": "Tess", "fourth": "Ada"}
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


@dataclass(frozen=True)
class ExpertSpec:
    """One expert of a `World`, played by the driver's person `who`."""

    who: Role
    name: str
    topics: tuple[str, ...] = ("api",)
    hours: str = "Mon-Sun 00:00-23:59"
    timezone: str | None = None
    country: str | None = None
    capacity: int = 5
    quiet_hours: str | None = None  # "22:00-07:00" in their zone


@dataclass(frozen=True)
class World:
    """What a scenario changes in the shared world; the defaults are the base world.

    With a clock, every platform stamps its messages with the clock's time (Slack ts,
    Discord snowflake), so the archive and the core agree on "now"."""

    clock: FakeClock | None = None
    experts: tuple[ExpertSpec, ...] = ()  # empty: the base world's one expert
    customer_timezone: str | None = None
    customer_priority: str | None = None  # what the customer's questions open with
    owner: Role | None = None  # the customer's account owner
    team: tuple[Role, ...] = ()  # further staff who are not experts (TEAM_NAMES)
    leads: tuple[Role, ...] = ()  # the config's support.leads
    admins: tuple[Role, ...] = ()  # the config's support.admins
    routing: Mapping[str, Any] | None = None  # the config file's [routing] table

    def roles(self) -> list[Role]:
        return ["customer", *(e.who for e in self.experts)] if self.experts else []


class Driver(Protocol):
    name: str
    app: App

    async def post(
        self,
        who: Role,
        text: str,
        *,
        thread: Posted | None = None,
        attachments: Sequence[Attachment] = (),
    ) -> Posted:
        """A message in the customer channel, or in the thread under `thread`."""
        ...

    async def edit(self, who: Role, posted: Posted, new_text: str) -> None:
        """`who` edits their message `posted` to read `new_text`."""
        ...

    async def delete(self, posted: Posted) -> None:
        """The message `posted` is deleted on the platform."""
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

    def customer_side(self) -> list[str]:
        """Everything sent where a customer could read it (their channel, its
        threads, answers only they see), one string per call the platform got."""
        ...

    def mention(self, who: Role) -> str:
        """`who` as a person types them into `/presence` on this platform."""
        ...

    def channel_mention(self, channel: str | None = None) -> str:
        """The customer channel (or another channel, by a short name) as typed."""
        ...

    def pings(self) -> set[str]:
        """Who could be pinged by what was sent: "everyone", "here", "channel",
        "user:<id>", "role:<id>"."""
        ...


def contract_config(
    platform: str,
    *,
    channel: str,
    triage: str,
    expert: str,
    world: World | None = None,
    ids: Mapping[Role, str] | None = None,
) -> PresenceConfig:
    """The same world on every platform: one gold customer, one API expert, 24/7,
    unless `world` names other experts (`ids` maps each role to its platform id)."""
    world = world or World()
    ids = ids or {}
    support: dict[str, Any] = {
        "timezone": "UTC",
        "hours": "Mon-Sun 00:00-23:59",
        "triage_channel": f"{platform}:{triage}",
    }
    support |= {"leads": [f"{platform}:{ids[r]}" for r in world.leads]} if world.leads else {}
    support |= {"admins": [f"{platform}:{ids[r]}" for r in world.admins]} if world.admins else {}
    experts: list[dict[str, Any]] = [
        {
            "user": f"{platform}:{expert}",
            "name": "Erin",
            "topics": ["api"],
            "hours": "Mon-Sun 00:00-23:59",
        }
    ]
    if world.experts:
        experts = []
        for e in world.experts:
            row: dict[str, Any] = {
                "user": f"{platform}:{ids[e.who]}",
                "name": e.name,
                "topics": list(e.topics),
                "hours": e.hours,
                "capacity": e.capacity,
            }
            row |= {"timezone": e.timezone} if e.timezone else {}
            row |= {"country": e.country} if e.country else {}
            row |= {"quiet_hours": e.quiet_hours} if e.quiet_hours else {}
            experts.append(row)
    customer: dict[str, Any] = {
        "name": "Acme Oy",
        "tier": "gold",
        "channels": [f"{platform}:{channel}"],
    }
    if world.customer_timezone:
        customer["timezone"] = world.customer_timezone
    if world.customer_priority:
        customer["priority"] = world.customer_priority
    if world.owner:
        customer["owner"] = f"{platform}:{ids[world.owner]}"
    return parse_config(
        {
            "support": support,
            "customers": [customer],
            "experts": experts,
            "topics": [{"name": "api", "keywords": ["api", "key", "token"]}],
            "sla": [{"tier": "*", "calendar": "24/7", "first_response": "30m"}],
            "discord": {"staff_roles": ["Support"]},
            **({"routing": dict(world.routing)} if world.routing else {}),
        }
    )


def base_settings(db_url: str) -> Settings:
    return replace(Settings(), database_url=db_url, sweep_interval=3600)


# ---- local ---------------------------------------------------------------------
LOCAL_USERS: dict[Role, str] = {
    "customer": "ANNA",
    "staff": "ERIN",
    "second": "SAM",
    "third": "TESS",
    "fourth": "ADA",
}
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

    async def post(
        self,
        who: Role,
        text: str,
        *,
        thread: Posted | None = None,
        attachments: Sequence[Attachment] = (),
    ) -> Posted:
        root = thread.raw if thread is not None else None
        ref = await self.platform.post(
            LOCAL_CHANNEL, LOCAL_USERS[who], text, thread=root, attachments=attachments
        )
        return Posted(ref.message_id, ref)

    async def edit(self, who: Role, posted: Posted, new_text: str) -> None:
        await self.platform.edit_as(LOCAL_USERS[who], posted.raw, new_text)

    async def delete(self, posted: Posted) -> None:
        await self.platform.delete_as(posted.raw)

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

    def customer_side(self) -> list[str]:
        uid = LOCAL_USERS["customer"]
        out = []
        for m in self.platform.sent:
            if m.to is None:
                continue
            private = m.to.kind in ("ephemeral", "reply")
            public_here = m.to.channel_id == LOCAL_CHANNEL and not private
            if public_here or m.to.user_id == uid:
                out.append(repr((m.text, m.msg, m.edits)))
        return out

    def mention(self, who: Role) -> str:
        return f"<@{LOCAL_USERS[who]}>"

    def channel_mention(self, channel: str | None = None) -> str:
        if channel is None:
            return f"<#{LOCAL_CHANNEL}>"
        return f"<#{channel.upper().replace('-', '')[:12]}|{channel}>"

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
async def local_driver(db_url: str, world: World | None = None) -> AsyncIterator[LocalDriver]:
    world = world or World()
    platform = RecordingLocalPlatform(clock=world.clock)
    platform.add_user(LOCAL_USERS["customer"], "Anna (Acme)")
    platform.add_user(LOCAL_USERS["staff"], "Erin", staff=True)
    for e in world.experts:
        platform.add_user(LOCAL_USERS[e.who], e.name, staff=True)
    for who in world.team:
        platform.add_user(LOCAL_USERS[who], TEAM_NAMES[who], staff=True)
    config = contract_config(
        "local",
        channel=LOCAL_CHANNEL,
        triage=LOCAL_TRIAGE,
        expert=LOCAL_USERS["staff"],
        world=world,
        ids=LOCAL_USERS,
    )
    app = App(base_settings(db_url), config, platforms={"local": platform}, clock=world.clock)
    await app.start()
    try:
        yield LocalDriver(app, platform)
    finally:
        await app.stop()
