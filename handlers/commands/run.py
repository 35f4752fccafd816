"""`/presence <verb> ...`: parse, check the caller's level, run, answer privately.

Every error is one friendly line shown only to the caller; a refused or failed
command changes nothing (it runs inside a savepoint that is rolled back)."""

from __future__ import annotations

import logging
import uuid

from bot import messages
from bot.commands import Level, parse, refusal
from bot.commands.help import one, overview
from bot.context import Context
from bot.errors import PresenceError
from bot.events import CommandInvoked
from bot.outgoing import Destination, OutgoingMessage
from db.directory import ensure_person
from handlers.commands.caller import HANDLERS, Call, level_of
from handlers.replies import reply_privately

log = logging.getLogger(__name__)


class _Refused(Exception):
    """Rolls the savepoint back while keeping the friendly answer."""

    def __init__(self, answer: str):
        super().__init__(answer)
        self.answer = answer


async def on_command(ev: CommandInvoked, ctx: Context) -> None:
    person = await ensure_person(ctx.session, ev.author, ctx.now)
    answer: str | OutgoingMessage
    try:
        async with ctx.session.begin_nested():
            try:
                answer = await _run(ev, ctx, Call(ctx, ev, person, await level_of(ctx, person)))
            except PresenceError as e:
                raise _Refused(one_line(e.user_message)) from None
    except _Refused as r:
        answer = r.answer
    except Exception:
        ref = uuid.uuid4().hex[:8]
        log.exception("command %r failed ref=%s", ev.text[:200], ref)
        answer = messages.unexpected_error(ref)
    if isinstance(answer, OutgoingMessage):
        await respond(ctx, ev, answer)
    else:
        await reply_privately(ctx, ev, answer)


async def respond(ctx: Context, ev: CommandInvoked, msg: OutgoingMessage) -> None:
    """Like reply_privately, for an answer with buttons (a confirmation)."""
    user = ev.author.user
    if ev.reply_handle:
        to = Destination.reply(
            user.platform, ev.reply_handle, channel_id=ev.channel.id, user_id=user.id
        )
    else:
        to = Destination.private(user.platform, ev.channel.id, user.id)
    await ctx.say(f"reply:{ev.event_key}", to, msg, purpose="reply")


async def _run(ev: CommandInvoked, ctx: Context, call: Call) -> str | OutgoingMessage:
    parsed = parse(ev.text)
    verb = parsed.verb
    if verb.name == "help":
        topic = parsed.args.get("verb")
        return one(topic, call.level) if topic else overview(call.level)
    if call.level < verb.level:
        raise _Refused(refusal(verb.level, verb.name))
    call.args = parsed.args
    return await HANDLERS[verb.name](call)


def one_line(text: str) -> str:
    """Errors are one line, whatever a message or a user's input put in them."""
    line = " ".join(text.split())
    return line if len(line) <= 300 else line[:299] + "…"


__all__ = ["Level", "on_command"]
