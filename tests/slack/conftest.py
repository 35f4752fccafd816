"""Fixtures for the Slack adapter: the fake Slack, a recording sink, and an adapter
on either transport talking to the fake over real sockets."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.config import PresenceConfig
from integrations.slack import create
from integrations.slack.adapter import SlackAdapter
from tests.fakes.slack_server import CUSTOMER_TEAM, FakeSlack
from tests.slack.support import (
    CUSTOMER,
    EXPERT,
    GUEST,
    STAFF,
    RecordingSink,
    Wire,
    slack_settings,
)


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    server = FakeSlack()
    server.add_user(CUSTOMER, "Casey Customer", team=CUSTOMER_TEAM)
    server.add_user(STAFF, "Sam Staff")
    server.add_user(EXPERT, "Erin Expert")
    server.add_user(GUEST, "Gus Guest", is_restricted=True)
    await server.start()
    yield server
    await server.stop()


@pytest.fixture(params=["socket", "http"])
def mode(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture
async def sink() -> RecordingSink:
    return RecordingSink()


@pytest.fixture
async def adapter(fake: FakeSlack, sink: RecordingSink, mode: str) -> AsyncIterator[SlackAdapter]:
    a = create(slack_settings(fake, mode), sink, PresenceConfig())
    assert isinstance(a, SlackAdapter)
    await a.start()
    yield a
    await a.stop()


@pytest.fixture
def wire(fake: FakeSlack, adapter: SlackAdapter, mode: str) -> Wire:
    return Wire(fake, adapter, mode)
