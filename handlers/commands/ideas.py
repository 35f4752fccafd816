"""The idea board's verbs: idea, ideas, idea-show, idea-comment, idea-status."""

from __future__ import annotations

from bot.outgoing import OutgoingMessage
from db.directory import channel_by_qualified
from handlers import ideas
from handlers.commands.caller import Call, handles


@handles("loop idea")
async def propose(call: Call) -> str | OutgoingMessage:
    channel = await channel_by_qualified(call.ctx.session, call.ev.channel.qualified)
    return await ideas.propose(call.ctx, call.person, call.args["text"], channel=channel)


@handles("loop ideas")
async def board(call: Call) -> OutgoingMessage:
    return await ideas.board(call.ctx, call.args.get("which") or "top", call.person)


@handles("loop idea-status")
async def set_status(call: Call) -> str:
    return await ideas.set_status(
        call.ctx, call.args["idea"], call.args["status"], call.args.get("note"), call.person
    )


@handles("loop idea-show")
async def show(call: Call) -> OutgoingMessage:
    return await ideas.show(call.ctx, call.args["idea"])


@handles("loop idea-comment")
async def comment(call: Call) -> str:
    return await ideas.comment(call.ctx, call.args["idea"], call.person, call.args["text"])
