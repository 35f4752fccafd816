"""Customer satisfaction: after a resolve the asker may get a one-click rating
(1-5) in their thread; sampled and with a cooldown per asker, so nobody is asked
after every question. A comment can follow with `/presence rate <question> <n> ...`."""

from __future__ import annotations

import hashlib
import re

from sqlalchemy import select

from bot.context import Context
from bot.outgoing import Button, Destination, OutgoingMessage
from bot.refs import MessageRef
from db.models import Channel, CsatRating, Message, Person, Question

_ACTION = re.compile(r"csat:(?P<id>\d{1,12}):(?P<score>[1-5])")
LABELS = ("1 😞", "2", "3", "4", "5 😀")


def sampled(question_id: int, share: float) -> bool:
    """Deterministic: the same question is in or out of the sample on every worker."""
    if share >= 1:
        return True
    digest = hashlib.sha256(f"csat:{question_id}".encode()).digest()
    return int.from_bytes(digest[:4], "big") / 2**32 < share


async def question_thread(ctx: Context, q: Question) -> MessageRef | None:
    """The customer's thread of a question: the thread it was asked in, or the one
    under the question's own message."""
    channel = await ctx.session.get(Channel, q.channel_id)
    asked = await ctx.session.get(Message, q.message_id)
    if channel is None or asked is None:
        return None
    root = asked.thread_id or asked.platform_message_id
    return MessageRef(channel.platform, channel.platform_id, root, root)


async def offer(ctx: Context, q: Question) -> bool:
    """Ask the asker to rate a just-resolved question, if sampling and cooldown allow."""
    cfg = ctx.services.config.csat
    if not cfg.enabled or not sampled(q.id, cfg.sample):
        return False
    asker = await ctx.session.get(Person, q.asker_id)
    if asker is None or asker.is_staff or asker.is_bot:
        return False
    if await ctx.session.scalar(select(CsatRating.id).where(CsatRating.question_id == q.id)):
        return False
    recent = await ctx.session.scalar(
        select(CsatRating.id).where(
            CsatRating.asker_id == asker.id, CsatRating.offered_at > ctx.now - cfg.cooldown
        )
    )
    if recent is not None:
        return False
    where = await question_thread(ctx, q)
    if where is None:
        return False
    ctx.session.add(
        CsatRating(
            question_id=q.id,
            customer_id=q.customer_id,
            asker_id=asker.id,
            expert_id=q.assignee_id,
            offered_at=ctx.now,
        )
    )
    await ctx.say(
        f"q{q.id}:csat",
        Destination.thread(where),
        OutgoingMessage(
            text="How did we do with this question? One click is enough.",
            buttons=tuple(Button(label, f"csat:{q.id}:{i}") for i, label in enumerate(LABELS, 1)),
            context=f"Add a comment: /presence rate {q.id} <1-5> <comment>",
        ),
        purpose="csat",
        question_id=q.id,
    )
    return True


async def rate(ctx: Context, q: Question, by: Person, score: int, comment: str | None) -> str:
    if by.id != q.asker_id:
        return "Only the person who asked can rate this question."
    row: CsatRating | None = await ctx.session.scalar(
        select(CsatRating).where(CsatRating.question_id == q.id)
    )
    if row is None:
        if q.state != "resolved":
            return f"Question #{q.id} is not resolved yet; you can rate it once it is."
        row = CsatRating(
            question_id=q.id,
            customer_id=q.customer_id,
            asker_id=by.id,
            expert_id=q.assignee_id,
            offered_at=ctx.now,
        )
        ctx.session.add(row)
    row.score = score
    row.rated_at = ctx.now
    if comment:
        row.comment = comment[:2000]
    ctx.audit(by.qualified, "csat.rated", f"question:{q.id}", None, score=score)
    return f"Thank you! You rated question #{q.id} {score}/5." + (
        "" if comment else f" Add a comment with `/presence rate {q.id} {score} <comment>`."
    )


async def on_csat_button(ctx: Context, action_id: str, by: Person) -> str | None:
    m = _ACTION.fullmatch(action_id)
    if m is None:
        return None
    q = await ctx.session.get(Question, int(m["id"]))
    if q is None:
        return "That question is gone."
    return await rate(ctx, q, by, int(m["score"]), None)
