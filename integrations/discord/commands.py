"""The `/presence` application command group: its definition (registered with a
bulk overwrite at start) and autocomplete answers drawn from the config.

The adapter only turns an invocation into text (`assign 12 <@42>`); the grammar
and what each subcommand does belong to the core.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.config import PresenceConfig
from bot.refs import parse_qualified

STRING, INTEGER, USER, CHANNEL, ROLE = 3, 4, 6, 7, 8
SUB = 1


def _opt(
    name: str,
    description: str,
    kind: int = STRING,
    *,
    required: bool = False,
    autocomplete: bool = False,
    choices: list[str] | None = None,
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "type": kind,
        "name": name,
        "description": description,
        "required": required,
    }
    if autocomplete:
        out["autocomplete"] = True
    if choices:
        out["choices"] = [{"name": c, "value": c} for c in choices]
    return out


def _sub(name: str, description: str, *options: dict[str, Any]) -> dict[str, Any]:
    return {"type": SUB, "name": name, "description": description, "options": list(options)}


def _question(description: str = "Question number, e.g. 12") -> dict[str, Any]:
    return _opt("question", description, INTEGER, required=True)


# The core's verbs (handlers/commands.py). Options come in the order the core
# reads them: the question number first.
SUBCOMMANDS: list[dict[str, Any]] = [
    _sub("help", "What Presence can do"),
    _sub("queue", "Open questions", _opt("customer", "Only this customer", autocomplete=True)),
    _sub("mine", "Questions assigned to you"),
    _sub("show", "One question in detail", _question()),
    _sub("take", "Take a question", _question()),
    _sub("resolve", "Mark a question resolved", _question()),
    _sub("reopen", "Reopen a question", _question()),
    _sub(
        "assign",
        "Hand a question to an expert",
        _question(),
        _opt("expert", "Expert", autocomplete=True, required=True),
    ),
    _sub(
        "topic",
        "Set a question's topic",
        _question(),
        _opt("topic", "Topic", autocomplete=True, required=True),
    ),
    _sub("search", "Search the archive", _opt("query", "Words to look for", required=True)),
    _sub(
        "priority",
        "Set a question's priority",
        _question(),
        _opt("level", "Priority", choices=["low", "normal", "high", "urgent"], required=True),
    ),
]


def definition() -> list[dict[str, Any]]:
    """The body of PUT /applications/{id}/commands (a bulk overwrite)."""
    return [
        {
            "type": 1,
            "name": "presence",
            "description": "Presence: questions, experts, SLAs",
            "options": SUBCOMMANDS,
            "contexts": [0],  # guilds only
        }
    ]


def focused_option(data: Mapping[str, Any]) -> tuple[str, str] | None:
    """(option name, typed text) of the option being autocompleted."""
    options: list[Mapping[str, Any]] = list(data.get("options") or [])
    while options:
        opt = options.pop(0)
        if opt.get("focused"):
            return str(opt["name"]), str(opt.get("value") or "")
        options.extend(opt.get("options") or [])
    return None


def _expert_choices(config: PresenceConfig) -> list[tuple[str, str]]:
    out = []
    for e in config.experts:
        platform, ident = parse_qualified(e.user)
        if platform == "discord":
            out.append((e.name or e.user, f"<@{ident}>"))
        else:
            out.append((e.name or e.user, e.user))
    return out


def choices(config: PresenceConfig, option: str, typed: str) -> list[tuple[str, str]]:
    """Up to 25 (name, value) suggestions whose name contains what was typed."""
    if option == "customer":
        pool = [(c.name, c.name) for c in config.customers]
    elif option == "expert":
        pool = _expert_choices(config)
    elif option == "topic":
        pool = [(t.name, t.name) for t in config.topics]
    else:
        pool = []
    needle = typed.casefold().strip()
    hits = [(n, v) for n, v in pool if needle in n.casefold()]
    return [(n[:100], v[:100]) for n, v in hits[:25]]
