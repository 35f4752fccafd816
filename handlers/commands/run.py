"""`/presence <verb> ...`: parse, check the caller's level, run, answer privately.

Every error is one friendly line shown only to the caller; a refused or failed
command changes nothing (it runs inside a savepoint that is rolled back)."""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass

from bot import messages
from bot.commands import Level, Parsed, parse, refusal
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


@dataclass(frozen=True)
class Outcome:
    answer: str | OutgoingMessage
    ok: bool  # False: refused or failed, and nothing it did was kept


async def on_command(ev: CommandInvoked, ctx: Context) -> None:
    outcome = await run_command(ev, ctx)
    if isinstance(outcome.answer, OutgoingMessage):
        await respond(ctx, ev, outcome.answer)
    else:
        await reply_privately(ctx, ev, outcome.answer)


async def run_command(ev: CommandInvoked, ctx: Context) -> Outcome:
    try:
        parsed = parse(ev.text)  # text that is no command never reaches the database
    except PresenceError as e:
        return Outcome(one_line(e.user_message), ok=False)
    person = await ensure_person(ctx.session, ev.author, ctx.now)
    try:
        async with ctx.session.begin_nested():
            try:
                call = Call(ctx, ev, person, await level_of(ctx, person))
                return Outcome(await _run(parsed, call), ok=True)
            except PresenceError as e:
                raise _Refused(one_line(e.user_message)) from None
    except _Refused as r:
        return Outcome(r.answer, ok=False)
    except Exception:
        ref = uuid.uuid4().hex[:8]
        log.exception("command %r failed ref=%s", ev.text[:200], ref)
        return Outcome(messages.unexpected_error(ref), ok=False)


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


async def _run(parsed: Parsed, call: Call) -> str | OutgoingMessage:
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
