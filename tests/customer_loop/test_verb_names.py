"""The status verbs as issue #11 writes them: `status incident open|update|resolve`
and `status component …` read as the loop's verbs, `status [n]` keeps its meaning,
`help status` teaches them, and Discord's /presence gains no top-level entry (25 at most)."""

from __future__ import annotations

import pytest

from bot.commands import Level
from bot.commands.help import one
from bot.commands.parse import parse
from bot.errors import UsageError
from integrations.discord.commands import SUBCOMMANDS


@pytest.mark.parametrize(
    ("typed", "verb", "args"),
    [
        (
            "status incident open API errors",
            "loop incident",
            {"action": "open", "text": "API errors"},
        ),
        (
            "Status Incident update 2 rolling back",
            "loop incident",
            {"action": "update", "text": "2 rolling back"},
        ),
        ("status incident resolve 2", "loop incident", {"action": "resolve", "text": "2"}),
        ("status component API degraded", "loop component", {"name": "API", "state": "degraded"}),
        (
            'status component "Web hooks" major',
            "loop component",
            {"name": "Web hooks", "state": "major"},
        ),
        ("incident open API errors", "loop incident", {"action": "open", "text": "API errors"}),
        ("status 12", "status", {"question": 12}),
        ("status", "status", {}),
        ("ideas shipped", "loop ideas", {"which": "shipped"}),
        ("idea export invoices as CSV", "loop idea", {"text": "export invoices as CSV"}),
    ],
)
def test_status_verbs_read_as_written(typed: str, verb: str, args: dict[str, object]) -> None:
    parsed = parse(typed)
    assert (parsed.verb.name, parsed.args) == (verb, args)


def test_a_wrong_status_verb_is_one_friendly_line() -> None:
    with pytest.raises(UsageError) as e:
        parse("status incident close 2")
    assert "open, update, resolve" in e.value.user_message and "\n" not in e.value.user_message
    with pytest.raises(UsageError) as e:
        parse("status component API sideways")
    assert "operational, degraded" in e.value.user_message


def test_help_status_teaches_the_incident_and_component_verbs() -> None:
    taught = one("status", Level.STAFF)
    for verb in ("status incident open", "status incident update", "status incident resolve"):
        assert verb in taught
    assert "status component <name>" in taught
    assert "`status incident`" in one("status incident", Level.STAFF)


def test_discord_top_level_gains_no_entry_for_the_aliases() -> None:
    names = [s["name"] for s in SUBCOMMANDS]
    assert len(names) <= 25  # Discord's limit; the aliases add no entry
    assert not {"incident", "component", "idea", "ideas"} & set(names)
    loop = next(s for s in SUBCOMMANDS if s["name"] == "loop")
    assert {"incident", "component", "idea", "ideas"} <= {s["name"] for s in loop["options"]}
