"""The contract driver for Slack: the real slack-bolt adapter inside the real App,
in HTTP mode, against the fake Slack over real sockets (signed deliveries)."""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import replace
from typing import Any

from bot.app import App
from bot.clock import FakeClock
from bot.events import Attachment
from integrations.slack.adapter import SlackAdapter
from tests.contract.drivers import (
    _BARE_MASS,
    TEAM_NAMES,
    Posted,
    Role,
    Said,
    World,
    base_settings,
    contract_config,
)
from tests.fakes.slack_server import CUSTOMER_TEAM, FakeSlack
from tests.slack.support import CUSTOMER, EXPERT, SHARED, TRIAGE, Wire, slack_settings

USERS: dict[Role, str] = {
    "customer": CUSTOMER,
    "staff": EXPERT,
    "second": "U0EXPERT02",
    "third": "U0EXPERT03",
    "fourth": "U0EXPERT04",
}
_SPECIAL = re.compile(r"<!(channel|here|everyone|subteam\^[A-Z0-9]+)[|>]")
_USER_MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")


def _texts(node: Any) -> list[str]:
    """Every "text" string inside a Block Kit structure."""
    if isinstance(node, dict):
        out = [node["text"]] if isinstance(node.get("text"), str) else []
        for value in node.values():
            if isinstance(value, dict | list):
                out += _texts(value)
        return out
    if isinstance(node, list):
        return [t for item in node for t in _texts(item)]
    return []


def _buttons(blocks: Any) -> tuple[tuple[str, str], ...]:
    return tuple(
        (str(el["text"]["text"]), str(el["action_id"]))
        for block in blocks or []
        if block.get("type") == "actions"
        for el in block.get("elements", [])
        if el.get("type") == "button"
    )


def _private(reply: dict[str, Any]) -> bool:
    """A response_url post only its presser sees: ephemeral (Slack's default) and
    not replacing or deleting the message the button was on."""
    ephemeral = reply.get("response_type", "ephemeral") == "ephemeral"
    return ephemeral and not reply.get("replace_original") and not reply.get("delete_original")


class SlackDriver:
    name = "slack"

    def __init__(self, app: App, fake: FakeSlack, wire: Wire, clock: FakeClock | None = None):
        self.app = app
        self.fake = fake
        self.wire = wire
        self.clock = clock
        self._last_event: dict[str, Any] | None = None
        self._response_urls: dict[str, str] = {}  # response_url id -> user id
        self._texts: dict[str, str] = {}  # ts -> the text a posted message has now
        self._seq = itertools.count(500_000)  # never meets the fake's own counter

    def _ts(self) -> str:
        """A fresh ts: Slack's clock, or the scenario's when it has one."""
        if self.clock is None:
            return self.fake.next_ts()
        return f"{int(self.clock.now().timestamp())}.{next(self._seq):06d}"

    # ---- acting --------------------------------------------------------------
    async def _event(self, envelope: dict[str, Any], *, retry: int | None = None) -> None:
        self._last_event = envelope
        assert await self.wire.event(envelope, retry=retry), self.wire.last_response

    async def post(
        self,
        who: Role,
        text: str,
        *,
        thread: Posted | None = None,
        attachments: Sequence[Attachment] = (),
    ) -> Posted:
        root = thread.id if thread is not None else None
        envelope = self.fake.message_event(SHARED, USERS[who], text, thread_ts=root, ts=self._ts())
        if attachments:
            envelope["event"]["subtype"] = "file_share"
            envelope["event"]["files"] = [
                {
                    "id": f"F{i:08d}",
                    "name": a.name,
                    "title": a.name,
                    "mimetype": a.content_type,
                    "size": a.size,
                    "url_private": a.url,
                    "permalink": a.url,
                }
                for i, a in enumerate(attachments, 1)
            ]
        await self._event(envelope)
        ts = str(envelope["event"]["ts"])
        self._texts[ts] = text
        return Posted(ts, envelope)

    def _previous(self, posted: Posted) -> dict[str, Any]:
        """The message as Slack last knew it, for `previous_message`."""
        ev = posted.raw["event"]
        old = {"type": "message", "user": ev["user"], "text": self._texts[posted.id]}
        old |= {"ts": posted.id, "team": ev.get("team")}
        return old | ({"thread_ts": ev["thread_ts"]} if ev.get("thread_ts") else {})

    async def edit(self, who: Role, posted: Posted, new_text: str) -> None:
        ts = self._ts()
        old = self._previous(posted)
        new = old | {"text": new_text, "edited": {"user": USERS[who], "ts": ts}}
        ev = {
            "type": "message",
            "subtype": "message_changed",
            "hidden": True,
            "channel": SHARED,
            "channel_type": "channel",
            "message": new,
            "previous_message": old,
            "ts": ts,
            "event_ts": ts,
        }
        await self._event(self.fake.event_envelope(ev))
        self._texts[posted.id] = new_text

    async def delete(self, posted: Posted) -> None:
        ts = self._ts()
        ev = {
            "type": "message",
            "subtype": "message_deleted",
            "hidden": True,
            "channel": SHARED,
            "channel_type": "channel",
            "deleted_ts": posted.id,
            "previous_message": self._previous(posted),
            "ts": ts,
            "event_ts": ts,
        }
        await self._event(self.fake.event_envelope(ev))

    def _showing(self, action_id: str) -> tuple[str, str]:
        """(channel, ts) of the latest message of Presence with that button,
        preferring the triage card."""
        found: list[tuple[str, str]] = []
        for channel, msgs in self.fake.messages.items():
            for m in msgs:
                if action_id in [a for _, a in _buttons(m.get("blocks"))]:
                    found.append((channel, str(m["ts"])))
        assert found, f"no message shows a button {action_id!r}"
        found.sort(key=lambda c: (c[0] == TRIAGE, float(c[1])))
        return found[-1]

    def _remember_response_url(self, payload: dict[str, Any], who: Role) -> None:
        url = str(payload["response_url"])
        self._response_urls[url.rsplit("/", 1)[-1]] = USERS[who]

    def _private_showing(self, who: Role, action_id: str) -> bool:
        """Whether an answer only `who` saw (a command's confirmation) shows it."""
        return any(
            action_id in [a for _, a in _buttons(c.get("blocks"))]
            for c in self.fake.calls("response_url")
            if self._response_urls.get(str(c["_id"])) == USERS[who]
        )

    async def press(self, who: Role, action_id: str) -> None:
        if self._private_showing(who, action_id):
            # An ephemeral message lives on the presser's screen only: Slack sends
            # the channel it was shown in and no stored message.
            payload = self.fake.block_action(
                USERS[who], action_id, channel=SHARED, message_ts=self.fake.next_ts()
            )
            payload["container"]["is_ephemeral"] = True
            self._remember_response_url(payload, who)
            assert await self.wire.interaction(payload), self.wire.last_response
            return
        channel, ts = self._showing(action_id)
        payload = self.fake.block_action(USERS[who], action_id, channel=channel, message_ts=ts)
        self._remember_response_url(payload, who)
        assert await self.wire.interaction(payload), self.wire.last_response

    async def react(self, who: Role, target: Posted, emoji: str) -> None:
        await self._event(self.fake.reaction_event(SHARED, USERS[who], target.id, emoji))

    async def command(self, who: Role, text: str) -> None:
        form = self.fake.command(USERS[who], text, channel=SHARED)
        self._remember_response_url(form, who)
        assert await self.wire.command(form), self.wire.last_response

    async def redeliver_last(self) -> None:
        # Slack retries only Events API deliveries (interactions are never retried).
        assert self._last_event is not None, "no event delivered yet"
        await self._event(self._last_event, retry=1)

    async def settle(self) -> None:
        await self.app.wait_idle(30)

    # ---- reading back ----------------------------------------------------------
    def _said(self, channel: str, m: dict[str, Any]) -> Said:
        edits = [
            u
            for u in self.fake.calls("chat.update")
            if u["channel"] == channel and u["ts"] == m["ts"]
        ]
        text = "\n".join([str(m.get("text", "")), *_texts(m.get("blocks"))])
        return Said(str(m["ts"]), text, _buttons(m.get("blocks")), len(edits))

    def _by_presence(self, channel: str) -> list[dict[str, Any]]:
        return [m for m in self.fake.messages.get(channel, []) if m.get("bot_id")]

    def dms(self, who: Role) -> list[Said]:
        channel = "D" + USERS[who][1:]  # the fake's conversations.open
        return [self._said(channel, m) for m in self._by_presence(channel)]

    def triage(self) -> list[Said]:
        return [self._said(TRIAGE, m) for m in self._by_presence(TRIAGE) if not m.get("thread_ts")]

    def thread(self, root: Posted) -> list[Said]:
        return [
            self._said(SHARED, m)
            for m in self._by_presence(SHARED)
            if m.get("thread_ts") == root.id and m["ts"] != root.id
        ]

    def private(self, who: Role) -> list[Said]:
        uid = USERS[who]
        out = [
            Said(str(i), "\n".join([str(c.get("text", "")), *_texts(c.get("blocks"))]))
            for i, c in enumerate(self.fake.calls("chat.postEphemeral"))
            if c.get("user") == uid
        ]
        for i, c in enumerate(self.fake.calls("response_url")):
            if self._response_urls.get(str(c["_id"])) == uid and _private(c):
                text = "\n".join([str(c.get("text", "")), *_texts(c.get("blocks"))])
                out.append(Said(f"r{i}", text, _buttons(c.get("blocks"))))
        return out

    def footprint(self) -> list[str]:
        out = []
        for call in self.fake.calls_log:
            if call.route == "chat.postMessage":
                out.append(f"post {call.args['channel']}")
            elif call.route == "chat.update":
                out.append(f"edit {call.args['channel']} {call.args['ts']}")
            elif call.route == "response_url" and not _private(call.args):
                out.append(f"public reply {call.args}")
        return out

    def customer_side(self) -> list[str]:
        uid = USERS["customer"]
        out = []
        for call in self.fake.calls_log:
            where = call.args.get("channel")
            dm = "D" + uid[1:]  # the fake's conversations.open
            to_channel = where in (SHARED, dm) and call.route.startswith("chat.")
            answered = call.route == "response_url" and (
                self._response_urls.get(str(call.args.get("_id"))) == uid or not _private(call.args)
            )
            if to_channel or answered or call.args.get("user") == uid:
                out.append(f"{call.route} {json.dumps(call.args, default=str)}")
        return out

    def mention(self, who: Role) -> str:
        return f"<@{USERS[who]}>"

    def channel_mention(self, channel: str | None = None) -> str:
        if channel is None:
            return f"<#{SHARED}|acme-support>"
        return f"<#C0{channel.upper().replace('-', '')[:8]}|{channel}>"

    def pings(self) -> set[str]:
        found: set[str] = set()
        routes = ("chat.postMessage", "chat.update", "chat.postEphemeral", "response_url")
        for call in self.fake.calls_log:
            if call.route not in routes:
                continue
            texts = [str(call.args.get("text", "")), *_texts(call.args.get("blocks"))]
            for text in texts:
                found |= {m.split("^")[0] for m in _SPECIAL.findall(text)}
                found |= {f"user:{u}" for u in _USER_MENTION.findall(text)}
                # Bare "@channel" pings only with link_names, but a renderer must
                # not rely on a flag: it counts here whatever the flags say.
                found |= {k.lower() for k in _BARE_MASS.findall(text)}
        return found


@asynccontextmanager
async def slack_driver(db_url: str, world: World | None = None) -> AsyncIterator[SlackDriver]:
    world = world or World()
    fake = FakeSlack()
    fake.add_user(CUSTOMER, "Casey Customer", team=CUSTOMER_TEAM)
    fake.add_user(EXPERT, "Erin Expert")
    for e in world.experts:
        if e.who != "staff":
            fake.add_user(USERS[e.who], e.name)
    for who in world.team:
        fake.add_user(USERS[who], TEAM_NAMES[who])
    await fake.start()
    try:
        settings = replace(
            slack_settings(fake, "http"),
            database_url=db_url,
            sweep_interval=base_settings(db_url).sweep_interval,
        )
        config = contract_config(
            "slack", channel=SHARED, triage=TRIAGE, expert=EXPERT, world=world, ids=USERS
        )
        app = App(settings, config, clock=world.clock)
        await app.start()
        try:
            adapter = app.platforms["slack"]
            assert isinstance(adapter, SlackAdapter)
            yield SlackDriver(app, fake, Wire(fake, adapter, "http"), world.clock)
        finally:
            await app.stop()
    finally:
        await fake.stop()
