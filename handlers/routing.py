"""Turns the database's experts into routing profiles and asks bot.routing who
should own a question; decides whether the owner's DM goes now or waits for the end
of their quiet hours (or the low-priority batching window); starts the offer
timeout when it goes."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select

from bot.calendar import BusinessCalendar
from bot.context import Context
from bot.routing import offer
from bot.routing.model import Assignment, ExpertProfile, RoutingRequest
from bot.routing.quiet import parse_window
from bot.routing.rank import choose
from bot.timefmt import local
from db.models import Customer, Expert, Person, Question, RoutingHold
from db.questions import open_load
from handlers.erased_caches import sync_caches


async def expert_profiles(ctx: Context) -> list[ExpertProfile]:
    support = ctx.services.config.support
    # Quiet hours live in the config file only (experts added from chat have none).
    quiet = {e.user: e.quiet_hours for e in ctx.services.config.experts if e.quiet_hours}
    rows = (
        await ctx.session.execute(
            select(Expert, Person)
            .join(Person, Person.id == Expert.person_id)
            .where(Expert.active.is_(True))
        )
    ).all()
    profiles = []
    for expert, person in rows:
        calendar = BusinessCalendar(
            expert.timezone or support.timezone,
            expert.hours or support.hours,
            expert.country or support.country,
            days_off=[date.fromisoformat(d) for d in expert.days_off],
        )
        window = quiet.get(person.qualified)
        profiles.append(
            ExpertProfile(
                user=person.qualified,
                name=person.name or person.qualified,
                topics=frozenset(expert.topics),
                languages=frozenset(expert.languages),
                calendar=calendar,
                capacity=expert.capacity,
                backup=expert.backup,
                away=expert.away,
                quiet=parse_window(window) if window else None,
            )
        )
    return profiles


async def route(
    ctx: Context,
    text: str,
    language: str | None,
    customer: Customer | None,
    asker: str,
    priority: str = "normal",
) -> Assignment:
    req = RoutingRequest(
        text=text,
        language=language,
        now=ctx.now,
        customer_owner=customer.owner if customer else None,
        asker=asker,
    )
    await sync_caches(ctx)  # the history forgets erased text before it is asked
    experts = await expert_profiles(ctx)
    load = await open_load(ctx.session)
    got = choose(req, experts, load, ctx.services.history, ctx.services.topics)
    return offer.prefer_awake(got, experts, priority, ctx.services.config.routing.quiet, ctx.now)


def quiet_for(ctx: Context, expert: ExpertProfile, priority: str) -> datetime | None:
    """Until when a DM of this priority to `expert` waits; None: it goes now."""
    return offer.quiet_for(ctx.now, expert, priority, ctx.services.config.routing.quiet)


async def fitting(ctx: Context, q: Question) -> tuple[list[str], list[ExpertProfile]]:
    """Who fits `q` now (rank order, the asker excluded), from a fresh rank over
    today's profiles and load, and the profiles themselves."""
    asker = await ctx.session.get(Person, q.asker_id)
    req = RoutingRequest(
        text=q.summary,
        language=q.language,
        now=ctx.now,
        topic=q.topic,
        asker=asker.qualified if asker else None,
    )
    await sync_caches(ctx)  # as in route(): no erased text in the ranking
    experts = await expert_profiles(ctx)
    load = await open_load(ctx.session)
    got = choose(req, experts, load, ctx.services.history, ctx.services.topics)
    return [c.user for c in got.candidates if c.fits], experts


def profile_of(profiles: list[ExpertProfile], user: str) -> ExpertProfile | None:
    return next((p for p in profiles if p.user == user), None)


async def hold_dm(ctx: Context, q: Question, expert: Person, key: str) -> bool:
    """Hold the DM offering `q` to `expert` when they are in quiet hours (and the
    question's priority does not wake them), or, by day, for a low-priority question
    when low-priority DMs are batched. True when held: the sweeper delivers it later
    (handlers/offers.py) and the offer timeout starts then."""
    cfg = ctx.services.config.routing.quiet
    has_quiet = cfg.enabled or any(e.quiet_hours for e in ctx.services.config.experts)
    if not has_quiet:
        return False
    profiles = await expert_profiles(ctx)
    profile = profile_of(profiles, expert.qualified)
    if profile is None:
        return False
    until = quiet_for(ctx, profile, q.priority)
    reason = "quiet"
    if until is not None:
        # Someone else who fits may wake first: look again then (handlers/offers.py
        # hands it to them if the pick is still quiet).
        others, _ = await fitting(ctx, q)
        for user in others:
            other = profile_of(profiles, user)
            if other is None or user == expert.qualified or user in q.routing.get("tried", []):
                continue
            wakes = quiet_for(ctx, other, q.priority) or ctx.now
            until = max(ctx.now, min(until, wakes))
    if until is None:
        if q.priority != "low" or cfg.batch_low is None:
            return False
        reason = "batch"
        # One digest per expert per window: join the window already collecting.
        until = await ctx.session.scalar(
            select(RoutingHold.release_at).where(
                RoutingHold.user == expert.qualified,
                RoutingHold.reason == "batch",
                RoutingHold.released_at.is_(None),
                RoutingHold.release_at > ctx.now,
            )
        )
        until = until or ctx.now + cfg.batch_low
    ctx.session.add(
        RoutingHold(
            question_id=q.id,
            user=expert.qualified,
            key=key,
            reason=reason,
            held_at=ctx.now,
            release_at=until,
        )
    )
    q.offer_due_at = None  # the offer starts when the DM goes out
    q.routing = {**q.routing, "held": {"user": expert.qualified, "until": until.isoformat()}}
    when = local(until, profile.calendar.timezone, ctx.now)
    ctx.audit(
        "system",
        "routing.dm_held",
        f"question:{q.id}",
        f"{'quiet hours' if reason == 'quiet' else 'low priority, batched'}: DM to "
        f"{profile.name} waits until {when}",
        user=expert.qualified,
        priority=q.priority,
        until=until.isoformat(),
        why=reason,
    )
    return True


def offer_started(ctx: Context, q: Question) -> None:
    """The DM offering `q` to its assignee went out: the offer times out after the
    configured time for the question's priority (none configured: it never does)."""
    after = ctx.services.config.routing.timeout_for(q.priority)
    q.offer_due_at = ctx.now + after if after is not None else None
    # Kept so a change of priority can re-time the running offer.
    kept = {k: v for k, v in q.routing.items() if k != "held"}
    q.routing = {**kept, "offered_at": ctx.now.isoformat()}
