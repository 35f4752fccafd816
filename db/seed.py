"""Applies the config file to the database, idempotently, at every start.

The file is the baseline: what it declares is set; rows created from chat
(source "chat") are left as they are."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import PresenceConfig
from bot.refs import parse_qualified
from db.directory import channel_by_qualified, customer_by_name, person_by_qualified
from db.models import Channel, Customer, Expert, Person


async def apply_config(session: AsyncSession, config: PresenceConfig, now: datetime) -> None:
    staff: dict[str, str | None] = {}
    for declared in config.experts:
        staff[declared.user] = declared.name
    for lead in config.support.leads:
        staff.setdefault(lead, None)
    for account in config.customers:
        if account.owner:
            staff.setdefault(account.owner, None)
    for qualified, name in staff.items():
        person = await _ensure_person(session, qualified, now)
        person.is_staff = True
        if name:
            person.name = name
    for who in config.people:
        person = await _ensure_person(session, who.user, now)
        person.role_override = who.role
        if who.role is not None:
            person.is_staff = who.role == "staff"
        if who.name:
            person.name = who.name
        for other in who.also:
            linked = await _ensure_person(session, other, now)
            linked.linked_to = person.id
            if who.role is not None:
                linked.role_override = who.role
                linked.is_staff = who.role == "staff"
    for declared_customer in config.customers:
        customer = await customer_by_name(session, declared_customer.name)
        if customer is None:
            customer = Customer(name=declared_customer.name, created_at=now)
            session.add(customer)
        customer.tier = declared_customer.tier
        customer.owner = declared_customer.owner
        customer.timezone = declared_customer.timezone
        customer.language = declared_customer.language
        customer.triage = declared_customer.triage
        customer.priority = declared_customer.priority
        customer.source = "config"
        await session.flush()
        for qualified in declared_customer.channels:
            channel = await _ensure_channel(session, qualified)
            channel.customer_id = customer.id
            channel.watched = True
    for declared_expert in config.experts:
        person = await _ensure_person(session, declared_expert.user, now)
        expert: Expert | None = await session.scalar(
            select(Expert).where(Expert.person_id == person.id)
        )
        if expert is None:
            expert = Expert(person_id=person.id, updated_at=now)
            session.add(expert)
        expert.topics = list(declared_expert.topics)
        expert.languages = list(declared_expert.languages)
        expert.timezone = declared_expert.timezone
        expert.hours = declared_expert.hours
        expert.country = declared_expert.country
        expert.days_off = [d.isoformat() for d in declared_expert.days_off]
        expert.capacity = declared_expert.capacity
        expert.backup = declared_expert.backup
        expert.active = True
        expert.source = "config"
        expert.updated_at = now
    await session.flush()


async def _ensure_person(session: AsyncSession, qualified: str, now: datetime) -> Person:
    person = await person_by_qualified(session, qualified)
    if person is None:
        platform, ident = parse_qualified(qualified)
        person = Person(
            qualified=qualified,
            platform=platform,
            platform_id=ident,
            name=None,
            is_staff=False,
            first_seen_at=now,
        )
        session.add(person)
        await session.flush()
    return person


async def _ensure_channel(session: AsyncSession, qualified: str) -> Channel:
    channel = await channel_by_qualified(session, qualified)
    if channel is None:
        platform, ident = parse_qualified(qualified)
        channel = Channel(qualified=qualified, platform=platform, platform_id=ident)
        session.add(channel)
        await session.flush()
    return channel
