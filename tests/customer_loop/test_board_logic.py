"""The neutral pieces: duplicate ranking, status asks and incident matching, and
the Statuspage summary reader's one-line errors."""

from __future__ import annotations

import pytest

from bot.board.asks import asks_about_status, matches_incident
from bot.board.similar import rank
from bot.board.statuspage import parse_summary
from tests.customer_loop.statuspage_server import incident, summary

BOARD = [
    (1, "Export invoices to CSV"),
    (2, "Dark mode for the dashboard"),
    (3, "Retry failed webhooks with backoff"),
    (4, "Single sign-on with Okta"),
]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("It would be great to export our invoices as CSV files", 1),
        ("please add a dark theme to the dashboard", 2),
        ("webhooks should be retried when they fail", 3),
        ("Okta single sign-on for our staff accounts", 4),
        # A known miss: abbreviations and synonyms share no words with the idea.
        ("SSO via Okta would help our IT team", None),
        ("A mobile app for iOS", None),
    ],
)
def test_duplicates_are_found_and_strangers_are_not(text: str, expected: int | None) -> None:
    found = rank(text, BOARD, threshold=0.35)
    assert (found[0][0] if found else None) == expected


@pytest.mark.parametrize(
    ("text", "asks"),
    [
        ("is the API down?", True),
        ("Are your servers offline right now?", True),
        ("We keep getting timeouts from the export endpoint", True),
        ("any incidents today?", True),
        ("How do I rotate my token?", False),
        ("Can you send me last month's invoice?", False),
    ],
)
def test_status_asks(text: str, asks: bool) -> None:
    assert asks_about_status(text) is asks


def test_incident_matching_needs_something_in_common() -> None:
    title, comps = "Elevated API error rates", ["API"]
    assert matches_incident("Is the API down?", title, comps)
    assert not matches_incident("Is the dashboard down?", title, comps)
    assert not matches_incident("How do I rotate my API token?", title, comps)
    assert matches_incident("We see elevated error rates on every call", title, comps)


def test_summary_is_read_and_bad_shapes_are_one_line() -> None:
    s = parse_summary(summary([incident(("u1", "investigating", "Looking."))]))
    assert [c.name for c in s.components] == ["API", "Dashboard"]
    (inc,) = s.incidents
    assert inc.components == ("API",) and [u.id for u in inc.updates] == ["u1"]
    assert not inc.resolved
    for bad, message in [
        ([], "summary must be a JSON object"),
        ({"components": {}}, "must be arrays"),
        ({"components": [{"name": "x"}]}, "components[0].id must be a string"),
        ({"incidents": [{"id": "i", "name": "n", "created_at": "yesterday"}]}, "not an ISO time"),
    ]:
        with pytest.raises(ValueError) as e:
            parse_summary(bad)
        assert message in str(e.value) and "\n" not in str(e.value)
