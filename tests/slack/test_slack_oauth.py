"""Many workspaces: the OAuth install flow stores the installation in Presence's
database, and events and sends of that workspace use its token."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import aiohttp
import pytest
from sqlalchemy import select

from bot.config import PresenceConfig
from bot.outgoing import Destination, OutgoingMessage
from bot.settings import Settings
from db.engine import make_engine, make_sessionmaker
from db.migrate import upgrade_async
from db.models import Installation
from integrations.slack import create
from integrations.slack.adapter import SlackAdapter
from integrations.slack.installations import SignedStateStore
from tests.fakes.slack_server import SIGNING_SECRET, FakeSlack
from tests.slack.support import RecordingSink

OTHER_CHANNEL = "C0OTHER001"


@pytest.fixture
async def oauth_adapter(
    fake: FakeSlack, sink: RecordingSink, db_url: str
) -> AsyncIterator[tuple[SlackAdapter, str]]:
    url = db_url  # tests/conftest.py: SQLite and PostgreSQL
    await upgrade_async(url)
    settings = Settings(
        database_url=url,
        slack_client_id="111.222",
        slack_client_secret="client-secret",
        slack_signing_secret=SIGNING_SECRET,
        slack_mode="http",
        slack_http_port=0,
        slack_api_url=fake.api_url,
    )
    adapter = create(settings, sink, PresenceConfig())
    assert isinstance(adapter, SlackAdapter)
    await adapter.start()
    yield adapter, url
    await adapter.stop()


async def installed_rows(url: str) -> list[Installation]:
    engine = make_engine(url)
    try:
        async with make_sessionmaker(engine)() as session:
            return list((await session.scalars(select(Installation))).all())
    finally:
        await engine.dispose()


async def test_install_then_serve_that_workspace(
    fake: FakeSlack, oauth_adapter: tuple[SlackAdapter, str], sink: RecordingSink
) -> None:
    adapter, db_url = oauth_adapter
    events_url = adapter.ready_info()["slack_http_url"]
    base = events_url.removesuffix("/slack/events")
    async with aiohttp.ClientSession() as browser:
        async with browser.get(base + "/slack/install", allow_redirects=False) as resp:
            page = await resp.text()
            location = resp.headers.get("Location", "")
            # Bolt's state cookie is Secure (https only); a browser on https sends it back.
            cookie = resp.headers["Set-Cookie"].split(";", 1)[0]
        state = re.search(r"state=([^&\"']+)", location or page)
        assert state is not None, page
        redirect = base + "/slack/oauth_redirect"
        # A forged state is refused and stores nothing.
        forged = {"code": "x", "state": "forged.1.abc"}
        async with browser.get(redirect, params=forged, headers={"Cookie": cookie}) as resp:
            assert resp.status >= 400
        assert await installed_rows(db_url) == []
        good = {"code": "abc", "state": state.group(1)}
        async with browser.get(redirect, params=good, headers={"Cookie": cookie}) as resp:
            assert resp.status == 200, await resp.text()
    [row] = await installed_rows(db_url)
    assert (row.platform, row.workspace_id) == ("slack", "T0OTHER")
    assert row.bot_token == "xoxb-installed-abc"
    assert "xoxb" not in str(row.data)  # the token lives only in its column

    # An event from the new workspace is served with its token...
    fake.team_id = "T0OTHER"
    envelope = fake.message_event(OTHER_CHANNEL, "U0CUST001", "hello from the other side?")
    status, _ = await fake.deliver_event(events_url, envelope)
    assert status == 200
    assert len(sink.events) == 1
    # ...and so is what Presence says there.
    await adapter.send(Destination.channel("slack", OTHER_CHANNEL), OutgoingMessage(text="hi"))
    [post] = [c for c in fake.calls_log if c.route == "chat.postMessage"]
    assert post.token == "xoxb-installed-abc"


async def test_signed_state_expires_and_cannot_be_forged() -> None:
    store = SignedStateStore("secret", expires_in=600)
    state = await store.async_issue()
    assert await store.async_consume(state)
    assert not await store.async_consume(state[:-2] + "xx")
    assert not await store.async_consume(await SignedStateStore("other").async_issue())
    old = SignedStateStore("secret", expires_in=-1)
    assert not await old.async_consume(await old.async_issue())
