"""Autocomplete offers what staff added from chat (a customer watched with
`watch`, an expert added with `expert add`), not only what the TOML declared."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.engine import make_engine, make_sessionmaker
from db.models import Customer, Expert, Person
from handlers.suggestions import Suggester
from integrations.discord.adapter import DiscordAdapter
from tests.discord.conftest import CHANNEL, EXPERT, GUILD, config
from tests.fakes.discord_server import FakeDiscord

CALLBACK = r"/interactions/\d+/[^/]+/callback"
NOW = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
async def sessions(db_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = make_engine(db_url)
    try:
        yield make_sessionmaker(engine)
    finally:
        await engine.dispose()


def focused(sub: str, option: str, typed: str) -> dict[str, Any]:
    return {
        "id": "1",
        "name": "presence",
        "type": 1,
        "options": [
            {
                "type": 1,
                "name": sub,
                "options": [{"type": 3, "name": option, "value": typed, "focused": True}],
            }
        ],
    }


async def ask(fake: FakeDiscord, data: dict[str, Any]) -> list[dict[str, str]]:
    payload = fake.interaction(kind=4, data=data, author=EXPERT, channel_id=CHANNEL, guild_id=GUILD)
    before = len(fake.calls("POST", CALLBACK))
    await fake.dispatch("INTERACTION_CREATE", payload)
    callback = (await fake.wait_for("POST", CALLBACK, count=before + 1))[-1]
    assert callback.json["type"] == 8
    choices: list[dict[str, str]] = callback.json["data"]["choices"]
    return choices


async def test_customers_and_experts_added_from_chat_are_offered(
    fake: FakeDiscord,
    adapter: DiscordAdapter,
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    async with sessions.begin() as session:
        session.add(Customer(name="Borealis AB", tier="gold", source="chat", created_at=NOW))
        person = Person(
            qualified="discord:777",
            platform="discord",
            platform_id="777",
            name="Bea Berg",
            is_staff=True,
            first_seen_at=NOW,
        )
        session.add(person)
        await session.flush()
        session.add(Expert(person_id=person.id, source="chat", updated_at=NOW))
    adapter.provide_suggestions(Suggester(sessions, config))

    customers = await ask(fake, focused("status", "customer", "bor"))
    assert customers == [{"name": "Borealis AB", "value": "Borealis AB"}]
    experts = await ask(fake, focused("assign", "expert", "bea"))
    assert experts == [{"name": "Bea Berg", "value": "<@777>"}]


async def test_a_database_that_cannot_answer_falls_back_to_the_config(
    fake: FakeDiscord, adapter: DiscordAdapter, tmp_path: Any
) -> None:
    # An unmigrated database: the query fails, the form still gets the TOML's customers.
    engine = make_engine(f"sqlite+aiosqlite:///{tmp_path / 'empty.db'}")
    try:
        adapter.provide_suggestions(Suggester(make_sessionmaker(engine), config))
        customers = await ask(fake, focused("status", "customer", "ac"))
    finally:
        await engine.dispose()
    assert customers == [{"name": "Acme Oy", "value": "Acme Oy"}]
