"""One running Presence per test on each platform, behind the neutral driver."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager
from typing import Any

import pytest

from tests.contract.discord_driver import discord_driver
from tests.contract.drivers import Driver, local_driver
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
