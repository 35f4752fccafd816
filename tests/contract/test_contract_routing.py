"""Routing, the same on every platform: who gets a customer's question, and what
the customer is told.

Each scenario shapes its own world (two experts, their hours, time zones and
countries, a clock it moves) and runs on local, Slack and Discord
(tests/contract/conftest.py), on SQLite and PostgreSQL:

1. An on-duty topic expert is chosen over an off-duty better match.
2. A public holiday in the expert's country takes them off duty that day only.
3. An expert at capacity: the next question goes to the second candidate.
4. "Not mine" on the expert's DM hands the question over in one step: the next
   candidate gets the DM and owns the question; the first DM says where it went,
   and the customer's acknowledgement names the new owner.
5. The customer's acknowledgement names the owner and the due time in the
   customer's time zone.
6. An offer nobody takes within `[routing] offer_timeout` moves to the second
   candidate, once (the first expert's DM says where it went and why, the triage
   card and the acknowledgement follow), and with nobody left to the triage
   channel, once.
7. Quiet hours hold a normal-priority DM overnight; when they end, the expert gets
   one DM for everything that waited.
8. An urgent question wakes the expert: raised to urgent, its held DM goes at once.
9. A DM held for a quiet expert goes to someone else who fits as soon as they are
   on duty, when that comes before the quiet ends.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select

from bot.app import App
from bot.clock import FakeClock
from db.models import AuditEntry, Question
from tests.contract.drivers import Driver, ExpertSpec, Role, World

StartDriver = Callable[[World], AbstractAsyncContextManager[Driver]]
# Tuesday 13 January 2026, 08:00 UTC: 10:00 in Helsinki, 03:00 in New York.
TUESDAY = datetime(2026, 1, 13, 8, 0, tzinfo=UTC)
# Monday 12 January 2026, 18:00 UTC: 20:00 in Helsinki, after office hours.
MONDAY_EVENING = datetime(2026, 1, 12, 18, 0, tzinfo=UTC)
# Tuesday 6 January 2026 is Epiphany, a public holiday in Finland and not in the US.
EPIPHANY = datetime(2026, 1, 6, 14, 30, tzinfo=UTC)  # 16:30 Helsinki, 09:30 New York
OFFICE = "Mon-Fri 09:00-17:00"
# While a customer's question is open, live grouping reads their next top-level
# message in a quiet channel as a follow-up of it even a day or a week later (the
# pair model's "new conversation" score loses); only after about a month does it
# start a new conversation. Scenarios that need a second question wait that long.
GROUPS_FOR_A_MONTH = timedelta(days=30)
QUESTION = "How do I rotate my API key?"


def erin(**kw: Any) -> ExpertSpec:
    return ExpertSpec("staff", "Erin", timezone="Europe/Helsinki", country="FI", **kw)


def sam(**kw: Any) -> ExpertSpec:
    return ExpertSpec("second", "Sam", timezone="America/New_York", country="US", **kw)


async def questions(app: App) -> list[Question]:
    assert app.sessions is not None
    async with app.sessions() as session:
        return list((await session.scalars(select(Question).order_by(Question.id))).all())


def qualified(app: App, name: str) -> str:
    """The platform id of the configured expert called `name`."""
    [user] = [e.user for e in app.config.experts if e.name == name]
    return user


def candidate(q: Question, user: str) -> dict[str, Any]:
    [found] = [c for c in q.routing["candidates"] if c["user"] == user]
    return found


async def ask(driver: Driver, text: str = QUESTION) -> Question:
    known = {q.id for q in await questions(driver.app)}
    await driver.post("customer", text)
    await driver.settle()
    [q] = [q for q in await questions(driver.app) if q.id not in known]
    return q


async def answer(driver: Driver, who: Role, q: Question) -> None:
    """`who` answers in the channel: the question is answered but still open (it
    counts as load), and grouping has seen staff reply to it."""
    await driver.post(who, "Go to Settings, then API, then Rotate.")
    await driver.settle()
    [now] = [a for a in await questions(driver.app) if a.id == q.id]
    assert now.state == "answered"


def dm_about(driver: Driver, who: Role, words: str) -> int:
    return sum(words in said.text for said in driver.dms(who))


async def test_an_on_duty_expert_is_chosen_over_an_off_duty_better_match(
    start_driver: StartDriver,
) -> None:
    # Sam owns the account (a better match) but it is 03:00 in New York.
    world = World(
        clock=FakeClock(TUESDAY),
        experts=(erin(hours=OFFICE), sam(hours=OFFICE)),
        owner="second",
    )
    async with start_driver(world) as driver:
        q = await ask(driver)
        erin_id, sam_id = qualified(driver.app, "Erin"), qualified(driver.app, "Sam")
        assert q.routing["assignee"] == erin_id
        off_duty = candidate(q, sam_id)
        assert float(off_duty["score"]) > float(candidate(q, erin_id)["score"])
        assert any("off duty" in r for r in off_duty["reasons"])
        assert dm_about(driver, "staff", "rotate my API key") == 1
        assert driver.dms("second") == []


async def test_a_holiday_in_the_experts_country_is_respected(start_driver: StartDriver) -> None:
    # Erin owns the account and works Tuesday afternoons: only the holiday keeps
    # her off (her reasons say so, and not merely "off duty").
    world = World(
        clock=FakeClock(EPIPHANY), experts=(erin(hours=OFFICE), sam(hours=OFFICE)), owner="staff"
    )
    async with start_driver(world) as driver:
        erin_id, sam_id = qualified(driver.app, "Erin"), qualified(driver.app, "Sam")
        on_holiday = await ask(driver)
        assert on_holiday.routing["assignee"] == sam_id
        better = candidate(on_holiday, erin_id)
        assert float(better["score"]) > float(candidate(on_holiday, sam_id)["score"])
        reasons = better["reasons"]
        assert any("public holiday" in r for r in reasons), reasons
        assert dm_about(driver, "second", "rotate my API key") == 1
        assert driver.dms("staff") == []


async def test_load_moves_the_next_question_to_the_second_candidate(
    start_driver: StartDriver,
) -> None:
    clock = FakeClock(TUESDAY)
    world = World(clock=clock, experts=(erin(capacity=1), sam()), owner="staff")
    async with start_driver(world) as driver:
        erin_id, sam_id = qualified(driver.app, "Erin"), qualified(driver.app, "Sam")
        first = await ask(driver)
        assert first.routing["assignee"] == erin_id
        await answer(driver, "staff", first)  # answered, still open: Erin is at capacity
        clock.advance(GROUPS_FOR_A_MONTH)
        second = await ask(
            driver,
            "Separate thing: the webhook token for staging was revoked, how do we get a new token?",
        )
        assert second.routing["assignee"] == sam_id
        full = candidate(second, erin_id)["reasons"]
        assert any("at capacity" in r for r in full), full
        assert dm_about(driver, "second", "webhook token") == 1
        assert dm_about(driver, "staff", "webhook token") == 0


async def test_not_mine_hands_over_in_one_step(start_driver: StartDriver) -> None:
    world = World(clock=FakeClock(TUESDAY), experts=(erin(), sam()), owner="staff")
    async with start_driver(world) as driver:
        root = await driver.post("customer", QUESTION)
        await driver.settle()
        [q] = await questions(driver.app)
        assert q.routing["assignee"] == qualified(driver.app, "Erin")
        [dm] = driver.dms("staff")
        assert f"question:notmine:{q.id}" in dm.action_ids
        assert driver.dms("second") == []
        await driver.press("staff", f"question:notmine:{q.id}")
        await driver.settle()
        [after] = await questions(driver.app)
        [handed] = driver.dms("second")
        assert "rotate my API key" in handed.text
        assert f"question:claim:{q.id}" in handed.action_ids
        assert after.assignee_id is not None and after.assignee_id != q.assignee_id
        assert qualified(driver.app, "Erin") in after.routing["tried"]
        assert len(driver.dms("staff")) == 1  # Erin is not messaged again
        [erins] = driver.dms("staff")  # her DM says where it went and why
        assert "not theirs" in erins.text and "Sam" in erins.text, erins.text
        [ack] = driver.thread(root)  # the customer is told who has it now
        assert "Sam" in ack.text and "Erin" not in ack.text, ack.text


async def test_the_acknowledgement_shows_owner_and_due_time_in_the_customers_zone(
    start_driver: StartDriver,
) -> None:
    world = World(
        clock=FakeClock(TUESDAY),
        experts=(erin(),),  # Helsinki, around the clock
        customer_timezone="America/New_York",
    )
    async with start_driver(world) as driver:
        root = await driver.post("customer", QUESTION)
        await driver.settle()
        [q] = await questions(driver.app)
        assert q.routing["assignee"] == qualified(driver.app, "Erin")
        [ack] = driver.thread(root)
        # Asked 08:00 UTC with 30 minutes to a first response: 03:30 in New York.
        assert "Erin" in ack.text, ack.text
        assert "03:30 (New York time)" in ack.text, ack.text
        assert "Helsinki" not in ack.text and "UTC" not in ack.text


async def sweep(driver: Driver) -> None:
    """What the sweeper does at the clock's time; twice, as a second sweeper or a
    restart would: nothing is decided or said twice."""
    for _ in range(2):
        await driver.app.sweeper.sweep_all()
    await driver.settle()


async def audit(app: App, action: str) -> list[AuditEntry]:
    assert app.sessions is not None
    async with app.sessions() as session:
        rows = await session.scalars(select(AuditEntry).where(AuditEntry.action == action))
        return list(rows.all())


def expert_dms(driver: Driver, who: Role) -> list[str]:
    """DMs offering questions (not SLA warnings or breaches, which are never held)."""
    return [
        said.text
        for said in driver.dms(who)
        if not any(
            sla in said.text.split("\n")[0]
            for sla in ("SLA breached", "Reply due soon", "Resolution overdue")
        )
    ]


async def test_an_offer_nobody_takes_moves_to_the_next_candidate_once(
    start_driver: StartDriver,
) -> None:
    clock = FakeClock(TUESDAY)
    world = World(
        clock=clock,
        experts=(erin(), sam()),
        owner="staff",
        routing={"offer_timeout": "10m"},
    )
    async with start_driver(world) as driver:
        erin_id, sam_id = qualified(driver.app, "Erin"), qualified(driver.app, "Sam")
        root = await driver.post("customer", QUESTION)
        await driver.settle()
        [q] = await questions(driver.app)
        assert q.routing["assignee"] == erin_id
        clock.advance(timedelta(minutes=9))
        await sweep(driver)
        assert driver.dms("second") == []  # not yet: the offer still runs

        clock.advance(timedelta(minutes=2))
        await sweep(driver)
        [handed] = driver.dms("second")
        assert "rotate my API key" in handed.text
        assert f"question:claim:{q.id}" in handed.action_ids
        [erins] = driver.dms("staff")  # edited in place, not a second message
        assert "moved on" in erins.text and "Not taken within 10m" in erins.text, erins.text
        assert "Sam" in erins.text and erins.edits >= 1
        [after] = await questions(driver.app)
        assert after.assignee_id != q.assignee_id and erin_id in after.routing["tried"]
        [ack] = driver.thread(root)
        assert "Sam" in ack.text and "Erin" not in ack.text, ack.text
        [card] = driver.triage()  # edited: Sam owns it, and the reasons are his
        assert "Sam" in card.text and "Erin" not in card.text and card.edits >= 1, card.text
        [moved] = await audit(driver.app, "question.offer_timeout")
        assert moved.detail["moved_from"] == erin_id and moved.detail["moved_to"] == sam_id

        # Sam does not take it either: nobody is left, so it goes to triage, once.
        clock.advance(timedelta(minutes=11))
        await sweep(driver)
        clock.advance(timedelta(minutes=1))
        await sweep(driver)
        nobody = [t for t in driver.triage() if "Nobody has taken" in t.text]
        assert len(nobody) == 1, [t.text for t in driver.triage()]
        assert len(await audit(driver.app, "question.offer_timeout")) == 2
        assert len(driver.dms("second")) == 1 and "moved on" in driver.dms("second")[0].text
        assert len(driver.dms("staff")) == 1


async def test_an_offer_taken_in_time_stays(start_driver: StartDriver) -> None:
    clock = FakeClock(TUESDAY)
    world = World(
        clock=clock, experts=(erin(), sam()), owner="staff", routing={"offer_timeout": "10m"}
    )
    async with start_driver(world) as driver:
        q = await ask(driver)
        await driver.press("staff", f"question:claim:{q.id}")
        await driver.settle()
        clock.advance(timedelta(minutes=20))
        await sweep(driver)
        assert driver.dms("second") == []
        assert await audit(driver.app, "question.offer_timeout") == []


async def test_quiet_hours_hold_the_dm_and_deliver_one_in_the_morning(
    start_driver: StartDriver,
) -> None:
    # Erin works 09:00-17:00 in Helsinki; Sam answers billing only, so nobody else
    # fits. Two questions come in the evening, five hours apart (a new conversation).
    clock = FakeClock(MONDAY_EVENING)
    world = World(
        clock=clock,
        experts=(erin(hours=OFFICE), sam(hours="24/7", topics=("billing",))),
        routing={"quiet": {"wake_for": ["urgent", "high"]}},
    )
    async with start_driver(world) as driver:
        first = await ask(driver)
        assert first.routing["assignee"] == qualified(driver.app, "Erin")
        clock.advance(timedelta(hours=5))  # 01:00 in Helsinki
        second = await ask(
            driver, "Separate thing: the webhook token for staging was revoked, how do we get one?"
        )
        assert second.routing["assignee"] == qualified(driver.app, "Erin")
        assert expert_dms(driver, "staff") == []
        assert len(await audit(driver.app, "routing.dm_held")) == 2

        clock.set(datetime(2026, 1, 13, 6, 59, tzinfo=UTC))  # 08:59 in Helsinki
        await sweep(driver)
        assert expert_dms(driver, "staff") == []

        clock.advance(timedelta(minutes=2))  # 09:01: her day starts
        await sweep(driver)
        [digest] = expert_dms(driver, "staff")
        assert "2 questions waited" in digest, digest
        assert "rotate my API key" in digest and "webhook token" in digest
        [said] = [d for d in driver.dms("staff") if d.text == digest]
        assert {f"question:claim:{first.id}", f"question:claim:{second.id}"} <= set(said.action_ids)
        assert len(await audit(driver.app, "routing.dm_released")) == 2
        assert expert_dms(driver, "second") == []


async def test_an_urgent_question_wakes_the_expert(start_driver: StartDriver) -> None:
    clock = FakeClock(MONDAY_EVENING)
    world = World(
        clock=clock,
        experts=(erin(hours=OFFICE), sam(hours="24/7", topics=("billing",))),
        routing={"quiet": {"wake_for": ["urgent"]}},
    )
    async with start_driver(world) as driver:
        q = await ask(driver)
        assert expert_dms(driver, "staff") == []
        await driver.command("second", f"priority {q.id} urgent")
        await driver.settle()
        [dm] = expert_dms(driver, "staff")
        assert "rotate my API key" in dm
        clock.set(datetime(2026, 1, 13, 7, 1, tzinfo=UTC))  # the morning: nothing again
        await sweep(driver)
        assert len(expert_dms(driver, "staff")) == 1


def evening_world(clock: FakeClock, customer_priority: str) -> World:
    return World(
        clock=clock,
        experts=(erin(hours=OFFICE), sam(hours="24/7", topics=("billing",))),
        routing={"quiet": {"wake_for": ["urgent", "high"]}},
        customer_priority=customer_priority,
    )


async def test_a_high_priority_account_wakes_the_expert(start_driver: StartDriver) -> None:
    # The account's priority is what its questions open with: a high-priority
    # customer's evening question reaches Erin at once.
    async with start_driver(evening_world(FakeClock(MONDAY_EVENING), "high")) as driver:
        q = await ask(driver)
        assert q.priority == "high"
        [dm] = expert_dms(driver, "staff")
        assert "rotate my API key" in dm


async def test_a_low_priority_accounts_question_waits_for_the_morning(
    start_driver: StartDriver,
) -> None:
    clock = FakeClock(MONDAY_EVENING)
    async with start_driver(evening_world(clock, "low")) as driver:
        q = await ask(driver)
        assert q.priority == "low"
        assert expert_dms(driver, "staff") == []
        assert len(await audit(driver.app, "routing.dm_held")) == 1
        clock.set(datetime(2026, 1, 13, 7, 1, tzinfo=UTC))  # 09:01 in Helsinki
        await sweep(driver)
        [dm] = expert_dms(driver, "staff")
        assert "rotate my API key" in dm


async def test_a_held_question_goes_to_whoever_fits_and_wakes_first(
    start_driver: StartDriver,
) -> None:
    # Monday 20:00 UTC: Erin (Helsinki, the owner) and Sam (Tokyo) are both off.
    # Sam's day starts at 00:00 UTC, Erin's at 07:00 UTC.
    clock = FakeClock(MONDAY_EVENING + timedelta(hours=2))
    tokyo = ExpertSpec("second", "Sam", timezone="Asia/Tokyo", country="JP", hours=OFFICE)
    world = World(
        clock=clock,
        experts=(erin(hours=OFFICE), tokyo),
        owner="staff",
        routing={"quiet": {}},
    )
    async with start_driver(world) as driver:
        root = await driver.post("customer", QUESTION)
        await driver.settle()
        [q] = await questions(driver.app)
        assert q.routing["assignee"] == qualified(driver.app, "Erin")
        clock.set(datetime(2026, 1, 12, 23, 59, tzinfo=UTC))
        await sweep(driver)
        assert expert_dms(driver, "staff") == [] and expert_dms(driver, "second") == []

        clock.set(datetime(2026, 1, 13, 0, 1, tzinfo=UTC))  # 09:01 in Tokyo
        await sweep(driver)
        [dm] = expert_dms(driver, "second")
        assert "rotate my API key" in dm
        assert expert_dms(driver, "staff") == []  # Erin sleeps on
        [moved] = await audit(driver.app, "routing.rerouted_quiet")
        assert "Erin is in quiet hours" in (moved.reason or "")
        [ack] = driver.thread(root)
        assert "Sam" in ack.text, ack.text
        clock.set(datetime(2026, 1, 13, 7, 1, tzinfo=UTC))  # Erin's morning: nothing for her
        await sweep(driver)
        assert expert_dms(driver, "staff") == []
