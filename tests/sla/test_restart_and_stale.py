"""Clocks survive restarts: due steps fire once, marked late, on the first tick after
start. Conversations waiting on the customer are nudged, closed, and reopened."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import func, select

from bot.clock import FakeClock
from db.models import AuditEntry
from handlers.sla_stale import CLOSE_TEXT
from tests.conftest import T0, TestBot
from tests.sla.conftest import local_platform, make_app
from tests.sla.helpers import audit, escalations, questions, sweep, warnings

ASKS = [
    "Why was our invoice charged twice this month? Can you check?",
    "How do I rotate the API token for our webhook endpoint?",
    "Can you send the billing payment receipt for October?",
]


async def test_after_a_restart_every_due_step_fires_once_within_one_tick(db_url: str) -> None:
    clock = FakeClock(T0)
    platform = local_platform(clock)
    app = make_app(db_url, clock, platform)
    await app.start()
    for channel, text in zip(("ACME", "ACME2", "ACME3"), ASKS, strict=True):
        await platform.post(channel, "ANNA", text)
    await app.wait_idle()
    assert len(await questions(TestBot(app, platform, clock))) == len(ASKS)
    await app.stop()
    # Down for two hours: warning, breach and all four steps fell due meanwhile.
    clock.advance(timedelta(hours=2))
    platform2 = local_platform(clock)
    app2 = make_app(db_url, clock, platform2)
    await app2.start()  # sweep interval is an hour: only the start-up tick runs
    try:
        assert app2.sessions is not None
        async with asyncio.timeout(20):
            while True:
                async with app2.sessions() as s:
                    n = await s.scalar(
                        select(func.count())
                        .select_from(AuditEntry)
                        .where(AuditEntry.action == "sla.escalated")
                    )
                if n == 4 * len(ASKS):
                    break
                await asyncio.sleep(0.05)
        await app2.wait_idle()
        bot = TestBot(app2, platform2, clock)
        sent = escalations(platform2)
        assert len(sent) == 4 * len(ASKS)
        assert all("noticed late" in text for _, _, text in sent)
        assert warnings(platform2) == []  # a warning after the breach would be noise
        qs = await questions(bot)
        assert all(q.breach_late and q.breaches == 1 and q.escalation_step == 4 for q in qs)
        breached = await audit(bot, "sla.breached")
        assert len(breached) == len(ASKS) and all(a.detail["late"] for a in breached)
        await sweep(bot, times=3)
        assert len(escalations(platform2)) == 4 * len(ASKS)
        assert len(await audit(bot, "sla.escalated")) == 4 * len(ASKS)
    finally:
        await app2.stop()


async def test_waiting_on_customer_is_nudged_closed_and_reopened(slabot: TestBot) -> None:
    p, clock = slabot.platform, slabot.clock
    ref = await p.post("ACME", "ANNA", ASKS[0])
    await slabot.settle()
    clock.advance(timedelta(minutes=5))
    await p.post("ACME", "EVE", "Which invoice number is it, could you paste it here?", thread=ref)
    await slabot.settle()
    thread = ref.message_id
    said_before = len(p.said_to("thread", thread))
    clock.advance(timedelta(days=2, hours=23))
    await sweep(slabot)
    assert len(p.said_to("thread", thread)) == said_before
    clock.advance(timedelta(hours=1, minutes=1))
    await sweep(slabot)
    nudges = p.said_to("thread", thread)[said_before:]
    assert len(nudges) == 1 and "still something you need help with" in nudges[0].text
    clock.advance(timedelta(days=4))
    await sweep(slabot)
    closing = p.said_to("thread", thread)[said_before + 1 :]
    assert [m.text for m in closing] == [CLOSE_TEXT]
    [q] = await questions(slabot)
    assert q.state == "resolved" and q.stale_closed_at is not None
    assert q.resolved_by is None and escalations(p) == []
    await sweep(slabot)
    assert len(p.said_to("thread", thread)) == said_before + 2
    clock.advance(timedelta(days=1))
    await p.post("ACME", "ANNA", "Sorry, I was away. It is INV-2231.", thread=ref)
    await slabot.settle()
    [q] = await questions(slabot)
    assert q.state == "reopened" and q.clock_state == "running" and q.response_kind == "next"
    assert [a.reason for a in await audit(slabot, "question.reopened")] == ["customer replied"]
    assert len(await audit(slabot, "question.closed_stale")) == 1
