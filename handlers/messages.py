"""A message was posted: log it, and if a customer asked something, open a question;
if staff replied in a question's thread, that is the first response."""

from __future__ import annotations

from bot.context import Context
from bot.events import MessagePosted
from bot.sensitivity import threshold_of
from db.questions import open_question_in, recent_texts
from handlers.addressed import asks_a_colleague
from handlers.ideas_wiring import offer_idea
from handlers.log import Logged, log_message
from handlers.questions import first_response, open_question, resolve
from handlers.sla_clocks import customer_followed_up
from handlers.sla_stale import reopen_if_stale
from handlers.status import on_new_question


async def on_message(ev: MessagePosted, ctx: Context) -> None:
    if ev.author.is_bot:
        return
    logged = await log_message(ev, ctx)
    if logged is None or ev.historical:
        return
    question = (
        None
        if logged.new_conversation
        else await open_question_in(ctx.session, logged.conversation.id)
    )
    if logged.person.is_staff:
        if question is not None:
            await first_response(ctx, question, logged.person, logged.message)
        return
    detector = ctx.services.detector
    if question is not None:
        # A customer writing in a thread with an open question is following up, not
        # asking anew; only a "thanks, that fixed it" after an answer changes state.
        if question.state == "answered":
            verdict = detector.detect(ev.text)
            if verdict.resolves:
                await resolve(ctx, question, logged.person, via="customer thanked")
                return
            if verdict.kind == "thanks":
                # "thanks, I'll try that tomorrow": not solved yet, and no staff reply
                # owed either, so the question stays answered and no clock starts.
                question.last_customer_message_at = logged.message.created_at
                return
        customer_followed_up(ctx, question, logged.message.created_at)
        return
    if not logged.new_conversation and await reopen_if_stale(ctx, logged):
        return
    context = await recent_texts(ctx.session, logged.channel.id, logged.message.created_at)
    verdict = detector.detect(
        ev.text, context=context, is_staff=False, is_bot=False, threshold=_threshold(ctx, logged)
    )
    if verdict.is_question and await asks_a_colleague(ctx, ev):
        ctx.audit(
            "system", "question.not_opened", f"message:{logged.message.id}", "asks a colleague"
        )
        return
    if verdict.is_question:
        question = await open_question(ctx, logged, verdict)
        await on_new_question(ctx, question)  # linked to an open incident, if it matches
    elif verdict.kind == "idea":
        await offer_idea(ctx, logged)


def _threshold(ctx: Context, logged: Logged) -> float:
    """The channel's own sensitivity (set in chat), else its customer's, else the default."""
    chosen = logged.channel.sensitivity or ctx.services.config.sensitivity_for(
        logged.channel.qualified
    )
    try:
        return threshold_of(chosen)
    except ValueError:  # a hand-edited row: the file's value rather than a failed event
        return threshold_of(ctx.services.config.detection.sensitivity)
