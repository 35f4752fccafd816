"""Every filter finds exactly the messages it should, on SQLite and PostgreSQL,
checked against the rows themselves, and keeps doing so after the things the
index's filter values follow change: a question resolved, reopened, re-topiced,
reassigned or deleted, a conversation moved to another customer, a message
edited or deleted. Dates cross a month and a year boundary."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.engine import make_engine, make_sessionmaker
from db.models import Channel, Conversation, Customer, Message, Person, Question
from db.search import Filters, Scope, search_messages
from db.search.facets import calendar

T0 = datetime(2025, 12, 20, 9, 0, tzinfo=UTC)
WORDS = ("invoice", "export", "webhook", "token", "k1", "s7265736f6c766564")
TOPICS = ("billing", "api", "data export", "päivä")
STATES = ("open", "claimed", "resolved")


@dataclass
class World:
    customers: dict[str, int] = field(default_factory=dict)
    channels: list[str] = field(default_factory=list)
    people: list[str] = field(default_factory=list)


async def seed(s: AsyncSession, rng: random.Random) -> World:
    world = World()
    for n, name in enumerate(("Acme Oy", "Bolt Ltd")):
        org = Customer(name=name, tier="gold", created_at=T0)
        s.add(org)
        await s.flush()
        world.customers[name] = org.id
        for k in range(2):
            s.add(
                Channel(
                    qualified=f"local:C{n}{k}",
                    platform="local",
                    platform_id=f"C{n}{k}",
                    customer_id=org.id,
                    watched=True,
                )
            )
            world.channels.append(f"local:C{n}{k}")
    for i in range(4):
        s.add(
            Person(
                qualified=f"local:U{i}",
                platform="local",
                platform_id=f"U{i}",
                name=f"User {i}",
                is_staff=i < 2,
                first_seen_at=T0,
            )
        )
        world.people.append(f"local:U{i}")
    await s.flush()
    channels = (await s.scalars(select(Channel).order_by(Channel.id))).all()
    people = (await s.scalars(select(Person.id).order_by(Person.id))).all()
    for k in range(24):
        ch = rng.choice(channels)
        at = T0 + timedelta(days=k * 2, hours=rng.randrange(24))
        conv = Conversation(
            channel_id=ch.id,
            root_message_id=f"r{k}",
            customer_id=ch.customer_id,
            started_at=at,
            last_message_at=at,
            message_count=3,
        )
        s.add(conv)
        await s.flush()
        msgs = [
            Message(
                conversation_id=conv.id,
                channel_id=ch.id,
                platform_message_id=f"m{k}.{i}",
                author_id=rng.choice(people),
                text=" ".join(rng.choice(WORDS) for _ in range(rng.randint(2, 6))),
                attachments=[],
                created_at=at + timedelta(hours=i * 9),  # some cross into the next day
            )
            for i in range(3)
        ]
        s.add_all(msgs)
        await s.flush()
        for _ in range(rng.choice((0, 1, 1, 2))):
            s.add(
                Question(
                    conversation_id=conv.id,
                    message_id=msgs.pop().id,  # a message opens one question at most
                    channel_id=ch.id,
                    customer_id=ch.customer_id,
                    asker_id=people[3],
                    state=rng.choice(STATES),
                    topic=rng.choice((*TOPICS, None)),
                    assignee_id=rng.choice((people[0], people[1], None)),
                    created_at=at,
                )
            )
            await s.flush()
    return world


async def expected(
    s: AsyncSession, word: str, filters: Filters, scope: Scope, world: World
) -> set[int]:
    """The messages that match, worked out from the rows in Python."""
    people = {p.qualified: p.id for p in (await s.scalars(select(Person))).all()}
    channels = {c.qualified: c.id for c in (await s.scalars(select(Channel))).all()}
    convs = {c.id: c for c in (await s.scalars(select(Conversation))).all()}
    questions = (await s.scalars(select(Question))).all()
    out = set()
    for m in (await s.scalars(select(Message))).all():
        conv = convs[m.conversation_id]
        qs = [q for q in questions if q.conversation_id == conv.id]
        at = m.created_at.replace(tzinfo=UTC) if m.created_at.tzinfo is None else m.created_at
        ok = (
            m.deleted_at is None
            and word in m.text.split()
            and (scope.customer_id is None or conv.customer_id == scope.customer_id)
            and (not scope.resolved_only or any(q.state == "resolved" for q in qs))
            and (filters.customer is None or conv.customer_id == world.customers[filters.customer])
            and (filters.channel is None or conv.channel_id == channels[filters.channel])
            and (filters.author is None or m.author_id == people[filters.author])
            and (filters.since is None or at >= filters.since)
            and (filters.until is None or at < filters.until)
        )
        if ok and (filters.expert or filters.topic or filters.status):
            ok = any(
                (filters.expert is None or q.assignee_id == people[filters.expert])
                and (filters.topic is None or q.topic == filters.topic)
                and (filters.status is None or q.state == filters.status)
                for q in qs
            )
        if ok:
            out.add(m.id)
    return out


def cases(world: World, rng: random.Random) -> list[tuple[str, Filters, Scope]]:
    days = [T0 + timedelta(days=d) for d in (-3, 0, 5, 11, 12, 13, 20, 33, 60)]
    out: list[tuple[str, Filters, Scope]] = []
    for _ in range(60):
        since = rng.choice((None, *days))
        until = rng.choice((None, *days))
        filters = Filters(
            customer=rng.choice((None, None, *world.customers)),
            channel=rng.choice((None, None, None, *world.channels)),
            author=rng.choice((None, None, None, *world.people)),
            expert=rng.choice((None, None, *world.people[:2])),
            topic=rng.choice((None, None, *TOPICS)),
            status=rng.choice((None, None, *STATES)),
            since=since,
            until=until,
        )
        scope = rng.choice(
            (Scope.staff(), Scope.staff(), *(Scope.customer(c) for c in world.customers.values()))
        )
        out.append((rng.choice(WORDS), filters, scope))
    for word in WORDS:  # each filter alone, every word
        out.append((word, Filters(), Scope.staff()))
        out.append((word, Filters(status="resolved"), Scope.staff()))
        out.append((word, Filters(topic="data export"), Scope.staff()))
        out.append((word, Filters(since=T0 + timedelta(days=12)), Scope.staff()))
        out.append((word, Filters(until=T0 + timedelta(days=12)), Scope.staff()))
        out.append((word, Filters(), Scope.customer(world.customers["Acme Oy"])))
    return out


async def check(s: AsyncSession, world: World, rng: random.Random) -> int:
    found = 0
    for word, filters, scope in cases(world, rng):
        hits = await search_messages(s, word, filters=filters, scope=scope, limit=200)
        want = await expected(s, word, filters, scope, world)
        assert {h.message_id for h in hits} == want, (word, filters, scope)
        found += len(hits)
    return found


async def change_what_filters_look_at(s: AsyncSession, world: World) -> None:
    qs = (await s.scalars(select(Question).order_by(Question.id))).all()
    people = (await s.scalars(select(Person.id).order_by(Person.id))).all()
    for i, q in enumerate(qs):
        if i % 4 == 0:
            q.state = "resolved" if q.state != "resolved" else "open"
        elif i % 4 == 1:
            q.topic = "data export" if q.topic != "data export" else None
        elif i % 4 == 2:
            q.assignee_id = people[1] if q.assignee_id != people[1] else people[0]
    await s.flush()
    await s.execute(delete(Question).where(Question.id == qs[-1].id))
    conv = await s.scalar(select(Conversation).order_by(Conversation.id.desc()).limit(1))
    assert conv is not None
    other = next(c for c in world.customers.values() if c != conv.customer_id)
    conv.customer_id = other
    msgs = (await s.scalars(select(Message).order_by(Message.id))).all()
    msgs[0].text = "invoice token edited"
    msgs[1].deleted_at = T0
    msgs[1].text = ""
    msgs[2].deleted_at = T0  # deleted, text kept for audit
    await s.flush()
    await s.execute(update(Message).where(Message.id == msgs[3].id).values(text="webhook k1"))


async def test_filters_match_the_rows_before_and_after_changes(db_url: str) -> None:
    engine = make_engine(db_url)
    rng = random.Random(5)
    try:
        async with make_sessionmaker(engine).begin() as s:
            world = await seed(s, rng)
        async with make_sessionmaker(engine)() as s:
            assert await check(s, world, rng) > 100  # real results, not empty sets
        async with make_sessionmaker(engine).begin() as s:
            await change_what_filters_look_at(s, world)
        async with make_sessionmaker(engine)() as s:
            assert await check(s, world, rng) > 100
    finally:
        await engine.dispose()


@given(st.dates(date(1999, 1, 1), date(2031, 12, 31)), st.integers(0, 1200))
def test_the_date_terms_cover_each_day_of_a_range_once(first: date, length: int) -> None:
    last = first + timedelta(days=length)
    covered: list[date] = []
    for f in calendar(first, last):
        y, m = int(f.value[:4]), int(f.value[4:6] or 1)
        start = date(y, m, int(f.value[6:] or 1))
        end = {
            "y": date(y + 1, 1, 1),
            "m": date(y + m // 12, m % 12 + 1, 1),
            "d": start + timedelta(days=1),
        }[f.kind]
        covered += [start + timedelta(days=i) for i in range((end - start).days)]
    assert covered == [first + timedelta(days=i) for i in range(length + 1)]
    assert len(calendar(first, last)) <= 2 * 31 + 2 * 12 + length // 365 + 2
