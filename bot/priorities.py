"""The priorities a question can have, lowest first: one list for the config file,
the command grammar and the routing rules, so they cannot drift apart."""

from __future__ import annotations

PRIORITIES: tuple[str, ...] = ("low", "normal", "high", "urgent")
