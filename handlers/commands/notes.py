"""Staff-side words about a question: `note` (staff only, never leaves the staff
side) and `reply` (to the customer's thread, only as an explicit action, with a
confirmation the first time someone replies into a shared channel).

The confirmation exists because a reply typed in a triage thread lands in front
of the customer: the first time, the author sees exactly where it goes."""

from __future__ import annotations

import re

from sqlalchemy import select

from bot.context import Context
from bot.outgoing import Button, Destination, OutgoingMessage
from db.models import Channel, Person, Question, StaffReply
from handlers import questions
from handlers.commands.caller import Call, handles, question
from handlers.commands.work import _add_note
from handlers.csat import question_thread

_REPLY_ACTION = re.compile(r"reply:(?P<verb>send|cancel):(?P<id>\d{1,12})")
MAX_REPLY = 3000


@handles("note")
async def note(call: Call) -> str:
    q = await question(call, call.args["question"])
    _add_note(call, q, "note", call.args["text"])
    call.ctx.audit(call.actor, "question.note", f"question:{q.id}")
    return f"Note added to #{q.id} (staff only; the customer never sees it)."


@handles("reply")
async def reply(call: Call) -> str | OutgoingMessage:
    q = await question(call, call.args["question"])
    text: str = call.args["text"]
    if len(text) > MAX_REPLY:
        return f"That reply is too long ({len(text)} characters, {MAX_REPLY} max)."
    channel = await call.ctx.session.get(Channel, q.channel_id)
    assert channel is not None
    confirmed = await call.ctx.session.scalar(
        select(StaffReply.id).where(
            StaffReply.author_id == call.person.id,
            StaffReply.channel_id == channel.id,
            StaffReply.state == "sent",
        )
    )
    row = StaffReply(
        question_id=q.id,
        author_id=call.person.id,
        channel_id=channel.id,
        text=text,
        state="pending",
        created_at=call.ctx.now,
    )
    call.ctx.session.add(row)
    await call.ctx.session.flush()
    if confirmed is None:
        where = channel.name or channel.qualified
        return OutgoingMessage(
            title="Send this to the customer?",
            text=(
                f"This goes to the customer's thread of #{q.id} in {where}, where they "
                "can read it. (You are asked once per shared channel.)"
            ),
            quote=text,
            buttons=(
                Button("Send to customer", f"reply:send:{row.id}", "primary"),
                Button("Cancel", f"reply:cancel:{row.id}"),
            ),
        )
    return await send_reply(call.ctx, row, call.person)


async def send_reply(ctx: Context, row: StaffReply, by: Person) -> str:
    q = await ctx.session.get(Question, row.question_id)
    channel = await ctx.session.get(Channel, row.channel_id)
    assert q is not None and channel is not None
    where = await question_thread(ctx, q)
    assert where is not None
    row.state = "sent"
    row.sent_at = ctx.now
    await ctx.say(
        f"staffreply:{row.id}",
        Destination.thread(where),
        OutgoingMessage(text=row.text, context=f"{by.name or 'Our team'} via Presence"),
        purpose="staff_reply",
        question_id=q.id,
    )
    if q.first_response_at is None:
        q.first_response_at = ctx.now
        ctx.audit(by.qualified, "question.first_response", f"question:{q.id}", "reply command")
    if q.assignee_id is None:
        q.assignee_id = by.id
    if questions.is_open(q):
        q.state = "answered"
    ctx.audit(by.qualified, "question.replied", f"question:{q.id}", None, reply=row.id)
    await questions.refresh_cards(ctx, q, tag="reply")
    return f"Sent to the customer in #{q.id}'s thread."


async def on_reply_button(ctx: Context, action_id: str, by: Person) -> str | None:
    """`reply:send:<id>` / `reply:cancel:<id>`; None when the action is not ours."""
    m = _REPLY_ACTION.fullmatch(action_id)
    if m is None:
        return None
    row = await ctx.session.get(StaffReply, int(m["id"]))
    if row is None or row.author_id != by.id:
        return "That reply is not yours to send."
    if row.state != "pending":
        return f"That reply was already {row.state}."
    if m["verb"] == "cancel":
        row.state = "cancelled"
        return "Cancelled; nothing was sent."
    return await send_reply(ctx, row, by)
