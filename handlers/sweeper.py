"""The SLA sweeper: clocks are data (due times on the question), so a restart or a
second worker loses nothing. Each tick claims the questions that are due
(FOR UPDATE SKIP LOCKED on PostgreSQL; SQLite has one writer at a time) and takes
every step that has fallen due for each: the pre-breach warning, the breach, the
escalation steps, the resolution breach, the stale nudge and close. A step is
recorded on the row in the same transaction as its outbox message and audit row,
so no step is decided twice; the outbox key makes it said once."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import cards
from bot.clock import Clock
from bot.context import CollectingContext, Context
from bot.durations import format_duration
from bot.outgoing import Destination, OutgoingMessage
from bot.refs import UserRef, parse_qualified
from bot.services import Services
from bot.tasks import RoundLoop
from db.dialect import locks_rows
from db.directory import person_by_qualified
from db.models import (
    Channel,
    Conversation,
    Customer,
    Expert,
    Message,
    Person,
    Question,
    QuestionHold,
)
from db.models.question import OPEN_STATES
from handlers.offers import sweep_offers
from handlers.questions import view_of
from handlers.sla_clocks import RUNNING, clock_tag, policy_of, response_due, schedule
from handlers.sla_stale import close_stale, nudge

log = logging.getLogger(__name__)

# A step found overdue by more than this was missed while Presence was down: it is
# still taken once, and reported as "noticed late".
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
        self._loop = RoundLoop("sweeper", self._round, self._idle, log=log)
        self.steps = 0
        self._people: dict[str, Person | None] = {}
        self._snoozes: dict[int, QuestionHold] = {}
        self._quiet_until: datetime | None = None

    def wake(self) -> None:
        self._loop.wake()

    def start(self) -> None:
        self._loop.start()

    async def stop(self) -> None:
        await self._loop.stop()

    async def _round(self) -> bool:
        await self.sweep_all()
        return False  # caught up: sleep until the next interval or a wake

    async def _idle(self) -> float:
        return self._interval

    async def sweep_all(self) -> int:
        """Ticks until nothing due is left (catching up after downtime at once)."""
        total = 0
        while True:
            n = await self.sweep()
            total += n
            if n < self._batch_size:
                break
        # Routing's offers and held DMs: claimed the same way, in rounds of their own.
        while True:
            n = await sweep_offers(
                self._sessions,
                self._services,
                self._clock.now(),
                batch_size=self._batch_size,
                on_said=self._on_said,
            )
            total += n
            if n < self._batch_size:
                return total

    async def sweep(self) -> int:
        """One tick over one batch; returns how many questions it handled."""
        now = self._clock.now()
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
            ctx = CollectingContext(session=session, services=self._services, now=now)
            # The identity map holds rows weakly: keep what the cards need alive for the
            # batch, so each is loaded once per batch rather than once per step.
            keep = await _preload(session, due)
            self._people = {}
            self._snoozes = await _open_snoozes(session, due)
            with session.no_autoflush:
                for q in due:
                    await self.step(ctx, q)
            await ctx.flush_said()
            said = ctx.said
            del keep
        if said:
            self._on_said()
        return len(due)

    async def step(self, ctx: Context, q: Question) -> None:
        """Everything due on one (locked) question at ctx.now, then its next due time."""
        now = ctx.now
        self._quiet_until = None
        hold = self._snoozes.get(q.id)
        if hold is not None and hold.until is not None:
            if hold.until > now:  # snoozed: nothing reminds anyone before it ends
                q.next_due_at = hold.until
                return
            hold.released_at = now
            self._quiet_until = hold.until
            ctx.audit("system", "question.snooze_ended", f"question:{q.id}", None)
        if q.clock_state == "paused":
            await self._stale(ctx, q)
        else:
            await self._response(ctx, q)
            if (
                q.resolution_due is not None
                and q.resolution_breached_at is None
                and now >= q.resolution_due
            ):
                await self._resolution_breach(ctx, q)
        schedule(ctx, q)

    def _late(self, now: datetime, fell_due: datetime) -> bool:
        """Missed while Presence was down, as opposed to held back by a snooze."""
        if self._quiet_until is not None:
            fell_due = max(fell_due, self._quiet_until)
        return (now - fell_due).total_seconds() > LATE_AFTER_S

    async def _stale(self, ctx: Context, q: Question) -> None:
        stale = self._services.config.stale
        now = ctx.now
        if q.paused_at is None or stale.nudge_after is None:
            return
        if q.nudged_at is None and now >= q.paused_at + stale.nudge_after:
            await nudge(ctx, q, stale.close_after)
            self.steps += 1
        if q.nudged_at is not None and stale.close_after and now >= q.nudged_at + stale.close_after:
            await close_stale(ctx, q)
            self.steps += 1

    async def _response(self, ctx: Context, q: Question) -> None:
        now = ctx.now
        due = response_due(q)
        if q.clock_state not in RUNNING or due is None:
            return
        if q.breached_at is None and now < due:
            if q.warned_at is None and q.warn_due is not None and now >= q.warn_due:
                q.warned_at = now
                await self._warn(ctx, q)
                self.steps += 1
            return
        policy = policy_of(q)
        if q.breached_at is None:
            late = self._late(now, due)
            q.breached_at = now
            q.clock_state = "breached"
            q.breaches += 1
            q.breach_late = q.breach_late or late
            ctx.audit(
                "system",
                "sla.breached",
                f"question:{q.id}",
                f"{q.response_kind} response overdue" + (" (noticed late)" if late else ""),
                clock=q.response_kind,
                due=due.isoformat(),
                late=late,
            )
        # Catching up: every step whose time has come runs now, each once.
        while q.escalation_step < len(policy.escalation):
            at = due + policy.delays[q.escalation_step]
            if at > now:
                break
            late = self._late(now, at)
            q.escalation_step += 1
            await self._escalate(ctx, q, policy.escalation[q.escalation_step - 1], late)
            self.steps += 1

    async def _warn(self, ctx: Context, q: Question) -> None:
        due = response_due(q)
        assert due is not None
        left = format_duration(due - ctx.now)
        ctx.audit(
            "system", "sla.warning", f"question:{q.id}", f"{left} left", clock=q.response_kind
        )
        key = f"q{q.id}:{clock_tag(q)}warn"
        if q.assignee_id is None:
            await self._to_triage(ctx, q, key, cards.warning(await view_of(ctx, q), left))
            return
        assignee = await ctx.session.get(Person, q.assignee_id)
        assert assignee is not None
        view = await view_of(ctx, q, reader_tz=assignee.timezone)
        await ctx.say(
            key,
            Destination.dm(UserRef(assignee.platform, assignee.platform_id)),
            cards.warning(view, left),
            purpose="sla_warning",
            question_id=q.id,
        )

    async def _escalate(self, ctx: Context, q: Question, step: str, late: bool) -> None:
        n = q.escalation_step
        targets = await self._step_targets(ctx, q, step)
        view = await view_of(ctx, q)
        msg = cards.breach(view, step, late, ctx.now)
        ctx.audit(
            "system",
            "sla.escalated",
            f"question:{q.id}",
            f"step {n}: {step}" + (" (late)" if late else ""),
            step=n,
            name=step,
            clock=q.response_kind,
            late=late,
            targets=[p.qualified for p in targets],
        )
        key = f"q{q.id}:{clock_tag(q)}esc{n}"
        if step == "triage" or not targets:
            mention = self._services.config.support.triage_mention
            if step == "triage" and mention:
                msg = replace(msg, text=f"{mention} {msg.text}")
            await self._to_triage(ctx, q, key, msg)
            return
        for person in targets:
            await ctx.say(
                f"{key}:{person.qualified}",
                Destination.dm(UserRef(person.platform, person.platform_id)),
                msg,
                purpose="escalation",
                question_id=q.id,
            )

    async def _resolution_breach(self, ctx: Context, q: Question) -> None:
        assert q.resolution_due is not None
        late = self._late(ctx.now, q.resolution_due)
        q.resolution_breached_at = ctx.now
        q.breaches += 1
        ctx.audit(
            "system",
            "sla.breached",
            f"question:{q.id}",
            "resolution overdue" + (" (noticed late)" if late else ""),
            clock="resolution",
            due=q.resolution_due.isoformat(),
            late=late,
        )
        view = await view_of(ctx, q)
        msg = replace(
            cards.breach(view, "triage", late, ctx.now),
            title=f"Resolution overdue: #{q.id} from {view.customer}",
            text=f"{view.customer}'s question is still not resolved past its resolution target.",
        )
        await self._to_triage(ctx, q, f"q{q.id}:resbreach", msg)
        if q.assignee_id is not None:
            assignee = await ctx.session.get(Person, q.assignee_id)
            if assignee is not None:
                await ctx.say(
                    f"q{q.id}:resbreach:{assignee.qualified}",
                    Destination.dm(UserRef(assignee.platform, assignee.platform_id)),
                    msg,
                    purpose="escalation",
                    question_id=q.id,
                )

    async def _step_targets(self, ctx: Context, q: Question, step: str) -> list[Person]:
        session = ctx.session
        if step == "assignee" and q.assignee_id:
            p = await session.get(Person, q.assignee_id)
            return [p] if p else []
        if step == "backup":
            if q.assignee_id:
                backup = await session.scalar(
                    select(Expert.backup).where(Expert.person_id == q.assignee_id)
                )
                p = await self._person(ctx, backup) if backup else None
                if p:
                    return [p]
            return await self._people_named(ctx, self._services.config.support.on_call)
        if step == "lead":
            return await self._people_named(ctx, self._services.config.support.leads)
        return []

    async def _person(self, ctx: Context, qualified: str) -> Person | None:
        if qualified not in self._people:
            self._people[qualified] = await person_by_qualified(ctx.session, qualified)
        return self._people[qualified]

    async def _people_named(self, ctx: Context, qualified_ids: Sequence[str]) -> list[Person]:
        out = []
        for qualified in qualified_ids:
            p = await self._person(ctx, qualified)
            if p:
                out.append(p)
        return out

    async def _to_triage(self, ctx: Context, q: Question, key: str, msg: OutgoingMessage) -> None:
        triage = self._services.config.support.triage_channel
        if not triage:
            log.warning("question %s needs attention but no triage channel is set", q.id)
            return
        platform, channel_id = parse_qualified(triage)
        await ctx.say(
            f"{key}:triage",
            Destination.channel(platform, channel_id),
            msg,
            purpose="escalation",
            question_id=q.id,
        )


async def _preload(session: AsyncSession, due: Sequence[Question]) -> list[object]:
    if not due:
        return []
    keep: list[object] = []
    wanted: list[tuple[type[Any], set[int]]] = [
        (Conversation, {q.conversation_id for q in due}),
        (Message, {q.message_id for q in due}),
        (Channel, {q.channel_id for q in due}),
        (Customer, {q.customer_id for q in due if q.customer_id is not None}),
        (Person, {p for q in due for p in (q.asker_id, q.assignee_id) if p is not None}),
    ]
    for model, ids in wanted:
        if ids:
            keep.extend((await session.scalars(select(model).where(model.id.in_(ids)))).all())
    return keep


async def _open_snoozes(session: AsyncSession, due: Sequence[Question]) -> dict[int, QuestionHold]:
    """Snoozes (the command suite's `snooze`) not yet released, by question."""
    if not due:
        return {}
    rows = await session.scalars(
        select(QuestionHold).where(
            QuestionHold.question_id.in_([q.id for q in due]),
            QuestionHold.kind == "snooze",
            QuestionHold.released_at.is_(None),
        )
    )
    return {h.question_id: h for h in rows.all()}
