"""A running Presence whose config links ANNA's two identities and sets retention,
plus helpers to read the whole database as text."""

from __future__ import annotations

import copy
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from bot.app import App
from bot.clock import FakeClock
from bot.config import parse_config
from bot.settings import Settings
from db.base import Base
from integrations.local import LocalPlatform
from tests.conftest import DEMO_CONFIG, PG_HOST, PG_PORT, PG_USER, T0, TestBot, _psql


def dr_config_dict(**retention: Any) -> dict[str, Any]:
    data = copy.deepcopy(DEMO_CONFIG)
    data["people"] = [{"user": "local:ANNA", "also": ["local:ANNA_D"]}]
    if retention:
        data["retention"] = retention
    return data


@pytest.fixture
async def drbot(db_url: str, tmp_path: Path) -> AsyncIterator[TestBot]:
    clock = FakeClock(T0)
    platform = LocalPlatform(clock=clock)
    platform.add_user("ANNA", "Anna Virtanen", timezone="Europe/Helsinki")
    platform.add_user("ANNA_D", "anna.v")
    platform.add_user("SVEN", "Sven (Borealis)")
    platform.add_user("EVE", "Eve", staff=True, timezone="Europe/Helsinki")
    platform.add_user("BOB", "Bob", staff=True, timezone="Europe/Stockholm")
    platform.add_user("AMY", "Amy", staff=True)
    platform.add_user("LEAD", "Lea", staff=True)
    settings = replace(Settings(), database_url=db_url, sweep_interval=3600)
    config = parse_config(dr_config_dict())
    app = App(settings, config, clock=clock, platforms={"local": platform})
    await app.start()
    try:
        yield TestBot(app, platform, clock)
    finally:
        await app.stop()


async def dump_database(bot: TestBot) -> str:
    """Every row of every table as text: what an erasure must leave clean."""
    assert bot.app.sessions is not None
    out = []
    async with bot.app.sessions() as s:
        for table in Base.metadata.sorted_tables:
            cols = [c for c in table.columns if c.name != "search"]
            for row in (await s.execute(select(*cols))).all():
                out.append(f"{table.name}: {tuple(row)!r}")
    return "\n".join(out)


@pytest.fixture
def second_db_url(db_url: str, tmp_path: Path) -> Iterator[str]:
    """Another empty database on the same engine as `db_url` (a fresh installation)."""
    if db_url.startswith("sqlite"):
        yield f"sqlite+aiosqlite:///{tmp_path / 'second.db'}"
        return
    name = f"presence_test_{uuid.uuid4().hex[:12]}"
    _psql(f"CREATE DATABASE {name}")
    try:
        yield f"postgresql+asyncpg://{PG_USER}@{PG_HOST}:{PG_PORT}/{name}"
    finally:
        _psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
