"""A running Presence on the local platform with an admin, and helpers to type
commands and read the one private answer each gets."""

from __future__ import annotations

import copy
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from bot.app import App
from bot.clock import FakeClock
from bot.config import parse_config
from bot.settings import Settings
from db.models import Question
from integrations.local import LocalMessage, LocalPlatform
from tests.conftest import DEMO_CONFIG, T0, TestBot

CUSTOMER_CHANNELS = ("ACME", "BOREALIS")


def suite_config() -> dict[str, Any]:
    cfg = copy.deepcopy(DEMO_CONFIG)
    cfg["support"]["admins"] = ["local:ADMIN"]
    return cfg


async def start_bot(
    db_url: str, config: dict[str, Any] | None = None, *, transcript: Path | None = None
) -> TestBot:
    """A started Presence; with a transcript, a restart on the same database goes on
    numbering events where the last run stopped (event keys never repeat)."""
    clock = FakeClock(T0)
    platform = LocalPlatform(clock=clock, transcript=transcript)
    platform.add_user("ANNA", "Anna (Acme)", timezone="Europe/Helsinki")
    platform.add_user("SVEN", "Sven (Borealis)")
    platform.add_user("EVE", "Eve", staff=True, timezone="Europe/Helsinki")
    platform.add_user("BOB", "Bob", staff=True, timezone="Europe/Stockholm")
    platform.add_user("AMY", "Amy", staff=True)
    platform.add_user("LEAD", "Lea", staff=True)
    platform.add_user("ADMIN", "Ada", staff=True)
    settings = replace(Settings(), database_url=db_url, sweep_interval=3600)
    app = App(
        settings, parse_config(config or suite_config()), clock=clock, platforms={"local": platform}
    )
    await app.start()
    return TestBot(app, platform, clock)


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite+aiosqlite:///{tmp_path / 'presence.db'}"


@pytest.fixture
async def bot(sqlite_url: str) -> AsyncIterator[TestBot]:
    running = await start_bot(sqlite_url)
    try:
        yield running
    finally:
        await running.app.stop()


async def cmd(bot: TestBot, user: str, text: str) -> str:
    """Type `/presence <text>` as `user`; the one private answer they get."""
    before = len(bot.platform.sent)
    await bot.platform.command(user, text)
    await bot.settle()
    mine = [
        m
        for m in bot.platform.sent[before:]
        if m.to is not None and m.to.kind == "ephemeral" and m.to.user_id == user
    ]
    assert len(mine) == 1, [m.text for m in bot.platform.sent[before:]]
    return mine[0].text


async def cmd_message(bot: TestBot, user: str, text: str) -> LocalMessage:
    before = len(bot.platform.sent)
    await bot.platform.command(user, text)
    await bot.settle()
    [answer] = [m for m in bot.platform.sent[before:] if m.to is not None and m.to.user_id == user]
    return answer


async def ask(bot: TestBot, text: str = "How do I download last month's invoice as a PDF?") -> int:
    """ANNA (Acme) asks; the new question's id."""
    await bot.platform.post("ACME", "ANNA", text)
    await bot.settle()
    return (await questions(bot))[-1].id


async def questions(bot: TestBot) -> list[Question]:
    assert bot.app.sessions is not None
    async with bot.app.sessions() as s:
        return list((await s.scalars(select(Question).order_by(Question.id))).all())


async def question(bot: TestBot, qid: int) -> Question:
    assert bot.app.sessions is not None
    async with bot.app.sessions() as s:
        q = await s.get(Question, qid)
        assert q is not None
        return q


def to_customers(bot: TestBot) -> list[LocalMessage]:
    """Everything Presence said where a customer can read it."""
    return [
        m for m in bot.platform.sent if m.to is not None and m.to.channel_id in CUSTOMER_CHANNELS
    ]
