"""Buttons, the assign modal, the "Raise as question" shortcut, over both transports."""

from __future__ import annotations

import json

from bot.events import ButtonPressed, CommandInvoked, ReactionAdded
from tests.fakes.slack_server import FakeSlack
from tests.slack.support import EXPERT, SHARED, STAFF, TRIAGE, RecordingSink, Wire


async def test_button_press_reaches_the_core(
    fake: FakeSlack, wire: Wire, sink: RecordingSink
) -> None:
    payload = fake.block_action(STAFF, "question:claim:12", channel=TRIAGE, message_ts="1.000001")
    assert await wire.interaction(payload)
    assert await wire.interaction(payload)  # the same press delivered twice
    [pressed] = sink.events
    assert isinstance(pressed, ButtonPressed)
    assert pressed.action_id == "question:claim:12"
    assert pressed.author.is_staff is True
    assert pressed.message is not None and pressed.message.message_id == "1.000001"
    assert pressed.reply_handle == payload["response_url"]


async def test_assign_button_opens_the_modal_and_its_submission_is_a_command(
    fake: FakeSlack, wire: Wire, sink: RecordingSink
) -> None:
    press = fake.block_action(STAFF, "question:assign:12", channel=TRIAGE, message_ts="1.000002")
    assert await wire.interaction(press)
    assert sink.events == []  # the modal is the adapter's business
    [opened] = await fake.wait_for("views.open")
    assert opened["trigger_id"] == press["trigger_id"]
    view = opened["view"]
    submission = {
        "type": "view_submission",
        "team": {"id": fake.team_id},
        "user": {"id": STAFF, "team_id": fake.team_id},
        "trigger_id": "99.trigger",
        "view": {
            "id": "V0ASSIGN",
            "type": "modal",
            "hash": "h1",
            "team_id": fake.team_id,
            "callback_id": view["callback_id"],
            "private_metadata": view["private_metadata"],
            "state": {
                "values": {"assignee": {"user": {"type": "users_select", "selected_user": EXPERT}}}
            },
        },
    }
    assert await wire.interaction(submission)
    [cmd] = sink.events
    assert isinstance(cmd, CommandInvoked)
    assert cmd.text == f"assign 12 <@{EXPERT}>"
    assert cmd.channel.id == TRIAGE and cmd.author.user.id == STAFF


async def test_empty_assign_submission_keeps_the_modal_open(
    fake: FakeSlack, wire: Wire, sink: RecordingSink
) -> None:
    submission = {
        "type": "view_submission",
        "team": {"id": fake.team_id},
        "user": {"id": STAFF, "team_id": fake.team_id},
        "view": {
            "id": "V1",
            "type": "modal",
            "hash": "h",
            "callback_id": "presence_assign",
            "private_metadata": json.dumps({"question": "12", "channel": TRIAGE}),
            "state": {"values": {"assignee": {"user": {"selected_user": None}}}},
        },
    }
    assert await wire.interaction(submission)
    assert json.loads(wire.last_response[1])["response_action"] == "errors"
    assert sink.events == []


async def test_raise_as_question_shortcut(fake: FakeSlack, wire: Wire, sink: RecordingSink) -> None:
    payload = {
        "type": "message_action",
        "callback_id": "presence_raise_question",
        "trigger_id": "7.trigger",
        "action_ts": "1764370700.1",
        "team": {"id": fake.team_id},
        "user": {"id": STAFF, "team_id": fake.team_id},
        "channel": {"id": SHARED},
        "message": {
            "type": "message",
            "user": "U0CUST001",
            "ts": "1764370000.000100",
            "text": "is there an SLA report?",
        },
        "response_url": fake.response_url("sc"),
    }
    assert await wire.interaction(payload)
    [event] = sink.events
    assert isinstance(event, ReactionAdded)
    assert event.emoji == "ticket"
    assert event.message.message_id == "1764370000.000100"
    assert event.author.user.id == STAFF
