"""The customer loop's world on every platform, for the scenarios of issue #11.

`run_loop(platform, db_url, ...)` starts the real App with the real adapter
(local, slack-bolt over HTTP against the fake Slack, discord.py against the fake
gateway and REST) in one world: two customer organisations, "Acme Oy" (channel
`acme`) and "Borealis AB" (channel `bore`), optionally `extra` more customers with
one channel each (`c3`, `c4`, …), a triage channel, an expert and a team lead.
The harness plays four people (`acme` and `bore`, a customer of each; `staff`;
`lead`) and reads back what Presence posted, as the platform received it.

The contract drivers (tests/contract/) model one customer channel; these
scenarios need several organisations and fifty channels, so they get their own
harness built from the same fakes and helpers."""

from __future__ import annotations

import itertools
import re
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from typing import Any, Literal, Protocol

from bot.app import App
from bot.clock import FakeClock
from bot.commands.spec_loop import LOOP_ALIASES
from bot.config import PresenceConfig, parse_config
from bot.outgoing import Destination, OutgoingMessage
from bot.ports import RateLimited, SendError
from bot.refs import MessageRef
from bot.settings import Settings
from integrations.local import LocalPlatform
from integrations.local.platform import LocalMessage
from integrations.slack.adapter import SlackAdapter
from tests.contract.discord_driver import command_data
from tests.contract.slack_driver import _buttons as slack_buttons
from tests.contract.slack_driver import _texts as slack_texts
from tests.discord.conftest import CHANNEL, CUSTOMER, EXPERT, GUILD, STAFF_ROLE, TRIAGE, guild
from tests.fakes.discord_server import (
    APPLICATION_ID,
    BOT_USER_ID,
    DISCORD_EPOCH_MS,
    FakeDiscord,
    text_channel,
    user,
)
from tests.fakes.slack_server import CUSTOMER_TEAM, FakeSlack
from tests.slack.support import SHARED, Wire, eventually, slack_settings
from tests.slack.support import TRIAGE as SLACK_TRIAGE

Who = Literal["acme", "bore", "staff", "lead"]
PLATFORMS = ("local", "slack", "discord")


@dataclass(frozen=True)
class Posted:
    """A message a person posted: its platform id (Slack ts, Discord snowflake)."""

    id: str
    raw: Any = None


@dataclass(frozen=True)
class Shown:
    """One message Presence posted or answered, as the platform received it."""

    id: str
    text: str  # everything a reader sees, flattened
    fields: Mapping[str, str]  # label -> value
    buttons: tuple[str, ...]  # action ids


@dataclass(frozen=True)
class Ids:
    """The platform's own ids for the people and channels of the world."""

    people: Mapping[Who, str]
    channels: Mapping[str, str]  # "acme", "bore", "triage", "c3"… -> channel id


class LoopHarness(Protocol):
    name: str
    app: App
    ids: Ids

    async def command(self, who: Who, text: str, where: str) -> None:
        """`/presence <text>` typed in channel `where`, as the issue writes it."""
        ...

    async def post(
        self, who: Who, where: str, text: str, *, thread: Posted | None = None
    ) -> Posted:
        """A message in channel `where`, or in the thread under `thread`."""
        ...

    async def press(self, who: Who, action_id: str, where: str) -> None:
        """Press the button with that action id, last shown to `who`, in `where`."""
        ...

    def channel(self, where: str) -> list[Shown]:
        """Presence's top-level posts in a channel."""
        ...

    def thread(self, where: str, root: Posted) -> list[Shown]:
        """Presence's posts in the thread under a person's message."""
        ...

    def private(self, who: Who) -> list[Shown]:
        """What Presence answered `who` alone (command and button answers)."""
        ...

    def attempts(self, where: str) -> int:
        """Top-level posts to the channel the platform received, refused ones too."""
        ...

    def refuse_with_429(self, times: int) -> None:
        """The next `times` top-level channel posts are answered 429 (rate limited)."""
        ...

    def refused(self) -> int:
        """How many 429s the platform answered so far."""
        ...

    def refuse_for_good(self) -> str:
        """The next top-level channel post is refused for a reason that will not
        pass (the app is not in the channel); returns the words of that reason."""
        ...

    async def settle(self) -> None: ...


def _config(platform: str, ids: Ids, extra: int, tables: Mapping[str, Any]) -> PresenceConfig:
    def q(value: str) -> str:
        return f"{platform}:{value}"

    customers: list[dict[str, Any]] = [
        {"name": "Acme Oy", "tier": "gold", "channels": [q(ids.channels["acme"])]},
        {"name": "Borealis AB", "tier": "standard", "channels": [q(ids.channels["bore"])]},
    ]
    customers += [
        {"name": f"Customer {i:02d}", "channels": [q(ids.channels[f"c{i}"])]}
        for i in range(3, 3 + extra)
    ]
    data: dict[str, Any] = {
        "support": {
            "timezone": "UTC",
            "hours": "Mon-Sun 00:00-23:59",
            "triage_channel": q(ids.channels["triage"]),
            "leads": [q(ids.people["lead"])],
        },
        "customers": customers,
        "experts": [
            {
                "user": q(ids.people["staff"]),
                "name": "Erin",
                "topics": ["api", "billing"],
                "hours": "Mon-Sun 00:00-23:59",
            }
        ],
        "topics": [
            {"name": "api", "keywords": ["api", "token", "webhook"]},
            {"name": "billing", "keywords": ["invoice", "billing"]},
        ],
        "sla": [{"tier": "*", "calendar": "24/7", "first_response": "30m"}],
        "discord": {"staff_roles": ["Support"]},
        "ideas": {"show_organisations": True},
    }
    data.update(tables)
    return parse_config(data)


def _settings(db_url: str) -> Settings:
    return replace(Settings(), database_url=db_url, sweep_interval=3600)


def _by_alias(text: str) -> str:
    """Discord shows the loop's verbs in their group (`/presence loop idea`) and
    `status` takes only a question number there: the text as a person would
    fill in Discord's form for what the issue writes."""
    words = text.split()
    if words[:2] in (["status", "incident"], ["status", "component"]):
        words = words[1:]
    if words and words[0] in LOOP_ALIASES:
        words = [*LOOP_ALIASES[words[0]].split(), *words[1:]]
    return " ".join(words)


# ---- local -------------------------------------------------------------------------
class CountingLocalPlatform(LocalPlatform):
    """The local platform, counting the channel posts it is asked for and answering
    the next few with a 429, as a platform would."""

    def __init__(self, **kw: Any) -> None:
        super().__init__(**kw)
        self.tried: dict[str, int] = {}
        self.limit_next = 0
        self.limited = 0
        self.refuse_next: SendError | None = None

    async def send(
        self,
        to: Destination,
        msg: OutgoingMessage,
        *,
        idempotency_key: str | None = None,
        resend: bool = False,
    ) -> MessageRef:
        if to.kind == "channel":
            self.tried[to.channel_id or ""] = self.tried.get(to.channel_id or "", 0) + 1
            if self.limit_next:
                self.limit_next -= 1
                self.limited += 1
                raise RateLimited(retry_after=0.5, reason="local: rate limited")
            if self.refuse_next is not None:
                refused, self.refuse_next = self.refuse_next, None
                raise refused
        return await super().send(to, msg, idempotency_key=idempotency_key, resend=resend)


def _local_shown(m: LocalMessage) -> Shown:
    msg = m.current
    if msg is None:
        return Shown(m.ref.message_id, m.text, {}, ())
    parts = [msg.title or "", msg.text, msg.quote or "", msg.context or ""]
    parts += [f"{f.label}: {f.value}" for f in msg.fields]
    return Shown(
        m.ref.message_id,
        "\n".join(p for p in parts if p),
        {f.label: f.value for f in msg.fields},
        tuple(b.action_id for b in msg.buttons),
    )


class LocalLoop:
    name = "local"

    def __init__(self, app: App, platform: CountingLocalPlatform, ids: Ids) -> None:
        self.app, self.platform, self.ids = app, platform, ids

    async def command(self, who: Who, text: str, where: str) -> None:
        await self.platform.command(self.ids.people[who], text, channel_id=self.ids.channels[where])

    async def post(
        self, who: Who, where: str, text: str, *, thread: Posted | None = None
    ) -> Posted:
        ref = await self.platform.post(
            self.ids.channels[where],
            self.ids.people[who],
            text,
            thread=thread.raw if thread else None,
        )
        return Posted(ref.message_id, ref)

    async def press(self, who: Who, action_id: str, where: str) -> None:
        await self.platform.press(
            self.ids.people[who], action_id, channel_id=self.ids.channels[where]
        )

    def channel(self, where: str) -> list[Shown]:
        return [_local_shown(m) for m in self.platform.said_to("channel", self.ids.channels[where])]

    def thread(self, where: str, root: Posted) -> list[Shown]:
        return [_local_shown(m) for m in self.platform.said_to("thread", root.id)]

    def private(self, who: Who) -> list[Shown]:
        uid = self.ids.people[who]
        return [
            _local_shown(m)
            for m in self.platform.sent
            if m.to is not None and m.to.kind in ("ephemeral", "reply") and m.to.user_id == uid
        ]

    def attempts(self, where: str) -> int:
        return self.platform.tried.get(self.ids.channels[where], 0)

    def refuse_with_429(self, times: int) -> None:
        self.platform.limit_next += times

    def refused(self) -> int:
        return self.platform.limited

    def refuse_for_good(self) -> str:
        self.platform.refuse_next = SendError("channel_not_found", retryable=False)
        return "channel_not_found"

    async def settle(self) -> None:
        await self.app.wait_idle(30)


@asynccontextmanager
async def _local(
    db_url: str, extra: int, tables: Mapping[str, Any], clock: FakeClock | None
) -> AsyncIterator[LocalLoop]:
    ids = Ids(
        {"acme": "ANNA", "bore": "SVEN", "staff": "ERIN", "lead": "LEA"},
        {"acme": "ACME", "bore": "BOREALIS", "triage": "TRIAGE"}
        | {f"c{i}": f"C{i:02d}" for i in range(3, 3 + extra)},
    )
    platform = CountingLocalPlatform(clock=clock)
    platform.add_user("ANNA", "Anna (Acme)")
    platform.add_user("SVEN", "Sven (Borealis)")
    platform.add_user("ERIN", "Erin", staff=True)
    platform.add_user("LEA", "Lea", staff=True)
    config = _config("local", ids, extra, tables)
    app = App(_settings(db_url), config, platforms={"local": platform}, clock=clock)
    await app.start()
    try:
        yield LocalLoop(app, platform, ids)
    finally:
        await app.stop()


# ---- Slack ---------------------------------------------------------------------------
def _slack_fields(blocks: Any) -> dict[str, str]:
    out: dict[str, str] = {}
    for block in blocks or []:
        for f in block.get("fields") or []:
            label, _, value = str(f.get("text", "")).partition("\n")
            out[label.strip("*")] = value
    return out


def _slack_shown(ts: str, m: Mapping[str, Any]) -> Shown:
    text = "\n".join([str(m.get("text", "")), *slack_texts(m.get("blocks"))])
    buttons = tuple(a for _, a in slack_buttons(m.get("blocks")))
    return Shown(ts, text, _slack_fields(m.get("blocks")), buttons)


class SlackLoop:
    name = "slack"

    def __init__(
        self, app: App, fake: FakeSlack, wire: Wire, ids: Ids, clock: FakeClock | None
    ) -> None:
        self.app, self.fake, self.wire, self.ids, self.clock = app, fake, wire, ids, clock
        self._answers_to: dict[str, str] = {}  # response_url id -> user id
        self._seq = itertools.count(500_000)
        self._limited = 0

    def _ts(self) -> str:
        if self.clock is None:
            return self.fake.next_ts()
        return f"{int(self.clock.now().timestamp())}.{next(self._seq):06d}"

    def _remember(self, payload: Mapping[str, Any], who: Who) -> None:
        self._answers_to[str(payload["response_url"]).rsplit("/", 1)[-1]] = self.ids.people[who]

    async def command(self, who: Who, text: str, where: str) -> None:
        form = self.fake.command(self.ids.people[who], text, channel=self.ids.channels[where])
        self._remember(form, who)
        assert await self.wire.command(form), self.wire.last_response

    async def post(
        self, who: Who, where: str, text: str, *, thread: Posted | None = None
    ) -> Posted:
        envelope = self.fake.message_event(
            self.ids.channels[where],
            self.ids.people[who],
            text,
            thread_ts=thread.id if thread else None,
            ts=self._ts(),
        )
        assert await self.wire.event(envelope), self.wire.last_response
        return Posted(str(envelope["event"]["ts"]), envelope)

    async def press(self, who: Who, action_id: str, where: str) -> None:
        payload = self.fake.block_action(
            self.ids.people[who],
            action_id,
            channel=self.ids.channels[where],
            message_ts=self._ts(),  # an ephemeral answer has no ts of its own
        )
        self._remember(payload, who)
        assert await self.wire.interaction(payload), self.wire.last_response

    def _mine(self, where: str) -> list[dict[str, Any]]:
        ch = self.ids.channels[where]
        return [m for m in self.fake.messages.get(ch, []) if m.get("bot_id")]

    def channel(self, where: str) -> list[Shown]:
        return [_slack_shown(m["ts"], m) for m in self._mine(where) if not m.get("thread_ts")]

    def thread(self, where: str, root: Posted) -> list[Shown]:
        return [
            _slack_shown(m["ts"], m)
            for m in self._mine(where)
            if m.get("thread_ts") == root.id and m["ts"] != root.id
        ]

    def private(self, who: Who) -> list[Shown]:
        uid = self.ids.people[who]
        out = [
            _slack_shown(f"e{i}", c)
            for i, c in enumerate(self.fake.calls("chat.postEphemeral"))
            if c.get("user") == uid
        ]
        out += [
            _slack_shown(f"r{i}", c)
            for i, c in enumerate(self.fake.calls("response_url"))
            if self._answers_to.get(str(c["_id"])) == uid
        ]
        return out

    def attempts(self, where: str) -> int:
        ch = self.ids.channels[where]
        return sum(
            1
            for c in self.fake.calls("chat.postMessage")
            if c["channel"] == ch and not c.get("thread_ts")
        )

    def refuse_with_429(self, times: int) -> None:
        # What Slack answers a Web API call over its rate: HTTP 429, Retry-After.
        self.fake.fail(
            "chat.postMessage", "ratelimited", status=429, headers={"Retry-After": "1"}, times=times
        )
        self._limited += times

    def refused(self) -> int:
        return self._limited - len(self.fake._queued["chat.postMessage"])

    def refuse_for_good(self) -> str:
        self.fake.fail("chat.postMessage", "not_in_channel")
        return "not_in_channel"

    async def settle(self) -> None:
        await self.app.wait_idle(30)


@asynccontextmanager
async def _slack(
    db_url: str, extra: int, tables: Mapping[str, Any], clock: FakeClock | None
) -> AsyncIterator[SlackLoop]:
    ids = Ids(
        {"acme": "U0CUST001", "bore": "U0BORE001", "staff": "U0EXPERT01", "lead": "U0LEAD001"},
        {"acme": SHARED, "bore": "C0SHARED02", "triage": SLACK_TRIAGE}
        | {f"c{i}": f"C0BC{i:06d}" for i in range(3, 3 + extra)},
    )
    fake = FakeSlack()
    fake.add_user(ids.people["acme"], "Casey", team=CUSTOMER_TEAM)
    fake.add_user(ids.people["bore"], "Dana", team="T0BORE")
    fake.add_user(ids.people["staff"], "Erin Expert")
    fake.add_user(ids.people["lead"], "Lea Lead")
    await fake.start()
    try:
        settings = replace(slack_settings(fake, "http"), database_url=db_url, sweep_interval=3600)
        app = App(settings, _config("slack", ids, extra, tables), clock=clock)
        await app.start()
        try:
            adapter = app.platforms["slack"]
            assert isinstance(adapter, SlackAdapter)
            yield SlackLoop(app, fake, Wire(fake, adapter, "http"), ids, clock)
        finally:
            await app.stop()
    finally:
        await fake.stop()


# ---- Discord -------------------------------------------------------------------------
_CALLBACK = re.compile(r"/interactions/\d+/(?P<token>[^/]+)/callback")
_WEBHOOK = re.compile(rf"/webhooks/{APPLICATION_ID}/(?P<token>[^/]+)(?:/messages/.+)?")
_SEQ = itertools.count(1)
BORE = user("1200000000000000005", "dora")
LEAD = user("1200000000000000006", "lea")
BORE_CHANNEL = "1100000000000000004"


def _member(who: dict[str, Any], roles: list[str]) -> dict[str, Any]:
    return {
        "user": who,
        "roles": roles,
        "nick": None,
        "joined_at": "2024-01-01T00:00:00+00:00",
        "deaf": False,
        "mute": False,
        "flags": 0,
    }


def _discord_shown(mid: str, body: Mapping[str, Any]) -> Shown:
    parts = [str(body.get("content") or "")]
    fields: dict[str, str] = {}
    for e in body.get("embeds") or []:
        parts += [str(e.get("title") or ""), str(e.get("description") or "")]
        for f in e.get("fields") or []:
            fields[str(f.get("name"))] = str(f.get("value"))
            parts.append(f"{f.get('name')}: {f.get('value')}")
        parts.append(str((e.get("footer") or {}).get("text") or ""))
    buttons = tuple(
        str(b["custom_id"])
        for row in body.get("components") or []
        for b in row.get("components") or []
        if "custom_id" in b
    )
    return Shown(mid, "\n".join(p for p in parts if p), fields, buttons)


class DiscordLoop:
    name = "discord"

    def __init__(self, app: App, fake: FakeDiscord, ids: Ids, clock: FakeClock | None) -> None:
        self.app, self.fake, self.ids, self.clock = app, fake, ids, clock
        self._tokens: dict[str, str] = {}  # interaction token -> user id
        self._authors: dict[Who, dict[str, Any]] = {
            "acme": CUSTOMER,
            "bore": BORE,
            "staff": EXPERT,
            "lead": LEAD,
        }
        self._limited = 0

    def _roles(self, who: Who) -> list[str]:
        return [STAFF_ROLE] if who in ("staff", "lead") else []

    def _seen(self) -> int:
        ingest = self.app.ingest
        assert ingest is not None
        return ingest.stored + ingest.duplicates

    async def _dispatch(self, kind: str, payload: dict[str, Any]) -> None:
        # The gateway has no ack: wait until the core stored (or dropped) the event.
        before = self._seen()
        await self.fake.dispatch(kind, payload)
        await eventually(lambda: self._seen() > before, within=15.0)

    async def _interact(self, who: Who, kind: int, data: dict[str, Any], **kw: Any) -> None:
        payload = self.fake.interaction(
            kind=kind, data=data, author=self._authors[who], roles=self._roles(who), **kw
        )
        self._tokens[str(payload["token"])] = str(self._authors[who]["id"])
        await self._dispatch("INTERACTION_CREATE", payload)

    async def command(self, who: Who, text: str, where: str) -> None:
        data = command_data(_by_alias(text))
        await self._interact(who, 2, data, channel_id=self.ids.channels[where], guild_id=GUILD)

    def _snowflake(self) -> str | None:
        if self.clock is None:
            return None
        ms = int(self.clock.now().timestamp() * 1000) - DISCORD_EPOCH_MS
        return str((ms << 22) | (next(_SEQ) & 0x3FFFFF))

    async def post(
        self, who: Who, where: str, text: str, *, thread: Posted | None = None
    ) -> Posted:
        channel = thread.id if thread is not None else self.ids.channels[where]
        msg = self.fake.message(
            channel,
            self._authors[who],
            text,
            guild_id=GUILD,
            roles=self._roles(who),
            message_id=self._snowflake(),
        )
        await self._dispatch("MESSAGE_CREATE", msg)
        return Posted(str(msg["id"]), msg)

    async def press(self, who: Who, action_id: str, where: str) -> None:
        shown = [
            m
            for m in self.fake.messages.values()
            if m["author"]["id"] == BOT_USER_ID and action_id in _discord_shown("", m).buttons
        ]
        assert shown, f"no message shows a button {action_id!r}"
        cid = self.ids.channels[where]
        # An ephemeral answer is shown in the channel it was asked in.
        message = dict(shown[-1], channel_id=cid)
        data = {"custom_id": action_id, "component_type": 2}
        await self._interact(who, 3, data, channel_id=cid, guild_id=GUILD, message=message)

    def _in(self, channel: str) -> list[Shown]:
        return [
            _discord_shown(mid, m)
            for mid, m in self.fake.messages.items()
            if m["channel_id"] == channel and m["author"]["id"] == BOT_USER_ID
        ]

    def channel(self, where: str) -> list[Shown]:
        return self._in(self.ids.channels[where])

    def thread(self, where: str, root: Posted) -> list[Shown]:
        return self._in(root.id)  # a thread started from a message has that message's id

    def private(self, who: Who) -> list[Shown]:
        uid = str(self._authors[who]["id"])
        out = []
        for i, r in enumerate(self.fake.requests):
            if r.method not in ("POST", "PATCH") or not isinstance(r.json, dict):
                continue
            m = _CALLBACK.fullmatch(r.path) or _WEBHOOK.fullmatch(r.path)
            if m is None or self._tokens.get(m["token"]) != uid:
                continue
            body = r.json.get("data") if _CALLBACK.fullmatch(r.path) else r.json
            if body:
                out.append(_discord_shown(f"i{i}", body))
        return out

    def attempts(self, where: str) -> int:
        return len(self.fake.calls("POST", f"/channels/{self.ids.channels[where]}/messages"))

    def refuse_with_429(self, times: int) -> None:
        # Each channel's messages route is its own bucket (the channel id is the
        # route's major parameter); discord.py waits `retry_after` out and retries.
        # Every sixth is a global limit (all routes wait), as Discord sends one.
        globals_ = times // 6
        self.fake.queue_429("POST", r"/channels/\d+/messages", 0.3, is_global=True, times=globals_)
        self.fake.queue_429(
            "POST",
            r"/channels/\d+/messages",
            0.3,
            times=times - globals_,
            bucket="channel-messages",
        )
        self._limited += times

    def refused(self) -> int:
        return self._limited - sum(e.times for e in self.fake._errors if e.status == 429)

    def refuse_for_good(self) -> str:
        body = {"message": "Missing Access", "code": 50001}
        self.fake.queue_error("POST", r"/channels/\d+/messages", 403, body)
        return "Discord refused (403, code 50001)"

    async def settle(self) -> None:
        await self.app.wait_idle(30)


@asynccontextmanager
async def _discord(
    db_url: str, extra: int, tables: Mapping[str, Any], clock: FakeClock | None
) -> AsyncIterator[DiscordLoop]:
    extra_ids = {f"c{i}": str(1100000000000001000 + i) for i in range(3, 3 + extra)}
    ids = Ids(
        {"acme": CUSTOMER["id"], "bore": BORE["id"], "staff": EXPERT["id"], "lead": LEAD["id"]},
        {"acme": CHANNEL, "bore": BORE_CHANNEL, "triage": TRIAGE} | extra_ids,
    )
    shared = guild()
    shared.channels.append(text_channel(BORE_CHANNEL, GUILD, "borealis"))
    shared.channels += [text_channel(cid, GUILD, name) for name, cid in extra_ids.items()]
    shared.members[BORE["id"]] = _member(BORE, [])
    shared.members[LEAD["id"]] = _member(LEAD, [STAFF_ROLE])
    fake = FakeDiscord([shared])
    await fake.start()
    try:
        settings = replace(
            _settings(db_url),
            discord_token="fake-token",
            discord_api_url=fake.api_url,
            discord_gateway_url=fake.gateway_url,
            discord_application_id=APPLICATION_ID,
        )
        app = App(settings, _config("discord", ids, extra, tables), clock=clock)
        await app.start()
        try:
            yield DiscordLoop(app, fake, ids, clock)
        finally:
            await app.stop()
    finally:
        await fake.stop()


_RUNNERS = {"local": _local, "slack": _slack, "discord": _discord}


def run_loop(
    platform: str,
    db_url: str,
    *,
    extra: int = 0,
    clock: FakeClock | None = None,
    **tables: Any,
) -> Any:
    """`async with run_loop("slack", db_url, status={...}) as h:` a running Presence
    on that platform; `tables` are config tables (`status`, `digests`, …)."""
    runner: Any = _RUNNERS[platform]
    return runner(db_url, extra, tables, clock)
