"""A question's life: opened from a customer message, routed, acknowledged,
taken, answered, resolved. Every change is an audit row, and every card that
shows the question is updated in place."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from bot import cards, messages
from bot.context import Context
from bot.outgoing import Destination, OutgoingMessage
from bot.refs import MessageRef, UserRef, parse_qualified
from bot.services import DetectionResult
from bot.sla import due_times, policy_dict, support_calendar
from bot.timefmt import local
from db.directory import customer_by_id, person_by_qualified
from db.models import Channel, Customer, Message, Person, Question
from handlers import csat, routing, sla_clocks
from handlers.erased_caches import sync_caches
from handlers.log import Logged
from handlers.routing import route


def thread_ref(channel: Channel, asked: Message) -> MessageRef:
    """The thread a question lives in: the one it was asked in, or the thread that
    opens under the question's own message (never under an earlier greeting that
    grouping put in the same conversation)."""
    root = asked.thread_id or asked.platform_message_id
    return MessageRef(
        platform=channel.platform,
        channel_id=channel.platform_id,
        message_id=root,
        thread_id=root,
    )


def _customer_tz(ctx: Context, customer: Customer | None, asker: Person) -> str:
    return (
        (customer.timezone if customer else None)
        or asker.timezone
        or ctx.services.config.support.timezone
    )


async def view_of(ctx: Context, q: Question, *, reader_tz: str | None = None) -> cards.QuestionView:
    channel = await ctx.session.get(Channel, q.channel_id)
    asked = await ctx.session.get(Message, q.message_id)
    asker = await ctx.session.get(Person, q.asker_id)
    assert channel is not None and asked is not None and asker is not None
    customer = await customer_by_id(ctx.session, q.customer_id)
    assignee = await ctx.session.get(Person, q.assignee_id) if q.assignee_id else None
    tz = reader_tz or ctx.services.config.support.timezone
    due_at = sla_clocks.response_due(q) or q.first_response_due  # the clock running now
    due = local(due_at, tz, ctx.now) if due_at else "no target"
    return cards.QuestionView(
        id=q.id,
        text=q.summary,
        state=q.state,
        customer=customer.name if customer else "unknown customer",
        tier=customer.tier if customer else "standard",
        asker=asker.name or asker.qualified,
        assignee=(assignee.name or assignee.qualified) if assignee else None,
        due=due,
        topic=q.topic,
        reasons=tuple(q.routing.get("reasons", ())),
        flagged=_flagged(q),
        similar=tuple((a, b) for a, b in q.routing.get("similar", ())),
        thread=thread_ref(channel, asked),
    )


def _flagged(q: Question) -> str | None:
    """ "problem, 0.80: reports a problem": what detection saw, so staff can judge it."""
    detected = q.routing.get("detected")
    if detected is None:  # opened before detection reasons were kept
        return None
    why = "; ".join(detected) or "the model's score"
    return f"{q.kind}, {q.score:.2f}: {why}"


async def open_question(ctx: Context, logged: Logged, detection: DetectionResult) -> Question:
    customer = await customer_by_id(ctx.session, logged.channel.customer_id)
    created = logged.message.created_at
    # The account's priority: it picks the SLA policy and whether quiet hours may hold the DM.
    priority = customer.priority if customer else "normal"
    assignment = await route(
        ctx, logged.message.text, detection.lang, customer, logged.person.qualified, priority
    )
    tier = customer.tier if customer else "standard"
    due = due_times(ctx.services.config, tier, priority, created)
    assignee = (
        await person_by_qualified(ctx.session, assignment.assignee) if assignment.assignee else None
    )
    routing_info: dict[str, Any] = {
        "assignee": assignment.assignee,
        "reason": assignment.reason,
        "reasons": list(assignment.candidates[0].reasons)
        if assignee and assignment.candidates
        else [assignment.reason],
        "candidates": [
            {"user": c.user, "score": round(c.score, 4), "reasons": list(c.reasons)}
            for c in assignment.candidates
        ],
        # Why detection flagged it, for the cards ("Why flagged"); the score is shown apart.
        "detected": [r for r in detection.reasons if not r.startswith("score ")][:3],
    }
    if assignee is not None:
        # Found before the INSERT so the row is written once, not updated after.
        similar = await _similar(ctx, logged.message.text[:2000], None)
        routing_info["similar"] = [list(pair) for pair in similar]
    q = Question(
        conversation_id=logged.conversation.id,
        message_id=logged.message.id,
        channel_id=logged.channel.id,
        customer_id=logged.channel.customer_id,
        asker_id=logged.person.id,
        state="open",
        summary=logged.message.text[:2000],
        kind=detection.kind,
        language=detection.lang,
        score=detection.score,
        topic=assignment.topic,
        topic_confidence=assignment.topic_confidence,
        priority=priority,
        assignee_id=assignee.id if assignee else None,
        routing=routing_info,
        sla=policy_dict(due.policy, ctx.services.config),
        created_at=created,
        first_response_due=due.first_response,
        resolution_due=due.resolution,
        warn_due=due.warn,
        next_due_at=due.warn,
        escalation_step=0,
    )
    ctx.session.add(q)
    await ctx.session.flush()
    ctx.audit(
        "system",
        "question.opened",
        f"question:{q.id}",
        "; ".join(detection.reasons) or None,
        score=detection.score,
        kind=detection.kind,
        lang=detection.lang,
        assignee=assignment.assignee,
        routing=assignment.reason,
    )
    await _announce(ctx, q, logged, customer, assignee)
    return q


async def _announce(
    ctx: Context,
    q: Question,
    logged: Logged,
    customer: Customer | None,
    assignee: Person | None,
) -> None:
    config = ctx.services.config
    view = await view_of(ctx, q)
    # The customer hears first: an unanswered customer in public is the failure to avoid.
    tz = _customer_tz(ctx, customer, logged.person)
    policy_cal = support_calendar(config, config.sla_for(view.tier, q.priority))
    back_at = None
    if not policy_cal.is_open(ctx.now):
        back_at = local(policy_cal.next_open(ctx.now), tz, ctx.now)
    due = local(q.first_response_due, tz, ctx.now) if q.first_response_due else "soon"
    team = q.topic or "support"
    owner_name = (assignee.name or None) if assignee else None
    await ctx.say(
        f"q{q.id}:ack",
        Destination.thread(view.thread),
        OutgoingMessage(text=messages.acknowledgement(owner_name, team, due, back_at)),
        purpose="ack",
        question_id=q.id,
    )
    if assignee is not None:
        await _notify_expert(ctx, q, assignee)
    triage = config.support.triage_channel
    if triage and (customer is None or customer.triage):
        platform, channel_id = parse_qualified(triage)
        await ctx.say(
            f"q{q.id}:triage",
            Destination.channel(platform, channel_id),
            cards.triage_card(view),
            purpose="triage",
            question_id=q.id,
        )


async def _notify_expert(ctx: Context, q: Question, expert: Person) -> None:
    key = f"q{q.id}:dm:{expert.qualified}"
    if "similar" not in q.routing:
        similar = await similar_answers(ctx, q)
        q.routing = {**q.routing, "similar": [list(pair) for pair in similar]}
    if await routing.hold_dm(ctx, q, expert, key):  # quiet hours: the sweeper sends it later
        return
    view = await view_of(ctx, q, reader_tz=expert.timezone)
    await ctx.say(
        key,
        Destination.dm(_user(expert)),
        cards.expert_dm(view),
        purpose="expert_dm",
        question_id=q.id,
    )
    # JSON columns change only when reassigned, not when mutated in place.
    q.routing = {**q.routing, "dm_key": key}
    routing.offer_started(ctx, q)  # the offer timeout (handlers/offers.py) runs from now


async def similar_answers(ctx: Context, q: Question, k: int = 3) -> tuple[tuple[str, str], ...]:
    """Up to k resolved questions like this one, each with the first staff answer:
    the expert starts from what worked before."""
    return await _similar(ctx, q.summary, q.id, k)


async def _similar(
    ctx: Context, summary: str, exclude_id: int | None, k: int = 3
) -> tuple[tuple[str, str], ...]:
    out: list[tuple[str, str]] = []
    # An assign or pass re-renders the DM without a fresh ranking: the history it
    # quotes from must have dropped erased text first, as route() makes sure.
    await sync_caches(ctx)
    for hit in ctx.services.history.similar(summary, k=k + 1, now=ctx.now):
        ref = hit.question.ref
        if ref is None or not ref.isdigit() or int(ref) == exclude_id:
            continue
        past = await ctx.session.get(Question, int(ref))
        if past is None:
            continue
        answer = await ctx.session.scalar(
            select(Message)
            .where(
                Message.conversation_id == past.conversation_id,
                Message.author_is_staff.is_(True),
                Message.deleted_at.is_(None),
                Message.created_at >= past.created_at,
            )
            .order_by(Message.created_at)
            .limit(1)
        )
        if answer is not None:
            out.append((past.summary, f"{answer.author_name or 'staff'}: {answer.text}"))
        if len(out) == k:
            break
    return tuple(out)


def _user(person: Person) -> UserRef:
    return UserRef(person.platform, person.platform_id)


async def refresh_cards(ctx: Context, q: Question, *, tag: str) -> None:
    """Edit the triage card and the expert's DM in place after a change."""
    view = await view_of(ctx, q)
    key = f"{tag}:{q.id}:{ctx.now.timestamp()}"
    await ctx.edit(
        f"{key}:triage",
        f"q{q.id}:triage",
        cards.triage_card(view),
        purpose="triage_update",
        question_id=q.id,
    )
    dm_key = q.routing.get("dm_key")
    if dm_key:
        await ctx.edit(
            f"{key}:dm", dm_key, cards.expert_dm(view), purpose="dm_update", question_id=q.id
        )


async def claim(ctx: Context, q: Question, by: Person, *, via: str) -> str:
    if q.state in ("resolved", "dismissed"):
        return f"Question #{q.id} is already {cards.STATE_LABEL[q.state].lower()}."
    if q.assignee_id == by.id and q.state != "open":
        return f"You already have question #{q.id}."
    q.assignee_id = by.id
    if q.state == "open":
        q.state = "acknowledged"
        q.acknowledged_at = ctx.now
    ctx.audit(by.qualified, "question.claimed", f"question:{q.id}", via)
    await refresh_cards(ctx, q, tag="claim")
    customer = await customer_by_id(ctx.session, q.customer_id)
    asker = await ctx.session.get(Person, q.asker_id)
    assert asker is not None
    tz = _customer_tz(ctx, customer, asker)
    due = local(q.first_response_due, tz, ctx.now) if q.first_response_due else "soon"
    await ctx.edit(
        f"claim:{q.id}:{ctx.now.timestamp()}:ack",
        f"q{q.id}:ack",
        OutgoingMessage(text=messages.acknowledgement_taken(by.name or "Our team", due)),
        purpose="ack_update",
        question_id=q.id,
    )
    return f"You have question #{q.id}."


async def first_response(ctx: Context, q: Question, by: Person, message: Message) -> None:
    if q.first_response_at is None:
        q.first_response_at = message.created_at
        ctx.audit(by.qualified, "question.first_response", f"question:{q.id}")
    if q.assignee_id is None:
        q.assignee_id = by.id
    q.state = "answered"
    await sla_clocks.staff_replied(ctx, q, by, message)
    await refresh_cards(ctx, q, tag="answer")


async def resolve(
    ctx: Context, q: Question, by: Person, *, via: str, note: str | None = None
) -> str:
    if q.state == "resolved":
        return f"Question #{q.id} is already resolved."
    q.state = "resolved"
    q.resolved_at = ctx.now
    q.resolved_by = by.id
    sla_clocks.stopped(ctx, q, by.qualified, "resolved")
    ctx.audit(by.qualified, "question.resolved", f"question:{q.id}", note or via)
    resolvers = []
    if q.assignee_id:
        assignee = await ctx.session.get(Person, q.assignee_id)
        if assignee is not None:
            resolvers.append(assignee.qualified)
    ctx.services.history.add(
        q.summary, [q.topic] if q.topic else [], resolvers, ctx.now, ref=str(q.id)
    )
    await refresh_cards(ctx, q, tag="resolve")
    await ctx.edit(
        f"resolve:{q.id}:{ctx.now.timestamp()}:ack",
        f"q{q.id}:ack",
        OutgoingMessage(text=messages.acknowledgement_resolved(by.name or "our team")),
        purpose="ack_update",
        question_id=q.id,
    )
    await csat.offer(ctx, q)
    return f"Question #{q.id} resolved."


async def dismiss(ctx: Context, q: Question, by: Person) -> str:
    q.state = "dismissed"
    sla_clocks.stopped(ctx, q, by.qualified, "dismissed")
    ctx.audit(by.qualified, "question.dismissed", f"question:{q.id}", "not a question")
    await refresh_cards(ctx, q, tag="dismiss")
    return f"Question #{q.id} marked as not a question."


async def reopen(ctx: Context, q: Question, by: Person) -> str:
    if q.state not in ("resolved", "dismissed"):
        return f"Question #{q.id} is still open."
    q.state = "reopened"
    q.resolved_at = None
    sla_clocks.reopened(ctx, q)
    ctx.audit(by.qualified, "question.reopened", f"question:{q.id}")
    await refresh_cards(ctx, q, tag="reopen")
    return f"Question #{q.id} reopened."


async def hand_on(ctx: Context, q: Question, by: Person, *, reason: str) -> str:
    """ "Pass to next" / "Not mine": the next fitting candidate gets it, or triage,
    exactly as a timed-out offer moves on (handlers/offers.py)."""
    from handlers import offers  # offers builds on this module

    return await offers.hand_on(ctx, q, by, reason=reason)


def is_open(q: Question) -> bool:
    return q.state in ("open", "acknowledged", "answered", "reopened")
