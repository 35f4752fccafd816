"""Offers in storage, on SQLite and PostgreSQL: with three sweepers (each its own
engine, as on three workers) over one database, every timed-out offer moves on once
and every held DM goes out once, and a restart (a fresh sweeper) finds nothing left."""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from bot.app import App
from bot.clock import FakeClock
from bot.config import parse_config
from bot.settings import Settings
from db.engine import make_engine, make_sessionmaker
from db.models import AuditEntry, OutboxMessage, Question, RoutingHold
from handlers.sweeper import Sweeper
from integrations.local import LocalPlatform

N = 8  # questions, each in a channel of its own (so each is its own conversation)
# Monday 12 January 2026, 18:00 UTC: 20:00 in Helsinki, after Eve's hours.
EVENING = datetime(2026, 1, 12, 18, 0, tzinfo=UTC)
MORNING = datetime(2026, 1, 13, 7, 1, tzinfo=UTC)  # 09:01 Helsinki
CHANNELS = [f"C{i}" for i in range(N)]


def config(routing: dict[str, object], eve_hours: str) -> dict[str, object]:
    return {
        "support": {"timezone": "UTC", "hours": "24/7", "triage_channel": "local:TRIAGE"},
        "customers": [
            {"name": "Acme Oy", "tier": "gold", "channels": [f"local:{c}" for c in CHANNELS]}
        ],
        "experts": [
            {
                "user": "local:EVE",
                "name": "Eve",
                "topics": ["api"],
                "timezone": "Europe/Helsinki",
                "hours": eve_hours,
                "capacity": 50,
            },
            {
                "user": "local:BOB",
                "name": "Bob",
                "topics": ["api"],
                "timezone": "Europe/Helsinki",
                "hours": "Mon-Sun 00:00-24:00",
                "capacity": 50,
            },
        ],
        "people": [{"user": "local:EVE", "role": "staff"}, {"user": "local:BOB", "role": "staff"}],
        "topics": [{"name": "api", "keywords": ["api", "key", "token"]}],
        "sla": [{"tier": "*", "calendar": "24/7", "first_response": "8h"}],
        "routing": routing,
    }


@dataclass
class Running:
    app: App
    clock: FakeClock
    db_url: str
    platform: LocalPlatform


Start = Callable[[dict[str, object], datetime], AbstractAsyncContextManager[Running]]


@pytest.fixture
def start(db_url: str) -> Start:
    @asynccontextmanager
    async def go(raw: dict[str, object], at: datetime) -> AsyncIterator[Running]:
        clock = FakeClock(at)
        platform = LocalPlatform(clock=clock)
        platform.add_user("ANNA", "Anna (Acme)")
        platform.add_user("EVE", "Eve", staff=True, timezone="Europe/Helsinki")
        platform.add_user("BOB", "Bob", staff=True, timezone="Europe/Helsinki")
        settings = replace(Settings(), database_url=db_url, sweep_interval=3600)
        app = App(settings, parse_config(raw), clock=clock, platforms={"local": platform})
        await app.start()
        try:
            for i, channel in enumerate(CHANNELS):
                await platform.post(channel, "ANNA", f"How do I rotate API key number {i}?")
            await app.wait_idle(60)
            yield Running(app, clock, db_url, platform)
        finally:
            await app.stop()

    return go


async def fleet(run: Running, workers: int = 3) -> list[int]:
    """Sweepers with their own engines, all at once, at the clock's time."""
    assert run.app.services is not None
    engines = [make_engine(run.db_url) for _ in range(workers)]
    try:
        sweepers = [
            Sweeper(make_sessionmaker(e), run.app.services, run.clock, batch_size=3)
            for e in engines
        ]
        return list(await asyncio.gather(*(s.sweep_all() for s in sweepers)))
    finally:
        for e in engines:
            await e.dispose()


async def count(run: Running, stmt: object) -> int:
    assert run.app.sessions is not None
    async with run.app.sessions() as s:
        return int(await s.scalar(stmt) or 0)  # type: ignore[call-overload]


async def audits(run: Running, action: str) -> Counter[str]:
    assert run.app.sessions is not None
    async with run.app.sessions() as s:
        rows = await s.scalars(select(AuditEntry.subject).where(AuditEntry.action == action))
        return Counter(rows.all())


async def test_three_sweepers_move_each_timed_out_offer_once(start: Start) -> None:
    raw = config({"offer_timeout": "10m"}, "Mon-Sun 00:00-24:00")
    async with start(raw, EVENING) as run:
        assert run.app.sessions is not None
        async with run.app.sessions() as s:
            qs = (await s.scalars(select(Question))).all()
        assert len(qs) == N and all(q.offer_due_at is not None for q in qs)
        first = Counter(q.routing["assignee"] for q in qs)
        run.clock.advance(timedelta(minutes=11))
        await fleet(run)
        moved = await audits(run, "question.offer_timeout")
        assert len(moved) == N and set(moved.values()) == {1}
        # Each question's DM to its second candidate was queued once (the key says so,
        # and so does the count of rows for the person it moved to).
        dms = await count(
            run,
            select(func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.purpose == "expert_dm"),
        )
        assert dms == 2 * N
        edits = await count(
            run,
            select(func.count())
            .select_from(OutboxMessage)
            .where(OutboxMessage.key.like("question.offer_timeout:%:moved")),
        )
        assert edits == N
        async with run.app.sessions() as s:
            after = (await s.scalars(select(Question))).all()
        assert all(q.assignee_id is not None for q in after)
        assert Counter(q.routing["tried"][0] for q in after) == first
        # A restart (a fresh fleet) at the same instant finds nothing to do.
        await fleet(run, workers=2)
        assert sum((await audits(run, "question.offer_timeout")).values()) == N


async def test_three_sweepers_deliver_held_dms_once_as_one_digest(start: Start) -> None:
    raw = config({"quiet": {"wake_for": ["urgent"]}}, "Mon-Fri 09:00-17:00")
    raw["experts"] = [raw["experts"][0]]  # type: ignore[index]  # Eve alone, off duty
    async with start(raw, EVENING) as run:
        held = await count(run, select(func.count()).select_from(RoutingHold))
        assert held == N
        dm = select(func.count()).select_from(OutboxMessage)
        assert await count(run, dm.where(OutboxMessage.purpose == "expert_dm")) == 0
        run.clock.set(MORNING - timedelta(minutes=2))
        await fleet(run)
        assert await count(run, dm.where(OutboxMessage.purpose == "expert_dm")) == 0
        run.clock.set(MORNING)
        await fleet(run)
        released = await audits(run, "routing.dm_released")
        assert len(released) == N and set(released.values()) == {1}
        assert run.app.sessions is not None
        async with run.app.sessions() as s:
            [digest] = (
                await s.scalars(select(OutboxMessage).where(OutboxMessage.purpose == "expert_dm"))
            ).all()
            holds = (await s.scalars(select(RoutingHold))).all()
        assert digest.key.startswith("held:local:EVE:")
        assert digest.message["title"] == f"{N} questions waited while you were off"
        assert len(digest.message["buttons"]) == N
        assert all(h.released_at is not None and h.outcome == "digest" for h in holds)
        await fleet(run, workers=2)
        assert sum((await audits(run, "routing.dm_released")).values()) == N


async def test_low_priority_dms_by_day_go_out_as_one_digest_per_window(start: Start) -> None:
    # Both on duty and awake; low-priority DMs are collected for 30 minutes.
    raw = config({"quiet": {"batch_low": "30m"}}, "Mon-Sun 00:00-24:00")
    async with start(raw, EVENING) as run:
        assert run.app.sessions is not None
        async with run.app.sessions() as s:
            qs = (await s.scalars(select(Question).order_by(Question.id))).all()
        owners = {q.id: q.routing["assignee"] for q in qs}
        # Two questions of one owner, so both are passed to the same next person.
        first, second = [q for q in qs if owners[q.id] == owners[qs[0].id]][:2]
        sent = select(func.count()).select_from(OutboxMessage)
        dms_before = await count(run, sent.where(OutboxMessage.purpose == "expert_dm"))
        assert dms_before == N  # normal priority: offered at once
        # Two questions become low priority and are passed on, five minutes apart.
        for q in (first, second):
            owner = owners[q.id].split(":")[1]
            await run.platform.command(owner, f"priority {q.id} low")
            await run.platform.press(owner, f"question:pass:{q.id}")
            await run.app.wait_idle(30)
            run.clock.advance(timedelta(minutes=5))
        holds = await count(
            run, select(func.count()).select_from(RoutingHold).where(RoutingHold.reason == "batch")
        )
        assert holds == 2
        assert await count(run, sent.where(OutboxMessage.purpose == "expert_dm")) == dms_before
        async with run.app.sessions() as s:
            windows = set((await s.scalars(select(RoutingHold.release_at))).all())
        assert windows == {EVENING + timedelta(minutes=30)}  # the second joined the first

        run.clock.set(EVENING + timedelta(minutes=29))
        await fleet(run)
        assert await count(run, sent.where(OutboxMessage.purpose == "expert_dm")) == dms_before
        run.clock.set(EVENING + timedelta(minutes=30))
        await fleet(run)
        async with run.app.sessions() as s:
            new = (
                await s.scalars(
                    select(OutboxMessage)
                    .where(OutboxMessage.purpose == "expert_dm")
                    .order_by(OutboxMessage.id.desc())
                )
            ).first()
        assert new is not None and new.key.startswith("held:local:")
        assert new.message["title"] == "2 low-priority questions for you"
        assert await count(run, sent.where(OutboxMessage.purpose == "expert_dm")) == dms_before + 1


async def test_a_new_priority_re_times_the_running_offer(start: Start) -> None:
    raw = config(
        {"offer_timeout": "30m", "offer_timeouts": {"urgent": "5m"}}, "Mon-Sun 00:00-24:00"
    )
    async with start(raw, EVENING) as run:
        assert run.app.sessions is not None
        async with run.app.sessions() as s:
            q = (await s.scalars(select(Question).order_by(Question.id))).first()
        assert q is not None and q.offer_due_at == EVENING + timedelta(minutes=30)
        run.clock.advance(timedelta(minutes=6))
        owner = q.routing["assignee"].split(":")[1]
        await run.platform.command(owner, f"priority {q.id} urgent")
        await run.app.wait_idle(30)
        async with run.app.sessions() as s:
            again = await s.get(Question, q.id)
        assert again is not None and again.offer_due_at == EVENING + timedelta(minutes=5)
        await fleet(run)
        assert await audits(run, "question.offer_timeout") == Counter({f"question:{q.id}": 1})
