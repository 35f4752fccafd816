"""Gateway -> neutral events, through the real discord.py over real sockets."""

from __future__ import annotations

import asyncio

import pytest

from bot.errors import ConfigError
from bot.events import MessageDeleted, MessageEdited, MessagePosted, ReactionAdded
from bot.outgoing import Destination, OutgoingMessage
from integrations.discord.adapter import DiscordAdapter
from integrations.discord.options import DiscordOptions
from tests.discord.conftest import (
    CHANNEL,
    CUSTOMER,
    EXPERT,
    FORUM,
    GUILD,
    STAFF_ROLE,
    RecordingSink,
    config,
    guild,
)
from tests.fakes.discord_server import FakeDiscord, Guild, iso_now, text_channel


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


async def test_gateway_is_zlib_stream_compressed(
    fake: FakeDiscord, adapter: DiscordAdapter
) -> None:
    assert fake.connections[0]["compress"] == "zlib-stream"
    identify = fake.gateway_ops[0]
    assert identify["op"] == 2
    intents = identify["d"]["intents"]
    assert intents & (1 << 15)  # message content
    assert intents & (1 << 9) and intents & (1 << 10) and intents & 1


async def test_replayed_message_create_is_a_redelivery(
    fake: FakeDiscord, adapter: DiscordAdapter, sink: RecordingSink
) -> None:
    msg = fake.message(CHANNEL, CUSTOMER, "Is the export broken?", guild_id=GUILD)
    await fake.dispatch("MESSAGE_CREATE", msg)
    await sink.wait(1)
    await fake.replay()
    later = fake.message(CHANNEL, CUSTOMER, "hello?", guild_id=GUILD)
    await fake.dispatch("MESSAGE_CREATE", later)
    await sink.wait(2)
    assert [e.event_key for e in sink.events] == [
        f"discord:{msg['id']}:create",
        f"discord:{later['id']}:create",
    ]


async def test_resume_replays_without_duplicates(
    fake: FakeDiscord, adapter: DiscordAdapter, sink: RecordingSink
) -> None:
    first = fake.message(CHANNEL, CUSTOMER, "First question?", guild_id=GUILD)
    await fake.dispatch("MESSAGE_CREATE", first)
    await sink.wait(1)
    session = fake.connected()[0]
    await fake.force_reconnect(replay_from=session.seq - 1)
    resumed = [op for op in fake.gateway_ops if op["op"] == 6]
    second = fake.message(CHANNEL, CUSTOMER, "Second question?", guild_id=GUILD)
    for _ in range(100):
        if [op for op in fake.gateway_ops if op["op"] == 6]:
            break
        await asyncio.sleep(0.02)
    resumed = [op for op in fake.gateway_ops if op["op"] == 6]
    assert resumed and resumed[0]["d"]["session_id"] == session.id
    await fake.dispatch("MESSAGE_CREATE", second)
    await sink.wait(2)
    assert [e.text for e in sink.events if isinstance(e, MessagePosted)] == [
        "First question?",
        "Second question?",
    ]


async def test_thread_reply_attachment_mapping(
    fake: FakeDiscord, adapter: DiscordAdapter, sink: RecordingSink
) -> None:
    root = fake.message(CHANNEL, CUSTOMER, "Why is sync slow?", guild_id=GUILD)
    await fake.dispatch("MESSAGE_CREATE", root)
    await sink.wait(1)
    thread = {
        **text_channel(root["id"], GUILD, "Why is sync slow?", kind=11, parent_id=CHANNEL),
        "owner_id": CUSTOMER["id"],
        "message_count": 0,
        "member_count": 1,
        "thread_metadata": {
            "archived": False,
            "auto_archive_duration": 1440,
            "archive_timestamp": iso_now(),
            "locked": False,
        },
        "newly_created": True,
    }
    await fake.dispatch("THREAD_CREATE", thread)
    log = {
        "id": "1",
        "filename": "sync.log",
        "size": 2048,
        "url": "https://cdn/x",
        "proxy_url": "https://cdn/x",
        "content_type": "text/plain",
    }
    inside = fake.message(
        root["id"],
        CUSTOMER,
        "Log attached",
        guild_id=GUILD,
        attachments=[log],
        reference=root["id"],
    )
    await fake.dispatch("MESSAGE_CREATE", inside)
    events = await sink.wait(2)
    event = events[1]
    assert isinstance(event, MessagePosted)
    assert event.channel.id == CHANNEL  # archived under the customer's channel
    assert event.message.thread_id == root["id"]
    assert event.reply_to == root["id"]
    assert event.attachments[0].name == "sync.log" and event.attachments[0].size == 2048


async def test_edit_delete_reaction_of_uncached_messages(
    fake: FakeDiscord, adapter: DiscordAdapter, sink: RecordingSink
) -> None:
    old = fake.message(CHANNEL, CUSTOMER, "Typo questoin?", guild_id=GUILD)  # never dispatched
    edited = {**old, "content": "Typo question?", "edited_timestamp": iso_now()}
    await fake.dispatch("MESSAGE_UPDATE", edited)
    unfurl = {**old, "embeds": [{"type": "link"}]}
    unfurl.pop("edited_timestamp")
    await fake.dispatch("MESSAGE_UPDATE", {**unfurl, "edited_timestamp": None})
    await fake.dispatch(
        "MESSAGE_DELETE", {"id": old["id"], "channel_id": CHANNEL, "guild_id": GUILD}
    )
    await fake.dispatch(
        "MESSAGE_REACTION_ADD",
        {
            "user_id": EXPERT["id"],
            "channel_id": CHANNEL,
            "message_id": old["id"],
            "guild_id": GUILD,
            "emoji": {"id": None, "name": "\N{EYES}"},
            "type": 0,
            "burst": False,
            "member": {
                "user": EXPERT,
                "roles": [STAFF_ROLE],
                "joined_at": iso_now(),
                "deaf": False,
                "mute": False,
                "flags": 0,
            },
        },
    )
    events = await sink.wait(3)
    edit, delete, react = events
    assert isinstance(edit, MessageEdited) and edit.text == "Typo question?"
    assert edit.event_key.startswith(f"discord:{old['id']}:edit:")
    assert isinstance(delete, MessageDeleted)
    assert delete.event_key == f"discord:{old['id']}:delete"
    assert isinstance(react, ReactionAdded)
    assert react.emoji == "eyes" and react.author.is_staff is True
    assert react.event_key == f"discord:{old['id']}:react:{EXPERT['id']}:eyes"


async def test_own_messages_and_system_messages_are_ignored(
    fake: FakeDiscord, adapter: DiscordAdapter, sink: RecordingSink
) -> None:
    mine = fake.message(CHANNEL, fake.bot_user, "Thread opened", guild_id=GUILD)
    system = {**fake.message(CHANNEL, CUSTOMER, "", guild_id=GUILD), "type": 18}
    real = fake.message(CHANNEL, CUSTOMER, "real one", guild_id=GUILD)
    for m in (mine, system, real):
        await fake.dispatch("MESSAGE_CREATE", m)
    events = await sink.wait(1)
    await asyncio.sleep(0.1)
    assert [e.event_key for e in events] == [f"discord:{real['id']}:create"]


async def test_sink_failure_is_retried(
    fake: FakeDiscord, adapter: DiscordAdapter, sink: RecordingSink
) -> None:
    sink.fail_next = 2
    msg = fake.message(CHANNEL, CUSTOMER, "Anyone there?", guild_id=GUILD)
    await fake.dispatch("MESSAGE_CREATE", msg)
    (event,) = await sink.wait(1)
    assert event.event_key == f"discord:{msg['id']}:create"


async def test_connection_survives_a_payload_the_library_cannot_parse(
    fake: FakeDiscord, adapter: DiscordAdapter, sink: RecordingSink
) -> None:
    broken = text_channel("1300000000000000001", GUILD, "x", kind=11, parent_id=CHANNEL)
    await fake.dispatch("THREAD_CREATE", broken)  # no thread_metadata: discord.py raises
    await fake.wait_connected(count=1)
    for _ in range(200):  # the adapter connects again (a fresh IDENTIFY)
        if len([op for op in fake.gateway_ops if op["op"] == 2]) >= 2 and fake.connected():
            break
        await asyncio.sleep(0.05)
    msg = fake.message(CHANNEL, CUSTOMER, "still there?", guild_id=GUILD)
    await fake.dispatch("MESSAGE_CREATE", msg)
    (event,) = await sink.wait(1, within=10)
    assert event.event_key == f"discord:{msg['id']}:create"


async def test_forum_post_is_its_own_thread(
    fake: FakeDiscord, adapter: DiscordAdapter, sink: RecordingSink
) -> None:
    post_id = "1300000000000000077"
    post = {
        **text_channel(post_id, GUILD, "Export fails", kind=11, parent_id=FORUM),
        "owner_id": CUSTOMER["id"],
        "message_count": 1,
        "member_count": 1,
        "thread_metadata": {
            "archived": False,
            "auto_archive_duration": 1440,
            "archive_timestamp": iso_now(),
            "locked": False,
        },
        "newly_created": True,
    }
    fake.channels[post_id] = post
    await fake.dispatch("THREAD_CREATE", post)
    starter = fake.message(
        post_id, CUSTOMER, "Export fails with error 500?", guild_id=GUILD, message_id=post_id
    )
    await fake.dispatch("MESSAGE_CREATE", starter)
    (event,) = await sink.wait(1)
    assert isinstance(event, MessagePosted)
    assert event.channel.id == FORUM
    assert event.message.thread_id == post_id and event.message.message_id == post_id
    ref = await adapter.send(Destination.thread(event.message), OutgoingMessage(text="On it"))
    assert ref.thread_id == post_id
    assert fake.calls("POST", rf"/channels/{FORUM}/messages/\d+/threads") == []
    assert len(fake.calls("POST", f"/channels/{post_id}/messages")) == 1


async def test_shards_split_guilds_between_processes(sink: RecordingSink) -> None:
    # Guild ids whose shard (id >> 22) % 2 is 0 and 1.
    g0, g1 = str(4 << 22), str(5 << 22)
    guilds = [
        Guild(id=g0, channels=[text_channel(str((4 << 22) + 1), g0, "a")]),
        Guild(id=g1, channels=[text_channel(str((5 << 22) + 1), g1, "b")]),
    ]
    fake = FakeDiscord(guilds)
    await fake.start()
    sinks = [RecordingSink(), RecordingSink()]
    adapters = []
    try:
        for shard, s in enumerate(sinks):
            options = DiscordOptions(
                token="t",
                api_url=fake.api_url,
                gateway_url=fake.gateway_url,
                guild_ready_timeout=0.05,
                shard_count=2,
                shard_ids=(shard,),
                register_commands=False,
            )
            adapter = DiscordAdapter(options, s, config())
            await adapter.start()
            adapters.append(adapter)
        assert [a.ready_info()["discord_guilds"] for a in adapters] == [1, 1]
        assert sorted(op["d"]["shard"][0] for op in fake.gateway_ops if op["op"] == 2) == [0, 1]
        for gid in (g0, g1):
            channel = str(int(gid) + 1)
            await fake.dispatch(
                "MESSAGE_CREATE", fake.message(channel, CUSTOMER, f"hi from {gid}", guild_id=gid)
            )
        (e0,) = await sinks[0].wait(1)
        (e1,) = await sinks[1].wait(1)
        assert e0.channel.workspace == g0 and e1.channel.workspace == g1
    finally:
        for adapter in adapters:
            await adapter.stop()
        await fake.stop()


async def test_heartbeats_are_acknowledged_and_the_session_holds(
    sink: RecordingSink,
) -> None:
    fake = FakeDiscord([guild()], heartbeat_ms=100)
    await fake.start()
    options = DiscordOptions(
        token="t",
        api_url=fake.api_url,
        gateway_url=fake.gateway_url,
        guild_ready_timeout=0.05,
        register_commands=False,
    )
    adapter = DiscordAdapter(options, sink, config())
    try:
        await adapter.start()
        await asyncio.sleep(0.6)
        assert fake.heartbeats >= 4
        assert len(fake.gateway_ops) == 1  # one IDENTIFY, no reconnect
        msg = fake.message(CHANNEL, CUSTOMER, "ping?", guild_id=GUILD)
        await fake.dispatch("MESSAGE_CREATE", msg)
        await sink.wait(1)
    finally:
        await adapter.stop()
        await fake.stop()


async def test_bad_token_and_missing_intent_are_one_line_config_errors(
    sink: RecordingSink,
) -> None:
    fake = FakeDiscord([guild()], token="right", privileged_intents=0)
    await fake.start()
    try:
        for token, words in (("wrong", "DISCORD_TOKEN"), ("right", "Message Content Intent")):
            options = DiscordOptions(
                token=token,
                api_url=fake.api_url,
                gateway_url=fake.gateway_url,
                register_commands=False,
            )
            adapter = DiscordAdapter(options, sink, config())
            with pytest.raises(ConfigError) as info:
                await adapter.start()
            assert words in str(info.value) and "\n" not in str(info.value)
            assert "right" not in str(info.value) and "wrong" not in str(info.value)
            await adapter.stop()
    finally:
        await fake.stop()


async def test_stop_lets_running_handlers_finish_storing(fake: FakeDiscord) -> None:
    slow = SlowSink()
    options = DiscordOptions(
        token="t",
        api_url=fake.api_url,
        gateway_url=fake.gateway_url,
        guild_ready_timeout=0.05,
        register_commands=False,
    )
    adapter = DiscordAdapter(options, slow, config())
    await adapter.start()
    msg = fake.message(CHANNEL, CUSTOMER, "last words?", guild_id=GUILD)
    await fake.dispatch("MESSAGE_CREATE", msg)
    await asyncio.wait_for(slow.entered.wait(), 5)
    await adapter.stop()  # returns only after the handler stored its event
    assert slow.keys == [f"discord:{msg['id']}:create"]


class SlowSink:
    def __init__(self) -> None:
        self.entered = asyncio.Event()
        self.keys: list[str] = []

    async def receive(self, event: object) -> bool:
        self.entered.set()
        await asyncio.sleep(0.3)
        self.keys.append(event.event_key)  # type: ignore[attr-defined]
        return True
