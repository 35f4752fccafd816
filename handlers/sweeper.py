"""The SLA sweeper: clocks are data (due times on the question), so a restart or a
second worker loses nothing. Each tick claims the questions that are due
(FOR UPDATE SKIP LOCKED on PostgreSQL) and takes the next step for each: the
pre-breach warning, then the escalation chain, each step once."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import cards
from bot.clock import Clock
from bot.context import Context
from bot.durations import format_duration
from bot.outgoing import Destination, OutgoingMessage
from bot.refs import UserRef, parse_qualified
from bot.services import Services
from bot.tasks import Waker, cancel_and_wait
from db.dialect import locks_rows
from db.directory import person_by_qualified
from db.models import Expert, Person, Question
from db.models.question import OPEN_STATES
from handlers.questions import view_of

log = logging.getLogger(__name__)

# A tick that finds a step overdue by more than this reports it as "noticed late".
LATE_AFTER_S = 120


class Sweeper:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        services: Services,
        clock: Clock,
        *,
        interval: float = 5.0,
        batch_size: int = 200,
        on_said: Callable[[], None] = lambda: None,
    ):
        self._sessions = sessions
        self._services = services
        self._clock = clock
        self._interval = interval
        self._batch_size = batch_size
        self._on_said = on_said
        self._waker = Waker()
        self._task: asyncio.Task[None] | None = None
        self.steps = 0

    def wake(self) -> None:
        self._waker.wake()

    def start(self) -> None:
        self._task = asyncio.create_task(self._run(), name="presence-sweeper")

    async def stop(self) -> None:
        await cancel_and_wait(self._task)
        self._task = None

    async def _run(self) -> None:
        while True:
            try:
                while await self.sweep() >= self._batch_size:
                    pass
            except Exception:
                log.exception("sweeper: tick failed; retrying next interval")
            await self._waker.sleep(self._interval)

    async def sweep(self) -> int:
        """One tick; returns how many questions it handled."""
        now = self._clock.now()
        said = 0
        async with self._sessions.begin() as session:
            stmt = (
                select(Question)
                .where(Question.state.in_(OPEN_STATES), Question.next_due_at <= now)
                .order_by(Question.next_due_at)
                .limit(self._batch_size)
            )
            if locks_rows(session):
                stmt = stmt.with_for_update(skip_locked=True)
            due: Sequence[Question] = (await session.scalars(stmt)).all()
            ctx = Context(session=session, services=self._services, now=now)
            for q in due:
                await self._step(ctx, q)
            said = ctx.said
        if said:
            self._on_said()
        return len(due)

    async def _step(self, ctx: Context, q: Question) -> None:
        now = ctx.now
        if q.first_response_at is not None or q.first_response_due is None:
            q.next_due_at = None
            return
        chain: list[str] = list(q.sla.get("escalation", ["assignee", "backup", "lead", "triage"]))
        if q.warned_at is None and q.warn_due is not None and now < q.first_response_due:
            q.warned_at = now
            q.next_due_at = q.first_response_due
            await self._warn(ctx, q)
            self.steps += 1
            return
        if q.breached_at is None:
            q.breached_at = now
            q.warned_at = q.warned_at or now
            ctx.audit("system", "sla.breached", f"question:{q.id}", "first response overdue")
        step = q.escalation_step
        if step >= len(chain):
            q.next_due_at = None
            return
        late = (now - q.first_response_due).total_seconds() > LATE_AFTER_S and step == 0
        q.escalation_step = step + 1
        # Later steps follow at a tenth of the target each (at least 5 minutes).
        target_s = max(300.0, float(q.sla.get("first_response_s", 3600)) / 10)
        q.next_due_at = now + timedelta(seconds=target_s)
        await self._escalate(ctx, q, chain[step], late)
        self.steps += 1

    async def _warn(self, ctx: Context, q: Question) -> None:
        assert q.first_response_due is not None
        left = format_duration(q.first_response_due - ctx.now)
        ctx.audit("system", "sla.warning", f"question:{q.id}", f"{left} left")
        if q.assignee_id is None:
            await self._to_triage(ctx, q, "warn", cards.warning(await view_of(ctx, q), left))
            return
        assignee = await ctx.session.get(Person, q.assignee_id)
        assert assignee is not None
        view = await view_of(ctx, q, reader_tz=assignee.timezone)
        await ctx.say(
            f"q{q.id}:warn",
            Destination.dm(UserRef(assignee.platform, assignee.platform_id)),
            cards.warning(view, left),
            purpose="sla_warning",
            question_id=q.id,
        )

    async def _escalate(self, ctx: Context, q: Question, step: str, late: bool) -> None:
        targets = await self._step_targets(ctx, q, step)
        view = await view_of(ctx, q)
        msg = cards.breach(view, step, late, ctx.now)
        ctx.audit(
            "system",
            "sla.escalated",
            f"question:{q.id}",
            f"step {q.escalation_step}: {step}" + (" (late)" if late else ""),
            targets=[p.qualified for p in targets],
        )
        if step == "triage" or not targets:
            await self._to_triage(ctx, q, f"esc{q.escalation_step}", msg)
            return
        for person in targets:
            await ctx.say(
                f"q{q.id}:esc{q.escalation_step}:{person.qualified}",
                Destination.dm(UserRef(person.platform, person.platform_id)),
                msg,
                purpose="escalation",
                question_id=q.id,
            )

    async def _step_targets(self, ctx: Context, q: Question, step: str) -> list[Person]:
        session = ctx.session
        if step == "assignee" and q.assignee_id:
            p = await session.get(Person, q.assignee_id)
            return [p] if p else []
        if step == "backup" and q.assignee_id:
            expert = await session.scalar(select(Expert).where(Expert.person_id == q.assignee_id))
            if expert and expert.backup:
                p = await person_by_qualified(session, expert.backup)
                return [p] if p else []
            return []
        if step == "lead":
            leads = []
            for qualified in self._services.config.support.leads:
                p = await person_by_qualified(session, qualified)
                if p:
                    leads.append(p)
            return leads
        return []

    async def _to_triage(self, ctx: Context, q: Question, tag: str, msg: OutgoingMessage) -> None:
        triage = self._services.config.support.triage_channel
        if not triage:
            log.warning("question %s needs attention but no triage channel is set", q.id)
            return
        platform, channel_id = parse_qualified(triage)
        await ctx.say(
            f"q{q.id}:{tag}:triage",
            Destination.channel(platform, channel_id),
            msg,
            purpose="escalation",
            question_id=q.id,
        )
