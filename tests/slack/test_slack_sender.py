"""Sending through the fake Web API: destinations, updates, Slack's errors, idempotency."""

from __future__ import annotations

import time

import pytest

from bot.outgoing import Destination, OutgoingMessage
from bot.ports import RateLimited, SendError
from bot.refs import MessageRef, UserRef
from integrations.slack import render
from integrations.slack.adapter import SlackAdapter
from tests.fakes.slack_server import BOT_TOKEN, FakeSlack
from tests.slack.support import CUSTOMER, EXPERT, SHARED, STAFF, TRIAGE

pytestmark = pytest.mark.parametrize("mode", ["http"])  # sending does not depend on transport

HELLO = OutgoingMessage(text="hello")


async def test_dm_opens_the_conversation_once(fake: FakeSlack, adapter: SlackAdapter) -> None:
    first = await adapter.send(Destination.dm(UserRef("slack", EXPERT)), HELLO)
    second = await adapter.send(Destination.dm(UserRef("slack", EXPERT)), HELLO)
    assert len(fake.calls("conversations.open")) == 1
    posts = fake.calls("chat.postMessage")
    assert [p["channel"] for p in posts] == ["D0EXPERT01", "D0EXPERT01"]
    assert first.channel_id == "D0EXPERT01" and first.message_id != second.message_id
    # One aiohttp session for every call, with the bot token.
    assert {c.token for c in fake.calls_log} == {BOT_TOKEN}


async def test_thread_channel_and_update_in_place(fake: FakeSlack, adapter: SlackAdapter) -> None:
    root = MessageRef("slack", SHARED, "1764370000.000100")
    ack = await adapter.send(Destination.thread(root), OutgoingMessage(text="We're on it"))
    assert fake.calls("chat.postMessage")[0]["thread_ts"] == root.message_id
    assert ack.thread_id == root.message_id
    card = await adapter.send(Destination.channel("slack", TRIAGE), OutgoingMessage(text="open"))
    await adapter.update(card, OutgoingMessage(text="taken by Erin"))
    [upd] = fake.calls("chat.update")
    assert (upd["channel"], upd["ts"]) == (TRIAGE, card.message_id)
    assert upd["blocks"][0]["text"]["text"] == "taken by Erin"
    assert len(fake.calls("chat.postMessage")) == 2  # updated, not re-posted


async def test_ephemeral_and_command_reply(fake: FakeSlack, adapter: SlackAdapter) -> None:
    await adapter.send(Destination.private("slack", SHARED, STAFF), OutgoingMessage(text="psst"))
    [eph] = fake.calls("chat.postEphemeral")
    assert (eph["channel"], eph["user"]) == (SHARED, STAFF)
    url = fake.response_url("cmd1")
    to = Destination.reply("slack", url, channel_id=SHARED, user_id=STAFF)
    ref = await adapter.send(to, OutgoingMessage(text="Unknown command. Try /presence help"))
    await adapter.update(ref, OutgoingMessage(text="done"))
    first, second = fake.calls("response_url")
    assert first["response_type"] == "ephemeral" and first["replace_original"] is False
    assert second["replace_original"] is True and second["text"] == "done"


async def test_link_becomes_a_permalink(fake: FakeSlack, adapter: SlackAdapter) -> None:
    msg = OutgoingMessage(text="q", link=MessageRef("slack", SHARED, "1764370000.000100"))
    await adapter.send(Destination.channel("slack", TRIAGE), msg)
    await adapter.send(Destination.channel("slack", TRIAGE), msg)
    assert len(fake.calls("chat.getPermalink")) == 1  # cached
    text = str(fake.calls("chat.postMessage")[0]["blocks"])
    assert "archives/C0SHARED01/p1764370000000100|Open thread" in text


async def test_rate_limit_carries_retry_after(fake: FakeSlack, adapter: SlackAdapter) -> None:
    fake.fail("chat.postMessage", "ratelimited", status=429, headers={"Retry-After": "7"})
    with pytest.raises(RateLimited) as caught:
        await adapter.send(Destination.channel("slack", TRIAGE), HELLO)
    assert caught.value.retry_after == 7.0 and caught.value.retryable
    await adapter.send(Destination.channel("slack", TRIAGE), HELLO)  # the next try goes through


@pytest.mark.parametrize("code", ["channel_not_found", "not_in_channel", "is_archived"])
async def test_dead_channel_says_why_and_is_not_hammered(
    fake: FakeSlack, adapter: SlackAdapter, code: str
) -> None:
    fake.fail("chat.postMessage", code)
    with pytest.raises(SendError) as caught:
        await adapter.send(Destination.channel("slack", "C0GONE"), HELLO)
    assert not caught.value.retryable
    assert code in caught.value.reason and "C0GONE" in caught.value.reason
    with pytest.raises(SendError):
        await adapter.send(Destination.channel("slack", "C0GONE"), HELLO)
    assert len(fake.calls("chat.postMessage")) == 1  # the second send never reached Slack
    await adapter.send(Destination.channel("slack", TRIAGE), HELLO)  # other channels still work


async def test_invalid_auth_stops_all_calls(fake: FakeSlack, adapter: SlackAdapter) -> None:
    fake.fail("chat.postMessage", "invalid_auth")
    with pytest.raises(SendError) as caught:
        await adapter.send(Destination.channel("slack", TRIAGE), HELLO)
    assert "SLACK_BOT_TOKEN" in caught.value.reason and not caught.value.retryable
    assert BOT_TOKEN not in caught.value.reason
    before = len(fake.calls_log)
    with pytest.raises(SendError):
        await adapter.send(Destination.dm(UserRef("slack", EXPERT)), HELLO)
    assert len(fake.calls_log) == before


async def test_server_error_is_retryable(fake: FakeSlack, adapter: SlackAdapter) -> None:
    fake.fail("chat.postMessage", "internal_error", status=500)
    with pytest.raises(SendError) as caught:
        await adapter.send(Destination.channel("slack", TRIAGE), HELLO)
    assert caught.value.retryable and not isinstance(caught.value, RateLimited)


async def test_uncertain_post_is_found_not_reposted(fake: FakeSlack, adapter: SlackAdapter) -> None:
    to = Destination.channel("slack", TRIAGE)
    fake.fail("chat.postMessage", "service_unavailable", status=503)
    with pytest.raises(SendError):
        await adapter.send(to, HELLO, idempotency_key="outbox:9")
    # The post had in fact landed before the error reached us.
    fake.messages[TRIAGE].append(
        {
            "type": "message",
            "ts": "1764370999.000001",
            "text": "hello",
            "metadata": render.metadata("outbox:9"),
        }
    )
    ref = await adapter.send(to, HELLO, idempotency_key="outbox:9")
    assert ref.message_id == "1764370999.000001"
    assert len(fake.calls("chat.postMessage")) == 1
    assert fake.calls("conversations.history")[0]["include_all_metadata"] in (True, "1", "true")


async def test_posts_carry_their_key_in_metadata(fake: FakeSlack, adapter: SlackAdapter) -> None:
    await adapter.send(Destination.channel("slack", TRIAGE), HELLO, idempotency_key="outbox:3")
    [post] = fake.calls("chat.postMessage")
    assert render.metadata_key(post) == "outbox:3"


async def test_member_and_react(fake: FakeSlack, adapter: SlackAdapter) -> None:
    staff = await adapter.member(UserRef("slack", STAFF))
    customer = await adapter.member(UserRef("slack", CUSTOMER))
    ghost = await adapter.member(UserRef("slack", "U0NOBODY"))
    assert (staff.name, staff.is_staff) == ("Sam Staff", True)
    assert (customer.name, customer.is_staff) == ("Casey Customer", False)
    assert ghost.name == "Slack user U0NOBODY" and ghost.is_staff is False
    fake.fail("reactions.add", "already_reacted")
    await adapter.react(MessageRef("slack", SHARED, "1.2"), "eyes")  # already there: fine
    await adapter.react(MessageRef("slack", SHARED, "1.2"), "white_check_mark")
    assert [c["name"] for c in fake.calls("reactions.add")] == ["eyes", "white_check_mark"]


async def test_after_a_restart_an_interrupted_post_is_not_repeated(
    fake: FakeSlack, adapter: SlackAdapter
) -> None:
    # The previous process posted the DM, then died before the outbox marked it sent.
    fake.messages["D0EXPERT01"].append(
        {
            "type": "message",
            "ts": "1764371000.000001",
            "text": "hello",
            "metadata": render.metadata("q1:dm"),
        }
    )
    to = Destination.dm(UserRef("slack", EXPERT))
    ref = await adapter.send(to, HELLO, idempotency_key="q1:dm")
    assert ref.message_id == "1764371000.000001"
    assert fake.calls("chat.postMessage") == []


async def test_one_lookup_per_channel_and_none_for_new_threads(
    fake: FakeSlack, adapter: SlackAdapter
) -> None:
    to = Destination.channel("slack", TRIAGE)
    for key in ("k1", "k2", "k3"):
        await adapter.send(to, HELLO, idempotency_key=key)
    assert len(fake.calls("conversations.history")) == 1
    assert len(fake.calls("chat.postMessage")) == 3
    # A key this process already posted is not posted again.
    await adapter.send(to, HELLO, idempotency_key="k2")
    assert len(fake.calls("chat.postMessage")) == 3
    # A thread younger than this process (by more than clock skew) cannot hold an
    # older post: no lookup.
    new_root = MessageRef("slack", SHARED, f"{time.time() + 600:.6f}")
    await adapter.send(Destination.thread(new_root), HELLO, idempotency_key="ack:1")
    assert fake.calls("conversations.replies") == []
    # An older thread is read once.
    old_root = MessageRef("slack", SHARED, "1764370000.000100")
    await adapter.send(Destination.thread(old_root), HELLO, idempotency_key="ack:2")
    await adapter.send(Destination.thread(old_root), HELLO, idempotency_key="ack:3")
    assert len(fake.calls("conversations.replies")) == 1


async def test_resend_looks_afresh(fake: FakeSlack, adapter: SlackAdapter) -> None:
    to = Destination.channel("slack", TRIAGE)
    await adapter.send(to, HELLO, idempotency_key="first")
    # Another worker posted this key after our snapshot was taken, then died.
    fake.messages[TRIAGE].append(
        {
            "type": "message",
            "ts": "1764372000.000001",
            "text": "hello",
            "metadata": render.metadata("q7:triage"),
        }
    )
    ref = await adapter.send(to, HELLO, idempotency_key="q7:triage", resend=True)
    assert ref.message_id == "1764372000.000001"
    assert len(fake.calls("chat.postMessage")) == 1


async def test_looking_first_never_blocks_the_post(fake: FakeSlack, adapter: SlackAdapter) -> None:
    fake.fail("conversations.history", "missing_scope")
    await adapter.send(Destination.channel("slack", TRIAGE), HELLO, idempotency_key="k1")
    assert len(fake.calls("chat.postMessage")) == 1
    fake.fail("conversations.history", "ratelimited", status=429, headers={"Retry-After": "3"})
    with pytest.raises(RateLimited):  # rather later than twice
        await adapter.send(Destination.channel("slack", TRIAGE), HELLO, idempotency_key="k2")
    assert len(fake.calls("chat.postMessage")) == 1
