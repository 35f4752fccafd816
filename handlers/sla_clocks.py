"""The SLA clocks of one question as state changes: started, paused (waiting on the
customer), resumed, met, breached. Every change is an audit row and ends by
rescheduling `next_due_at`, the one instant the sweeper looks at.

`pause` and `resume` are the verbs staff commands and buttons call ("wait",
"snooze"); the message hooks call `staff_replied` and `customer_followed_up`.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.calendar import BusinessCalendar
from bot.context import Context
from bot.sla import Policy, calendar_named, remaining, resumed_due
from db.models import Message, Person, Question
from db.models.question import OPEN_STATES

RUNNING = ("running", "breached")


def policy_of(q: Question) -> Policy:
    return Policy.of(q.sla or {})


def calendar_of(ctx: Context, q: Question) -> BusinessCalendar:
    return calendar_named(ctx.services.config, policy_of(q).calendar)


def response_due(q: Question) -> datetime | None:
    if q.response_kind == "first":
        return q.first_response_due
    if q.response_kind == "next":
        return q.next_response_due
    return None


def response_target(q: Question, policy: Policy) -> timedelta:
    if q.response_kind == "next" and policy.next_response is not None:
        return policy.next_response
    return policy.first_response


def clock_tag(q: Question) -> str:
    """Names the running response clock in outbox keys, so each clock's warning and
    steps are said once, and a later next-response clock can say them again."""
    if q.response_kind != "next" or q.response_started_at is None:
        return ""
    return f"nr{int(q.response_started_at.timestamp())}:"


def schedule(ctx: Context, q: Question) -> None:
    """Set `next_due_at` to the earliest instant something may have to happen."""
    if q.state not in OPEN_STATES:
        q.next_due_at = None
        return
    candidates: list[datetime] = []
    if q.clock_state == "paused":
        stale = ctx.services.config.stale
        if q.nudged_at is None and stale.nudge_after and q.paused_at is not None:
            candidates.append(q.paused_at + stale.nudge_after)
        elif q.nudged_at is not None and stale.close_after:
            candidates.append(q.nudged_at + stale.close_after)
    else:
        due = response_due(q)
        if q.clock_state in RUNNING and due is not None:
            policy = policy_of(q)
            if q.breached_at is None:
                early = q.warned_at is None and q.warn_due is not None and q.warn_due < due
                candidates.append(q.warn_due if early and q.warn_due else due)
            elif q.escalation_step < len(policy.escalation):
                candidates.append(due + policy.delays[q.escalation_step])
        if q.resolution_due is not None and q.resolution_breached_at is None:
            candidates.append(q.resolution_due)
    q.next_due_at = min(candidates) if candidates else None


def _subject(q: Question) -> str:
    return f"question:{q.id}"


def _stop_chain(ctx: Context, q: Question, actor: str, why: str) -> None:
    policy = policy_of(q)
    if q.breached_at is not None and q.escalation_step < len(policy.escalation):
        ctx.audit(
            actor,
            "sla.chain_stopped",
            _subject(q),
            why,
            clock=q.response_kind,
            steps_run=q.escalation_step,
        )


def _met(ctx: Context, q: Question, actor: str, at: datetime, why: str) -> None:
    if q.clock_state not in RUNNING:
        return
    _stop_chain(ctx, q, actor, why)
    q.clock_state = "met"
    due = response_due(q)
    ctx.audit(
        actor,
        "sla.met",
        _subject(q),
        why,
        clock=q.response_kind,
        late=bool(due is not None and at > due),
    )


def _business_s(cal: BusinessCalendar, start: datetime, end: datetime) -> float:
    return cal.elapsed(start, end).total_seconds()


async def staff_replied(ctx: Context, q: Question, by: Person, message: Message) -> None:
    """Staff wrote in the question's thread: the running response clock is met; if
    they asked the customer something, the clocks wait for the customer."""
    at = message.created_at
    q.last_staff_message_at = at
    cal = calendar_of(ctx, q)
    if q.ttfr_s is None and q.first_response_at is not None:
        q.ttfr_s = max(0.0, _business_s(cal, q.created_at, q.first_response_at) - q.paused_s)
    _met(ctx, q, by.qualified, at, "staff replied")
    if q.clock_state != "paused" and asks_customer(ctx, message.text):
        pause(ctx, q, by.qualified, "staff asked the customer")
    schedule(ctx, q)


def asks_customer(ctx: Context, text: str) -> bool:
    # Judged as if a customer had written it: staff text is never "a question" to
    # the detector, but the same words are one when addressed to the customer.
    return bool(ctx.services.detector.detect(text).is_question)


def pause(ctx: Context, q: Question, by: str, reason: str) -> str:
    """Stop the clocks while waiting on the customer (staff command, button, or a
    staff reply that asked something). The customer's next message resumes them."""
    if q.state not in OPEN_STATES:
        return f"Question #{q.id} is not open."
    if q.clock_state == "paused":
        return f"Question #{q.id} is already waiting on the customer."
    cal = calendar_of(ctx, q)
    now = ctx.now
    due = response_due(q)
    if q.clock_state in RUNNING and due is not None:
        _stop_chain(ctx, q, by, "paused: " + reason)
        q.response_left_s = remaining(cal, now, due).total_seconds()
    else:
        q.response_left_s = None
    if q.resolution_due is not None and q.resolution_breached_at is None:
        q.resolution_left_s = remaining(cal, now, q.resolution_due).total_seconds()
    else:
        q.resolution_left_s = None
    previous = q.clock_state
    q.clock_state = "paused"
    q.paused_at = now
    q.pause_reason = reason[:200]
    q.nudged_at = None
    ctx.audit(by, "sla.paused", _subject(q), reason, previous=previous)
    schedule(ctx, q)
    return f"Question #{q.id} is waiting on the customer; its clocks are paused."


def resume(ctx: Context, q: Question, by: str, reason: str) -> str:
    if q.clock_state != "paused":
        return f"Question #{q.id} is not paused."
    cal = calendar_of(ctx, q)
    now = ctx.now
    policy = policy_of(q)
    if q.paused_at is not None:
        q.paused_s += max(0.0, _business_s(cal, q.paused_at, now))
    if q.response_left_s is not None:
        left = timedelta(seconds=q.response_left_s)
        due = resumed_due(cal, now, left)
        if q.response_kind == "next":
            q.next_response_due = due
        else:
            q.first_response_due = due
        if q.warned_at is None and q.breached_at is None:
            before_due = response_target(q, policy) * (1 - policy.warn_at)
            q.warn_due = resumed_due(cal, now, left - before_due)
        q.clock_state = "breached" if q.breached_at is not None else "running"
    else:
        q.clock_state = "met"
    if q.resolution_left_s is not None:
        q.resolution_due = resumed_due(cal, now, timedelta(seconds=q.resolution_left_s))
    q.paused_at = None
    q.pause_reason = None
    q.response_left_s = None
    q.resolution_left_s = None
    q.nudged_at = None
    ctx.audit(by, "sla.resumed", _subject(q), reason, state=q.clock_state)
    schedule(ctx, q)
    return f"Question #{q.id} resumed; its clocks are running again."


def customer_followed_up(ctx: Context, q: Question, at: datetime) -> None:
    """The customer wrote again in an open question's thread: resume a paused clock,
    and once staff had replied, start the next-response clock."""
    q.last_customer_message_at = at
    if q.clock_state == "paused":
        resume(ctx, q, "system", "customer replied")
    policy = policy_of(q)
    if q.clock_state != "met" or q.first_response_at is None or policy.next_response is None:
        schedule(ctx, q)
        return
    cal = calendar_of(ctx, q)
    start = at
    q.response_kind = "next"
    q.response_started_at = start
    q.next_response_due = cal.add(start, policy.next_response)
    q.warn_due = cal.add(start, policy.next_response * policy.warn_at)
    q.warned_at = None
    q.breached_at = None
    q.escalation_step = 0
    q.clock_state = "running"
    ctx.audit(
        "system",
        "sla.started",
        _subject(q),
        "customer followed up",
        clock="next",
        due=q.next_response_due.isoformat(),
    )
    schedule(ctx, q)


def stopped(ctx: Context, q: Question, actor: str, why: str) -> None:
    """Resolved or dismissed: every clock stops, the chain with them."""
    now = ctx.now
    cal = calendar_of(ctx, q)
    paused_extra = 0.0
    if q.clock_state == "paused" and q.paused_at is not None:
        paused_extra = max(0.0, _business_s(cal, q.paused_at, now))
        q.paused_s += paused_extra
        q.paused_at = None
        q.clock_state = "met"
    _met(ctx, q, actor, now, why)
    if why == "resolved":
        q.ttr_s = max(0.0, _business_s(cal, q.created_at, now) - q.paused_s)
    q.next_due_at = None


def reopened(ctx: Context, q: Question) -> None:
    """A reopened question owes the customer an answer again."""
    q.paused_at = None
    q.response_left_s = q.resolution_left_s = None
    q.clock_state = "running" if q.first_response_at is None else "met"
    schedule(ctx, q)
