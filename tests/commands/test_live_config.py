"""Chat changes to configuration apply at once, without a restart, in the worker
that took the command and in another worker on the same database (SQLite and
PostgreSQL): the next question gets the new SLA target, the new tier, the new
expert set-up, the newly watched channel."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from db.engine import make_engine, make_sessionmaker
from db.inbox import pending_count
from db.models import Person, Question
from handlers.commands.overrides import all_overrides, overrides_version, store
from tests.commands.conftest import ask, cmd, question, questions, start_bot
from tests.conftest import T0, TestBot

# Past the grouping's idle limit (a new conversation, not a follow-up), still inside
# Tuesday's business hours in Helsinki (T0 is 10:00 there).
NEXT_DAY_PART = timedelta(hours=4, minutes=1)


@pytest.fixture
async def two(db_url: str) -> AsyncIterator[tuple[TestBot, TestBot]]:
    """Two workers on one database, each with its own platform connection."""
    first = await start_bot(db_url)
    second = await start_bot(db_url)
    # The local platform numbers its events from 1: the second worker's must not
    # look like redeliveries of the first's.
    second.platform._ids = itertools.count(1_000_000)
    try:
        yield first, second
    finally:
        await second.app.stop()
        await first.app.stop()


def _first_response_after(q: Question) -> timedelta:
    assert q.first_response_due is not None
    return q.first_response_due - q.created_at


async def test_sla_set_applies_to_the_next_question_without_a_restart(db_url: str) -> None:
    bot = await start_bot(db_url)
    try:
        before = await question(bot, await ask(bot))
        assert _first_response_after(before) == timedelta(minutes=30)  # the file's gold target
        answer = await cmd(bot, "ADMIN", "sla set gold first_response 2h")
        assert "from now on" in answer
        bot.clock.advance(NEXT_DAY_PART)
        after = await question(bot, await ask(bot, "How do I rotate the API token for prod?"))
        assert after.id != before.id
        assert _first_response_after(after) == timedelta(hours=2)
        assert after.sla["first_response_s"] == 7200  # the policy stored on the question
        # The earlier question keeps the target it was opened with.
        assert _first_response_after(await question(bot, before.id)) == timedelta(minutes=30)
        shown = await cmd(bot, "LEAD", "config show")
        assert "sla gold (business): first 2h _(chat: local:ADMIN" in shown
    finally:
        await bot.app.stop()


async def cmd_on(bots: tuple[TestBot, TestBot], user: str, text: str) -> str:
    """`/presence <text>` through the first worker's platform; either worker may
    handle it (they share the inbox and the outbox): the one answer, wherever sent."""
    first, second = bots
    before = [len(b.platform.sent) for b in bots]
    await first.platform.command(user, text)
    for b in bots:
        await b.settle()
    answers = [
        m.text
        for b, n in zip(bots, before, strict=True)
        for m in b.platform.sent[n:]
        if m.to is not None and m.to.kind == "ephemeral" and m.to.user_id == user
    ]
    assert len(answers) == 1, answers
    return answers[0]


async def only_second_handles(bots: tuple[TestBot, TestBot]) -> None:
    """From here on the first worker handles no event: what follows shows what the
    second worker, which never ran the commands, knows."""
    processor = bots[0].app.processor
    assert processor is not None
    await processor.stop()


async def test_another_worker_applies_sla_and_tier_changes_at_its_next_batch(
    two: tuple[TestBot, TestBot],
) -> None:
    first, second = two
    assert "from now on" in await cmd_on(two, "ADMIN", "sla set standard first_response 1h")
    assert "tier is now standard" in await cmd_on(two, "LEAD", "customer set tier Acme Oy standard")
    await only_second_handles(two)
    await second.platform.post("ACME", "ANNA", "How do I download last month's invoice as a PDF?")
    await second.settle()
    [q] = await questions(second)
    assert q.sla["tier"] == "standard" and q.sla["first_response_s"] == 3600
    assert _first_response_after(q) == timedelta(hours=1)
    assert second.app.overrides.reloads >= 1


async def _assignee(bot: TestBot, q: Question) -> str | None:
    assert bot.app.sessions is not None and q.assignee_id is not None
    async with bot.app.sessions() as s:
        person = await s.get(Person, q.assignee_id)
        return None if person is None else person.qualified


async def test_another_worker_routes_by_the_expert_changes_at_once(
    two: tuple[TestBot, TestBot],
) -> None:
    first, second = two
    # Eve (billing) is away and Bob takes billing: the next invoice question goes to Bob.
    assert "Eve is away" in await cmd_on(two, "LEAD", "expert away on <@EVE>")
    assert "billing" in await cmd_on(two, "LEAD", "expert topics <@BOB> billing invoices api")
    await only_second_handles(two)
    await second.platform.post("ACME", "ANNA", "How do I download last month's invoice as a PDF?")
    await second.settle()
    [q] = await questions(second)
    assert await _assignee(second, q) == "local:BOB"


async def test_another_worker_opens_questions_in_a_channel_watched_from_chat(
    two: tuple[TestBot, TestBot],
) -> None:
    first, second = two
    await cmd_on(two, "ADMIN", "watch <#INITECH|initech-support> customer=Initech")
    await only_second_handles(two)
    await second.platform.post("INITECH", "ANNA", "How do I download last month's invoice?")
    await second.settle()
    [q] = await questions(second)
    assert q.customer_id is not None


async def test_sla_set_applies_to_the_next_event_of_the_same_batch(db_url: str) -> None:
    bot = await start_bot(db_url)
    try:
        processor, sessions, ingest = bot.app.processor, bot.app.sessions, bot.app.ingest
        assert processor is not None and sessions is not None and ingest is not None
        await processor.stop()  # both events wait, then are handled in one batch
        await bot.platform.command("ADMIN", "sla set gold first_response 2h")
        await bot.platform.post("ACME", "ANNA", "How do I download last month's invoice?")
        for _ in range(500):
            async with sessions() as s:
                if not ingest.queued and await pending_count(s) == 2:
                    break
            await asyncio.sleep(0.01)
        assert await processor.process_batch()
        async with sessions() as s:
            assert await pending_count(s) == 0  # one batch took both
        [q] = await questions(bot)
        assert _first_response_after(q) == timedelta(hours=2)
    finally:
        await bot.app.stop()


async def test_two_workers_first_changes_at_once_both_count(db_url: str) -> None:
    """The version row's first insert and its increments under concurrency: the
    second transaction waits for the first, and no increment is lost."""
    engine = make_engine(db_url)
    sessions = make_sessionmaker(engine)
    try:
        async with sessions.begin() as first:
            await store(first, "sla:gold", "first_response", 3600, by="local:A", now=T0)

            async def second_change() -> None:
                async with sessions.begin() as second:
                    await store(second, "sla:*", "resolution", 7200, by="local:B", now=T0)

            waiting = asyncio.create_task(second_change())
            await asyncio.sleep(0.3)  # the second is blocked on the first's row or lock
            assert not waiting.done()
        await asyncio.wait_for(waiting, 30)
        async with sessions() as s:
            assert await overrides_version(s) == 2
            assert len(await all_overrides(s)) == 2  # the version row is not listed
    finally:
        await engine.dispose()
