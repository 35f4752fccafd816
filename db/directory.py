"""Who and where: people and channels, created on first sight."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.events import Author
from bot.refs import ChannelRef
from db.models import Channel, Customer, Person


async def person_by_qualified(session: AsyncSession, qualified: str) -> Person | None:
    person: Person | None = await session.scalar(
        select(Person).where(Person.qualified == qualified)
    )
    return person


async def ensure_person(session: AsyncSession, author: Author, now: datetime) -> Person:
    """The person behind `author`, created or refreshed from what the adapter saw.

    The config's role override wins over the adapter's verdict: an admin who says
    "this contractor is staff" must not be second-guessed by workspace membership."""
    qualified = author.user.qualified
    person = await person_by_qualified(session, qualified)
    if person is None:
        person = Person(
            qualified=qualified,
            platform=author.user.platform,
            platform_id=author.user.id,
            name=author.name or readable_name(author.user.id),
            is_staff=bool(author.is_staff),
            is_bot=author.is_bot,
            timezone=author.timezone,
            email=author.email,
            first_seen_at=now,
        )
        session.add(person)
        await session.flush()
        return person
    if person.erased_at is None:
        if author.name:
            person.name = author.name
        if author.timezone:
            person.timezone = author.timezone
        if author.email:
            person.email = author.email
    if person.role_override is None and author.is_staff is not None:
        person.is_staff = author.is_staff
    person.is_bot = person.is_bot or author.is_bot
    return person


def readable_name(user_id: str) -> str:
    """What to call someone the platform told us nothing about: never 'null'."""
    return f"user {user_id[-6:]}" if user_id else "unknown user"


async def channel_by_qualified(session: AsyncSession, qualified: str) -> Channel | None:
    channel: Channel | None = await session.scalar(
        select(Channel).where(Channel.qualified == qualified)
    )
    return channel


async def ensure_channel(session: AsyncSession, ref: ChannelRef) -> Channel:
    channel = await channel_by_qualified(session, ref.qualified)
    if channel is None:
        channel = Channel(
            qualified=ref.qualified,
            platform=ref.platform,
            platform_id=ref.id,
            workspace_id=ref.workspace,
            watched=False,
        )
        session.add(channel)
        await session.flush()
    elif ref.workspace and not channel.workspace_id:
        channel.workspace_id = ref.workspace
    return channel


async def customer_by_id(session: AsyncSession, customer_id: int | None) -> Customer | None:
    if customer_id is None:
        return None
    return await session.get(Customer, customer_id)


async def customer_by_name(session: AsyncSession, name: str) -> Customer | None:
    customer: Customer | None = await session.scalar(select(Customer).where(Customer.name == name))
    return customer
