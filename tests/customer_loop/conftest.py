"""A running Presence on the local platform with the customer loop configured:
the testbot's people and customers, plus the `[ideas]`, `[status]` and
`[digests]` tables a test asks for."""

from __future__ import annotations

import copy
from collections.abc import AsyncIterator, Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from bot.app import App
from bot.clock import FakeClock
from bot.config import parse_config
from bot.settings import Settings
from integrations.local import LocalPlatform
from tests.conftest import DEMO_CONFIG, T0, TestBot

LoopBotFactory = Callable[..., Any]


@pytest.fixture
async def loopbot_factory(db_url: str, tmp_path: Path) -> AsyncIterator[LoopBotFactory]:
    started: list[App] = []

    async def make(**tables: Any) -> TestBot:
        clock = FakeClock(T0)
        platform = LocalPlatform(clock=clock)
        platform.add_user("ANNA", "Anna (Acme)", timezone="Europe/Helsinki")
        platform.add_user("SVEN", "Sven (Borealis)")
        platform.add_user("EVE", "Eve", staff=True, timezone="Europe/Helsinki")
        platform.add_user("BOB", "Bob", staff=True, timezone="Europe/Stockholm")
        platform.add_user("AMY", "Amy", staff=True)
        platform.add_user("LEAD", "Lea", staff=True)
        data = copy.deepcopy(DEMO_CONFIG)
        data.update(tables)
        settings = replace(Settings(), database_url=db_url, sweep_interval=3600)
        app = App(settings, parse_config(data), clock=clock, platforms={"local": platform})
        await app.start()
        started.append(app)
        return TestBot(app, platform, clock)

    yield make
    for app in started:
        await app.stop()


@pytest.fixture
async def loopbot(loopbot_factory: LoopBotFactory) -> TestBot:
    bot: TestBot = await loopbot_factory(ideas={"show_organisations": True})
    return bot


def answers(bot: TestBot, user: str) -> list[str]:
    """What one person was told privately (command answers, button answers)."""
    return [m.text for m in bot.platform.sent if m.to is not None and m.to.user_id == user]


def last_buttons(bot: TestBot, user: str) -> list[str]:
    for m in reversed(bot.platform.sent):
        if m.to is not None and m.to.user_id == user and m.msg is not None and m.msg.buttons:
            return [b.action_id for b in m.msg.buttons]
    return []
