"""`presence run` against a fake Discord (gateway with zlib-stream + REST) on
127.0.0.1, configured only by environment variables and a presence.toml."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.discord.conftest import CHANNEL, CUSTOMER, EXPERT, GUILD, TRIAGE, guild
from tests.fakes.discord_server import FakeDiscord
from tests.run.support import presence_run

CONFIG = f"""
[support]
timezone = "UTC"
hours = "24/7"
triage_channel = "discord:{TRIAGE}"

[[customers]]
name = "Acme Oy"
tier = "gold"
channels = ["discord:{CHANNEL}"]

[[experts]]
user = "discord:{EXPERT["id"]}"
name = "Ed the Expert"
topics = ["billing"]
hours = "24/7"

[[topics]]
name = "billing"
keywords = ["invoice", "billing"]

[discord]
staff_roles = ["Support"]
"""


@pytest.fixture
async def fake() -> AsyncIterator[FakeDiscord]:
    server = FakeDiscord([guild()])
    await server.start()
    yield server
    await server.stop()


async def test_presence_run_against_fake_discord(
    fake: FakeDiscord, db_url: str, tmp_path: Path
) -> None:
    env = {**fake.env(), "DATABASE_URL": db_url}
    async with presence_run(tmp_path, CONFIG, env) as info:
        assert info["adapters"] == ["discord"]
        msg = fake.message(
            CHANNEL, CUSTOMER, "How do I get my invoice as a PDF? @everyone", guild_id=GUILD
        )
        await fake.dispatch("MESSAGE_CREATE", msg)
        await fake.dispatch("MESSAGE_CREATE", msg)  # a replay changes nothing
        await fake.wait_for("POST", r"/channels/\d+/messages/\d+/threads", 1, within=60)
        await fake.wait_for("POST", r"/users/@me/channels", 1, within=60)
        await fake.wait_for("POST", rf"/channels/{TRIAGE}/messages", 1, within=60)
        await asyncio.sleep(1.0)  # a duplicate would show up by now
        assert len(fake.calls("POST", r"/channels/\d+/messages/\d+/threads")) == 1
        assert len(fake.calls("POST", rf"/channels/{TRIAGE}/messages")) == 1
        for call in fake.calls("POST", r"/channels/\d+/messages"):
            assert call.json["allowed_mentions"]["parse"] == [], json.dumps(call.json)
