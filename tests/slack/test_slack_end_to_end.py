"""Presence end to end on Slack: the real App (SQLite and PostgreSQL), the real bolt and slack_sdk,
the fake Slack over real sockets, on both transports."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.app import App
from bot.config import parse_config
from db.models import Message, Person, Question
from integrations.slack import listeners
from integrations.slack.adapter import SlackAdapter
from tests.fakes.slack_server import CUSTOMER_TEAM, FakeSlack
from tests.slack.support import (
    CUSTOMER,
    EXPERT,
    SHARED,
    STAFF,
    TRIAGE,
    Wire,
    slack_settings,
)

CONFIG = {
    "support": {
        "timezone": "UTC",
        "hours": "Mon-Sun 00:00-23:59",
        "triage_channel": f"slack:{TRIAGE}",
    },
    "customers": [{"name": "Acme Oy", "tier": "gold", "channels": [f"slack:{SHARED}"]}],
    "experts": [{"user": f"slack:{EXPERT}", "topics": ["api"]}],
    "topics": [{"name": "api", "keywords": ["api", "key", "token"]}],
    "sla": [{"tier": "gold", "calendar": "24/7", "first_response": "30m"}],
}
PINGS = ("<!channel>", "<!here>", "<!everyone>", "@channel")


@pytest.fixture
async def app(fake: FakeSlack, mode: str, db_url: str, tmp_path: Path) -> AsyncIterator[App]:
    # db_url (tests/conftest.py): SQLite and PostgreSQL, a fresh database each.
    settings = replace(
        slack_settings(fake, mode),
        database_url=db_url,
        ready_file=tmp_path / "ready.json",
    )
    presence = App(settings, parse_config(CONFIG))
    await presence.start()
    yield presence
    await presence.stop()


@pytest.fixture
def e2e_wire(fake: FakeSlack, app: App, mode: str) -> Wire:
    adapter = app.platforms["slack"]
    assert isinstance(adapter, SlackAdapter)
    return Wire(fake, adapter, mode)


async def question(app: App) -> Question:
    assert app.sessions is not None
    async with app.sessions() as session:
        [q] = (await session.execute(Question.__table__.select())).all()
        found = await session.get(Question, q.id)
        assert found is not None
        return found


def posts_to(fake: FakeSlack, channel: str) -> list[dict[str, object]]:
    return [p for p in fake.calls("chat.postMessage") if p["channel"] == channel]


def updates_of(fake: FakeSlack, channel: str) -> list[dict[str, object]]:
    return [p for p in fake.calls("chat.update") if p["channel"] == channel]


async def test_a_question_on_slack_from_ask_to_resolve(
    fake: FakeSlack,
    app: App,
    e2e_wire: Wire,
    mode: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    ready = json.loads((tmp_path / "ready.json").read_text())
    assert ready["adapters"] == ["slack"]
    assert ("slack_http_url" in ready) == (mode == "http")

    # A customer asks in the shared channel, trying to ping everyone.
    asked = fake.message_event(SHARED, CUSTOMER, "<!channel> How do I rotate my API key?")
    assert await e2e_wire.event(asked)
    await app.wait_idle()
    [dm] = posts_to(fake, "D0EXPERT01")
    [card] = posts_to(fake, TRIAGE)
    [ack] = posts_to(fake, SHARED)
    assert ack["thread_ts"] == asked["event"]["ts"]
    for post in (dm, card, ack):
        rendered = json.dumps(post)
        assert not any(p in rendered for p in PINGS), rendered
    assert "How do I rotate my API key?" in json.dumps(card["blocks"])
    buttons = [b for b in card["blocks"] if b["type"] == "actions"][0]["elements"]
    labels = [b["text"]["text"] for b in buttons]
    assert labels[:2] == ["Take", "Assign to…"] and "Resolve" in labels
    assert "archives/C0SHARED01" in json.dumps(card["blocks"])  # link to the thread
    assert len(fake.calls("chat.getPermalink")) == 1  # shared by the DM and the card

    # Slack did not see the ack in time and delivers the same event again.
    before = len(fake.calls_log)
    assert await e2e_wire.event(asked, retry=1)
    await app.wait_idle()
    assert len(posts_to(fake, "D0EXPERT01")) == 1 and len(posts_to(fake, TRIAGE)) == 1
    assert [c.route for c in fake.calls_log[before:]] in ([], ["socket_ack"])

    # A staff member takes it from the triage card.
    take = [b for b in buttons if b["text"]["text"] == "Take"][0]
    card_ts = fake.messages[TRIAGE][0]["ts"]
    press = fake.block_action(STAFF, take["action_id"], channel=TRIAGE, message_ts=card_ts)
    assert await e2e_wire.interaction(press)
    await app.wait_idle()
    q = await question(app)
    assert q.state == "acknowledged" and q.acknowledged_at is not None
    assert updates_of(fake, TRIAGE), "the triage card is updated in place"
    assert len(posts_to(fake, TRIAGE)) == 1

    # Their App Home lists it, with its due time and buttons.
    home = {"type": "app_home_opened", "user": STAFF, "channel": "D0STAFF001", "tab": "home"}
    assert await e2e_wire.event(fake.event_envelope(home))
    [published] = await fake.wait_for("views.publish")
    assert published["user_id"] == STAFF
    shown = json.dumps(published["view"]["blocks"])
    assert "Question #1 from Acme Oy" in shown and "Reply due" in shown
    assert "question:resolve:1" in shown
    # A press in App Home reaches the core; the answer comes by DM (Home has no
    # channel to whisper in) and the Home tab is drawn again.
    monkeypatch.setattr(listeners, "HOME_REFRESH_DELAY", 0.05)
    assert await e2e_wire.interaction(fake.home_action(STAFF, "question:claim:1"))
    await app.wait_idle()
    [note] = posts_to(fake, "D0STAFF001")
    assert "already have question #1" in str(note["text"])
    await fake.wait_for("views.publish", 2)

    # "Assign to…" on the triage card opens the modal; its submission hands it over.
    assign = [b for b in buttons if b["text"]["text"] == "Assign to…"][0]
    press = fake.block_action(STAFF, assign["action_id"], channel=TRIAGE, message_ts=card_ts)
    assert await e2e_wire.interaction(press)
    [opened] = await fake.wait_for("views.open")
    view = opened["view"]
    submission = {
        "type": "view_submission",
        "team": {"id": fake.team_id},
        "user": {"id": STAFF, "team_id": fake.team_id},
        "trigger_id": "77.trigger",
        "view": {
            "id": "V0ASSIGN",
            "type": "modal",
            "hash": "h1",
            "team_id": fake.team_id,
            "callback_id": view["callback_id"],
            "private_metadata": view["private_metadata"],
            "state": {"values": {"assignee": {"user": {"selected_user": EXPERT}}}},
        },
    }
    assert await e2e_wire.interaction(submission)
    await app.wait_idle()
    q = await question(app)
    assert app.sessions is not None
    async with app.sessions() as session:
        expert = await session.scalar(select(Person).where(Person.qualified == f"slack:{EXPERT}"))
    assert expert is not None and q.assignee_id == expert.id
    assert "Question #1 assigned to" in json.dumps(fake.calls("response_url")[-1])

    # The staff member answers in the thread: the first response.
    reply = fake.message_event(
        SHARED, STAFF, "Settings → API → Rotate.", thread_ts=asked["event"]["ts"]
    )
    assert await e2e_wire.event(reply)
    await app.wait_idle()
    q = await question(app)
    assert q.first_response_at is not None and q.state == "answered"

    # ✅ on the question resolves it.
    done = fake.reaction_event(SHARED, STAFF, asked["event"]["ts"], "white_check_mark")
    assert await e2e_wire.event(done)
    await app.wait_idle()
    q = await question(app)
    assert q.state == "resolved"
    assert len(posts_to(fake, "D0EXPERT01")) == 1 and len(posts_to(fake, TRIAGE)) == 1
    assert "Resolved" in json.dumps(updates_of(fake, TRIAGE)[-1]["blocks"])


async def test_history_is_archived_on_join_without_raising_questions(
    fake: FakeSlack, app: App, e2e_wire: Wire
) -> None:
    """When Presence is added to a shared channel, the history lands in the archive,
    and nothing old is raised as a question or answered."""
    root = fake.add_history(SHARED, CUSTOMER, "How do I rotate our API token?")
    fake.add_history(SHARED, STAFF, "Settings > API > Rotate", thread_ts=root)
    fake.messages[SHARED][0]["reply_count"] = 1  # as Slack marks a thread's root
    fake.add_history(SHARED, CUSTOMER, "Thanks, that worked")
    joined = fake.event_envelope(
        {"type": "member_joined_channel", "user": fake.bot_user, "channel": SHARED}
    )
    assert await e2e_wire.event(joined)
    assert app.sessions is not None
    for _ in range(200):
        await app.wait_idle()
        async with app.sessions() as s:
            n = await s.scalar(select(func.count()).select_from(Message))
        if n == 3:
            break
        await asyncio.sleep(0.05)
    async with app.sessions() as s:
        assert await s.scalar(select(func.count()).select_from(Message)) == 3
        assert await s.scalar(select(func.count()).select_from(Question)) == 0
    assert posts_to(fake, SHARED) == []


async def test_a_question_to_a_colleague_on_slack_opens_nothing(
    fake: FakeSlack, app: App, e2e_wire: Wire
) -> None:
    # Slack's text reads "@Name" for a mention: the event's mentions say who it was.
    colleague = "U0CUST002"
    fake.add_user(colleague, "Cleo Colleague", team=CUSTOMER_TEAM)
    assert await e2e_wire.event(fake.message_event(SHARED, colleague, "morning all"))
    await app.wait_idle()
    asked = fake.message_event(
        SHARED, CUSTOMER, f"<@{colleague}> can you check our SSO settings in the admin panel?"
    )
    assert await e2e_wire.event(asked)
    await app.wait_idle()
    assert posts_to(fake, TRIAGE) == [] and posts_to(fake, SHARED) == []
    # The same words to the supplier's staff are a question.
    staff = fake.message_event(SHARED, CUSTOMER, f"<@{STAFF}> can you check why the API key fails?")
    assert await e2e_wire.event(staff)
    await app.wait_idle()
    assert len(posts_to(fake, TRIAGE)) == 1
