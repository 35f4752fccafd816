"""Answering the person who pressed a button or typed a command, and only them."""

from __future__ import annotations

from bot.context import Context
from bot.events import ButtonPressed, CommandInvoked
from bot.outgoing import Destination, OutgoingMessage


async def reply_privately(ctx: Context, ev: CommandInvoked | ButtonPressed, answer: str) -> None:
    user = ev.author.user
    if ev.reply_handle:
        to = Destination.reply(
            user.platform, ev.reply_handle, channel_id=ev.channel.id, user_id=user.id
        )
    else:
        to = Destination.private(user.platform, ev.channel.id, user.id)
    await ctx.say(f"reply:{ev.event_key}", to, OutgoingMessage(text=answer), purpose="reply")
