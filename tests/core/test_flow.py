"""One customer message, the whole way, on the local platform."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from bot.refs import MessageRef
from db.models import AuditEntry, Question
from tests.conftest import TestBot


async def _questions(bot: TestBot) -> list[Question]:
    assert bot.app.sessions is not None
    async with bot.app.sessions() as s:
        return list((await s.scalars(select(Question).order_by(Question.id))).all())


async def test_question_is_raised_to_expert_and_customer_is_acknowledged(testbot: TestBot) -> None:
    p = testbot.platform
    ref = await p.post("ACME", "ANNA", "How do I download last month's invoice as a PDF?")
    await testbot.settle()
    [q] = await _questions(testbot)
    assert q.state == "open"
    dms = p.said_to("dm", "EVE")
    assert len(dms) == 1
    assert dms[0].msg is not None and "invoice" in (dms[0].msg.quote or "")
    assert any(b.action_id == f"question:claim:{q.id}" for b in dms[0].msg.buttons)
    [ack] = p.said_to("thread", ref.message_id)
    assert "Eve" in ack.text and "Helsinki time" in ack.text
    assert len(p.said_to("channel", "TRIAGE")) == 1


async def test_chatter_does_not_become_a_question(testbot: TestBot) -> None:
    await testbot.platform.post("ACME", "ANNA", "good morning everyone!")
    await testbot.platform.post("ACME", "ANNA", "haha nice")
    await testbot.settle()
    assert await _questions(testbot) == []
    assert testbot.platform.sent == []


async def test_staff_reply_is_first_response_and_thanks_resolves(testbot: TestBot) -> None:
    p = testbot.platform
    ref = await p.post("ACME", "ANNA", "The export to CSV fails since this morning, can you check?")
    await testbot.settle()
    testbot.clock.advance(timedelta(minutes=5))
    await p.post("ACME", "EVE", "Looking at it, fixed now, please retry.", thread=ref)
    await testbot.settle()
    [q] = await _questions(testbot)
    assert q.state == "answered"
    assert q.first_response_at == testbot.clock.now()
    testbot.clock.advance(timedelta(minutes=5))
    await p.post("ACME", "ANNA", "Thanks, that fixed it!", thread=ref)
    await testbot.settle()
    [q] = await _questions(testbot)
    assert q.state == "resolved"


async def _answered(bot: TestBot, reply: str) -> MessageRef:
    """ANNA reports a failing export, EVE answers in the thread; then ANNA's reply."""
    p = bot.platform
    ref = await p.post("ACME", "ANNA", "The export to CSV fails since this morning, can you check?")
    await bot.settle()
    bot.clock.advance(timedelta(minutes=5))
    await p.post("ACME", "EVE", "Fixed on our side, please retry.", thread=ref)
    await bot.settle()
    bot.clock.advance(timedelta(minutes=5))
    await p.post("ACME", "ANNA", reply, thread=ref)
    await bot.settle()
    return ref


async def test_thanks_that_defers_keeps_the_question_answered_without_a_clock(
    testbot: TestBot,
) -> None:
    ref = await _answered(testbot, "Thanks, I'll try that tomorrow morning")
    [q] = await _questions(testbot)
    assert q.state == "answered"  # not resolved before they tried
    assert q.clock_state == "met"  # and no staff reply is owed
    testbot.clock.advance(timedelta(hours=20))
    await testbot.platform.post("ACME", "ANNA", "thanks, that did the trick!", thread=ref)
    await testbot.settle()
    [q] = await _questions(testbot)
    assert q.state == "resolved"


async def test_still_not_resolved_after_an_answer_keeps_the_question_open(
    testbot: TestBot,
) -> None:
    ref = await _answered(testbot, "the export is still not resolved")
    [q] = await _questions(testbot)
    assert q.state == "answered" and q.resolved_at is None
    assert q.last_customer_message_at == testbot.clock.now()  # a follow-up, not a thanks
    thread = testbot.platform.said_to("thread", ref.message_id)
    assert not thread[-1].text.startswith("How did we do")


async def test_cards_say_why_detection_flagged_the_message(testbot: TestBot) -> None:
    p = testbot.platform
    await p.post("ACME", "ANNA", "the invoice export fails since this morning")
    await testbot.settle()
    [q] = await _questions(testbot)
    [card] = p.said_to("channel", "TRIAGE")
    [dm] = p.said_to("dm", "EVE")
    for sent in (card, dm):
        assert sent.msg is not None
        why = {f.label: f.value for f in sent.msg.fields}["Why flagged"]
        assert why == f"problem, {q.score:.2f}: reports a problem", why
    await p.press("EVE", f"question:notq:{q.id}")
    await testbot.settle()
    [q] = await _questions(testbot)
    assert q.state == "dismissed"
    assert card.current is not None  # the dismissed card still says why it was raised
    assert any(f.label == "Why flagged" for f in card.current.fields)


async def test_a_question_addressed_to_a_colleague_opens_nothing(testbot: TestBot) -> None:
    p = testbot.platform
    p.add_user("MIKKO", "Mikko (Acme)")
    await p.post("ACME", "MIKKO", "morning all")
    await testbot.settle()
    await p.post("ACME", "ANNA", "<@MIKKO> can you check our SSO settings in the admin panel?")
    await testbot.settle()
    assert await _questions(testbot) == []
    assert p.sent == []  # no acknowledgement, no DM, no triage card
    # Addressed to the supplier's staff, or to someone Presence never saw: a question.
    testbot.clock.advance(timedelta(hours=5))
    await p.post("ACME", "ANNA", "<@EVE> can you check why the CSV export fails?")
    testbot.clock.advance(timedelta(hours=5))
    await p.post("ACME", "ANNA", "<@NOBODY> can you check why the invoice is missing?")
    await testbot.settle()
    assert len(await _questions(testbot)) == 2


async def test_follow_up_in_thread_does_not_open_second_question(testbot: TestBot) -> None:
    p = testbot.platform
    ref = await p.post("ACME", "ANNA", "Can you add my colleague to the beta program?")
    await p.post("ACME", "ANNA", "Also, is there a limit on how many users can join?", thread=ref)
    await testbot.settle()
    assert len(await _questions(testbot)) == 1


async def test_take_button_claims_and_updates_cards_in_place(testbot: TestBot) -> None:
    p = testbot.platform
    await p.post("ACME", "ANNA", "Why was I charged twice on the latest invoice?")
    await testbot.settle()
    [q] = await _questions(testbot)
    await p.press("BOB", f"question:claim:{q.id}")
    await testbot.settle()
    [q] = await _questions(testbot)
    assert q.state == "acknowledged"
    [card] = p.said_to("channel", "TRIAGE")
    assert card.current is not None
    assert any(f.label == "Owner" and f.value == "Bob" for f in card.current.fields)
    assert len(p.said_to("channel", "TRIAGE")) == 1  # edited, not re-posted


async def test_customer_cannot_press_staff_buttons(testbot: TestBot) -> None:
    p = testbot.platform
    await p.post("ACME", "ANNA", "How do I rotate my API token?")
    await testbot.settle()
    [q] = await _questions(testbot)
    await p.press("ANNA", f"question:claim:{q.id}")
    await testbot.settle()
    [q] = await _questions(testbot)
    assert q.state == "open"
    refusal = [m for m in p.sent if m.to is not None and m.to.kind == "ephemeral"]
    assert refusal and "Only staff" in refusal[-1].text


async def test_every_state_change_is_audited(testbot: TestBot) -> None:
    p = testbot.platform
    ref = await p.post("ACME", "ANNA", "Is there a way to export all invoices at once?")
    await testbot.settle()
    await p.react_as("EVE", ref, "white_check_mark")
    await testbot.settle()
    assert testbot.app.sessions is not None
    async with testbot.app.sessions() as s:
        actions = list((await s.scalars(select(AuditEntry.action).order_by(AuditEntry.id))).all())
        n = await s.scalar(select(func.count()).select_from(Question))
    assert n == 1
    assert actions[0] == "question.opened"
    assert "question.resolved" in actions


async def test_expert_dm_shows_similar_resolved_questions_with_their_answers(
    testbot: TestBot,
) -> None:
    p = testbot.platform
    ref = await p.post("ACME", "ANNA", "How do I download the invoice PDF for March?")
    await testbot.settle()
    await p.post("ACME", "EVE", "Billing > Invoices > March > Download PDF", thread=ref)
    await p.react_as("EVE", ref, "white_check_mark")
    await testbot.settle()
    testbot.clock.advance(timedelta(days=1))
    await p.post("BOREALIS", "SVEN", "Where can I download an invoice PDF?")
    await testbot.settle()
    dms = [m for m in p.sent if m.to is not None and m.to.kind == "dm" and m.msg is not None]
    latest = dms[-1].msg
    assert latest is not None and "invoice" in (latest.quote or "").lower()
    similar = [f for f in latest.fields if f.label.startswith("Similar")]
    assert similar and "Download PDF" in similar[0].value and "Eve" in similar[0].value
