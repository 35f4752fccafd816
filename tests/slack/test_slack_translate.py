"""translate.py on recorded payloads: what the core sees of each Slack event."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from bot.events import (
    Author,
    MessageDeleted,
    MessageEdited,
    MessagePosted,
    ReactionAdded,
)
from bot.refs import UserRef
from integrations.slack import translate
from integrations.slack.people import author_from_user, display_name

HERE = Path(__file__).parent / "payloads"


def load(name: str) -> dict[str, Any]:
    return dict(json.loads((HERE / name).read_text()))


def authors_for(body: dict[str, Any]) -> dict[str, Author]:
    return {
        uid: Author(user=UserRef("slack", uid), name=f"name-{uid}", is_staff=hint == "T0HOME")
        for uid, hint in translate.wanted_users(body).items()
    }


def test_file_share_keeps_names_sizes_links_and_reads_markup_as_text() -> None:
    body = load("file_share.json")
    event = translate.event(body, authors_for(body))
    assert isinstance(event, MessagePosted)
    assert event.event_key == "slack:Ev0FILE0001"
    [f] = event.attachments
    assert (f.name, f.size, f.content_type) == ("error.log", 20481, "text/plain")
    assert f.url == "https://acme.slack.com/files/U0CUST001/F0001/error.log"
    assert event.text == "logs attached, @here can someone look? cc @name-U0STAFF001"
    assert "<!here>" not in event.text
    assert event.mentions == (UserRef("slack", "U0STAFF001"),)
    assert event.author.is_staff is False


def test_thread_reply_points_at_its_root() -> None:
    body = load("thread_reply.json")
    event = translate.event(body, authors_for(body))
    assert isinstance(event, MessagePosted)
    assert event.message.thread_id == "1764370000.000100"
    assert event.message.root_id == "1764370000.000100"
    assert event.text == "Thanks & see the docs (https://docs.example.com/keys)"


def test_unfurl_is_not_an_edit_but_a_real_edit_is() -> None:
    unfurl = load("unfurl.json")
    assert translate.event(unfurl, authors_for(unfurl)) is None
    body = load("edit.json")
    event = translate.event(body, authors_for(body))
    assert isinstance(event, MessageEdited)
    assert event.text == "How do I rotate my API key on v2?"
    assert event.message.message_id == "1764370000.000100"
    assert event.message.thread_id == "1764369000.000001"
    assert event.author is not None and event.author.user.id == "U0CUST001"


def test_deletion_names_the_deleted_message() -> None:
    event = translate.event(load("deleted.json"), {})
    assert isinstance(event, MessageDeleted)
    assert event.message.message_id == "1764370000.000100"


def test_reaction_drops_the_skin_tone() -> None:
    body = load("reaction.json")
    event = translate.event(body, authors_for(body))
    assert isinstance(event, ReactionAdded)
    assert event.emoji == "white_check_mark"
    assert event.message.message_id == "1764370000.000100"
    assert event.author.user.id == "U0STAFF001"


def test_system_messages_are_noise() -> None:
    body = load("channel_topic.json")
    assert translate.wanted_users(body) == {}
    assert translate.event(body, {}) is None


def test_who_is_staff() -> None:
    home = "T0HOME"
    member = {"id": "U1", "team_id": home, "real_name": "Mia"}
    guest = {"id": "U2", "team_id": home, "real_name": "Gus", "is_restricted": True}
    single = {"id": "U3", "team_id": home, "real_name": "Sol", "is_ultra_restricted": True}
    foreign = {"id": "U4", "team_id": "T0CUST", "real_name": "Cas"}
    stranger = {"id": "U5", "team_id": home, "real_name": "Str", "is_stranger": True}
    assert author_from_user("U1", member, home_team=home).is_staff is True
    assert author_from_user("U2", guest, home_team=home).is_staff is False
    assert author_from_user("U3", single, home_team=home).is_staff is False
    assert author_from_user("U4", foreign, home_team=home).is_staff is False
    assert author_from_user("U5", stranger, home_team=home).is_staff is False
    # The payload's team hint wins over what users.info says.
    assert author_from_user("U1", member, home_team=home, hint_team="T0CUST").is_staff is False


def test_unknown_and_deleted_people_get_readable_names() -> None:
    assert display_name(None, "U9") == "Slack user U9"
    assert display_name({"id": "U9", "real_name": None, "profile": {}}, "U9") == "Slack user U9"
    gone = {"id": "U8", "real_name": "Old Timer", "deleted": True}
    assert display_name(gone, "U8") == "Old Timer (deactivated)"
    author = author_from_user("U9", None, home_team="T0HOME", hint_team="T0CUST")
    assert author.name == "Slack user U9" and author.is_staff is False


def test_command_text_keeps_user_references() -> None:
    assert translate.command_text(" assign 7 <@U0EX|erin> &amp; go ") == "assign 7 <@U0EX> & go"
    assert translate.command_text("watch <#C0AB12|acme> <!here>") == "watch <#C0AB12> @here"
