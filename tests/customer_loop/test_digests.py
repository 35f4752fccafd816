"""Digests on the local platform: the weekly customer digest and the daily staff
digest post on their schedule once per period, and their numbers equal the
archive's (computed here from the stored questions and messages)."""

from __future__ import annotations

import statistics
from datetime import timedelta

from sqlalchemy import select

from db.models import Message, Question
from tests.conftest import TestBot
from tests.customer_loop.conftest import LoopBotFactory, answers


def _fields(bot: TestBot, channel: str, title: str) -> list[dict[str, str]]:
    return [
        {f.label: f.value for f in m.msg.fields}
        for m in bot.platform.said_to("channel", channel)
        if m.msg is not None and m.msg.title == title
    ]


async def _archive(bot: TestBot, customer_id: int) -> tuple[int, int, float, int]:
    """Asked, answered, median minutes to the first staff message in the thread, open."""
    assert bot.app.sessions is not None
    async with bot.app.sessions() as s:
        qs = (await s.scalars(select(Question).where(Question.customer_id == customer_id))).all()
        waits = []
        for q in qs:
            staff = await s.scalar(
                select(Message.created_at)
                .where(
                    Message.conversation_id == q.conversation_id,
                    Message.author_is_staff.is_(True),
                    Message.created_at > q.created_at,
                )
                .order_by(Message.created_at)
                .limit(1)
            )
            if staff is not None:
                waits.append((staff - q.created_at).total_seconds() / 60)
        still = sum(1 for q in qs if q.state not in ("resolved", "dismissed"))
        return len(qs), len(waits), statistics.median(waits), still


async def test_weekly_and_daily_digests_match_the_archive(loopbot_factory: LoopBotFactory) -> None:
    # T0 is Tuesday 10:00 in Helsinki: staff's digest is due at 12:00, the week's at 12:30.
    bot: TestBot = await loopbot_factory(
        digests={"customer_weekly": "Tue 12:30", "staff_daily": "12:00"}
    )
    p = bot.platform
    q1 = await p.post("ACME", "ANNA", "How do I download last month's invoice?")
    await p.command("ANNA", "idea Export invoices to CSV", channel_id="ACME")
    await bot.settle()
    bot.clock.advance(timedelta(minutes=10))  # 10:10
    await p.post("ACME", "EVE", "It is under Billing > Invoices.", thread=q1)
    await p.post("ACME", "ANNA", "Thanks, that fixed it!", thread=q1)
    await bot.settle()
    bot.clock.advance(timedelta(minutes=30))  # 10:40
    q2 = await p.post("ACME", "ANNA", "Why does the API return 401 for my new token?")
    await bot.settle()
    bot.clock.advance(timedelta(minutes=30))  # 11:10
    await p.post("ACME", "BOB", "The token needs the api scope.", thread=q2)
    await p.post("ACME", "ANNA", "Thanks, that fixed it!", thread=q2)
    bot.clock.advance(timedelta(minutes=10))  # 11:20
    await p.post("ACME", "ANNA", "Can we add a second billing contact to our account?")
    await bot.settle()
    bot.clock.advance(timedelta(minutes=45))  # 12:05
    await bot.app.loop_tasks.tick()  # staff's 12:00 slot has come; the week's has not
    await bot.settle()
    assert _fields(bot, "ACME", "Weekly digest") == []
    (staff,) = _fields(bot, "TRIAGE", "Daily staff digest")
    assert staff["Open"] == "1" and staff["Oldest"].startswith("#3 (Acme Oy), 45m old")
    assert staff["Unowned"] == "0"

    bot.clock.advance(timedelta(minutes=30))  # 12:35
    await bot.app.loop_tasks.tick()
    await bot.app.loop_tasks.tick()  # once per period, however often it ticks
    await bot.settle()
    (week,) = _fields(bot, "ACME", "Weekly digest")
    assert _fields(bot, "BOREALIS", "Weekly digest") != []
    assert len(_fields(bot, "TRIAGE", "Daily staff digest")) == 1

    n_asked, n_answered, median_min, still_open = await _archive(bot, customer_id=1)
    assert (n_asked, n_answered, still_open) == (3, 2, 1)
    assert median_min == 20  # 10 and 30 minutes
    assert int(week["Questions asked"]) == n_asked
    assert int(week["Answered"]) == n_answered
    assert week["Median first response"] == f"{round(median_min)}m"
    assert int(week["Still open"]) == still_open
    digest = next(
        m.text for m in p.said_to("channel", "ACME") if m.msg and m.msg.title == "Weekly digest"
    )
    assert "idea #1 you voted for: new" in digest
    assert "still open: #3 with Eve" in digest

    # The same content on demand; a customer sees their own organisation only.
    await p.command("ANNA", "digest", channel_id="ACME")
    await p.command("ANNA", "digest staff", channel_id="ACME")
    await p.command("LEAD", "digest staff")
    await bot.settle()
    told = answers(bot, "ANNA")
    assert "Your week with us, Acme Oy" in told[-2] and "staff only" in told[-1]
    assert any(
        m.msg and m.msg.title == "Daily staff digest"
        for m in p.sent
        if m.to and m.to.user_id == "LEAD"
    )
