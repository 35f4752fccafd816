"""Gateway -> neutral events, through the real discord.py over real sockets."""

from __future__ import annotations

from bot.events import MessagePosted
from integrations.discord.adapter import DiscordAdapter
from tests.discord.conftest import CHANNEL, CUSTOMER, EXPERT, GUILD, STAFF_ROLE, RecordingSink
from tests.fakes.discord_server import FakeDiscord


async def test_customer_message_reaches_the_sink(
    fake: FakeDiscord, adapter: DiscordAdapter, sink: RecordingSink
) -> None:
    msg = fake.message(CHANNEL, CUSTOMER, "How do I rotate my API keys?", guild_id=GUILD)
    await fake.dispatch("MESSAGE_CREATE", msg)
    (event,) = await sink.wait(1)
    assert isinstance(event, MessagePosted)
    assert event.event_key == f"discord:{msg['id']}:create"
    assert event.text == "How do I rotate my API keys?"
    assert event.channel.id == CHANNEL and event.channel.workspace == GUILD
    assert event.author.is_staff is False
    assert event.author.name == "carol"


async def test_staff_role_marks_staff(
    fake: FakeDiscord, adapter: DiscordAdapter, sink: RecordingSink
) -> None:
    msg = fake.message(
        CHANNEL, EXPERT, "Use the settings page.", guild_id=GUILD, roles=[STAFF_ROLE]
    )
    await fake.dispatch("MESSAGE_CREATE", msg)
    (event,) = await sink.wait(1)
    assert isinstance(event, MessagePosted)
    assert event.author.is_staff is True
