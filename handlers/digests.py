"""Digests: a customer's week (questions asked and answered, median first
response, what is still open and with whom, the ideas they voted for) posted in
their own channels, and staff's day (open, breaching, unowned, oldest). Posted
on the `[digests]` schedule, once per period (the outbox key names the period),
and the same content on demand by command."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select

from bot.board.config import Schedule
from bot.context import Context
from bot.durations import format_duration
from bot.outgoing import Destination, Field, OutgoingMessage
from bot.refs import parse_qualified
from db.models import Channel, Customer, Idea, IdeaVote, OutboxMessage, Person, Question
from db.models.question import OPEN_STATES
from handlers.ideas import LABELS

WEEK = timedelta(days=7)
# A slot missed by more than this (the bot was down) is skipped, not posted late.
GRACE = timedelta(hours=12)


def _short(text: str, n: int = 70) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


@dataclass(frozen=True)
class CustomerWeek:
    asked: int
    answered: int
    median_first_response: timedelta | None
    still_open: tuple[tuple[int, str, str], ...]  # (question id, owner, summary)
    ideas: tuple[tuple[int, str, str], ...]  # (idea id, status label, text)


async def customer_week(ctx: Context, customer_id: int, end: datetime) -> CustomerWeek:
    start = end - WEEK
    asked = (
        await ctx.session.scalars(
            select(Question).where(
                Question.customer_id == customer_id,
                Question.created_at >= start,
                Question.created_at < end,
                Question.state != "dismissed",
            )
        )
    ).all()
    waits = [
        q.first_response_at - q.created_at
        for q in asked
        if q.first_response_at is not None and q.first_response_at < end
    ]
    open_rows = (
        await ctx.session.execute(
            select(Question, Person)
            .join(Person, Person.id == Question.assignee_id, isouter=True)
            .where(Question.customer_id == customer_id, Question.state.in_(OPEN_STATES))
            .order_by(Question.created_at)
        )
    ).all()
    ideas = (
        await ctx.session.scalars(
            select(Idea)
            .where(
                Idea.id.in_(select(IdeaVote.idea_id).where(IdeaVote.customer_id == customer_id)),
                Idea.status != "draft",
            )
            .order_by(Idea.id)
        )
    ).all()
    return CustomerWeek(
        asked=len(asked),
        answered=len(waits),
        median_first_response=(
            timedelta(seconds=statistics.median(w.total_seconds() for w in waits))
            if waits
            else None
        ),
        still_open=tuple(
            (q.id, (p.name or p.qualified) if p else "not yet assigned", q.summary)
            for q, p in open_rows
        ),
        ideas=tuple((i.id, LABELS.get(i.status, i.status), i.text) for i in ideas),
    )


def render_customer_week(name: str, week: CustomerWeek) -> OutgoingMessage:
    median = format_duration(week.median_first_response) if week.median_first_response else "–"
    lines = [f"Your week with us, {name}:"]
    for qid, owner, summary in week.still_open[:10]:
        lines.append(f"• still open: #{qid} with {owner}: {_short(summary)}")
    for iid, label, text in week.ideas[:10]:
        lines.append(f"• idea #{iid} you voted for: {label}: {_short(text)}")
    return OutgoingMessage(
        text="\n".join(lines),
        title="Weekly digest",
        fields=(
            Field("Questions asked", str(week.asked)),
            Field("Answered", str(week.answered)),
            Field("Median first response", median),
            Field("Still open", str(len(week.still_open))),
        ),
    )


@dataclass(frozen=True)
class StaffDay:
    open: int
    breaching: int
    unowned: int
    oldest: tuple[int, str, timedelta] | None  # (question id, customer, age)


async def staff_day(ctx: Context, now: datetime) -> StaffDay:
    rows = (
        await ctx.session.execute(
            select(Question, Customer.name)
            .join(Customer, Customer.id == Question.customer_id, isouter=True)
            .where(Question.state.in_(OPEN_STATES))
            .order_by(Question.created_at, Question.id)
        )
    ).all()
    breaching = sum(1 for q, _ in rows if _breaching(q, now))
    unowned = sum(1 for q, _ in rows if q.assignee_id is None)
    oldest = None
    if rows:
        q, name = rows[0]
        oldest = (q.id, name or "no customer", now - q.created_at)
    return StaffDay(len(rows), breaching, unowned, oldest)


def _breaching(q: Question, now: datetime) -> bool:
    if q.breached_at is not None:
        return True
    due = q.first_response_due if q.first_response_at is None else q.next_response_due
    return due is not None and due <= now


def render_staff_day(day: StaffDay) -> OutgoingMessage:
    oldest = "none"
    if day.oldest is not None:
        qid, name, age = day.oldest
        oldest = f"#{qid} ({name}), {format_duration(age)} old"
    return OutgoingMessage(
        text="Open questions today.",
        title="Daily staff digest",
        fields=(
            Field("Open", str(day.open)),
            Field("Breaching", str(day.breaching)),
            Field("Unowned", str(day.unowned)),
            Field("Oldest", oldest),
        ),
    )


def _slot(now: datetime, tz: str, schedule: Schedule) -> datetime:
    """The latest scheduled time at or before `now`, as an aware UTC time."""
    local = now.astimezone(ZoneInfo(tz))
    slot = local.replace(hour=schedule.hour, minute=schedule.minute, second=0, microsecond=0)
    if schedule.weekday is not None:
        slot -= timedelta(days=(local.weekday() - schedule.weekday) % 7)
        if slot > local:
            slot -= WEEK
    elif slot > local:
        slot -= timedelta(days=1)
    return slot.astimezone(ZoneInfo("UTC"))


async def _already(ctx: Context, key: str) -> bool:
    return (
        await ctx.session.scalar(select(OutboxMessage.id).where(OutboxMessage.key == key))
        is not None
    )


async def post_due(ctx: Context) -> int:
    """Enqueue every digest whose slot has come and that was not posted; returns
    how many messages were enqueued."""
    cfg = ctx.services.config
    digests = cfg.loop.digests
    tz = cfg.support.timezone
    posted = 0
    if digests.customer_weekly is not None:
        slot = _slot(ctx.now, tz, digests.customer_weekly)
        if ctx.now - slot <= GRACE:
            posted += await _post_customer_weeks(ctx, slot)
    target = digests.staff_channel or cfg.support.triage_channel
    if digests.staff_daily is not None and target:
        slot = _slot(ctx.now, tz, digests.staff_daily)
        key = f"digest:staff:{slot:%Y-%m-%dT%H%M}"
        if ctx.now - slot <= GRACE and not await _already(ctx, key):
            platform, channel_id = parse_qualified(target)
            day = await staff_day(ctx, ctx.now)
            await ctx.say(
                key,
                Destination.channel(platform, channel_id),
                render_staff_day(day),
                purpose="digest",
            )
            posted += 1
    return posted


async def _post_customer_weeks(ctx: Context, slot: datetime) -> int:
    posted = 0
    rows = (
        await ctx.session.execute(
            select(Channel, Customer)
            .join(Customer, Customer.id == Channel.customer_id)
            .where(Channel.watched.is_(True))
            .order_by(Customer.id, Channel.id)
        )
    ).all()
    weeks: dict[int, CustomerWeek] = {}
    for channel, customer in rows:
        key = f"digest:week:{slot:%Y-%m-%dT%H%M}:{channel.qualified}"
        if await _already(ctx, key):
            continue
        if customer.id not in weeks:
            weeks[customer.id] = await customer_week(ctx, customer.id, slot)
        await ctx.say(
            key,
            Destination.channel(channel.platform, channel.platform_id),
            render_customer_week(customer.name, weeks[customer.id]),
            purpose="digest",
        )
        posted += 1
    return posted
