"""Where the idea board meets chat: the `idea:*` buttons, and the "Add to ideas"
offer on a customer message the detector read as an idea."""

from __future__ import annotations

import re

from bot.context import Context
from bot.events import ButtonPressed
from bot.outgoing import Button, Destination, OutgoingMessage
from db.directory import channel_by_qualified, ensure_person
from db.models import Channel, Idea, Message
from handlers import ideas
from handlers.log import Logged
from handlers.replies import reply_privately

_ACTION = re.compile(r"idea:(?P<verb>vote|publish|add):(?P<id>\d{1,12})")


def parse_action(action_id: str) -> tuple[str, int] | None:
    m = _ACTION.fullmatch(action_id)
    return (m["verb"], int(m["id"])) if m else None


async def offer_idea(ctx: Context, logged: Logged) -> None:
    """Only the author sees the offer; nothing is public until they click."""
    channel = logged.channel
    author = logged.person
    await ctx.say(
        f"idea:offer:{logged.message.id}",
        Destination.private(channel.platform, channel.platform_id, author.platform_id),
        OutgoingMessage(
            text="That sounds like an idea. Add it to the idea board, where other "
            "customers can vote for it? Only its text is shared.",
            buttons=(Button("Add to ideas", f"idea:add:{logged.message.id}", "primary"),),
        ),
        purpose="idea_offer",
    )


async def on_idea_button(ev: ButtonPressed, ctx: Context) -> None:
    parsed = parse_action(ev.action_id)
    if parsed is None:
        return
    verb, ident = parsed
    person = await ensure_person(ctx.session, ev.author, ctx.now)
    channel = await channel_by_qualified(ctx.session, ev.channel.qualified)
    answer: str | OutgoingMessage
    if verb == "vote":
        answer = await ideas.vote(ctx, ident, person, channel)
    elif verb == "publish":
        draft = await ctx.session.get(Idea, ident)
        answer = (
            await ideas.publish(ctx, draft, person)
            if draft is not None
            else f"I can't find that draft (#{ident}); propose it again."
        )
    else:
        message = await ctx.session.get(Message, ident)
        if message is None or (message.author_id != person.id and not person.is_staff):
            answer = "Only its author or staff can add that message to the idea board."
        else:
            where = await ctx.session.get(Channel, message.channel_id)
            answer = await ideas.propose(ctx, person, message.text, channel=where, source=message)
    if isinstance(answer, str):
        await reply_privately(ctx, ev, answer)
        return
    user = ev.author.user
    if ev.reply_handle:
        to = Destination.reply(
            user.platform, ev.reply_handle, channel_id=ev.channel.id, user_id=user.id
        )
    else:
        to = Destination.private(user.platform, ev.channel.id, user.id)
    await ctx.say(f"reply:{ev.event_key}", to, answer, purpose="reply")
