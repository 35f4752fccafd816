"""Help that teaches: what the caller may run, and each verb with an example."""

from __future__ import annotations

from bot.commands.levels import Level
from bot.commands.spec import VERBS, Verb, lookup


def overview(level: Level) -> str:
    lines = ["*Presence commands you can run*"]
    for verb in VERBS:
        if verb.level <= level:
            alias = f" (also `{'`, `'.join(verb.aliases)}`)" if verb.aliases else ""
            lines.append(f"`/presence {verb.usage}` {verb.summary}{alias}")
    lines.append("`/presence help <verb>` explains one verb, with an example.")
    if level == Level.CUSTOMER:
        lines.insert(
            1,
            "Ask your question right here in the channel: the right person on our team "
            "sees it and you are told when to expect an answer.",
        )
    return "\n".join(lines)


def one(name: str, level: Level) -> str:
    verb = lookup(name)
    if verb is None:
        shown = " ".join(name.split())[:40].replace("`", "'")
        return f"I don't know `{shown}`. `/presence help` lists what you can run."
    return describe(verb, level)


def describe(verb: Verb, level: Level) -> str:
    lines = [f"`/presence {verb.usage}`: {verb.summary}."]
    for arg in verb.args:
        extra = f" ({', '.join(arg.choices)})" if arg.choices else ""
        optional = "" if arg.required else ", optional"
        lines.append(f"• {arg.name}: {arg.help}{extra}{optional}")
    if verb.details:
        lines.append(verb.details)
    if verb.aliases:
        lines.append("Also written: " + ", ".join(f"`{a}`" for a in verb.aliases))
    lines.append(f"Example: `{verb.example}`")
    if verb.level > level:
        lines.append(f"You cannot run it: it needs the {verb.level.name.lower()} level.")
    return "\n".join(lines)
