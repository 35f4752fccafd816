"""Text helpers for grouping: words, addressed nicks, join/part lines.

Kept free of any model state so training and the runtime share exactly one
reading of a message (no train/serve skew).
"""

from __future__ import annotations

import re

_WORD = re.compile(r"[a-z0-9][a-z0-9_'.+#-]*[a-z0-9+#]|[a-z0-9]")
_NICK_STRIP = "<>@:,.;!?()[]{}\"'`~"
# Join lines name the newcomer first: "rodi [~x@host]  has joined #ubuntu",
# "Alana entered the room."; a newcomer's first words usually open a conversation.
_JOIN = re.compile(r"^(\S+?)\s.*?(?:has joined|entered the room)", re.IGNORECASE)
_GREETING = frozenset(
    [
        "hi",
        "hello",
        "hey",
        "hiya",
        "howdy",
        "yo",
        "greetings",
        "morning",
        "evening",
        "anyone",
        "anybody",
        "someone",
        "somebody",
        "help",
        "question",
    ]
)
_THANKS = frozenset(["thanks", "thank", "thx", "ty", "tnx", "cheers", "thankyou"])
_ACK = frozenset(
    [
        "ok",
        "okay",
        "k",
        "yes",
        "yeah",
        "yep",
        "no",
        "nope",
        "right",
        "sure",
        "great",
        "cool",
        "nice",
        "ah",
        "oh",
    ]
)


def words(text: str) -> list[str]:
    """Lower-cased word tokens (dots, dashes and '+' kept inside: 'libc6-dev', '2.6.8')."""
    return _WORD.findall(text.lower())


def nick_key(token: str) -> str:
    """A nick as compared: lower case, address punctuation and '@' stripped."""
    return token.strip(_NICK_STRIP).lower()


def addressee(text: str) -> str | None:
    """The nick a message is addressed to by IRC/chat convention ("nick: ...",
    "nick, ...", "@nick ..."), unvalidated; None when the first token carries no
    address mark."""
    head = text.lstrip()
    if not head:
        return None
    first = head.split(None, 1)[0]
    if first.startswith("@") or first.endswith((":", ",")):
        key = nick_key(first)
        return key or None
    return None


def tokens_as_nicks(text: str) -> set[str]:
    """Every whitespace token as a candidate nick (callers intersect with known nicks)."""
    return {k for k in (nick_key(t) for t in text.split()) if k}


def joined_nick(text: str) -> str | None:
    """The nick of a join line, or None for any other line."""
    m = _JOIN.match(text.strip())
    return m.group(1).lower() if m else None


def is_greeting(ws: list[str]) -> bool:
    return bool(ws) and (ws[0] in _GREETING or any(w in _GREETING for w in ws[:3]))


def is_thanks(ws: list[str]) -> bool:
    return any(w in _THANKS for w in ws[:6])


def is_short_ack(ws: list[str]) -> bool:
    return 0 < len(ws) <= 3 and ws[0] in _ACK
