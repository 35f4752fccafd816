"""Reading what the SLA machinery did: questions, audit rows, escalation messages."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from bot.clock import FakeClock
from bot.context import Context
from db.models import AuditEntry, Question
from integrations.local import LocalPlatform
from tests.conftest import TestBot


async def questions(bot: TestBot) -> list[Question]:
    assert bot.app.sessions is not None
    async with bot.app.sessions() as s:
        return list((await s.scalars(select(Question).order_by(Question.id))).all())


async def audit(bot: TestBot, action: str) -> list[AuditEntry]:
    assert bot.app.sessions is not None
    async with bot.app.sessions() as s:
        rows = await s.scalars(
            select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.id)
        )
        return list(rows.all())


def escalations(p: LocalPlatform) -> list[tuple[str, str, str]]:
    """(kind, who, text) of every breach message sent, in order."""
    out = []
    for m in p.sent:
        if m.msg is not None and (m.msg.title or "").startswith("SLA breached") and m.to:
            out.append((m.to.kind, m.to.user_id or m.to.channel_id or "", m.msg.text))
    return out


def warnings(p: LocalPlatform) -> list[str]:
    return [
        (m.to.user_id or m.to.channel_id or "")
        for m in p.sent
        if m.msg is not None and (m.msg.title or "").startswith("Reply due soon") and m.to
    ]


async def sweep(bot: TestBot, times: int = 2) -> None:
    """Sweep (more than once: repeats must change nothing) and deliver."""
    for _ in range(times):
        await bot.app.sweeper.sweep_all()
    await bot.settle()


async def with_question(bot: TestBot, qid: int, fn: Any) -> Any:
    """Run fn(ctx, question) in one unit of work, as a command handler would."""
    assert bot.app.sessions is not None and bot.app.services is not None
    clock = bot.clock
    assert isinstance(clock, FakeClock)
    async with bot.app.sessions.begin() as s:
        q = await s.get(Question, qid)
        ctx = Context(session=s, services=bot.app.services, now=clock.now())
        return fn(ctx, q)
