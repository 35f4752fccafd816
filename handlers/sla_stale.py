"""Conversations waiting on the customer: a nudge after a while, a close explained
in the thread after a while more, and a reopen when the customer answers after all."""

from __future__ import annotations

from datetime import timedelta

from bot.context import Context
from bot.durations import format_duration
from bot.outgoing import Destination, OutgoingMessage
from db.models import Question
from db.questions import latest_question_in
from handlers import sla_clocks
from handlers.log import Logged
from handlers.questions import refresh_cards, view_of


def nudge_text(close_after: timedelta | None) -> str:
    if close_after is None:
        return "Is this still something you need help with? Just reply here and we'll pick it up."
    return (
        "Is this still something you need help with? Just reply here and we'll pick it up. "
        f"If we don't hear back within {format_duration(close_after)}, we'll close this "
        "question; replying later reopens it."
    )


CLOSE_TEXT = (
    "We haven't heard back, so we're closing this question for now. "
    "Reply in this thread at any time and it reopens with the same team."
)


async def nudge(ctx: Context, q: Question, close_after: timedelta | None) -> None:
    q.nudged_at = ctx.now
    view = await view_of(ctx, q)
    ctx.audit("system", "sla.stale_nudged", f"question:{q.id}", "waiting on the customer")
    stamp = int(q.paused_at.timestamp()) if q.paused_at else 0
    await ctx.say(
        f"q{q.id}:nudge:{stamp}",
        Destination.thread(view.thread),
        OutgoingMessage(text=nudge_text(close_after)),
        purpose="stale_nudge",
        question_id=q.id,
    )


async def close_stale(ctx: Context, q: Question) -> None:
    """Closed for want of an answer: resolved without a resolver, and said so."""
    sla_clocks.stopped(ctx, q, "system", "closed: no reply from the customer")
    q.state = "resolved"
    q.resolved_at = ctx.now
    q.resolved_by = None
    q.stale_closed_at = ctx.now
    q.next_due_at = None
    ctx.audit("system", "question.closed_stale", f"question:{q.id}", "no reply from the customer")
    view = await view_of(ctx, q)
    await ctx.say(
        f"q{q.id}:stale_close:{int(ctx.now.timestamp())}",
        Destination.thread(view.thread),
        OutgoingMessage(text=CLOSE_TEXT),
        purpose="stale_close",
        question_id=q.id,
    )
    await refresh_cards(ctx, q, tag="stale_close")


async def reopen_if_stale(ctx: Context, logged: Logged) -> bool:
    """The customer wrote in the thread of a question closed as stale: reopen it, and
    staff owe them a reply again."""
    q = await latest_question_in(ctx.session, logged.conversation.id)
    if q is None or q.state != "resolved" or q.stale_closed_at is None:
        return False
    if q.resolved_at is not None and q.resolved_at != q.stale_closed_at:
        return False  # resolved by someone after the stale close
    q.state = "reopened"
    q.resolved_at = None
    q.stale_closed_at = None
    q.ttr_s = None
    ctx.audit(logged.person.qualified, "question.reopened", f"question:{q.id}", "customer replied")
    sla_clocks.reopened(ctx, q)
    sla_clocks.customer_followed_up(ctx, q, logged.message.created_at)
    await refresh_cards(ctx, q, tag="stale_reopen")
    return True
