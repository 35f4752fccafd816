"""Shared fixtures: a fresh database per test on SQLite and on PostgreSQL, and a
running Presence on the local platform (the testbot)."""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.app import App
from bot.clock import FakeClock
from bot.config import PresenceConfig, parse_config
from bot.settings import Settings
from integrations.local import LocalPlatform

PG_HOST = os.environ.get("PRESENCE_TEST_PG_HOST", "127.0.0.1")
PG_PORT = int(os.environ.get("PRESENCE_TEST_PG_PORT", "5432"))
PG_USER = os.environ.get("PRESENCE_TEST_PG_USER", "postgres")


def _pg_reachable() -> bool:
    import socket

    try:
        with socket.create_connection((PG_HOST, PG_PORT), timeout=2):
            return True
    except OSError:
        return False


def _psql(*sql: str) -> None:
    args = ["psql", "-h", PG_HOST, "-p", str(PG_PORT), "-U", PG_USER, "-d", "postgres", "-q"]
    for stmt in sql:
        args += ["-c", stmt]
    subprocess.run(args, check=True, capture_output=True, timeout=60)


@pytest.fixture(scope="session")
def _templates(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """Databases migrated once per test session; each test gets a fresh copy, which
    is much faster than migrating per test (PostgreSQL: CREATE DATABASE ... TEMPLATE)."""
    from db.migrate import upgrade

    made: dict[str, str] = {}
    sqlite_file = tmp_path_factory.mktemp("template") / "template.db"
    upgrade(f"sqlite:///{sqlite_file}")
    made["sqlite"] = str(sqlite_file)
    pg_name = f"presence_tmpl_{uuid.uuid4().hex[:10]}"
    if _pg_reachable():
        _psql(f"CREATE DATABASE {pg_name}")
        upgrade(f"postgresql://{PG_USER}@{PG_HOST}:{PG_PORT}/{pg_name}")
        made["postgresql"] = pg_name
    try:
        yield made
    finally:
        if "postgresql" in made:
            _psql(f"DROP DATABASE IF EXISTS {pg_name} WITH (FORCE)")


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(
    request: pytest.FixtureRequest, tmp_path: Path, _templates: dict[str, str]
) -> Iterator[str]:
    """A migrated database of its own for one test, created here and dropped after."""
    if request.param == "sqlite":
        target = tmp_path / "presence.db"
        shutil.copyfile(_templates["sqlite"], target)
        yield f"sqlite+aiosqlite:///{target}"
        return
    if "postgresql" not in _templates:
        _no_postgres()
    yield from _pg_database(f"TEMPLATE {_templates['postgresql']}")


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty (unmigrated) database, for migration tests."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'empty.db'}"
        return
    if not _pg_reachable():
        _no_postgres()
    yield from _pg_database("")


def _no_postgres() -> None:
    """Under CI a missing PostgreSQL fails the run; on a laptop it skips that half."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"PostgreSQL at {PG_HOST}:{PG_PORT} is unreachable under CI")
    pytest.skip(f"PostgreSQL at {PG_HOST}:{PG_PORT} is unreachable (outside CI)")


def _pg_database(options: str) -> Iterator[str]:
    name = f"presence_test_{uuid.uuid4().hex[:12]}"
    _psql(f"CREATE DATABASE {name} {options}".strip())
    try:
        yield f"postgresql+asyncpg://{PG_USER}@{PG_HOST}:{PG_PORT}/{name}"
    finally:
        _psql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


DEMO_CONFIG = {
    "support": {
        "timezone": "Europe/Helsinki",
        "hours": "Mon-Fri 08:00-17:00",
        "country": "FI",
        "triage_channel": "local:TRIAGE",
        "leads": ["local:LEAD"],
    },
    "customers": [
        {
            "name": "Acme Oy",
            "tier": "gold",
            "owner": "local:AMY",
            "channels": ["local:ACME"],
            "timezone": "Europe/Helsinki",
        },
        {"name": "Borealis AB", "tier": "standard", "channels": ["local:BOREALIS"]},
    ],
    "experts": [
        {
            "user": "local:EVE",
            "name": "Eve",
            "topics": ["billing", "invoices"],
            "languages": ["en", "fi"],
            "timezone": "Europe/Helsinki",
            "hours": "Mon-Fri 08:00-17:00",
            "backup": "local:BOB",
        },
        {
            "user": "local:BOB",
            "name": "Bob",
            "topics": ["api", "integrations"],
            "languages": ["en", "sv"],
            "timezone": "Europe/Stockholm",
            "hours": "Mon-Fri 08:00-17:00",
        },
    ],
    "topics": [
        {"name": "billing", "keywords": ["invoice", "billing", "lasku", "faktura", "payment"]},
        {"name": "api", "keywords": ["api", "token", "webhook", "endpoint", "rate"]},
    ],
    "sla": [
        {"tier": "gold", "calendar": "business", "first_response": "30m", "warn_at": 0.75},
        {"tier": "*", "calendar": "business", "first_response": "4h"},
    ],
}

# A Tuesday morning in Helsinki: inside business hours.
T0 = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)


def demo_config() -> PresenceConfig:
    return parse_config(DEMO_CONFIG)


class TestBot:
    """A running Presence on the local platform, with people to play."""

    __test__ = False

    def __init__(self, app: App, platform: LocalPlatform, clock: FakeClock):
        self.app = app
        self.platform = platform
        self.clock = clock

    async def settle(self) -> None:
        await self.app.wait_idle(30)


@pytest.fixture
async def testbot(db_url: str, tmp_path: Path) -> AsyncIterator[TestBot]:
    clock = FakeClock(T0)
    platform = LocalPlatform(clock=clock)
    platform.add_user("ANNA", "Anna (Acme)", timezone="Europe/Helsinki")
    platform.add_user("SVEN", "Sven (Borealis)")
    platform.add_user("EVE", "Eve", staff=True, timezone="Europe/Helsinki")
    platform.add_user("BOB", "Bob", staff=True, timezone="Europe/Stockholm")
    platform.add_user("AMY", "Amy", staff=True)
    platform.add_user("LEAD", "Lea", staff=True)
    settings = replace(Settings(), database_url=db_url, sweep_interval=3600)
    app = App(settings, demo_config(), clock=clock, platforms={"local": platform})
    await app.start()
    try:
        yield TestBot(app, platform, clock)
    finally:
        await app.stop()
