"""Helpers shared by the Slack tests: constants, a recording sink, a transport-
agnostic way to deliver payloads, and a polling helper."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bot.events import Event
from bot.settings import Settings
from integrations.slack.adapter import SlackAdapter
from tests.fakes.slack_server import APP_TOKEN, BOT_TOKEN, SIGNING_SECRET, FakeSlack

SHARED = "C0SHARED01"
TRIAGE = "C0TRIAGE01"
CUSTOMER = "U0CUST001"
STAFF = "U0STAFF001"
EXPERT = "U0EXPERT01"
GUEST = "U0GUEST001"


@dataclass
class RecordingSink:
    """An EventSink that keeps events, dedupes keys, and can be told to fail."""

    events: list[Event] = field(default_factory=list)
    keys: set[str] = field(default_factory=set)
    seen: int = 0
    failures: int = 0

    async def receive(self, event: Event) -> bool:
        self.seen += 1
        if self.failures:
            self.failures -= 1
            raise RuntimeError("database is down")
        if event.event_key in self.keys:
            return False
        self.keys.add(event.event_key)
        self.events.append(event)
        return True


def slack_settings(fake: FakeSlack, mode: str) -> Settings:
    return Settings(
        slack_bot_token=BOT_TOKEN,
        slack_signing_secret=SIGNING_SECRET,
        slack_app_token=APP_TOKEN,
        slack_mode=mode,
        slack_http_host="127.0.0.1",
        slack_http_port=0,
        slack_api_url=fake.api_url,
    )


class Wire:
    """Delivers payloads to a running adapter the way Slack would on its transport.
    Each method returns True when Slack would consider the delivery acknowledged."""

    def __init__(self, fake: FakeSlack, adapter: SlackAdapter, mode: str) -> None:
        self.fake = fake
        self.adapter = adapter
        self.mode = mode
        self.last_response: tuple[int, str] = (0, "")

    @property
    def url(self) -> str:
        return str(self.adapter.ready_info()["slack_http_url"])

    async def _socket(self, kind: str, payload: dict[str, Any], retry: int | None) -> bool:
        eid = await self.fake.push(kind, payload, retry_attempt=retry or 0)
        try:
            ack = await self.fake.wait_ack(eid, within=2.0)
        except AssertionError:
            return False
        self.last_response = (200, json.dumps(ack.get("payload") or {}))
        return True

    async def event(self, envelope: dict[str, Any], *, retry: int | None = None) -> bool:
        if self.mode == "socket":
            return await self._socket("events_api", envelope, retry)
        self.last_response = await self.fake.deliver_event(self.url, envelope, retry_num=retry)
        return self.last_response[0] == 200

    async def command(self, form: dict[str, str]) -> bool:
        if self.mode == "socket":
            return await self._socket("slash_commands", form, None)
        self.last_response = await self.fake.deliver_command(self.url, form)
        return self.last_response[0] == 200

    async def interaction(self, payload: dict[str, Any]) -> bool:
        if self.mode == "socket":
            return await self._socket("interactive", payload, None)
        self.last_response = await self.fake.deliver_interaction(self.url, payload)
        return self.last_response[0] == 200


async def eventually(check: Callable[[], bool], within: float = 5.0) -> None:
    loop = asyncio.get_running_loop()
    end = loop.time() + within
    while not check():
        if loop.time() > end:
            raise AssertionError("condition not met in time")
        await asyncio.sleep(0.01)
