"""Outgoing: channels, threads opened from a message, DMs, idempotency, mentions,
and Discord's errors, against the fake over real HTTP."""

from __future__ import annotations

import asyncio
import time

import pytest

from bot.outgoing import Button, Destination, OutgoingMessage
from bot.ports import RateLimited, SendError
from bot.refs import MessageRef, UserRef
from integrations.discord.adapter import DiscordAdapter
from tests.discord.conftest import (
    CHANNEL,
    CUSTOMER,
    EXPERT,
    GUILD,
    TRIAGE,
    AdapterFactory,
    RecordingSink,
)
from tests.fakes.discord_server import FakeDiscord

MSGS = r"/channels/\d+/messages"


async def test_channel_post_pings_nobody(fake: FakeDiscord, adapter: DiscordAdapter) -> None:
    msg = OutgoingMessage(
        text="New question from Acme",
        title="Question #12",
        quote="@everyone @here <@123> <@&456> is the API down?",
        buttons=(Button("Take", "question:claim:12", "primary"),),
    )
    ref = await adapter.send(Destination.channel("discord", TRIAGE), msg)
    (call,) = fake.calls("POST", f"/channels/{TRIAGE}/messages")
    body = call.json
    assert body["allowed_mentions"]["parse"] == []
    assert body["allowed_mentions"]["users"] == []
    assert body["allowed_mentions"]["roles"] == []
    rendered = body["embeds"][0]["description"]
    assert "@everyone" not in rendered and "@here" not in rendered
    assert "<@123>" not in rendered and "<@&456>" not in rendered
    assert "everyone" in rendered  # shown, not dropped
    button = body["components"][0]["components"][0]
    assert button["custom_id"] == "question:claim:12"
    assert ref.channel_id == TRIAGE and ref.thread_id is None


async def test_explicit_mention_may_ping_that_person_only(
    fake: FakeDiscord, adapter: DiscordAdapter
) -> None:
    msg = OutgoingMessage(text="Overdue: @everyone look", mentions=(UserRef("discord", "77"),))
    await adapter.send(Destination.channel("discord", TRIAGE), msg)
    body = fake.calls("POST", f"/channels/{TRIAGE}/messages")[0].json
    assert body["allowed_mentions"] == {
        "parse": [],
        "users": ["77"],
        "roles": [],
        "replied_user": False,
    }
    assert body["content"].startswith("<@77>")


async def test_thread_is_opened_from_the_question(
    fake: FakeDiscord, adapter: DiscordAdapter, sink: RecordingSink
) -> None:
    question = fake.message(CHANNEL, CUSTOMER, "Where is my invoice?", guild_id=GUILD)
    await fake.dispatch("MESSAGE_CREATE", question)
    await sink.wait(1)
    root = MessageRef("discord", CHANNEL, question["id"])
    first = await adapter.send(Destination.thread(root), OutgoingMessage(text="On it"))
    second = await adapter.send(Destination.thread(root), OutgoingMessage(text="Still on it"))
    (opened,) = fake.calls("POST", rf"/channels/{CHANNEL}/messages/{question['id']}/threads")
    assert opened.json["name"] == "Where is my invoice?"
    assert first.thread_id == second.thread_id == question["id"]
    assert first.channel_id == CHANNEL
    assert len(fake.calls("POST", f"/channels/{question['id']}/messages")) == 2


async def test_thread_found_again_after_restart(
    fake: FakeDiscord, make_adapter: AdapterFactory
) -> None:
    question = fake.message(CHANNEL, CUSTOMER, "Can I export data?", guild_id=GUILD)
    root = MessageRef("discord", CHANNEL, question["id"])
    before = await make_adapter()
    await before.send(Destination.thread(root), OutgoingMessage(text="Looking"))
    await before.stop()
    # An archived thread is not in GUILD_CREATE: the new process does not know it.
    fake.guilds[GUILD].threads.clear()
    after = await make_adapter(register_commands=False)
    ref = await after.send(Destination.thread(root), OutgoingMessage(text="Found it"))
    assert ref.thread_id == question["id"]
    opens = fake.calls("POST", rf"/channels/{CHANNEL}/messages/{question['id']}/threads")
    assert len(opens) == 2  # the second answered 160004 "already created"
    posted = fake.calls("POST", f"/channels/{question['id']}/messages")
    assert [c.json["content"] for c in posted] == ["Looking", "Found it"]


async def test_dm_channel_is_opened_once(fake: FakeDiscord, adapter: DiscordAdapter) -> None:
    to = Destination.dm(UserRef("discord", EXPERT["id"]))
    a = await adapter.send(to, OutgoingMessage(text="Question for you"))
    b = await adapter.send(to, OutgoingMessage(text="Another"))
    assert len(fake.calls("POST", "/users/@me/channels")) == 1
    assert a.channel_id == b.channel_id == fake.dm_channels[EXPERT["id"]]


async def test_a_burst_of_dms_opens_one_channel(fake: FakeDiscord, adapter: DiscordAdapter) -> None:
    to = Destination.dm(UserRef("discord", EXPERT["id"]))
    refs = await asyncio.gather(
        *(adapter.send(to, OutgoingMessage(text=f"q{i}")) for i in range(20))
    )
    assert len(fake.calls("POST", "/users/@me/channels")) == 1
    assert {r.channel_id for r in refs} == {fake.dm_channels[EXPERT["id"]]}


async def test_ephemeral_falls_back_to_a_dm(fake: FakeDiscord, adapter: DiscordAdapter) -> None:
    to = Destination.private("discord", CHANNEL, EXPERT["id"])
    ref = await adapter.send(to, OutgoingMessage(text="Only you see this"))
    assert ref.channel_id == fake.dm_channels[EXPERT["id"]]


async def test_resend_with_same_key_does_not_duplicate(
    fake: FakeDiscord, adapter: DiscordAdapter
) -> None:
    msg = OutgoingMessage(text="Escalation: question 9 is overdue")
    to = Destination.channel("discord", TRIAGE)
    a = await adapter.send(to, msg, idempotency_key="outbox:41")
    b = await adapter.send(to, msg, idempotency_key="outbox:41")
    assert a.message_id == b.message_id
    calls = fake.calls("POST", f"/channels/{TRIAGE}/messages")
    assert all(c.json["enforce_nonce"] is True for c in calls)
    assert len(calls[0].json["nonce"]) <= 25
    posted = [m for m in fake.messages.values() if m["channel_id"] == TRIAGE]
    assert len(posted) == 1


async def test_long_text_is_split_without_losing_a_word(
    fake: FakeDiscord, adapter: DiscordAdapter
) -> None:
    words = [f"word{i}" for i in range(900)]
    await adapter.send(
        Destination.channel("discord", TRIAGE), OutgoingMessage(text=" ".join(words))
    )
    calls = fake.calls("POST", f"/channels/{TRIAGE}/messages")
    assert len(calls) > 1
    assert all(len(c.json["content"]) <= 2000 for c in calls)
    sent = " ".join(c.json["content"] for c in calls).split()
    assert sent == words


@pytest.mark.parametrize("is_global", [False, True])
async def test_short_429_is_waited_out(
    fake: FakeDiscord, adapter: DiscordAdapter, is_global: bool
) -> None:
    fake.queue_429("POST", MSGS, retry_after=0.2, is_global=is_global)
    started = time.monotonic()
    ref = await adapter.send(Destination.channel("discord", TRIAGE), OutgoingMessage(text="hi"))
    assert ref.message_id
    assert time.monotonic() - started >= 0.2
    assert len(fake.calls("POST", f"/channels/{TRIAGE}/messages")) == 2


@pytest.mark.parametrize("is_global", [False, True])
async def test_long_429_goes_back_to_the_outbox(
    fake: FakeDiscord, adapter: DiscordAdapter, is_global: bool
) -> None:
    fake.queue_429("POST", MSGS, retry_after=120.0, is_global=is_global)
    started = time.monotonic()
    with pytest.raises(RateLimited) as info:
        await adapter.send(Destination.channel("discord", TRIAGE), OutgoingMessage(text="hi"))
    assert info.value.retry_after == pytest.approx(120.0)
    assert time.monotonic() - started < 5  # nothing blocked for two minutes
    # and the client is not left blocked for everyone else
    ok = await adapter.send(Destination.channel("discord", CHANNEL), OutgoingMessage(text="x"))
    assert ok.message_id


async def test_forbidden_is_final_and_noted_once(
    fake: FakeDiscord, adapter: DiscordAdapter
) -> None:
    body = {"message": "Missing Permissions", "code": 50013}
    fake.queue_error("POST", f"/channels/{CHANNEL}/messages", 403, body, times=2)
    for _ in range(2):
        with pytest.raises(SendError) as info:
            await adapter.send(Destination.channel("discord", CHANNEL), OutgoingMessage(text="x"))
        assert info.value.retryable is False
        assert "permission" in info.value.reason
    notes = fake.calls("POST", f"/channels/{TRIAGE}/messages")
    assert len(notes) == 1
    assert CHANNEL in notes[0].json["content"]


async def test_unknown_channel_is_final(fake: FakeDiscord, adapter: DiscordAdapter) -> None:
    with pytest.raises(SendError) as info:
        await adapter.send(Destination.channel("discord", "1999"), OutgoingMessage(text="x"))
    assert info.value.retryable is False
    assert "unknown channel" in info.value.reason


async def test_server_error_is_retryable(fake: FakeDiscord, adapter: DiscordAdapter) -> None:
    fake.queue_error("POST", MSGS, 503, {"message": "unavailable", "code": 0})
    with pytest.raises(SendError) as info:
        await adapter.send(Destination.channel("discord", TRIAGE), OutgoingMessage(text="x"))
    assert info.value.retryable is True


async def test_react_update_permalink_member(fake: FakeDiscord, adapter: DiscordAdapter) -> None:
    ref = await adapter.send(Destination.channel("discord", TRIAGE), OutgoingMessage(text="a"))
    await adapter.react(ref, "eyes")
    (put,) = fake.calls("PUT", rf"/channels/{TRIAGE}/messages/{ref.message_id}/reactions/.+/@me")
    assert "\N{EYES}" in put.path
    await adapter.update(ref, OutgoingMessage(text="claimed by Ed", title="Question #1"))
    assert fake.messages[ref.message_id]["embeds"][0]["title"] == "Question #1"
    link = await adapter.permalink(ref)
    assert link == f"https://discord.com/channels/{GUILD}/{TRIAGE}/{ref.message_id}"
    ed = await adapter.member(UserRef("discord", EXPERT["id"]))
    assert ed.is_staff is True and ed.name == "Ed the Expert"
    carol = await adapter.member(UserRef("discord", CUSTOMER["id"]))
    assert carol.is_staff is False
