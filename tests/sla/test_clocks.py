"""The clocks on a running Presence with a controllable clock, on SQLite and PostgreSQL:
warning, breach, every escalation step once, a staff reply stopping the chain,
pause/resume, next response, resolution breach."""

from __future__ import annotations

from datetime import timedelta

from db.models import Question, QuestionHold
from handlers.sla_clocks import pause, resume
from tests.conftest import TestBot
from tests.sla.helpers import audit, escalations, questions, sweep, warnings, with_question

INVOICE_Q = "Why was our invoice charged twice this month? Can you check?"


async def test_warning_then_each_escalation_step_exactly_once(slabot: TestBot) -> None:
    p, clock = slabot.platform, slabot.clock
    await p.post("ACME", "ANNA", INVOICE_Q)
    await slabot.settle()
    [q] = await questions(slabot)
    assert q.clock_state == "running"
    clock.advance(timedelta(minutes=22))
    await sweep(slabot)
    assert warnings(p) == []
    clock.advance(timedelta(minutes=1))  # 23m: past 75% of 30m
    await sweep(slabot)
    assert warnings(p) == ["EVE"]
    clock.advance(timedelta(minutes=7, seconds=30))  # 30m30s: breached
    await sweep(slabot)
    assert [(k, who) for k, who, _ in escalations(p)] == [("dm", "EVE")]
    expected = [("dm", "EVE"), ("dm", "BOB"), ("dm", "LEAD"), ("channel", "TRIAGE")]
    for n in range(2, 5):
        clock.advance(timedelta(minutes=5))
        await sweep(slabot)
        assert len(escalations(p)) == n - 1  # not yet
        clock.advance(timedelta(minutes=5))
        await sweep(slabot)
        assert [(k, who) for k, who, _ in escalations(p)] == expected[:n]
    clock.advance(timedelta(hours=2))
    await sweep(slabot)
    assert [(k, who) for k, who, _ in escalations(p)] == expected
    assert escalations(p)[-1][2].startswith("@support-leads ")
    assert warnings(p) == ["EVE"]
    steps = [a.detail["step"] for a in await audit(slabot, "sla.escalated")]
    assert steps == [1, 2, 3, 4]
    assert len(await audit(slabot, "sla.breached")) == 1
    assert not any("noticed late" in text for _, _, text in escalations(p))
    [q] = await questions(slabot)
    assert q.clock_state == "breached" and q.breaches == 1 and q.next_due_at is not None


async def test_staff_reply_or_resolve_stops_the_chain(slabot: TestBot) -> None:
    p, clock = slabot.platform, slabot.clock
    replied = await p.post("ACME", "ANNA", INVOICE_Q)
    resolved = await p.post("ACME2", "ANNA", "How do I rotate the API token for our webhook?")
    await slabot.settle()
    clock.advance(timedelta(minutes=31))
    await sweep(slabot)
    assert len(escalations(p)) == 2  # step 1 of each
    clock.advance(timedelta(minutes=2))
    await p.post(
        "ACME", "EVE", "Sorry for the wait: the duplicate is refunded now.", thread=replied
    )
    await p.react_as("BOB", resolved, "white_check_mark")
    await slabot.settle()
    clock.advance(timedelta(hours=3))
    await sweep(slabot)
    assert len(escalations(p)) == 2
    stops = await audit(slabot, "sla.chain_stopped")
    assert sorted((a.actor, a.reason, a.detail["steps_run"]) for a in stops) == [
        ("local:BOB", "resolved", 1),
        ("local:EVE", "staff replied", 1),
    ]
    first, second = await questions(slabot)
    assert first.clock_state == "met" and first.ttfr_s == 33 * 60
    assert second.state == "resolved" and second.next_due_at is None and second.ttr_s == 33 * 60


async def test_staff_question_pauses_and_customer_reply_resumes_next_response(
    slabot: TestBot,
) -> None:
    p, clock = slabot.platform, slabot.clock
    ref = await p.post("ACME", "ANNA", INVOICE_Q)
    await slabot.settle()
    [q] = await questions(slabot)
    resolution_due = q.resolution_due
    assert resolution_due is not None
    clock.advance(timedelta(minutes=5))
    await p.post("ACME", "EVE", "Could you send me the invoice number, please?", thread=ref)
    await slabot.settle()
    [q] = await questions(slabot)
    assert q.clock_state == "paused" and q.pause_reason == "staff asked the customer"
    clock.advance(timedelta(days=2))  # Thursday: the resolution target has passed, paused
    await sweep(slabot)
    assert p.sent[-1].msg is None or "overdue" not in (p.sent[-1].msg.title or "")
    assert escalations(p) == []
    await p.post("ACME", "ANNA", "Sure, it is INV-2231.", thread=ref)
    await slabot.settle()
    [q] = await questions(slabot)
    assert q.clock_state == "running" and q.response_kind == "next"
    assert q.next_response_due == clock.now() + timedelta(hours=1)
    # Paused two full business days: the resolution target moved by them.
    assert q.resolution_due is not None and q.resolution_due > resolution_due + timedelta(days=1)
    assert q.paused_s == 18 * 3600
    clock.advance(timedelta(minutes=46))
    await sweep(slabot)
    assert warnings(p) == ["EVE"]
    [warning] = [m for m in p.said_to("dm", "EVE") if "Reply due soon" in (m.msg.title or "")]
    assert "due 11:05" in warning.text  # the next response's due time (Thursday, Helsinki)
    clock.advance(timedelta(minutes=15))
    await sweep(slabot)
    assert [(k, who) for k, who, _ in escalations(p)] == [("dm", "EVE")]
    actions = [a.detail.get("clock") for a in await audit(slabot, "sla.escalated")]
    assert actions == ["next"]
    assert [a.reason for a in await audit(slabot, "sla.resumed")] == ["customer replied"]


async def test_pause_and_resume_functions_keep_business_time_left(slabot: TestBot) -> None:
    p, clock = slabot.platform, slabot.clock
    await p.post("ACME", "ANNA", INVOICE_Q)
    await slabot.settle()
    [q] = await questions(slabot)
    clock.advance(timedelta(minutes=10))
    said = await with_question(slabot, q.id, lambda ctx, q: pause(ctx, q, "local:EVE", "wait"))
    assert "paused" in said
    again = await with_question(slabot, q.id, lambda ctx, q: pause(ctx, q, "local:EVE", "x"))
    assert "already" in again
    clock.advance(timedelta(hours=3))
    await sweep(slabot)
    assert warnings(p) == [] and escalations(p) == []
    await with_question(slabot, q.id, lambda ctx, q: resume(ctx, q, "local:EVE", "back"))
    [q] = await questions(slabot)
    assert q.clock_state == "running"
    assert q.first_response_due == clock.now() + timedelta(minutes=20)
    assert q.warn_due == clock.now() + timedelta(minutes=12, seconds=30)
    assert [a.actor for a in await audit(slabot, "sla.paused")] == ["local:EVE"]


async def test_resolution_breach_is_reported_once(slabot: TestBot) -> None:
    p, clock = slabot.platform, slabot.clock
    ref = await p.post("ACME", "ANNA", INVOICE_Q)
    await slabot.settle()
    clock.advance(timedelta(minutes=5))
    await p.post("ACME", "EVE", "I'm on it, will report back today.", thread=ref)
    await slabot.settle()
    clock.advance(timedelta(days=2))  # past Wednesday 17:00 (2 business days)
    await sweep(slabot)
    clock.advance(timedelta(hours=1))
    await sweep(slabot)
    overdue = [m for m in p.sent if m.msg and (m.msg.title or "").startswith("Resolution overdue")]
    assert sorted((m.to.kind if m.to else "") for m in overdue) == ["channel", "dm"]
    [q] = await questions(slabot)
    assert q.resolution_breached_at is not None and q.breaches == 1


async def test_a_snooze_holds_the_chain_back_until_it_ends(slabot: TestBot) -> None:
    p, clock = slabot.platform, slabot.clock
    await p.post("ACME", "ANNA", INVOICE_Q)
    await slabot.settle()
    [q] = await questions(slabot)
    until = clock.now() + timedelta(minutes=45)
    assert slabot.app.sessions is not None
    async with slabot.app.sessions.begin() as s:  # what `/presence snooze 45m` stores
        s.add(QuestionHold(question_id=q.id, kind="snooze", until=until, set_by="local:EVE",
                           set_at=clock.now()))  # fmt: skip
        row = await s.get(Question, q.id)
        assert row is not None
        row.next_due_at = until
    clock.advance(timedelta(minutes=35))  # breached at 30m, but snoozed
    await sweep(slabot)
    assert escalations(p) == [] and warnings(p) == []
    clock.advance(timedelta(minutes=11))  # 46m: the snooze is over; steps 1 and 2 are due
    await sweep(slabot)
    assert [who for _, who, _ in escalations(p)] == ["EVE", "BOB"]
    assert not any("noticed late" in text for _, _, text in escalations(p))
    assert len(await audit(slabot, "question.snooze_ended")) == 1
