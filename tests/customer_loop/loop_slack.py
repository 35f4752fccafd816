"""The loop harness on Slack: the real slack-bolt adapter in HTTP mode against the
fake Slack (signed deliveries, recorded Web API calls, queued 429s)."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import replace
from typing import Any

from bot.app import App
from bot.clock import FakeClock
from integrations.slack.adapter import SlackAdapter
from tests.contract.slack_driver import _buttons as slack_buttons
from tests.contract.slack_driver import _texts as slack_texts
from tests.customer_loop.loop_world import (
    Ids,
    Posted,
    Shown,
    Who,
    world_config,
)
from tests.fakes.slack_server import CUSTOMER_TEAM, FakeSlack
from tests.slack.support import SHARED, Wire, slack_settings
from tests.slack.support import TRIAGE as SLACK_TRIAGE


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
        self._last: dict[str, str] | None = None

    def _ts(self) -> str:
        if self.clock is None:
            return self.fake.next_ts()
        return f"{int(self.clock.now().timestamp())}.{next(self._seq):06d}"

    def _remember(self, payload: Mapping[str, Any], who: Who) -> None:
        self._answers_to[str(payload["response_url"]).rsplit("/", 1)[-1]] = self.ids.people[who]

    async def command(self, who: Who, text: str, where: str) -> None:
        form = self.fake.command(self.ids.people[who], text, channel=self.ids.channels[where])
        self._remember(form, who)
        self._last = form
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

    async def redeliver_last(self) -> None:
        # The same signed slash command payload again (a proxy's retry, a double submit).
        assert self._last is not None, "no command delivered yet"
        assert await self.wire.command(self._last), self.wire.last_response

    async def settle(self) -> None:
        await self.app.wait_idle(30)


@asynccontextmanager
async def run_slack(
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
        app = App(settings, world_config("slack", ids, extra, tables), clock=clock)
        await app.start()
        try:
            adapter = app.platforms["slack"]
            assert isinstance(adapter, SlackAdapter)
            yield SlackLoop(app, fake, Wire(fake, adapter, "http"), ids, clock)
        finally:
            await app.stop()
    finally:
        await fake.stop()
