"""Retention purges exactly the message text past each customer's limit, and with
it every copy, while counts and response times stay."""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import timedelta

from sqlalchemy import select

from bot.app import App
from bot.clock import FakeClock
from bot.config import parse_config
from bot.settings import Settings
from db.data_rights.metrics import customer_metrics
from db.models import InboxEvent, Message, MessageEdit, Question
from db.search import search_messages
from handlers.retention import RetentionSweeper
from integrations.local import LocalPlatform
from tests.conftest import T0, TestBot
from tests.data_rights.conftest import dr_config_dict, dump_database

DAY = timedelta(days=1)
SECOND = timedelta(seconds=1)


async def test_retention_purges_exactly_what_is_past_the_limit(drbot: TestBot) -> None:
    p, now = drbot.platform, drbot.clock.now()
    acme_cut, default_cut = now - 10 * DAY, now - 30 * DAY
    cases = {
        # (channel, author, words, written at) -> purged?
        ("ACME", "EVE", "nebula note from staff about the mismatch", acme_cut - 3 * DAY): True,
        ("ACME", "ANNA", "quasar invoice mismatch, could you check it?", acme_cut - SECOND): True,
        ("ACME", "EVE", "zenith note from staff, right at the limit", acme_cut + SECOND): False,
        ("ACME", "ANNA", "pulsar question about the API limits today?", acme_cut + DAY): False,
        ("BOREALIS", "SVEN", "comet question about VAT handling?", default_cut - SECOND): True,
        ("BOREALIS", "SVEN", "meteor question about export formats?", acme_cut - DAY): False,
    }
    refs = {}
    for (channel, who, words, at), _ in cases.items():
        refs[words] = await p.post(channel, who, words, at=at)
    await drbot.settle()
    await p.edit_as(
        "ANNA", refs["quasar invoice mismatch, could you check it?"], "quasar edited text"
    )
    await drbot.settle()
    sessions = drbot.app.sessions
    assert sessions is not None
    async with sessions() as s:
        before = [await customer_metrics(s, c) for c in ("Acme Oy", "Borealis AB")]
    data = dr_config_dict(default_days=30)
    data["customers"][0]["retention_days"] = 10
    sweeper = RetentionSweeper(sessions, parse_config(data), drbot.clock, batch_size=2)
    result = await sweeper.sweep()
    assert result.messages == 3

    async with sessions() as s:
        rows = {m.id: m for m in (await s.scalars(select(Message))).all()}
        texts = [m.text for m in rows.values()]
        for (_, _, words, _), purged in cases.items():
            key = words.split()[0]
            assert any(key in t for t in texts) is not purged, words
            assert bool(await search_messages(s, key)) is not purged, words
        edits = (await s.scalars(select(MessageEdit))).all()
        assert [e.previous_text for e in edits] == [""]
        questions = (await s.scalars(select(Question))).all()
        assert questions  # detection made questions of some of them
        for q in questions:  # a summary goes exactly when its message's text goes
            assert (q.summary == "") == (rows[q.message_id].text == ""), q.summary
        events = [e.payload for e in (await s.scalars(select(InboxEvent))).all()]
        after = [await customer_metrics(s, c) for c in ("Acme Oy", "Borealis AB")]
    assert len(rows) == len(cases)  # no row deleted
    dump = await dump_database(drbot)
    for word in ("quasar", "nebula", "comet"):
        assert word not in dump, word
    assert any("pulsar" in str(e) for e in events)
    assert [(m.questions, m.first_responses) for m in after] == [
        (m.questions, m.first_responses) for m in before
    ]
    # A second sweep finds nothing left to do.
    assert (await sweeper.sweep()).messages == 0


async def test_the_running_app_sweeps_when_a_limit_is_set(db_url: str) -> None:
    clock = FakeClock(T0)
    platform = LocalPlatform(clock=clock)
    platform.add_user("SVEN", "Sven (Borealis)")
    settings = replace(Settings(), database_url=db_url, sweep_interval=3600)
    config = parse_config(dr_config_dict(default_days=30))
    app = App(settings, config, clock=clock, platforms={"local": platform})
    await app.start()
    try:
        await platform.post("BOREALIS", "SVEN", "galaxy question from long ago?", at=T0 - 40 * DAY)
        await platform.post("BOREALIS", "SVEN", "recent question about invoices?", at=T0 - DAY)
        await app.wait_idle(30)
        assert app.retention is not None
        assert app.sessions is not None
        texts: list[str] = []
        for _ in range(200):
            app.retention.wake()
            await asyncio.sleep(0.05)
            async with app.sessions() as s:
                texts = list((await s.scalars(select(Message.text).order_by(Message.id))).all())
            if "" in texts:
                break
        assert texts == ["", "recent question about invoices?"]
    finally:
        await app.stop()
