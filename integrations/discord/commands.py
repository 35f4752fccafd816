"""The `/presence` application command group: its definition (registered with a
bulk overwrite at start) and autocomplete answers drawn from the config.

The adapter only turns an invocation into text (`assign 12 <@42>`); the grammar
and what each subcommand does belong to the core.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.commands import VERBS, Arg, Kind
from bot.config import PresenceConfig
from bot.refs import parse_qualified

STRING, INTEGER, USER, CHANNEL, ROLE = 3, 4, 6, 7, 8
SUB, GROUP = 1, 2


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


def _option(arg: Arg) -> dict[str, Any]:
    kind = {Kind.QUESTION: INTEGER, Kind.CHANNEL: CHANNEL}.get(arg.kind, STRING)
    if arg.kind is Kind.USER and not arg.autocomplete:
        kind = USER  # Discord's own member picker
    return _opt(
        arg.name,
        arg.help[:100],
        kind,
        required=arg.required,
        autocomplete=arg.autocomplete and kind == STRING,
        choices=list(arg.choices) or None,
    )


def _tree() -> list[dict[str, Any]]:
    """The core's verbs (bot/commands/spec.py) as subcommands; two-word verbs
    (`snippet add`) as subcommand groups. Options keep the grammar's order."""
    out: list[dict[str, Any]] = []
    groups: dict[str, dict[str, Any]] = {}
    for verb in VERBS:
        sub = _sub(verb.name.split()[-1], verb.summary[:100], *map(_option, verb.args))
        if " " not in verb.name:
            out.append(sub)
            continue
        head = verb.name.split()[0]
        if head not in groups:
            groups[head] = {
                "type": GROUP,
                "name": head,
                "description": f"/presence {head} …",
                "options": [],
            }
            out.append(groups[head])
        groups[head]["options"].append(sub)
    return out


# Built from the grammar, the single source of verbs; an alias (`mine`, `show`) is
# typed as its verb here, Discord allowing 25 subcommands.
SUBCOMMANDS: list[dict[str, Any]] = _tree()


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
