"""The customer loop's buttons: `idea:*` (anyone) and `broadcast:*` (leads)."""

from __future__ import annotations

import re

from bot.commands import Level
from bot.context import Context
from bot.events import ButtonPressed
from db.directory import ensure_person
from handlers import broadcast
from handlers.commands.caller import level_of
from handlers.ideas_wiring import on_idea_button
from handlers.replies import reply_privately

_BROADCAST = re.compile(r"broadcast:(?P<verb>send|cancel):(?P<id>\d{1,12})")


async def on_loop_button(ev: ButtonPressed, ctx: Context) -> None:
    if ev.action_id.startswith("idea:"):
        await on_idea_button(ev, ctx)
        return
    m = _BROADCAST.fullmatch(ev.action_id)
    if m is None:
        return
    person = await ensure_person(ctx.session, ev.author, ctx.now)
    if await level_of(ctx, person) < Level.LEAD:
        answer = "Only team leads can send or cancel a broadcast."
    elif m["verb"] == "send":
        answer = await broadcast.send(ctx, int(m["id"]), person)
    else:
        answer = await broadcast.cancel(ctx, int(m["id"]), person)
    await reply_privately(ctx, ev, answer)
