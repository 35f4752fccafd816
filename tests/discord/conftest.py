"""Fixtures: a fake Discord on 127.0.0.1 and the real adapter connected to it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest

from bot.config import CustomerConfig, DiscordConfig, PresenceConfig, SupportConfig
from bot.events import Event
from integrations.discord.adapter import DiscordAdapter
from integrations.discord.options import DiscordOptions
from tests.fakes.discord_server import FakeDiscord, Guild, role, text_channel, user

GUILD = "1100000000000000000"
CHANNEL = "1100000000000000001"  # a customer's channel
TRIAGE = "1100000000000000002"
FORUM = "1100000000000000003"
STAFF_ROLE = "1100000000000000010"
CUSTOMER = user("1200000000000000001", "carol")
EXPERT = user("1200000000000000002", "ed")


class RecordingSink:
    """An EventSink that keeps events and dedupes keys, like the core's inbox."""

    def __init__(self) -> None:
        self.events: list[Event] = []
        self.keys: set[str] = set()
        self.fail_next = 0
        self._changed = asyncio.Condition()

    async def receive(self, event: Event) -> bool:
        if self.fail_next:
            self.fail_next -= 1
            raise RuntimeError("database unavailable")
        async with self._changed:
            if event.event_key in self.keys:
                return False
            self.keys.add(event.event_key)
            self.events.append(event)
            self._changed.notify_all()
        return True

    async def wait(self, count: int, within: float = 5.0) -> list[Event]:
        async def go() -> None:
            async with self._changed:
                await self._changed.wait_for(lambda: len(self.events) >= count)

        await asyncio.wait_for(go(), within)
        return self.events


def guild() -> Guild:
    return Guild(
        id=GUILD,
        channels=[
            text_channel(CHANNEL, GUILD, "acme"),
            text_channel(TRIAGE, GUILD, "triage"),
            text_channel(FORUM, GUILD, "help", kind=15),
        ],
        roles=[role(STAFF_ROLE, "Support")],
        members={
            EXPERT["id"]: {
                "user": EXPERT,
                "roles": [STAFF_ROLE],
                "nick": "Ed the Expert",
                "joined_at": "2024-01-01T00:00:00+00:00",
                "deaf": False,
                "mute": False,
                "flags": 0,
            },
            CUSTOMER["id"]: {
                "user": CUSTOMER,
                "roles": [],
                "nick": None,
                "joined_at": "2024-01-01T00:00:00+00:00",
                "deaf": False,
                "mute": False,
                "flags": 0,
            },
        },
    )


def config() -> PresenceConfig:
    return PresenceConfig(
        support=SupportConfig(triage_channel=f"discord:{TRIAGE}"),
        customers=(
            CustomerConfig(name="Acme Oy", channels=(f"discord:{CHANNEL}",)),
            CustomerConfig(name="Globex", channels=(f"discord:{FORUM}",)),
        ),
        discord=DiscordConfig(staff_roles=("Support",)),
    )


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    server = FakeDiscord([guild()])
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
def sink() -> RecordingSink:
    return RecordingSink()


AdapterFactory = Callable[..., Awaitable[DiscordAdapter]]


@pytest.fixture
async def make_adapter(fake: FakeDiscord, sink: RecordingSink) -> AsyncIterator[AdapterFactory]:
    started: list[DiscordAdapter] = []

    async def make(**overrides: Any) -> DiscordAdapter:
        options = DiscordOptions(
            token="fake-token",
            api_url=fake.api_url,
            gateway_url=fake.gateway_url,
            guild_ready_timeout=0.05,
            **overrides,
        )
        adapter = DiscordAdapter(options, sink, config())
        await adapter.start()
        started.append(adapter)
        return adapter

    yield make
    for adapter in started:
        await adapter.stop()


@pytest.fixture
async def adapter(make_adapter: AdapterFactory) -> DiscordAdapter:
    return await make_adapter()
