"""The conversation log on the local platform: edits keep history, deletes leave
search, attachments are listed, top-level follow-ups join their conversation."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.events import Attachment
from db.models import Conversation, Message, MessageEdit, Question
from db.search import search_messages
from tests.conftest import TestBot


async def _one(bot: TestBot, stmt):  # type: ignore[no-untyped-def]
    assert bot.app.sessions is not None
    async with bot.app.sessions() as s:
        return list((await s.scalars(stmt)).all())


async def test_edit_keeps_history_and_search_follows(testbot: TestBot) -> None:
    p = testbot.platform
    ref = await p.post("ACME", "ANNA", "The reprot export is broken")
    await testbot.settle()
    await p.edit_as("ANNA", ref, "The report export is broken")
    await testbot.settle()
    [msg] = await _one(testbot, select(Message))
    assert msg.text == "The report export is broken" and msg.edited_at is not None
    [edit] = await _one(testbot, select(MessageEdit))
    assert edit.previous_text == "The reprot export is broken"
    assert testbot.app.sessions is not None
    async with testbot.app.sessions() as s:
        assert await search_messages(s, "report")
        assert not await search_messages(s, "reprot")


async def test_delete_marks_and_leaves_search(testbot: TestBot) -> None:
    p = testbot.platform
    ref = await p.post("ACME", "ANNA", "my password is swordfish, can you reset it?")
    await testbot.settle()
    await p.delete_as(ref)
    await testbot.settle()
    [msg] = await _one(testbot, select(Message))
    assert msg.deleted_at is not None  # kept for counts and audit
    assert testbot.app.sessions is not None
    async with testbot.app.sessions() as s:
        assert await search_messages(s, "swordfish") == []


async def test_attachments_are_logged(testbot: TestBot) -> None:
    await testbot.platform.post(
        "ACME",
        "ANNA",
        "Here is the failing file",
        attachments=[Attachment("export.csv", 2048, "text/csv", "https://files.example/1")],
    )
    await testbot.settle()
    [msg] = await _one(testbot, select(Message))
    assert msg.attachments == [
        {"name": "export.csv", "size": 2048, "type": "text/csv", "url": "https://files.example/1"}
    ]


async def test_top_level_follow_up_joins_the_open_question(testbot: TestBot) -> None:
    p = testbot.platform
    await p.post("ACME", "ANNA", "Our invoice export fails with a timeout, can you check?")
    await testbot.settle()
    testbot.clock.advance(timedelta(minutes=1))
    await p.post("ACME", "ANNA", "It started after yesterday's update, the export of invoices")
    await testbot.settle()
    assert len(await _one(testbot, select(Question))) == 1
    convs = await _one(testbot, select(Conversation))
    assert len(convs) == 1 and convs[0].message_count == 2


async def test_top_level_staff_answer_is_the_first_response(testbot: TestBot) -> None:
    p = testbot.platform
    await p.post("ACME", "ANNA", "Why does the invoice export time out for us?")
    await testbot.settle()
    testbot.clock.advance(timedelta(minutes=3))
    await p.post("ACME", "EVE", "Anna, the invoice export timeout is fixed now, please retry")
    await testbot.settle()
    [q] = await _one(testbot, select(Question))
    assert q.state == "answered"
    assert q.first_response_at == testbot.clock.now()


async def test_huge_and_odd_messages_are_kept_not_refused(testbot: TestBot) -> None:
    p = testbot.platform
    await p.post("ACME", "ANNA", "x" * 100_000 + " why does the export fail?")
    await p.post("ACME", "ANNA", "")
    await p.post("ACME", "ANNA", "nul\x00byte and \ud800 lone surrogate? 🙂")
    await p.post("ACME", "ANNA", "‮reversed‬ and zero\u200bwidth")
    await testbot.settle()
    msgs = await _one(testbot, select(Message).order_by(Message.id))
    assert len(msgs) == 4
    assert len(msgs[0].text) <= 40_000
    assert "\x00" not in msgs[2].text and "nul" in msgs[2].text
    assert testbot.app.processor is not None and testbot.app.processor.failures == 0


async def test_a_new_question_the_next_day_is_not_a_follow_up(testbot: TestBot) -> None:
    p = testbot.platform
    ref = await p.post("ACME", "ANNA", "Our invoice export fails with a timeout, can you check?")
    await testbot.settle()
    await p.post("ACME", "EVE", "Looking into the invoice export now", thread=ref)
    await testbot.settle()
    testbot.clock.advance(timedelta(days=1))
    await p.post("ACME", "ANNA", "How do I add a second admin to our invoice account?")
    await testbot.settle()
    assert len(await _one(testbot, select(Question))) == 2
