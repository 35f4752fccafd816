"""/presence commands, buttons that survive a restart, autocomplete and replies."""

from __future__ import annotations

from bot.events import ButtonPressed, CommandInvoked
from bot.outgoing import Button, Destination, OutgoingMessage
from integrations.discord.adapter import DiscordAdapter
from tests.discord.conftest import (
    CHANNEL,
    CUSTOMER,
    EXPERT,
    GUILD,
    STAFF_ROLE,
    TRIAGE,
    AdapterFactory,
    RecordingSink,
)
from tests.fakes.discord_server import APPLICATION_ID, FakeDiscord

CALLBACK = r"/interactions/\d+/[^/]+/callback"


def assign_command() -> dict[str, object]:
    return {
        "id": "1",
        "name": "presence",
        "type": 1,
        "options": [
            {
                "type": 1,
                "name": "assign",
                "options": [
                    {"type": 4, "name": "question", "value": 12},
                    {"type": 3, "name": "expert", "value": f"<@{EXPERT['id']}>"},
                ],
            }
        ],
    }


async def test_commands_are_registered_at_start(fake: FakeDiscord, adapter: DiscordAdapter) -> None:
    (put,) = fake.calls("PUT", r"/applications/\d+/commands")
    (group,) = put.json
    assert group["name"] == "presence"
    subs = {o["name"]: o for o in group["options"]}
    assert {"help", "queue", "status", "take", "resolve", "reopen", "search"} <= set(subs)
    assert any(o.get("autocomplete") for o in subs["assign"]["options"])
    assert subs["priority"]["options"][1]["choices"]


async def test_slash_command_is_stored_then_deferred_privately(
    fake: FakeDiscord, adapter: DiscordAdapter, sink: RecordingSink
) -> None:
    payload = fake.interaction(
        kind=2,
        data=assign_command(),
        author=EXPERT,
        channel_id=CHANNEL,
        guild_id=GUILD,
        roles=[STAFF_ROLE],
    )
    await fake.dispatch("INTERACTION_CREATE", payload)
    (event,) = await sink.wait(1)
    assert isinstance(event, CommandInvoked)
    assert event.name == "presence"
    assert event.text == f"assign 12 <@{EXPERT['id']}>"
    assert event.author.is_staff is True
    assert event.event_key == f"discord:interaction:{payload['id']}"
    (callback,) = await fake.wait_for("POST", CALLBACK)
    assert callback.json == {"type": 5, "data": {"flags": 64}}
    # The core's answer arrives later as a private followup on the same token.
    assert event.reply_handle is not None
    to = Destination.reply(
        "discord", event.reply_handle, channel_id=CHANNEL, user_id=EXPERT["id"], private=True
    )
    await adapter.send(to, OutgoingMessage(text="Assigned #12 to Ed"))
    (followup,) = fake.calls("POST", rf"/webhooks/\d+/{payload['token']}")
    assert followup.json["flags"] == 64
    assert followup.json["allowed_mentions"]["parse"] == []


async def test_button_press_after_restart_reaches_the_core(
    fake: FakeDiscord, make_adapter: AdapterFactory, sink: RecordingSink
) -> None:
    first = await make_adapter()
    card = OutgoingMessage(
        text="Where is my invoice?",
        title="Question #7",
        buttons=(
            Button("Take", "question:claim:7", "primary"),
            Button("Assign", "question:assign:7"),
            Button("Resolve", "question:resolve:7"),
            Button("Not a question", "question:dismiss:7", "danger"),
        ),
    )
    ref = await first.send(Destination.channel("discord", TRIAGE), card)
    await first.stop()
    await make_adapter(register_commands=False)  # a new process: no view registered
    posted = fake.messages[ref.message_id]
    press = fake.interaction(
        kind=3,
        data={"custom_id": "question:claim:7", "component_type": 2},
        author=EXPERT,
        channel_id=TRIAGE,
        guild_id=GUILD,
        roles=[STAFF_ROLE],
        message=posted,
    )
    await fake.dispatch("INTERACTION_CREATE", press)
    (event,) = await sink.wait(1)
    assert isinstance(event, ButtonPressed)
    assert event.action_id == "question:claim:7"
    assert event.message is not None and event.message.message_id == ref.message_id
    assert event.author.is_staff is True
    (callback,) = await fake.wait_for("POST", CALLBACK)
    assert callback.json["type"] == 6  # acknowledged without touching the card


async def test_autocomplete_offers_configured_customers(
    fake: FakeDiscord, adapter: DiscordAdapter, sink: RecordingSink
) -> None:
    data = {
        "id": "1",
        "name": "presence",
        "type": 1,
        "options": [
            {
                "type": 1,
                "name": "status",
                "options": [{"type": 3, "name": "customer", "value": "ac", "focused": True}],
            }
        ],
    }
    payload = fake.interaction(kind=4, data=data, author=EXPERT, channel_id=CHANNEL, guild_id=GUILD)
    await fake.dispatch("INTERACTION_CREATE", payload)
    (callback,) = await fake.wait_for("POST", CALLBACK)
    assert callback.json["type"] == 8
    assert callback.json["data"]["choices"] == [{"name": "Acme Oy", "value": "Acme Oy"}]
    assert sink.events == []  # typing is not an event


async def test_unstored_interaction_gets_a_friendly_answer(
    fake: FakeDiscord, adapter: DiscordAdapter, sink: RecordingSink
) -> None:
    sink.fail_next = 1
    payload = fake.interaction(
        kind=2, data=assign_command(), author=CUSTOMER, channel_id=CHANNEL, guild_id=GUILD
    )
    await fake.dispatch("INTERACTION_CREATE", payload)
    (callback,) = await fake.wait_for("POST", CALLBACK)
    assert callback.json["type"] == 4
    assert callback.json["data"]["flags"] == 64
    assert "try again" in callback.json["data"]["content"]


async def test_expired_token_reply_falls_back_to_a_dm(
    fake: FakeDiscord, adapter: DiscordAdapter
) -> None:
    fake.queue_error("POST", r"/webhooks/.+", 404, {"message": "Unknown Webhook", "code": 10015})
    to = Destination.reply(
        "discord",
        "900000000000000001:expired",
        channel_id=CHANNEL,
        user_id=EXPERT["id"],
        private=True,
    )
    ref = await adapter.send(to, OutgoingMessage(text="Your export is ready"))
    assert ref.channel_id == fake.dm_channels[EXPERT["id"]]


async def test_replayed_interaction_is_answered_once(
    fake: FakeDiscord, adapter: DiscordAdapter, sink: RecordingSink
) -> None:
    press = fake.interaction(
        kind=3,
        data={"custom_id": "question:resolve:3", "component_type": 2},
        author=EXPERT,
        channel_id=TRIAGE,
        guild_id=GUILD,
        roles=[STAFF_ROLE],
    )
    await fake.dispatch("INTERACTION_CREATE", press)
    await fake.wait_for("POST", CALLBACK)
    await fake.replay()
    done = fake.message(CHANNEL, CUSTOMER, "marker", guild_id=GUILD)
    await fake.dispatch("MESSAGE_CREATE", done)
    await sink.wait(2)
    assert len(fake.calls("POST", CALLBACK)) == 1
    assert [type(e).__name__ for e in sink.events] == ["ButtonPressed", "MessagePosted"]


async def test_public_reply_is_not_ephemeral(fake: FakeDiscord, adapter: DiscordAdapter) -> None:
    to = Destination.reply(
        "discord", f"{APPLICATION_ID}:tok", channel_id=CHANNEL, user_id=EXPERT["id"], private=False
    )
    await adapter.send(to, OutgoingMessage(text="Resolved by Ed"))
    (followup,) = fake.calls("POST", rf"/webhooks/{APPLICATION_ID}/tok")
    assert "flags" not in followup.json


async def test_press_in_a_dm_learns_staff_from_the_server(
    fake: FakeDiscord, adapter: DiscordAdapter, sink: RecordingSink
) -> None:
    for who in (EXPERT, CUSTOMER):
        press = fake.interaction(
            kind=3,
            data={"custom_id": "question:claim:5", "component_type": 2},
            author=who,
            channel_id="1400000000000000001",
            guild_id=None,
        )
        await fake.dispatch("INTERACTION_CREATE", press)
    expert, customer = await sink.wait(2)
    assert isinstance(expert, ButtonPressed) and isinstance(customer, ButtonPressed)
    assert {
        expert.author.user.id: expert.author.is_staff,
        customer.author.user.id: customer.author.is_staff,
    } == {EXPERT["id"]: True, CUSTOMER["id"]: False}
