"""The grammar on its own: mention rules, quoting, named arguments, help, and the
docs kept in step with the spec."""

from __future__ import annotations

import importlib
from datetime import timedelta
from pathlib import Path

import pytest

from bot.commands import VERBS, ChannelMention, Level, UserMention, parse
from bot.commands.help import one, overview
from bot.commands.refs import leading_users, read_channel, read_user
from bot.errors import UsageError

DOCS = Path(__file__).resolve().parents[2] / "docs" / "commands.md"


@pytest.mark.parametrize(
    ("token", "expected"),
    [
        ("<@U0AB12>", UserMention(id="U0AB12")),
        ("<@!123456>", UserMention(id="123456")),
        ("<@U0AB12|erin>", UserMention(id="U0AB12")),
        ("slack:U0AB12", UserMention(id="U0AB12", platform="slack")),
        ("@erin", UserMention(name="erin")),
        ("<@&42>", None),
        ("<!here>", None),
        ("@everyone", None),
        ("@here", None),
        ("erin", None),
    ],
)
def test_user_mentions(token: str, expected: UserMention | None) -> None:
    assert read_user(token) == expected


@pytest.mark.parametrize(
    ("token", "expected"),
    [
        ("<#C0AB12>", ChannelMention(id="C0AB12")),
        ("<#C0AB12|acme>", ChannelMention(id="C0AB12", name="acme")),
        ("discord:1100", ChannelMention(id="1100", platform="discord")),
        ("#acme-support", ChannelMention(name="acme-support")),
        ("#12", None),  # a question number, not a channel
        ("acme", None),
    ],
)
def test_channel_mentions(token: str, expected: ChannelMention | None) -> None:
    assert read_channel(token) == expected


def test_quotes_named_arguments_and_the_rest_of_the_line() -> None:
    assert parse('customer set tier "Acme Oy" gold').args == {
        "field": "tier",
        "customer": "Acme Oy",
        "value": "gold",
    }
    assert parse("watch #acme customer=Acme Oy").args["customer"] == "Acme Oy"
    assert parse("note 3   keep   the  spacing").args["text"] == "keep   the  spacing"
    assert parse("snooze #4 1h30m").args["duration"] == timedelta(minutes=90)
    assert parse("stats 7d").args == {"period": timedelta(days=7)}
    assert parse("").verb.name == "help"
    assert parse("SHOW 5").verb.name == "status"
    assert parse("mine").args == {"customer": "mine"}
    assert parse("pass 5").verb.name == "assign" and parse("pass 5").args == {"question": 5}


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("frobnicate", "I don't know `frobnicate`"),
        ("take", "`take` needs question"),
        ("take twelve", "Which question?"),
        ("snippet", "`snippet` needs one of: add, edit, list, remove, send"),
        ("priority 3 extreme", "one of low, normal, high, urgent"),
        ("snooze 3 200d", "longer than 90 days"),
        ("link 3 javascript:alert(1)", "http(s) link"),
        ("take 3 4", "is extra"),
        ("x" * 5000, "too long"),
    ],
)
def test_errors_are_one_friendly_line(text: str, says: str) -> None:
    with pytest.raises(UsageError) as e:
        parse(text)
    assert says in e.value.user_message
    assert "\n" not in e.value.user_message


def test_help_lists_only_what_the_caller_may_run() -> None:
    for level in Level:
        shown = overview(level)
        for verb in VERBS:
            assert (f"`/presence {verb.usage}`" in shown) == (verb.level <= level), verb.name
    assert "needs the admin level" in one("watch", Level.STAFF)
    assert "I don't know" in one("nothing", Level.ADMIN)


def test_docs_show_every_verb_with_its_example() -> None:
    docs = DOCS.read_text()
    loop = importlib.import_module("bot.commands.spec_loop")
    for verb in VERBS:
        if verb in getattr(loop, "LOOP_VERBS", ()):
            continue
        assert f"`{verb.example}`" in docs, verb.name


def test_slack_usage_hint_only_shows_commands_that_parse() -> None:
    manifest = (DOCS.parents[1] / "slack" / "manifest.yml").read_text()
    hint = next(line for line in manifest.splitlines() if "usage_hint" in line)
    shown = hint.split(":", 1)[1].strip().strip('"').split(" | ")
    assert len(shown) >= 5
    for example in shown:
        parse(example.replace("[verb]", "").replace("[note]", "").strip())


@pytest.mark.parametrize(
    ("typed", "said", "not_said"),
    [
        ("idea", "`idea` needs text", "loop idea"),
        ("status incident", "`status incident` needs action", "loop incident"),
        ("broadcast", "`broadcast` needs audience", "loop broadcast"),
    ],
)
def test_an_aliass_errors_speak_of_what_was_typed(typed: str, said: str, not_said: str) -> None:
    with pytest.raises(UsageError) as err:
        parse(typed)
    assert said in str(err.value)
    assert not_said not in str(err.value)


@pytest.mark.parametrize(
    ("text", "ids"),
    [
        ("<@U0AB12> can you check our SSO settings?", ["U0AB12"]),  # Slack
        ("<@!1100000000000000001> any news?", ["1100000000000000001"]),  # Discord, nick form
        ("<@U1|mikko>, <@U2>: did you see this?", ["U1", "U2"]),
        ("hey <@U1> can you check", []),  # not addressed first
        ("<@&123> help please", []),  # a role is not a person
        ("<!here> is the API down?", []),
        ("", []),
    ],
)
def test_the_people_a_message_opens_by_addressing(text: str, ids: list[str]) -> None:
    assert [m.id for m in leading_users(text)] == ids
