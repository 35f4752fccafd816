"""The contract driver for Discord: the real discord.py adapter inside the real App,
against the fake Discord (REST + zlib-stream gateway) over real sockets."""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from bot.app import App
from bot.clock import FakeClock
from bot.commands.spec import EXPANSIONS
from bot.events import Attachment
from integrations.discord.commands import CHANNEL as CHANNEL_OPTION
from integrations.discord.commands import GROUP, INTEGER, SUBCOMMANDS, USER
from integrations.discord.translate import EMOJI
from tests.contract.drivers import (
    TEAM_NAMES,
    Posted,
    Role,
    Said,
    World,
    base_settings,
    contract_config,
)
from tests.discord.conftest import CHANNEL, CUSTOMER, EXPERT, GUILD, STAFF_ROLE, TRIAGE, guild
from tests.fakes.discord_server import (
    APPLICATION_ID,
    BOT_USER_ID,
    DISCORD_EPOCH_MS,
    FakeDiscord,
    Recorded,
    iso_now,
    user,
)
from tests.slack.support import eventually

AUTHORS: dict[Role, dict[str, Any]] = {
    "customer": CUSTOMER,
    "staff": EXPERT,
    "second": user("1200000000000000003", "sam"),
    "third": user("1200000000000000004", "tess"),
    "fourth": user("1200000000000000005", "ada"),
}
_SEQ = itertools.count(1)
EPHEMERAL = 64
_WEBHOOK = re.compile(rf"/webhooks/{APPLICATION_ID}/(?P<token>[^/]+)(?P<edit>/messages/.+)?")
_CALLBACK = re.compile(r"/interactions/\d+/(?P<token>[^/]+)/callback")
_CHANNEL_MSG = re.compile(r"/channels/(?P<cid>\d+)/messages(?:/(?P<mid>\d+))?")
_MASS = re.compile(r"@(everyone|here)")  # the renderer breaks these with a zero-width space
_USER = re.compile(r"<@!?(\d+)>")
_ROLE = re.compile(r"<@&(\d+)>")


def _roles(who: Role) -> list[str]:
    return [] if who == "customer" else [STAFF_ROLE]


def _shown(body: dict[str, Any]) -> str:
    parts = [str(body.get("content") or "")]
    for e in body.get("embeds") or []:
        parts += [str(e.get("title") or ""), str(e.get("description") or "")]
        parts += [f"{f.get('name')}: {f.get('value')}" for f in e.get("fields") or []]
        parts.append(str((e.get("footer") or {}).get("text") or ""))
    return "\n".join(p for p in parts if p)


def _buttons(body: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    return tuple(
        (str(b.get("label")), str(b["custom_id"]))
        for row in body.get("components") or []
        for b in row.get("components") or []
        if "custom_id" in b
    )


def _pings(body: dict[str, Any]) -> set[str]:
    """What Discord would ping for this message body (embeds never ping)."""
    content = str(body.get("content") or "")
    am = body.get("allowed_mentions")
    parse = ["everyone", "users", "roles"] if am is None else list(am.get("parse") or [])
    found: set[str] = set()
    if "everyone" in parse:
        found |= set(_MASS.findall(content))
    users = set(_USER.findall(content))
    listed = set() if am is None else {str(u) for u in am.get("users") or []}
    found |= {f"user:{u}" for u in users if "users" in parse or u in listed}
    roles = set(_ROLE.findall(content))
    listed_roles = set() if am is None else {str(r) for r in am.get("roles") or []}
    found |= {f"role:{r}" for r in roles if "roles" in parse or r in listed_roles}
    return found


def _expanded(text: str) -> str:
    """Discord's tree has no aliases (`show`, `mine`, `idea`...): a person picks the
    verb they stand for."""
    words = text.split()
    for n in (2, 1):
        head = " ".join(words[:n]).lower()
        if len(words) >= n and head in EXPANSIONS:
            return " ".join([EXPANSIONS[head], *words[n:]])
    return text


async def replay_dispatched(fake: FakeDiscord, app: App, frame: Any) -> None:
    """The gateway replays a frame it dispatched (a resume after a hiccup); returns
    once the core has recognised it as a duplicate."""
    assert frame is not None, "nothing dispatched yet"
    session = fake.connected()[0]
    seq = next(f["s"] for f in reversed(session.log) if f["d"] is frame)
    ingest = app.ingest
    assert ingest is not None
    duplicates = ingest.duplicates
    await fake.replay(session, seq=seq)
    await eventually(lambda: ingest.duplicates > duplicates, within=15.0)


def command_data(text: str) -> dict[str, Any]:
    """`/presence <text>` as Discord sends it: the subcommand (in its group) chosen
    from the registered tree, the words filled into its options in order, the
    last option taking the rest, as a person would fill the form (the form names
    each option: `customer=Acme` is typed as `Acme` there)."""
    words = _expanded(text).split()
    choices, nest = SUBCOMMANDS, []
    while True:
        name = words.pop(0)
        node = next(o for o in choices if o["name"] == name)
        nest.append(node)
        if node["type"] != GROUP:
            break
        choices = node["options"]
    values = []
    params = node["options"]
    for i, param in enumerate(params):
        if not words:
            break
        raw = " ".join(words) if i == len(params) - 1 else words.pop(0)
        if i == len(params) - 1:
            words = []
        value: Any = raw.removeprefix(f"{param['name']}=")
        if param["type"] == INTEGER:
            value = int(raw.lstrip("#"))
        elif param["type"] in (USER, CHANNEL_OPTION):
            value = raw.strip("<@#!>")
        values.append({"type": param["type"], "name": param["name"], "value": value})
    options: list[dict[str, Any]] = values
    for node in reversed(nest):
        options = [{"type": node["type"], "name": node["name"], "options": options}]
    return {"id": "1", "name": "presence", "type": 1, "options": options}


class DiscordDriver:
    name = "discord"

    def __init__(self, app: App, fake: FakeDiscord, clock: FakeClock | None = None) -> None:
        self.app = app
        self.fake = fake
        self.clock = clock
        self._last: dict[str, Any] | None = None
        self._tokens: dict[str, str] = {}  # interaction token -> user id

    # ---- acting ----------------------------------------------------------------
    def _seen(self) -> int:
        ingest = self.app.ingest
        assert ingest is not None
        return ingest.stored + ingest.duplicates

    async def _dispatch(self, kind: str, payload: dict[str, Any]) -> None:
        """Send a gateway event and wait until the core has stored (or dropped) it:
        the gateway has no ack to wait for."""
        before = self._seen()
        self._last = payload
        await self.fake.dispatch(kind, payload)
        await self._until_seen(before)

    async def _until_seen(self, before: int) -> None:
        await eventually(lambda: self._seen() > before, within=15.0)

    def _now(self) -> datetime:
        return self.clock.now() if self.clock is not None else datetime.now(UTC)

    def _snowflake(self) -> str | None:
        """A message id dated by the scenario's clock (discord.py reads the time
        from the id), or None for the fake's own."""
        if self.clock is None:
            return None
        ms = int(self.clock.now().timestamp() * 1000) - DISCORD_EPOCH_MS
        return str((ms << 22) | (next(_SEQ) & 0x3FFFFF))

    async def post(
        self,
        who: Role,
        text: str,
        *,
        thread: Posted | None = None,
        attachments: Sequence[Attachment] = (),
    ) -> Posted:
        channel = thread.id if thread is not None else CHANNEL
        files = [
            {
                "id": str(int(GUILD) + 500 + i),
                "filename": a.name,
                "size": a.size or 0,
                "url": a.url or "",
                "proxy_url": a.url or "",
                "content_type": a.content_type,
            }
            for i, a in enumerate(attachments, 1)
        ]
        msg = self.fake.message(
            channel,
            AUTHORS[who],
            text,
            guild_id=GUILD,
            roles=_roles(who),
            message_id=self._snowflake(),
            attachments=files,
        )
        await self._dispatch("MESSAGE_CREATE", msg)
        return Posted(str(msg["id"]), msg)

    async def edit(self, who: Role, posted: Posted, new_text: str) -> None:
        # MESSAGE_UPDATE carries the whole message as it now is.
        current = self.fake.messages[posted.id]
        current["content"] = new_text
        current["edited_timestamp"] = self._now().isoformat()
        await self._dispatch("MESSAGE_UPDATE", dict(current))

    async def delete(self, posted: Posted) -> None:
        self.fake.messages.pop(posted.id, None)
        payload = {"id": posted.id, "channel_id": posted.raw["channel_id"], "guild_id": GUILD}
        await self._dispatch("MESSAGE_DELETE", payload)

    def _showing(self, action_id: str) -> dict[str, Any]:
        found = [
            m
            for m in self.fake.messages.values()
            if m["author"]["id"] == BOT_USER_ID and action_id in [a for _, a in _buttons(m)]
        ]
        assert found, f"no message shows a button {action_id!r}"
        found.sort(key=lambda m: (m["channel_id"] == TRIAGE, int(m["id"])))
        return found[-1]

    async def _interact(self, who: Role, kind: int, data: dict[str, Any], **kw: Any) -> None:
        payload = self.fake.interaction(
            kind=kind, data=data, author=AUTHORS[who], roles=_roles(who), **kw
        )
        self._tokens[str(payload["token"])] = str(AUTHORS[who]["id"])
        await self._dispatch("INTERACTION_CREATE", payload)

    async def press(self, who: Role, action_id: str) -> None:
        shown = self._showing(action_id)
        if shown["channel_id"] == str(APPLICATION_ID):
            # An interaction's private followup (the fake files it under the
            # application): it was shown in the channel the command was typed in.
            shown = {**shown, "channel_id": CHANNEL, "flags": EPHEMERAL}
        channel = self.fake.channels.get(shown["channel_id"], {})
        await self._interact(
            who,
            3,
            {"custom_id": action_id, "component_type": 2},
            channel_id=shown["channel_id"],
            guild_id=channel.get("guild_id"),
            message=shown,
        )

    async def react(self, who: Role, target: Posted, emoji: str) -> None:
        member = {
            "user": AUTHORS[who],
            "roles": _roles(who),
            "joined_at": iso_now(),
            "deaf": False,
            "mute": False,
            "flags": 0,
        }
        payload = {
            "user_id": AUTHORS[who]["id"],
            "channel_id": target.raw["channel_id"],
            "message_id": target.id,
            "guild_id": GUILD,
            "emoji": {"id": None, "name": EMOJI.get(emoji, emoji)},
            "type": 0,
            "burst": False,
            "member": member,
        }
        await self._dispatch("MESSAGE_REACTION_ADD", payload)

    async def command(self, who: Role, text: str) -> None:
        await self._interact(who, 2, command_data(text), channel_id=CHANNEL, guild_id=GUILD)

    async def redeliver_last(self) -> None:
        await replay_dispatched(self.fake, self.app, self._last)

    async def settle(self) -> None:
        await self.app.wait_idle(30)

    # ---- reading back ------------------------------------------------------------
    def _said(self, m: dict[str, Any]) -> Said:
        edits = self.fake.calls("PATCH", f"/channels/{m['channel_id']}/messages/{m['id']}")
        return Said(str(m["id"]), _shown(m), _buttons(m), len(edits))

    def _in(self, channel: str | None) -> list[Said]:
        return [
            self._said(m)
            for m in self.fake.messages.values()
            if channel is not None
            and m["channel_id"] == channel
            and m["author"]["id"] == BOT_USER_ID
        ]

    def dms(self, who: Role) -> list[Said]:
        return self._in(self.fake.dm_channels.get(str(AUTHORS[who]["id"])))

    def triage(self) -> list[Said]:
        return self._in(TRIAGE)

    def thread(self, root: Posted) -> list[Said]:
        return self._in(root.id)  # a thread started from a message has that message's id

    def _private_call(self, r: Recorded) -> tuple[str, bool] | None:
        """(token, visible to the presser only) for an interaction answer."""
        if r.method not in ("POST", "PATCH") or not isinstance(r.json, dict):
            return None
        if (m := _WEBHOOK.fullmatch(r.path)) is not None:
            if m["edit"]:  # editing the deferred answer keeps the deferral's privacy
                return m["token"], self._deferred_privately(m["token"])
            return m["token"], bool(int(r.json.get("flags") or 0) & EPHEMERAL)
        if (m := _CALLBACK.fullmatch(r.path)) is not None and r.json.get("type") == 4:
            data = r.json.get("data") or {}
            return m["token"], bool(int(data.get("flags") or 0) & EPHEMERAL)
        return None

    def _deferred_privately(self, token: str) -> bool:
        return any(
            r.json.get("type") == 5 and int((r.json.get("data") or {}).get("flags") or 0) & 64
            for r in self.fake.requests
            if (m := _CALLBACK.fullmatch(r.path)) is not None and m["token"] == token
        )

    def private(self, who: Role) -> list[Said]:
        uid = str(AUTHORS[who]["id"])
        out = []
        for i, r in enumerate(self.fake.requests):
            found = self._private_call(r)
            if found is not None and found[1] and self._tokens.get(found[0]) == uid:
                body = r.json.get("data") if _CALLBACK.fullmatch(r.path) else r.json
                out.append(Said(f"i{i}", _shown(body or {}), _buttons(body or {})))
        return out

    def footprint(self) -> list[str]:
        out = []
        for r in self.fake.requests:
            posted = r.method in ("POST", "PATCH") and _CHANNEL_MSG.fullmatch(r.path)
            if posted or (r.method == "POST" and r.path.endswith("/threads")):
                out.append(f"{r.method} {r.path}")
            elif (found := self._private_call(r)) is not None and not found[1]:
                out.append(f"public answer {r.path}")
        return out

    def _customer_place(self, cid: str) -> bool:
        """The customer channel, a thread under it, or a DM with the customer."""
        if cid == self.fake.dm_channels.get(str(AUTHORS["customer"]["id"])):
            return True
        return cid == CHANNEL or self.fake.channels.get(cid, {}).get("parent_id") == CHANNEL

    def customer_side(self) -> list[str]:
        uid = str(AUTHORS["customer"]["id"])
        out = []
        for r in self.fake.requests:
            if r.method not in ("POST", "PATCH", "PUT"):
                continue
            m = _CHANNEL_MSG.fullmatch(r.path)
            to_customer = m is not None and self._customer_place(m["cid"])
            started = r.path.startswith(f"/channels/{CHANNEL}/")
            found = self._private_call(r)
            answered = found is not None and (self._tokens.get(found[0]) == uid or not found[1])
            if to_customer or started or answered:
                out.append(f"{r.method} {r.path} {json.dumps(r.json, default=str)}")
        return out

    def mention(self, who: Role) -> str:
        return f"<@{AUTHORS[who]['id']}>"

    def channel_mention(self, channel: str | None = None) -> str:
        if channel is None:
            return f"<#{CHANNEL}>"
        return f"<#{int(GUILD) + 900 + sum(map(ord, channel))}>"

    def pings(self) -> set[str]:
        found: set[str] = set()
        for r in self.fake.requests:
            if r.method not in ("POST", "PATCH") or not isinstance(r.json, dict):
                continue
            if _CHANNEL_MSG.fullmatch(r.path) or _WEBHOOK.fullmatch(r.path):
                found |= _pings(r.json)
            elif _CALLBACK.fullmatch(r.path) and r.json.get("type") in (4, 7):
                found |= _pings(r.json.get("data") or {})
        return found


@asynccontextmanager
async def discord_driver(db_url: str, world: World | None = None) -> AsyncIterator[DiscordDriver]:
    world = world or World()
    shared = guild()
    for role in world.team:
        member = AUTHORS[role]
        shared.members[member["id"]] = {
            "user": member,
            "roles": [STAFF_ROLE],
            "nick": TEAM_NAMES[role],
            "joined_at": "2024-01-01T00:00:00+00:00",
            "deaf": False,
            "mute": False,
            "flags": 0,
        }
    for e in world.experts:
        if e.who != "staff":
            who = AUTHORS[e.who]
            shared.members[who["id"]] = {
                "user": who,
                "roles": [STAFF_ROLE],
                "nick": e.name,
                "joined_at": "2024-01-01T00:00:00+00:00",
                "deaf": False,
                "mute": False,
                "flags": 0,
            }
    fake = FakeDiscord([shared])
    await fake.start()
    try:
        settings = replace(
            base_settings(db_url),
            discord_token="fake-token",
            discord_api_url=fake.api_url,
            discord_gateway_url=fake.gateway_url,
            discord_application_id=APPLICATION_ID,
        )
        ids = {who: str(a["id"]) for who, a in AUTHORS.items()}
        config = contract_config(
            "discord", channel=CHANNEL, triage=TRIAGE, expert=EXPERT["id"], world=world, ids=ids
        )
        app = App(settings, config, clock=world.clock)
        await app.start()
        try:
            yield DiscordDriver(app, fake, world.clock)
        finally:
            await app.stop()
    finally:
        await fake.stop()
