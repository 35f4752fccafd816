"""One running Presence per test on each platform, behind the neutral driver."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from typing import Any

import pytest

from tests.contract.discord_driver import discord_driver
from tests.contract.drivers import Driver, World, local_driver
from tests.contract.slack_driver import slack_driver

DRIVERS: dict[str, Any] = {
    "local": local_driver,
    "slack": slack_driver,
    "discord": discord_driver,
}


@pytest.fixture(params=sorted(DRIVERS))
async def driver(request: pytest.FixtureRequest, db_url: str) -> AsyncIterator[Driver]:
    # db_url (tests/conftest.py): a fresh SQLite file and a fresh PostgreSQL database.
    running: AbstractAsyncContextManager[Driver] = DRIVERS[request.param](db_url)
    async with running as d:
        yield d


@pytest.fixture(params=sorted(DRIVERS))
def start_driver(
    request: pytest.FixtureRequest, db_url: str
) -> Callable[[World], AbstractAsyncContextManager[Driver]]:
    """For scenarios that shape the world (a clock, several experts): `async with
    start_driver(World(...)) as driver:` runs Presence on each platform in turn."""
    return lambda world: DRIVERS[request.param](db_url, world)
