"""Reading a customer's message for the customer loop: does it ask about service
status ("is the API down?"), and does it match an open incident."""

from __future__ import annotations

import re
from collections.abc import Iterable

from bot.board.similar import terms

_STATUS_ASK = re.compile(
    r"\b(?:is|are|was|were)\b[^.?!]{0,40}\b(?:down|offline|broken|out|unavailable|"
    r"not (?:working|responding|loading))\b"
    r"|\b(?:outage|service status|status page|statuspage|any incidents?|503|502|timeouts?"
    r"|timing out|not responding|unreachable|can't reach|cannot reach|down for)\b",
    re.I,
)
# Words a question about an outage uses that say nothing about which part is out.
_GENERIC = frozenset(
    terms(
        "down outage outages issue issues problem problems error errors "
        "service services working broken status degraded incident today now"
    )
)


def asks_about_status(text: str) -> bool:
    return bool(_STATUS_ASK.search(text))


def matches_incident(text: str, title: str, components: Iterable[str]) -> bool:
    """A question matches an open incident when it asks about status and names
    something the incident names (a component, a word of its title), or when it
    shares at least two specific words with it."""
    said = set(terms(text))
    named = set(terms(title))
    for component in components:
        named.update(terms(component))
    shared = (said & named) - _GENERIC
    if asks_about_status(text):
        return bool(shared) or not named - _GENERIC
    return len(shared) >= 2
