"""The loop harness on Discord: the real discord.py adapter against the fake
gateway and REST (recorded requests, queued 429s with rate-limit headers)."""

from __future__ import annotations

import itertools
import re
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import replace
from typing import Any

from bot.app import App
from bot.clock import FakeClock
from tests.contract.discord_driver import command_data, replay_dispatched
from tests.customer_loop.loop_world import (
    Ids,
    Posted,
    Shown,
    Who,
    discord_text,
    world_config,
    world_settings,
)
from tests.discord.conftest import CHANNEL, CUSTOMER, EXPERT, GUILD, STAFF_ROLE, TRIAGE, guild
from tests.fakes.discord_server import (
    APPLICATION_ID,
    BOT_USER_ID,
    DISCORD_EPOCH_MS,
    FakeDiscord,
    text_channel,
    user,
)
from tests.slack.support import eventually

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
        self._last: dict[str, Any] | None = None

    def _roles(self, who: Who) -> list[str]:
        return [STAFF_ROLE] if who in ("staff", "lead") else []

    def _seen(self) -> int:
        ingest = self.app.ingest
        assert ingest is not None
        return ingest.stored + ingest.duplicates

    async def _dispatch(self, kind: str, payload: dict[str, Any]) -> None:
        # The gateway has no ack: wait until the core stored (or dropped) the event.
        before = self._seen()
        self._last = payload
        await self.fake.dispatch(kind, payload)
        await eventually(lambda: self._seen() > before, within=15.0)

    async def _interact(self, who: Who, kind: int, data: dict[str, Any], **kw: Any) -> None:
        payload = self.fake.interaction(
            kind=kind, data=data, author=self._authors[who], roles=self._roles(who), **kw
        )
        self._tokens[str(payload["token"])] = str(self._authors[who]["id"])
        await self._dispatch("INTERACTION_CREATE", payload)

    async def command(self, who: Who, text: str, where: str) -> None:
        data = command_data(discord_text(text))
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

    async def redeliver_last(self) -> None:
        await replay_dispatched(self.fake, self.app, self._last)

    async def settle(self) -> None:
        await self.app.wait_idle(30)


@asynccontextmanager
async def run_discord(
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
            world_settings(db_url),
            discord_token="fake-token",
            discord_api_url=fake.api_url,
            discord_gateway_url=fake.gateway_url,
            discord_application_id=APPLICATION_ID,
        )
        app = App(settings, world_config("discord", ids, extra, tables), clock=clock)
        await app.start()
        try:
            yield DiscordLoop(app, fake, ids, clock)
        finally:
            await app.stop()
    finally:
        await fake.stop()
