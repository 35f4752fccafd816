"""Turns the database's experts into routing profiles and asks bot.routing who
should own a question."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from bot.calendar import BusinessCalendar
from bot.context import Context
from bot.routing.model import Assignment, ExpertProfile, RoutingRequest
from bot.routing.rank import choose
from db.models import Customer, Expert, Person
from db.questions import open_load
from handlers.erased_caches import sync_caches


async def expert_profiles(ctx: Context) -> list[ExpertProfile]:
    support = ctx.services.config.support
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
            )
        )
    return profiles


async def route(
    ctx: Context, text: str, language: str | None, customer: Customer | None, asker: str
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
    return choose(req, experts, load, ctx.services.history, ctx.services.topics)
