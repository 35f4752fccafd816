"""The idea board end to end on both adapters: the real App, the real slack-bolt /
discord.py, the fake servers on 127.0.0.1. On Slack two customers (two organisations,
two shared channels) vote on one idea, the second one's duplicate proposal turned
into a vote; on Discord a customer proposes by slash command. On both, shipping
posts exactly one notice in each voting customer's channel."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from bot.app import App
from bot.config import parse_config
from bot.settings import Settings
from integrations.slack.adapter import SlackAdapter
from tests.discord.conftest import CHANNEL, CUSTOMER, EXPERT, GUILD, STAFF_ROLE, TRIAGE, guild
from tests.fakes.discord_server import APPLICATION_ID, FakeDiscord
from tests.fakes.slack_server import CUSTOMER_TEAM, FakeSlack
from tests.slack.support import SHARED, STAFF, Wire, slack_settings
from tests.slack.support import TRIAGE as SLACK_TRIAGE

CASEY, DANA = "U0CUST001", "U0BORE001"
SHARED2 = "C0SHARED02"  # Borealis AB's shared channel, another organisation


def _slack_config() -> dict[str, Any]:
    return {
        "support": {"timezone": "UTC", "triage_channel": f"slack:{SLACK_TRIAGE}"},
        "customers": [
            {"name": "Acme Oy", "channels": [f"slack:{SHARED}"]},
            {"name": "Borealis AB", "channels": [f"slack:{SHARED2}"]},
        ],
        "ideas": {"show_organisations": True},
    }


@pytest.fixture
async def slack(db_url: str, tmp_path: Path) -> AsyncIterator[tuple[FakeSlack, App, Wire]]:
    fake = FakeSlack()
    fake.add_user(CASEY, "Casey", team=CUSTOMER_TEAM)
    fake.add_user(DANA, "Dana", team="T0BORE")
    fake.add_user(STAFF, "Sam Staff")
    await fake.start()
    settings = replace(slack_settings(fake, "http"), database_url=db_url)
    app = App(settings, parse_config(_slack_config()))
    await app.start()
    adapter = app.platforms["slack"]
    assert isinstance(adapter, SlackAdapter)
    try:
        yield fake, app, Wire(fake, adapter, "http")
    finally:
        await app.stop()
        await fake.stop()


def _said(fake: FakeSlack, route: str, needle: str) -> list[dict[str, Any]]:
    return [c for c in fake.calls(route) if needle in json.dumps(c)]


async def test_slack_duplicate_becomes_a_vote_and_ship_notice_once(
    slack: tuple[FakeSlack, App, Wire],
) -> None:
    fake, app, wire = slack
    assert await wire.command(fake.command(CASEY, "idea Export invoices as CSV", channel=SHARED))
    await app.wait_idle()
    (card,) = _said(fake, "chat.postMessage", "New idea #1")
    assert card["channel"] == SHARED and "idea:vote:1" in json.dumps(card["blocks"])

    assert await wire.command(
        fake.command(DANA, "idea could you export the invoices to CSV?", channel=SHARED2)
    )
    await app.wait_idle()
    offer = fake.calls("response_url")[-1]
    assert "Similar ideas" in json.dumps(offer) and "idea:vote:1" in json.dumps(offer)
    press = fake.block_action(DANA, "idea:vote:1", channel=SHARED2, message_ts="1.000001")
    assert await wire.interaction(press)
    await app.wait_idle()
    assert "2 votes from Acme Oy, Borealis AB" in json.dumps(fake.calls("response_url")[-1])

    ship = fake.command(STAFF, "idea-status 1 shipped Released in 4.3", channel=SLACK_TRIAGE)
    assert await wire.command(ship)
    assert await wire.command(ship)  # a redelivered slash command says nothing twice
    await app.wait_idle()
    notices = _said(fake, "chat.postMessage", "is now shipped")
    assert sorted(n["channel"] for n in notices) == [SHARED, SHARED2]
    assert "Released in 4.3" in json.dumps(notices[0])


DISCORD_CONFIG: dict[str, Any] = {
    "support": {"timezone": "UTC", "triage_channel": f"discord:{TRIAGE}"},
    "customers": [{"name": "Acme Oy", "channels": [f"discord:{CHANNEL}"]}],
    "discord": {"staff_roles": ["Support"]},
}


def _command(*path: str, **values: str) -> dict[str, Any]:
    options = [{"type": 3, "name": k, "value": v} for k, v in values.items()]
    node: dict[str, Any] = {"type": 1, "name": path[-1], "options": options}
    if len(path) == 2:
        node = {"type": 2, "name": path[0], "options": [node]}
    return {"id": "900", "name": "presence", "type": 1, "options": [node]}


async def test_discord_idea_by_slash_command_and_ship_notice_once(db_url: str) -> None:
    fake = FakeDiscord([guild()])
    await fake.start()
    settings = replace(
        Settings(),
        database_url=db_url,
        discord_token="fake-token",
        discord_api_url=fake.api_url,
        discord_gateway_url=fake.gateway_url,
        discord_application_id=APPLICATION_ID,
        sweep_interval=3600,
    )
    app = App(settings, parse_config(DISCORD_CONFIG))
    await app.start()
    try:
        propose = fake.interaction(
            kind=2,
            data=_command("loop", "idea", text="Export invoices as CSV"),
            author=CUSTOMER,
            channel_id=CHANNEL,
            guild_id=GUILD,
        )
        await fake.dispatch("INTERACTION_CREATE", propose)
        await fake.wait_for("POST", f"/channels/{CHANNEL}/messages", within=20)
        await app.wait_idle(20)
        (card,) = fake.calls("POST", f"/channels/{CHANNEL}/messages")
        assert "idea:vote:1" in json.dumps(card.json)

        ship = fake.interaction(
            kind=2,
            data=_command("loop", "idea-status", idea="1", status="shipped", note="In 4.3"),
            author=EXPERT,
            channel_id=TRIAGE,
            guild_id=GUILD,
            roles=[STAFF_ROLE],
        )
        await fake.dispatch("INTERACTION_CREATE", ship)
        await fake.wait_for("POST", f"/channels/{CHANNEL}/messages", count=2, within=20)
        await app.wait_idle(20)
        posts = fake.calls("POST", f"/channels/{CHANNEL}/messages")
        notices = [p for p in posts if "is now shipped" in json.dumps(p.json)]
        assert len(notices) == 1 and "In 4.3" in json.dumps(notices[0].json)
    finally:
        await app.stop()
        await fake.stop()
