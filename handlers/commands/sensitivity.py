"""`config sensitivity`: how readily one channel's messages count as questions.

Stored on the channel row and as a chat override (`channel:<qualified>` /
`sensitivity`), so it applies at once in every worker and survives a restart;
`default` clears it and the config file's value applies again.
"""

from __future__ import annotations

from bot.errors import UsageError
from bot.sensitivity import HELP, PRESETS, normalised, threshold_of
from db.models import Channel
from handlers.commands.admin import keep
from handlers.commands.caller import Call, channel, handles


def _shown(value: str) -> str:
    return value if value not in PRESETS else f"{value} ({PRESETS[value]:g})"


def _describe(call: Call, where: Channel) -> tuple[str, str]:
    """(value, where it comes from) for a channel."""
    if where.sensitivity:
        return where.sensitivity, "set in chat"
    return call.ctx.services.config.sensitivity_source(where.qualified)


@handles("config sensitivity")
async def config_sensitivity(call: Call) -> str:
    where = await channel(call, call.args["channel"])
    label = where.name or where.qualified
    raw = call.args.get("value")
    if raw is None:
        value, origin = _describe(call, where)
        return f"{label}: sensitivity {_shown(value)}, {origin}."
    if raw.strip().lower() == "default":
        where.sensitivity = None
        await keep(call, f"channel:{where.qualified}", "sensitivity", None)
        value, origin = _describe(call, where)
        return f"{label}: back to {_shown(value)} ({origin})."
    try:
        value = normalised(raw)
    except ValueError:
        raise UsageError(f"A sensitivity is {HELP}, or `default`.") from None
    before, _ = _describe(call, where)
    where.sensitivity = value
    await keep(call, f"channel:{where.qualified}", "sensitivity", value)
    hint = (
        " Borderline messages open questions too."
        if threshold_of(value) < PRESETS["balanced"]
        else " Only clear questions open one."
        if threshold_of(value) > PRESETS["balanced"]
        else ""
    )
    return f"{label}: sensitivity is now {_shown(value)} (was {_shown(before)}).{hint}"
