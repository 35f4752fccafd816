"""Who is calling and what they may see: the caller's level, and the lookups every
verb shares (a question, a person, a channel, a customer), each failing with one
friendly line."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import func, select

from bot.commands import ChannelMention, Level, UserMention
from bot.context import Context
from bot.errors import NotAllowed, NotFound
from bot.events import CommandInvoked
from bot.outgoing import OutgoingMessage
from db.directory import channel_by_qualified, person_by_qualified
from db.models import Channel, Customer, Expert, Person, Question


@dataclass
class Call:
    """One command being run: the event, the caller, their level and the typed args."""

    ctx: Context
    ev: CommandInvoked
    person: Person
    level: Level
    args: dict[str, Any] = field(default_factory=dict)

    @property
    def actor(self) -> str:
        return self.person.qualified

    @property
    def platform(self) -> str:
        return self.ev.author.user.platform


Handler = Callable[[Call], Awaitable[str | OutgoingMessage]]
HANDLERS: dict[str, Handler] = {}


def handles(*names: str) -> Callable[[Handler], Handler]:
    """Registers the function that runs these verbs. The level each needs is the
    verb's own (bot/commands/spec.py), checked once before any handler runs."""
    from bot.commands.spec import BY_NAME

    def register(fn: Handler) -> Handler:
        for name in names:
            assert name in BY_NAME, f"no verb {name!r} in bot/commands/spec.py"
            HANDLERS[name] = fn
        return fn

    return register


async def level_of(ctx: Context, person: Person) -> Level:
    support = ctx.services.config.support
    if person.qualified in support.admins:
        return Level.ADMIN
    if person.qualified in support.leads:
        return Level.LEAD
    if not person.is_staff:
        return Level.CUSTOMER
    expert = await ctx.session.scalar(
        select(Expert.id).where(Expert.person_id == person.id, Expert.active.is_(True))
    )
    return Level.EXPERT if expert is not None else Level.STAFF


def require(call: Call, level: Level, what: str) -> None:
    if call.level < level:
        raise NotAllowed(f"{what} needs the {level.name.lower()} level: only {level.label} can.")


async def question(call: Call, number: int) -> Question:
    q = await call.ctx.session.get(Question, number)
    # A customer learns nothing about questions that are not theirs, not even that
    # they exist.
    if q is None or (call.level == Level.CUSTOMER and q.asker_id != call.person.id):
        raise NotFound(f"I can't find question #{number}. `/presence queue` lists the open ones.")
    return q


async def person(call: Call, who: UserMention) -> Person:
    session = call.ctx.session
    found: Person | None = None
    qualified = who.qualified(call.platform)
    if qualified is not None:
        found = await person_by_qualified(session, qualified)
    elif who.name:
        rows = (
            await session.scalars(
                select(Person)
                .where(func.lower(Person.name) == who.name.lower(), Person.erased_at.is_(None))
                .limit(2)
            )
        ).all()
        if len(rows) > 1:
            raise NotFound(f"More than one person is called {who.name!r}; use a mention.")
        found = rows[0] if rows else None
    if found is None:
        shown = (who.id or who.name or "?")[:40]
        raise NotFound(f"I don't know anyone called {shown!r} yet; mention them with @.")
    return found


async def staff_person(call: Call, who: UserMention) -> Person:
    found = await person(call, who)
    if not found.is_staff:
        raise NotAllowed(f"{found.name or found.qualified} is not on the staff.")
    return found


async def channel(call: Call, where: ChannelMention, *, create: bool = False) -> Channel:
    session = call.ctx.session
    found: Channel | None = None
    qualified = where.qualified(call.platform)
    if qualified is not None:
        found = await channel_by_qualified(session, qualified)
        if found is None and create:
            platform, _, ident = qualified.partition(":")
            found = Channel(qualified=qualified, platform=platform, platform_id=ident)
            found.name = where.name
            found.watched = False
            session.add(found)
            await session.flush()
    elif where.name:
        rows = (
            await session.scalars(
                select(Channel).where(func.lower(Channel.name) == where.name.lower()).limit(2)
            )
        ).all()
        if len(rows) > 1:
            raise NotFound(f"More than one channel is called #{where.name}; link it instead.")
        found = rows[0] if rows else None
    if found is None:
        raise NotFound(f"I don't know a channel #{(where.name or '?')[:40]}; link it with #.")
    return found


async def customer(call: Call, name: str) -> Customer:
    found: Customer | None = await call.ctx.session.scalar(
        select(Customer).where(func.lower(Customer.name) == name.strip().lower())
    )
    if found is None:
        raise NotFound(f"I don't know a customer called {name.strip()[:60]!r}.")
    return found
