"""Buttons and reactions: the one-click ways staff work a question."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import select

from bot import messages
from bot.context import Context
from bot.events import ButtonPressed, ReactionAdded
from db.directory import channel_by_qualified, ensure_person
from db.models import Channel, Conversation, Message, Person, Question
from db.questions import latest_question_in, message_by_platform_id, open_question_in
from handlers import csat, questions
from handlers.commands.notes import on_reply_button
from handlers.log import Logged
from handlers.loop_buttons import on_loop_button
from handlers.replies import reply_privately

_ACTION = re.compile(r"question:(?P<verb>[a-z]+):(?P<id>\d{1,12})")


def parse_action(action_id: str) -> tuple[str, int] | None:
    m = _ACTION.fullmatch(action_id)
    return (m["verb"], int(m["id"])) if m else None


async def on_button(ev: ButtonPressed, ctx: Context) -> None:
    parsed = parse_action(ev.action_id)
    if parsed is None:
        await _other_button(ev, ctx)
        return
    verb, question_id = parsed
    person = await ensure_person(ctx.session, ev.author, ctx.now)
    q = await ctx.session.get(Question, question_id)
    if q is None:
        answer = messages.unknown_question(f"#{question_id}")
    elif not person.is_staff:
        answer = messages.not_allowed("staff")
    else:
        answer = await apply_verb(ctx, verb, q, person, via="button")
    await reply_privately(ctx, ev, answer)


async def _other_button(ev: ButtonPressed, ctx: Context) -> None:
    """The command suite's buttons: a reply's confirmation (staff) and a CSAT rating
    (the asker). Ids that are nobody's are ignored."""
    if ev.action_id.startswith(("idea:", "broadcast:")):
        await on_loop_button(ev, ctx)
        return
    if not ev.action_id.startswith(("reply:", "csat:")):
        return
    person = await ensure_person(ctx.session, ev.author, ctx.now)
    answer: str | None
    if ev.action_id.startswith("reply:"):
        answer = (
            await on_reply_button(ctx, ev.action_id, person)
            if person.is_staff
            else messages.not_allowed("staff")
        )
    else:
        answer = await csat.on_csat_button(ctx, ev.action_id, person)
    if answer is not None:
        await reply_privately(ctx, ev, answer)


async def apply_verb(ctx: Context, verb: str, q: Question, person: Person, *, via: str) -> str:
    if verb == "claim":
        return await questions.claim(ctx, q, person, via=via)
    if verb == "resolve":
        return await questions.resolve(ctx, q, person, via=via)
    if verb == "notq":
        return await questions.dismiss(ctx, q, person)
    if verb == "reopen":
        return await questions.reopen(ctx, q, person)
    if verb in ("pass", "notmine"):
        return await questions.hand_on(ctx, q, person, reason=verb)
    if verb == "assign":  # platforms without a picker dialog: the command does it
        return f"To hand it over, type `/presence assign {q.id} @name`."
    return f"Unknown action {verb!r}."


async def on_reaction(ev: ReactionAdded, ctx: Context) -> None:
    reactions = ctx.services.config.reactions
    if ev.emoji not in (reactions.take, reactions.resolve, reactions.question):
        return
    channel = await channel_by_qualified(ctx.session, ev.channel.qualified)
    if channel is None or not channel.watched:
        return
    message = await message_by_platform_id(ctx.session, channel.id, ev.message.message_id)
    if message is None:
        return
    person = await ensure_person(ctx.session, ev.author, ctx.now)
    if ev.emoji == reactions.question:
        if person.is_staff:
            await raise_as_question(ctx, channel, message, by=person)
        return
    if ev.emoji == reactions.take:
        q = await open_question_in(ctx.session, message.conversation_id)
        if q is not None and person.is_staff:
            await questions.claim(ctx, q, person, via="reaction")
        return
    q = await latest_question_in(ctx.session, message.conversation_id)
    if q is None or not questions.is_open(q):
        return
    # The asker may close their own question with ✅ as well as staff.
    if person.is_staff or person.id == q.asker_id:
        await questions.resolve(ctx, q, person, via="reaction")


@dataclass(frozen=True)
class _Raised:
    """Staff's verdict stands in for the detector's when they raise a message."""

    is_question: bool
    score: float
    kind: str
    lang: str
    reasons: tuple[str, ...]
    resolves: bool = False


async def raise_as_question(
    ctx: Context, channel: Channel, message: Message, *, by: Person
) -> None:
    """🎫 / "Raise as question": track a message the detector let pass."""
    if await open_question_in(ctx.session, message.conversation_id) is not None:
        return
    if await ctx.session.scalar(select(Question.id).where(Question.message_id == message.id)):
        return
    asker = await ctx.session.get(Person, message.author_id)
    conv = await ctx.session.get(Conversation, message.conversation_id)
    if asker is None or conv is None or asker.is_staff:
        return
    lang = ctx.services.detector.detect(message.text).lang
    verdict = _Raised(True, 1.0, "question", lang, (f"raised by {by.name or by.qualified}",))
    await questions.open_question(ctx, Logged(channel, asker, conv, message), verdict)
