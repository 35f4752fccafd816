"""Both transports, real bolt over real sockets: persist then ack, redeliveries,
signatures."""

from __future__ import annotations

import asyncio

import pytest

from bot.config import PresenceConfig
from bot.errors import ConfigError
from bot.events import CommandInvoked, MessagePosted
from integrations.slack import create
from integrations.slack.adapter import SlackAdapter
from tests.fakes.slack_server import FakeSlack
from tests.slack.support import (
    CUSTOMER,
    SHARED,
    STAFF,
    RecordingSink,
    Wire,
    eventually,
    slack_settings,
)


async def test_customer_message_is_stored_then_acked(
    fake: FakeSlack, wire: Wire, sink: RecordingSink
) -> None:
    envelope = fake.message_event(SHARED, CUSTOMER, "How do I rotate my API key?")
    assert await wire.event(envelope)
    [event] = sink.events
    assert isinstance(event, MessagePosted)
    assert event.event_key == f"slack:{envelope['event_id']}"
    assert event.text == "How do I rotate my API key?"
    assert event.author.is_staff is False
    assert event.author.name == "Casey Customer"
    assert event.channel.id == SHARED


async def test_redelivery_is_acked_and_changes_nothing(
    fake: FakeSlack, wire: Wire, sink: RecordingSink
) -> None:
    envelope = fake.message_event(SHARED, CUSTOMER, "Is the export API down?")
    assert await wire.event(envelope)
    assert await wire.event(envelope, retry=1)
    assert await wire.event(envelope, retry=2)
    assert sink.seen == 3
    assert len(sink.events) == 1


async def test_nothing_is_acked_that_is_not_stored(
    fake: FakeSlack, wire: Wire, sink: RecordingSink
) -> None:
    sink.failures = 1
    envelope = fake.message_event(SHARED, CUSTOMER, "anyone there?")
    assert not await wire.event(envelope)
    assert sink.events == []
    # Slack delivers it again; now the database is back.
    assert await wire.event(envelope, retry=1)
    assert len(sink.events) == 1


async def test_staff_member_is_staff(fake: FakeSlack, wire: Wire, sink: RecordingSink) -> None:
    assert await wire.event(fake.message_event(SHARED, STAFF, "on it"))
    assert sink.events[0].author.is_staff is True  # type: ignore[union-attr]


async def test_bot_and_system_messages_are_not_stored(
    fake: FakeSlack, wire: Wire, sink: RecordingSink
) -> None:
    bot = fake.message_event(SHARED, CUSTOMER, "build passed")
    bot["event"]["bot_id"] = "B0OTHER"
    bot["event"]["subtype"] = "bot_message"
    join = fake.message_event(SHARED, CUSTOMER, "<@U0CUST001> has joined the channel")
    join["event"]["subtype"] = "channel_join"
    assert await wire.event(bot)
    assert await wire.event(join)
    assert sink.events == []


async def test_a_customer_running_the_command_is_not_staff(
    fake: FakeSlack, wire: Wire, sink: RecordingSink
) -> None:
    form = fake.command(CUSTOMER, "queue", channel=SHARED)  # team_id is the home team
    assert await wire.command(form)
    assert sink.events[0].author.is_staff is False  # type: ignore[union-attr]


async def test_slash_command_becomes_a_command(
    fake: FakeSlack, wire: Wire, sink: RecordingSink
) -> None:
    form = fake.command(STAFF, "assign 12 <@U0EXPERT01|erin>", channel=SHARED)
    assert await wire.command(form)
    assert await wire.command(form)  # a Socket Mode redelivery of the same trigger
    [cmd] = sink.events
    assert isinstance(cmd, CommandInvoked)
    assert cmd.name == "presence"
    assert cmd.text == "assign 12 <@U0EXPERT01>"
    assert cmd.reply_handle == form["response_url"]
    assert cmd.author.is_staff is True


@pytest.mark.parametrize("mode", ["http"])  # Socket Mode has no signatures
async def test_forged_and_stale_requests_get_401_and_are_not_stored(
    fake: FakeSlack, adapter: SlackAdapter, sink: RecordingSink
) -> None:
    url = adapter.ready_info()["slack_http_url"]
    envelope = fake.message_event(SHARED, CUSTOMER, "<!channel> free money")
    status, _ = await fake.deliver_event(url, envelope, forge=True)
    assert status == 401
    status, _ = await fake.deliver_event(url, envelope, stale=True)
    assert status == 401
    assert sink.seen == 0


async def test_http_port_zero_reports_the_url(
    fake: FakeSlack, sink: RecordingSink, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level("INFO", logger="integrations.slack")
    adapter = create(slack_settings(fake, "http"), sink, PresenceConfig())
    await adapter.start()
    try:
        url = adapter.ready_info()["slack_http_url"]
        assert url.startswith("http://127.0.0.1:") and url.endswith("/slack/events")
        assert not url.startswith("http://127.0.0.1:0/")
        assert any(url in r.getMessage() for r in caplog.records)
        status, _ = await fake.deliver_event(url, fake.message_event(SHARED, CUSTOMER, "hi"))
        assert status == 200
    finally:
        await adapter.stop()


async def test_a_slow_users_info_does_not_hold_up_the_ack(
    fake: FakeSlack, adapter: SlackAdapter, wire: Wire, sink: RecordingSink
) -> None:
    adapter.sender.directory._ack_budget = 0.2
    gate = asyncio.Event()
    fake.users["U0NEW0001"] = {"id": "U0NEW0001", "team_id": "T0CUST", "real_name": "Nia"}
    fake.delay("users.info", gate)
    burst = [fake.message_event(SHARED, "U0NEW0001", f"hello {i}") for i in range(3)]
    acked = await asyncio.gather(*(wire.event(e) for e in burst))
    assert all(acked) and len(sink.events) == 3
    # Stored at once with what the payload says: a customer from another team.
    assert all(e.author.is_staff is False for e in sink.events)  # type: ignore[union-attr]
    gate.set()
    await eventually(lambda: adapter.sender.directory.cached("U0NEW0001") is not None)
    assert len(fake.calls("users.info")) == 1  # one lookup for the whole burst


async def test_a_rejected_token_stops_the_start_with_one_clear_line(fake: FakeSlack) -> None:
    fake.fail("auth.test", "invalid_auth")
    adapter = create(slack_settings(fake, "http"), RecordingSink(), PresenceConfig())
    with pytest.raises(ConfigError) as caught:
        await adapter.start()
    assert "SLACK_BOT_TOKEN" in str(caught.value) and "xoxb" not in str(caught.value)
