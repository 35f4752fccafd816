"""The grammar is the contract between the platforms: every verb's example, typed
on Slack (slash command text) or picked on Discord (the application-command group
built from bot/commands/spec.py, with typed options), reaches the core as text that
parses to the same verb and the same arguments as on the local platform."""

from __future__ import annotations

from typing import Any

import pytest

from bot.commands import VERBS, ChannelMention, Kind, UserMention, Verb, parse
from bot.events import Author
from bot.refs import UserRef
from integrations.discord import commands as discord_commands
from integrations.discord import translate as discord_translate
from integrations.slack import translate as slack_translate

SLACK_USER, SLACK_CHANNEL = "U0ERIN0001", "C0ACME0001"
DISCORD_USER, DISCORD_CHANNEL = "1200000000000000002", "1100000000000000001"


def example_text(verb: Verb) -> str:
    return verb.example.removeprefix("/presence ").strip()


def _norm(value: Any) -> Any:
    if isinstance(value, UserMention | ChannelMention):
        return "<mention>"
    return value


def normalised(text: str) -> tuple[str, dict[str, Any]]:
    parsed = parse(text)
    return parsed.verb.name, {k: _norm(v) for k, v in parsed.args.items()}


def _slack_text(verb: Verb) -> str:
    """The example as a Slack user types it: people and channels become mentions."""
    parsed = parse(example_text(verb))
    words = example_text(verb).split()
    for arg in verb.args:
        value = parsed.args.get(arg.name)
        if isinstance(value, UserMention):
            words = [f"<@{SLACK_USER}|erin>" if w == f"@{value.name}" else w for w in words]
        if isinstance(value, ChannelMention):
            words = [
                f"<#{SLACK_CHANNEL}|{value.name}>" if w == f"#{value.name}" else w for w in words
            ]
    return " ".join(words)


@pytest.mark.parametrize("verb", VERBS, ids=lambda v: v.name.replace(" ", "-"))
def test_slack_slash_command_reaches_the_same_verb(verb: Verb) -> None:
    body = {
        "command": "/presence",
        "text": _slack_text(verb),
        "channel_id": SLACK_CHANNEL,
        "team_id": "T0HOME",
        "user_id": "U0STAFF001",
        "trigger_id": "1.trigger",
        "response_url": "http://127.0.0.1/response",
    }
    event = slack_translate.command(body, Author(UserRef("slack", "U0STAFF001")))
    assert normalised(event.text) == normalised(example_text(verb))
    for value in parse(event.text).args.values():
        if isinstance(value, UserMention):
            assert value.qualified("slack") == f"slack:{SLACK_USER}"


def _subcommand(verb: Verb) -> tuple[list[str], dict[str, Any]]:
    (group,) = discord_commands.definition()
    node: dict[str, Any] = group
    path = []
    for word in verb.name.split():
        node = next(o for o in node["options"] if o["name"] == word)
        path.append(word)
    return path, node


def _discord_value(option: dict[str, Any], arg_kind: Kind, value: Any) -> Any:
    if isinstance(value, UserMention):
        return DISCORD_USER if option["type"] == 6 else f"<@{DISCORD_USER}>"
    if isinstance(value, ChannelMention):
        assert option["type"] == 7
        return DISCORD_CHANNEL
    if arg_kind is Kind.QUESTION:
        assert option["type"] == 4
        return int(value)
    if arg_kind is Kind.DURATION:
        return {3600: "1h", 7200: "2h", 2592000: "30d"}[int(value.total_seconds())]
    return str(value)


@pytest.mark.parametrize("verb", VERBS, ids=lambda v: v.name.replace(" ", "-"))
def test_discord_command_group_reaches_the_same_verb(verb: Verb) -> None:
    path, sub = _subcommand(verb)
    assert [o["name"] for o in sub["options"]] == [a.name for a in verb.args]
    parsed = parse(example_text(verb))
    options = []
    for option, arg in zip(sub["options"], verb.args, strict=True):
        assert option["required"] == arg.required
        if arg.choices:
            assert [c["value"] for c in option["choices"]] == list(arg.choices)
        if arg.name in parsed.args:
            value = _discord_value(option, arg.kind, parsed.args[arg.name])
            options.append({"type": option["type"], "name": arg.name, "value": value})
    node: dict[str, Any] = {"type": 1, "name": path[-1], "options": options}
    if len(path) == 2:
        node = {"type": 2, "name": path[0], "options": [node]}
    data = {"id": "1", "name": "presence", "type": 1, "options": [node]}
    text = discord_translate.command_text(data)
    assert normalised(text) == normalised(example_text(verb))


def test_discord_tree_fits_discords_limits() -> None:
    (group,) = discord_commands.definition()
    assert len(group["options"]) <= 25
    total = 0

    def walk(node: dict[str, Any]) -> None:
        nonlocal total
        assert 1 <= len(node["name"]) <= 32 and node["name"] == node["name"].lower()
        assert 1 <= len(node["description"]) <= 100
        total += len(node["name"]) + len(node["description"])
        for choice in node.get("choices", []):
            total += len(choice["name"]) + len(str(choice["value"]))
        subs = node.get("options", [])
        assert len(subs) <= 25
        for sub in subs:
            walk(sub)

    walk(group)
    assert total <= 8000  # Discord's cap on a command's names, descriptions and values


def test_every_verb_is_reachable_on_discord() -> None:
    for verb in VERBS:
        path, _ = _subcommand(verb)
        assert " ".join(path) == verb.name


def test_translators_do_not_change_mentions_across_platforms() -> None:
    slack = slack_translate.command_text(f"assign 7 <@{SLACK_USER}|erin>")
    assert parse(slack).args["expert"] == UserMention(id=SLACK_USER)
    data = {
        "options": [
            {
                "type": 1,
                "name": "watch",
                "options": [
                    {"type": 7, "name": "channel", "value": DISCORD_CHANNEL},
                    {"type": 3, "name": "customer", "value": "Acme Oy"},
                ],
            }
        ]
    }
    args = parse(discord_translate.command_text(data)).args
    assert args["channel"] == ChannelMention(id=DISCORD_CHANNEL)
    assert args["customer"] == "Acme Oy"
