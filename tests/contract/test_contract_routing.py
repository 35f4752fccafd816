"""Routing, the same on every platform: who gets a customer's question, and what
the customer is told.

Each scenario shapes its own world (two experts, their hours, time zones and
countries, a clock it moves) and runs on local, Slack and Discord
(tests/contract/conftest.py), on SQLite and PostgreSQL:

1. An on-duty topic expert is chosen over an off-duty better match.
2. A public holiday in the expert's country takes them off duty that day only.
3. An expert at capacity: the next question goes to the second candidate.
4. "Not mine" on the expert's DM hands the question over in one step: the next
   candidate gets the DM and owns the question.
5. The customer's acknowledgement names the owner and the due time in the
   customer's time zone.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select

from bot.app import App
from bot.clock import FakeClock
from db.models import Question
from tests.contract.drivers import Driver, ExpertSpec, Role, World

StartDriver = Callable[[World], AbstractAsyncContextManager[Driver]]
# Tuesday 13 January 2026, 08:00 UTC: 10:00 in Helsinki, 03:00 in New York.
TUESDAY = datetime(2026, 1, 13, 8, 0, tzinfo=UTC)
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
        q = await ask(driver)
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
