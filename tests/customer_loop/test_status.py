"""Service status on the local platform: an incident read from a Statuspage
summary links a matching question and posts its updates and resolution into the
question's thread once; staff's incident commands do the same; a bad page is
logged once and retried, never crashing the loop."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import func, select

from db.models import Incident, IncidentUpdate
from handlers.loop_tasks import LoopTasks
from tests.conftest import TestBot
from tests.customer_loop.conftest import LoopBotFactory, answers
from tests.customer_loop.statuspage_server import StatusServer, incident, summary


@pytest.fixture
async def page() -> AsyncIterator[StatusServer]:
    server = StatusServer()
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


def _thread(bot: TestBot, root: str) -> list[str]:
    return [m.text for m in bot.platform.said_to("thread", root)]


async def test_statuspage_incident_links_question_and_posts_resolution(
    loopbot_factory: LoopBotFactory, page: StatusServer
) -> None:
    page.body = summary([incident(("u1", "investigating", "We are looking into API errors."))])
    bot: TestBot = await loopbot_factory(
        status={"statuspage_url": page.url, "poll_interval": "10s"}
    )
    await bot.app.loop_tasks.tick()
    await bot.platform.command("SVEN", "status", channel_id="BOREALIS")
    await bot.settle()
    shown = answers(bot, "SVEN")[-1]
    assert "Elevated API error rates" in shown and "API: 🟠 partial outage" in shown

    asked = await bot.platform.post("BOREALIS", "SVEN", "Is the API down? We get 500 errors.")
    unrelated = await bot.platform.post("ACME", "ANNA", "How do I change the invoice address?")
    await bot.settle()
    thread = _thread(bot, asked.message_id)
    assert any(
        "related to an ongoing incident" in t and "looking into API errors" in t for t in thread
    )
    assert not any("incident" in t for t in _thread(bot, unrelated.message_id))

    page.body = summary(
        [
            incident(
                ("u1", "investigating", "We are looking into API errors."),
                ("u2", "identified", "A faulty deploy; rolling back."),
            )
        ]
    )
    await bot.app.loop_tasks.tick()
    await bot.settle()
    page.body = summary(
        [
            incident(
                ("u1", "investigating", "We are looking into API errors."),
                ("u2", "identified", "A faulty deploy; rolling back."),
                ("u3", "resolved", "Error rates are back to normal."),
                status="resolved",
            )
        ]
    )
    await bot.app.loop_tasks.tick()
    await bot.app.loop_tasks.tick()  # nothing new: nothing said again
    await bot.settle()
    thread = _thread(bot, asked.message_id)
    assert sum("rolling back" in t for t in thread) == 1
    assert sum("is resolved" in t and "back to normal" in t for t in thread) == 1
    page.body = summary()
    await bot.app.loop_tasks.tick()
    await bot.platform.command("SVEN", "status", channel_id="BOREALIS")
    await bot.settle()
    assert "All systems operational" in answers(bot, "SVEN")[-1]


async def test_staff_incident_commands_reach_linked_threads(loopbot: TestBot) -> None:
    p = loopbot.platform
    await p.command("SVEN", "incident open Webhook delivery delays", channel_id="BOREALIS")
    await loopbot.settle()
    assert "staff" in answers(loopbot, "SVEN")[-1]
    await p.command("BOB", "incident open Webhook delivery delays", channel_id="TRIAGE")
    await p.command("BOB", "component Webhooks degraded", channel_id="TRIAGE")
    await loopbot.settle()
    assert "Incident #1 is open" in answers(loopbot, "BOB")[-2]
    asked = await p.post(
        "ACME", "ANNA", "Our webhooks are timing out since this morning, anything going on?"
    )
    await loopbot.settle()
    assert any("incident #1" in t for t in _thread(loopbot, asked.message_id))
    await p.command(
        "BOB", "incident update 1 Queue is draining, delays under 5 minutes.", channel_id="TRIAGE"
    )
    await p.command("BOB", "incident resolve 1 Deliveries are on time again.", channel_id="TRIAGE")
    await loopbot.settle()
    assert "1 linked thread(s) told" in answers(loopbot, "BOB")[-1]
    thread = _thread(loopbot, asked.message_id)
    assert sum("Queue is draining" in t for t in thread) == 1
    assert sum("on time again" in t for t in thread) == 1
    # A customer asking about status with no incident open gets the state at once.
    await p.command("BOB", "component Webhooks operational", channel_id="TRIAGE")
    await loopbot.settle()
    again = await p.post("BOREALIS", "SVEN", "Is the dashboard down for anyone else?")
    await loopbot.settle()
    assert any("All systems operational" in t for t in _thread(loopbot, again.message_id))


async def test_bad_page_is_logged_once_and_retried(
    loopbot_factory: LoopBotFactory, page: StatusServer, caplog: pytest.LogCaptureFixture
) -> None:
    page.status = 503
    bot: TestBot = await loopbot_factory(
        status={"statuspage_url": page.url, "poll_interval": "10s"}
    )
    tasks = bot.app.loop_tasks
    caplog.set_level(logging.DEBUG, logger="handlers.loop_tasks")
    for _ in range(3):
        assert await tasks.poll_once() == -1
    page.status, page.body = 200, "{not json"
    assert await tasks.poll_once() == -1
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 2  # one per distinct error, not one per poll
    page.body = summary([incident(("u1", "investigating", "Looking into it."))])
    # A large page arrives in many chunks and is read whole.
    page.body["components"] += [
        {"id": f"c{i}", "name": f"Region {i:04d} " + "x" * 180, "status": "operational"}
        for i in range(400)
    ]
    assert await tasks.poll_once() > 400
    assert tasks.running  # the loop lives on


async def test_two_workers_polling_at_once_apply_the_page_once(
    loopbot_factory: LoopBotFactory, page: StatusServer
) -> None:
    page.body = summary([incident(("u1", "investigating", "We are looking into API errors."))])
    bot: TestBot = await loopbot_factory(status={"statuspage_url": page.url, "poll_interval": "1h"})
    app = bot.app
    assert app.sessions is not None and app.services is not None
    await app.loop_tasks.stop()  # only the two "workers" below poll
    workers = [LoopTasks(app.sessions, app.services, bot.clock) for _ in range(2)]
    try:
        for _ in range(3):
            page.body["incidents"][0]["incident_updates"].append(
                {
                    "id": f"u{len(page.body['incidents'][0]['incident_updates']) + 1}",
                    "status": "identified",
                    "body": "Still on it.",
                    "created_at": "2026-11-24T08:00:00Z",
                }
            )
            results = await asyncio.gather(*(w.poll_once() for w in workers))
            assert min(results) >= 0  # nobody failed
    finally:
        for w in workers:
            await w.stop()
    async with app.sessions() as s:
        assert await s.scalar(select(func.count()).select_from(Incident)) == 1
        assert await s.scalar(select(func.count()).select_from(IncidentUpdate)) == 4
