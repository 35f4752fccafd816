"""The suite through the whole of Presence on Slack and on Discord, against their
fakes over real sockets: a refused verb is explained privately with the level it
needs, help answers privately, and a note never reaches the customer's side
(checked on every call the fakes received)."""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator
from dataclasses import replace
from typing import Any

import pytest

from bot.app import App
from bot.config import parse_config
from bot.settings import Settings
from integrations.slack.adapter import SlackAdapter
from tests.discord.conftest import CHANNEL, CUSTOMER, EXPERT, GUILD, STAFF_ROLE, TRIAGE
from tests.discord.conftest import guild as discord_guild
from tests.discord.test_end_to_end import CONFIG as DISCORD_CONFIG
from tests.discord.test_end_to_end import Running, ask
from tests.fakes.discord_server import APPLICATION_ID, FakeDiscord
from tests.fakes.slack_server import CUSTOMER_TEAM, FakeSlack
from tests.slack.support import CUSTOMER as SLACK_CUSTOMER
from tests.slack.support import SHARED, STAFF, Wire, slack_settings
from tests.slack.support import TRIAGE as SLACK_TRIAGE

NOTE = "internal-only: customer is on the legacy plan"

SLACK_CONFIG = {
    "support": {
        "timezone": "UTC",
        "hours": "Mon-Sun 00:00-23:59",
        "triage_channel": f"slack:{SLACK_TRIAGE}",
    },
    "customers": [{"name": "Acme Oy", "tier": "gold", "channels": [f"slack:{SHARED}"]}],
    "experts": [{"user": f"slack:{STAFF}", "topics": ["api"]}],
    "topics": [{"name": "api", "keywords": ["api", "key", "token"]}],
    "sla": [{"tier": "gold", "calendar": "24/7", "first_response": "30m"}],
}


# ---- Slack -----------------------------------------------------------------------


@pytest.fixture
async def slack(sqlite_url: str) -> AsyncIterator[tuple[FakeSlack, App, Wire]]:
    fake = FakeSlack()
    fake.add_user(SLACK_CUSTOMER, "Casey Customer", team=CUSTOMER_TEAM)
    fake.add_user(STAFF, "Sam Staff")
    await fake.start()
    app = App(
        replace(slack_settings(fake, "http"), database_url=sqlite_url),
        parse_config(SLACK_CONFIG),
    )
    await app.start()
    adapter = app.platforms["slack"]
    assert isinstance(adapter, SlackAdapter)
    try:
        yield fake, app, Wire(fake, adapter, "http")
    finally:
        await app.stop()
        await fake.stop()


async def _slack_command(fake: FakeSlack, app: App, wire: Wire, user: str, text: str) -> str:
    before = len(fake.calls("response_url"))
    assert await wire.command(fake.command(user, text, channel=SLACK_TRIAGE))
    await app.wait_idle()
    answers = fake.calls("response_url")[before:]
    assert len(answers) == 1
    assert answers[0].get("response_type", "ephemeral") == "ephemeral"
    return str(answers[0]["text"])


def _slack_said_in(fake: FakeSlack, channel: str) -> list[dict[str, Any]]:
    return [c.args for c in fake.calls_log if c.args.get("channel") == channel]


async def test_slack_refusal_help_and_a_note_that_never_leaks(
    slack: tuple[FakeSlack, App, Wire],
) -> None:
    fake, app, wire = slack
    assert await wire.event(
        fake.message_event(SHARED, SLACK_CUSTOMER, "How do I rotate my API key?")
    )
    await app.wait_idle()
    refused = await _slack_command(fake, app, wire, SLACK_CUSTOMER, "take 1")
    assert refused == "`take` needs the staff level: only staff can run it."
    assert "status" in await _slack_command(fake, app, wire, SLACK_CUSTOMER, "help")
    noted = await _slack_command(fake, app, wire, STAFF, f"note 1 {NOTE}")
    assert "the customer never sees it" in noted
    assert NOTE in await _slack_command(fake, app, wire, STAFF, "show 1")
    assert await _slack_command(fake, app, wire, STAFF, "take 1") == "You have question #1."
    assert _slack_said_in(fake, SHARED), "the customer's thread got the acknowledgement"
    for call in fake.calls_log:
        if call.route != "response_url":  # the private answer to the one who typed it
            assert NOTE not in json.dumps(call.args), call.route


# ---- Discord ---------------------------------------------------------------------


@pytest.fixture
async def discord(sqlite_url: str) -> AsyncIterator[Running]:
    fake = FakeDiscord([discord_guild()])
    await fake.start()
    settings = replace(
        Settings(),
        database_url=sqlite_url,
        discord_token="fake-token",
        discord_api_url=fake.api_url,
        discord_gateway_url=fake.gateway_url,
        discord_application_id=APPLICATION_ID,
        sweep_interval=3600,
    )
    running = Running(fake, settings)
    running.app = App(settings, parse_config(DISCORD_CONFIG))
    await running.app.start()
    try:
        yield running
    finally:
        await running.app.stop()
        await fake.stop()


def _option(kind: int, name: str, value: Any) -> dict[str, Any]:
    return {"type": kind, "name": name, "value": value}


async def _discord_command(
    presence: Running, author: dict[str, Any], sub: str, *options: dict[str, Any], staff: bool
) -> str:
    fake = presence.fake
    payload = fake.interaction(
        kind=2,
        data={
            "id": "1",
            "name": "presence",
            "type": 1,
            "options": [{"type": 1, "name": sub, "options": list(options)}],
        },
        author=author,
        channel_id=TRIAGE,
        guild_id=GUILD,
        roles=[STAFF_ROLE] if staff else [],
    )
    hook = rf"/webhooks/{APPLICATION_ID}/{re.escape(payload['token'])}"
    await fake.dispatch("INTERACTION_CREATE", payload)
    (followup,) = await fake.wait_for("POST", hook, within=20)
    await presence.settle()
    assert followup.json["flags"] & 64, "answered privately"
    return str(followup.json.get("content", ""))


async def test_discord_refusal_help_and_a_note_that_never_leaks(discord: Running) -> None:
    fake = discord.fake
    await ask(discord, "How do I rotate my API keys?")
    refused = await _discord_command(
        discord, CUSTOMER, "take", _option(4, "question", 1), staff=False
    )
    assert refused == "`take` needs the staff level: only staff can run it."
    assert "status" in await _discord_command(discord, CUSTOMER, "help", staff=False)
    noted = await _discord_command(
        discord,
        EXPERT,
        "note",
        _option(4, "question", 1),
        _option(3, "text", NOTE),
        staff=True,
    )
    assert "the customer never sees it" in noted
    shown = await _discord_command(discord, EXPERT, "status", _option(4, "question", 1), staff=True)
    assert NOTE in shown
    for call in fake.requests:
        if call.path.startswith("/webhooks/"):  # private followups to the one who typed
            continue
        assert NOTE not in json.dumps(call.json), call.path
    assert fake.calls("POST", rf"/channels/{CHANNEL}/messages/\d+/threads")
