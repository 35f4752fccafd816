"""`presence run` as an operator starts it: a separate process, configured only by
environment variables and a presence.toml, against a fake Slack on 127.0.0.1."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.fakes.slack_server import (
    APP_TOKEN,
    BOT_TOKEN,
    CUSTOMER_TEAM,
    SIGNING_SECRET,
    FakeSlack,
)
from tests.run.support import presence_run

CONFIG = """
[support]
timezone = "UTC"
hours = "24/7"
triage_channel = "slack:C0TRIAGE01"

[[customers]]
name = "Acme Oy"
tier = "gold"
channels = ["slack:C0SHARED01"]

[[experts]]
user = "slack:U0EXPERT01"
name = "Erin Expert"
topics = ["billing"]
hours = "24/7"

[[topics]]
name = "billing"
keywords = ["invoice", "billing"]

[[sla]]
tier = "gold"
calendar = "24/7"
first_response = "30m"
"""


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    server = FakeSlack()
    server.add_user("U0CUST001", "Casey Customer", team=CUSTOMER_TEAM)
    server.add_user("U0EXPERT01", "Erin Expert")
    await server.start()
    yield server
    await server.stop()


@pytest.mark.parametrize("mode", ["http", "socket"])
async def test_presence_run_against_fake_slack(
    fake: FakeSlack, db_url: str, tmp_path: Path, mode: str
) -> None:
    env = {
        "DATABASE_URL": db_url,
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_APP_TOKEN": APP_TOKEN,
        "SLACK_MODE": mode,
        "SLACK_HTTP_PORT": "0",
        "SLACK_API_URL": fake.api_url,
    }
    async with presence_run(tmp_path, CONFIG, env) as info:
        assert info["adapters"] == ["slack"]
        envelope = fake.message_event(
            "C0SHARED01", "U0CUST001", "How do I download my invoice as a PDF? <!channel>"
        )
        if mode == "http":
            assert str(info["slack_http_url"]).startswith("http://127.0.0.1:")
            status, _ = await fake.deliver_event(str(info["slack_http_url"]), envelope)
            assert status == 200
            status, _ = await fake.deliver_event(str(info["slack_http_url"]), envelope, retry_num=1)
            assert status == 200
        else:
            for attempt in (0, 1):
                eid = await fake.push("events_api", envelope, retry_attempt=attempt)
                await fake.wait_ack(eid, within=20)
        await fake.wait_for("conversations.open", 1, within=60)
        await fake.wait_for("chat.postMessage", 3, within=60)
        await asyncio.sleep(1.0)  # a duplicate would show up by now
        posts = fake.calls("chat.postMessage")
        assert len(posts) == 3, [p.get("channel") for p in posts]  # DM, triage card, ack
        assert sum(1 for p in posts if p.get("channel") == "C0TRIAGE01") == 1
        assert all("<!channel>" not in json.dumps(p) for p in posts)
