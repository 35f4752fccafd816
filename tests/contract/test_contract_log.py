"""The conversation log, the same on every platform: an edit, a delete, an
attachment and a top-level follow-up end up right in the archive.

Each scenario runs on local, Slack and Discord (tests/contract/conftest.py), on
SQLite and PostgreSQL, and reads the database through the running App.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select

from bot.app import App
from bot.clock import FakeClock
from bot.events import Attachment
from db.models import Conversation, Message, MessageEdit, Question
from db.search import search_messages
from tests.contract.drivers import Driver, World

StartDriver = Callable[[World], AbstractAsyncContextManager[Driver]]
TUESDAY = datetime(2026, 1, 13, 8, 0, tzinfo=UTC)


async def rows(app: App, model: Any) -> list[Any]:
    assert app.sessions is not None
    async with app.sessions() as session:
        return list((await session.scalars(select(model).order_by(model.id))).all())


async def found(app: App, words: str) -> list[str]:
    """Platform ids of the messages archive search finds for `words`."""
    assert app.sessions is not None
    async with app.sessions() as session:
        return [h.platform_message_id for h in await search_messages(session, words)]


async def test_an_edit_keeps_the_old_text_and_search_follows_the_new(driver: Driver) -> None:
    posted = await driver.post("customer", "The reprot export shows a blank page")
    await driver.settle()
    await driver.edit("customer", posted, "The quarterly report export shows a blank page")
    await driver.settle()
    [msg] = await rows(driver.app, Message)
    assert msg.platform_message_id == posted.id
    assert msg.text == "The quarterly report export shows a blank page"
    assert msg.edited_at is not None and msg.edited_at >= msg.created_at
    [edit] = await rows(driver.app, MessageEdit)
    assert edit.message_id == msg.id
    assert edit.previous_text == "The reprot export shows a blank page"
    assert await found(driver.app, "quarterly") == [posted.id]
    assert await found(driver.app, "reprot") == []


async def test_a_deleted_message_stays_marked_and_leaves_search(driver: Driver) -> None:
    kept = await driver.post("customer", "Our swordfish dashboard is fine today")
    gone = await driver.post("customer", "my password is swordfish, can you reset it?")
    await driver.settle()
    assert sorted(await found(driver.app, "swordfish")) == sorted([kept.id, gone.id])
    await driver.delete(gone)
    await driver.settle()
    by_id = {m.platform_message_id: m for m in await rows(driver.app, Message)}
    assert set(by_id) == {kept.id, gone.id}  # the row stays, for counts and audit
    assert by_id[gone.id].deleted_at is not None
    assert by_id[kept.id].deleted_at is None
    assert await found(driver.app, "swordfish") == [kept.id]


async def test_an_attachment_is_listed_with_name_size_type_and_link(driver: Driver) -> None:
    sent = Attachment("export.csv", 2048, "text/csv", "https://files.example.test/export.csv")
    posted = await driver.post("customer", "Here is the failing export", attachments=[sent])
    await driver.settle()
    [msg] = await rows(driver.app, Message)
    assert msg.platform_message_id == posted.id
    assert msg.attachments == [
        {
            "name": "export.csv",
            "size": 2048,
            "type": "text/csv",
            "url": "https://files.example.test/export.csv",
        }
    ]


async def test_a_top_level_follow_up_joins_and_a_top_level_answer_responds(
    start_driver: StartDriver,
) -> None:
    clock = FakeClock(TUESDAY)
    async with start_driver(World(clock=clock)) as driver:
        await driver.post("customer", "Our invoice export fails with a timeout, can you check?")
        await driver.settle()
        [q] = await rows(driver.app, Question)
        clock.advance(timedelta(minutes=1))
        follow = await driver.post(
            "customer", "It started after yesterday's update, the export of invoices"
        )
        await driver.settle()
        assert len(await rows(driver.app, Question)) == 1  # no second question
        [conv] = await rows(driver.app, Conversation)
        assert conv.id == q.conversation_id and conv.message_count == 2
        msgs = {m.platform_message_id: m for m in await rows(driver.app, Message)}
        assert msgs[follow.id].conversation_id == q.conversation_id
        assert len(driver.triage()) == 1  # one card: nothing announced twice
        [before] = await rows(driver.app, Question)
        assert before.first_response_at is None
        clock.advance(timedelta(minutes=2))
        answer = await driver.post(
            "staff", "The invoice export timeout is fixed now, please retry the export"
        )
        await driver.settle()
        [after] = await rows(driver.app, Question)
        msgs = {m.platform_message_id: m for m in await rows(driver.app, Message)}
        assert msgs[answer.id].conversation_id == q.conversation_id
        assert after.first_response_at == msgs[answer.id].created_at
        assert after.first_response_at is not None
        assert abs(after.first_response_at - clock.now()) < timedelta(seconds=1)
        assert after.state == "answered"
