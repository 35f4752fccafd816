"""The "must show" list, through the whole of Presence (App: ingest, processing,
outbox) with the real discord.py against the fake Discord."""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import replace

import pytest
from sqlalchemy import select

from bot.app import App
from bot.config import parse_config
from bot.settings import Settings
from db.models import Question
from tests.discord.conftest import CHANNEL, CUSTOMER, EXPERT, GUILD, STAFF_ROLE, TRIAGE, guild
from tests.fakes.discord_server import APPLICATION_ID, FakeDiscord

CONFIG = {
    "support": {"timezone": "UTC", "triage_channel": f"discord:{TRIAGE}"},
    "customers": [
        {"name": "Acme Oy", "tier": "gold", "channels": [f"discord:{CHANNEL}"]},
    ],
    "experts": [
        {
            "user": f"discord:{EXPERT['id']}",
            "name": "Ed",
            "topics": ["api"],
            "hours": "Mon-Sun 00:00-23:59",
        },
    ],
    "topics": [{"name": "api", "keywords": ["api", "token", "keys"]}],
    "sla": [{"tier": "*", "calendar": "24/7", "first_response": "1h"}],
    "discord": {"staff_roles": ["Support"]},
}
MSGS = r"/channels/\d+/messages"


class Running:
    def __init__(self, fake: FakeDiscord, settings: Settings):
        self.fake = fake
        self.settings = settings
        self.app: App | None = None

    async def start(self) -> App:
        self.app = App(self.settings, parse_config(CONFIG))
        await self.app.start()
        return self.app

    async def restart(self) -> App:
        assert self.app is not None
        await self.app.stop()
        return await self.start()

    async def settle(self) -> None:
        assert self.app is not None
        await self.app.wait_idle(20)

    def stored(self) -> int:
        assert self.app is not None and self.app.ingest is not None
        return self.app.ingest.stored

    async def until(self, condition: Callable[[App], bool], within: float = 20.0) -> None:
        deadline = time.monotonic() + within
        while self.app is None or not condition(self.app):
            if time.monotonic() > deadline:
                raise TimeoutError("condition not met in time")
            await asyncio.sleep(0.02)

    async def questions(self) -> list[Question]:
        assert self.app is not None and self.app.sessions is not None
        async with self.app.sessions() as session:
            return list((await session.scalars(select(Question))).all())


@pytest.fixture
async def presence(db_url: str) -> AsyncIterator[Running]:
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
    running = Running(fake, settings)
    await running.start()
    try:
        yield running
    finally:
        if running.app is not None:
            await running.app.stop()
        await fake.stop()


def dm_channel(fake: FakeDiscord) -> str:
    return fake.dm_channels[EXPERT["id"]]


async def ask(presence: Running, text: str) -> dict[str, object]:
    msg = presence.fake.message(CHANNEL, CUSTOMER, text, guild_id=GUILD)
    await presence.fake.dispatch("MESSAGE_CREATE", msg)
    await presence.fake.wait_for("POST", f"/channels/{TRIAGE}/messages", within=20)
    await presence.settle()
    return msg


async def test_question_gives_one_thread_one_dm_one_triage_card(presence: Running) -> None:
    fake = presence.fake
    msg = await ask(presence, "How do I rotate my API keys?")
    threads = fake.calls("POST", rf"/channels/{CHANNEL}/messages/\d+/threads")
    assert [c.path for c in threads] == [f"/channels/{CHANNEL}/messages/{msg['id']}/threads"]
    assert len(fake.calls("POST", f"/channels/{msg['id']}/messages")) == 1  # the ack
    assert len(fake.calls("POST", f"/channels/{dm_channel(fake)}/messages")) == 1
    (card,) = fake.calls("POST", f"/channels/{TRIAGE}/messages")
    ids = [
        b["custom_id"]
        for row in card.json["components"]
        for b in row["components"]
        if "custom_id" in b
    ]
    (q,) = await presence.questions()
    assert f"question:claim:{q.id}" in ids

    # The same dispatch again (a gateway replay) changes nothing...
    seq = next(f["s"] for f in fake.connected()[0].log if f["t"] == "MESSAGE_CREATE")
    await fake.replay(seq=seq)
    await presence.until(lambda app: app.ingest is not None and app.ingest.duplicates >= 1)
    await presence.settle()
    # ...nor does a RESUME after which Discord replays everything since the question.
    await fake.force_reconnect(replay_from=seq - 1)
    await presence.until(lambda app: app.ingest is not None and app.ingest.duplicates >= 2)
    await presence.settle()
    assert [op["op"] for op in fake.gateway_ops] == [2, 6]  # IDENTIFY, then RESUME
    assert len(await presence.questions()) == 1
    assert len(fake.calls("POST", MSGS)) == 3
    assert len(fake.calls("POST", rf"/channels/{CHANNEL}/messages/\d+/threads")) == 1


async def test_take_still_works_after_a_restart(presence: Running) -> None:
    fake = presence.fake
    await ask(presence, "Why does the API return 500 for my token?")
    (card,) = fake.calls("POST", f"/channels/{TRIAGE}/messages")
    (q,) = await presence.questions()
    posted = next(m for m in fake.messages.values() if m["channel_id"] == TRIAGE)
    await presence.restart()
    press = fake.interaction(
        kind=3,
        data={"custom_id": f"question:claim:{q.id}", "component_type": 2},
        author=EXPERT,
        channel_id=TRIAGE,
        guild_id=GUILD,
        roles=[STAFF_ROLE],
        message=posted,
    )
    await fake.dispatch("INTERACTION_CREATE", press)
    await fake.wait_for(
        "POST", rf"/webhooks/{APPLICATION_ID}/{re.escape(press['token'])}", within=20
    )
    await presence.settle()
    (after,) = await presence.questions()
    assert after.state != "open" and after.assignee_id is not None
    (callback,) = fake.calls("POST", rf"/interactions/{press['id']}/.+/callback")
    assert callback.json["type"] == 6
    # The card itself is edited in place to show the new owner.
    edits = fake.calls("PATCH", rf"/channels/{TRIAGE}/messages/{posted['id']}")
    assert edits and "Taken" in edits[-1].json["embeds"][0]["title"]


async def test_staff_reply_in_the_thread_is_the_first_response(presence: Running) -> None:
    fake = presence.fake
    msg = await ask(presence, "Is there a rate limit on the API?")
    (q,) = await presence.questions()
    assert q.first_response_at is None
    reply = fake.message(
        str(msg["id"]), EXPERT, "Yes, 50 requests per second.", guild_id=GUILD, roles=[STAFF_ROLE]
    )
    stored = presence.stored()
    await fake.dispatch("MESSAGE_CREATE", reply)
    await presence.until(lambda _: presence.stored() > stored)
    await presence.settle()
    (q,) = await presence.questions()
    assert q.first_response_at is not None


async def test_everyone_in_a_customer_message_pings_nobody(presence: Running) -> None:
    fake = presence.fake
    await ask(presence, "@everyone @here how do I reset my API token?")
    sent = fake.calls("POST", MSGS)
    assert len(sent) >= 3
    for call in sent:
        assert call.json["allowed_mentions"]["parse"] == []
        assert call.json["allowed_mentions"].get("roles", []) == []
        shown = str(call.json.get("content", "")) + str(call.json.get("embeds", ""))
        assert "@everyone" not in shown and "@here" not in shown
