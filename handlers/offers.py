"""Offers: a question offered to an expert by DM moves on when nobody takes it, and
DMs held in quiet hours (or a low-priority batching window) go out when it ends.

Both run in the SLA sweeper's rounds (handlers/sweeper.py) and are claimed the way
its steps are: the due rows are selected FOR UPDATE SKIP LOCKED on PostgreSQL
(SQLite has one writer at a time) and the step is recorded on the row in the same
transaction as its outbox messages and audit row, so each happens once however many
sweepers run, and a restart loses nothing (the due times are columns).

- An offer is running while `question.offer_due_at` is set (handlers/routing.py
  sets it when the DM goes out). When it falls due and the question is still open,
  untaken and unanswered, it moves to the next ranked candidate exactly as "Not
  mine" does; with nobody left it goes to the triage channel, once.
- A held DM is a `routing_hold` row. When its `release_at` comes, every due row of
  one expert goes out as one DM (a single question: the usual expert DM; several:
  one digest, "3 questions waited overnight").
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import cards, messages
from bot.context import Context
from bot.durations import format_duration
from bot.outgoing import Button, Destination, Field, OutgoingMessage
from bot.refs import UserRef, parse_qualified
from bot.routing.model import ExpertProfile
from bot.services import Services
from bot.timefmt import local
from db.dialect import locks_rows
from db.directory import customer_by_id, person_by_qualified
from db.models import Person, Question, RoutingHold
from db.models.question import OPEN_STATES
from handlers import questions, routing

log = logging.getLogger(__name__)

DIGEST_MAX = 10  # questions per digest DM (platforms cap the buttons of one message)


def offer_pending(q: Question) -> bool:
    """Offered and not yet taken or answered by anyone."""
    return q.state == "open" and q.first_response_at is None and q.assignee_id is not None


async def sweep_offers(
    sessions: async_sessionmaker[AsyncSession],
    services: Services,
    now: datetime,
    *,
    batch_size: int = 100,
    hold_batch: int = 500,
    on_said: Callable[[], None] = lambda: None,
) -> int:
    """One round: offers that timed out (up to `batch_size`), then held DMs that are
    due. Returns how many offers it handled (held DMs are done in one go)."""
    handled = 0
    said = 0
    async with sessions.begin() as session:
        ctx = Context(session=session, services=services, now=now)
        stmt = (
            select(Question)
            .where(Question.offer_due_at <= now)
            .order_by(Question.offer_due_at)
            .limit(batch_size)
        )
        if locks_rows(session):
            stmt = stmt.with_for_update(skip_locked=True)
        for q in (await session.scalars(stmt)).all():
            handled += 1
            q.offer_due_at = None  # claimed: decided once, in this transaction
            if q.state in OPEN_STATES and offer_pending(q):
                await timed_out(ctx, q)
        said += ctx.said
    async with sessions.begin() as session:
        ctx = Context(session=session, services=services, now=now)
        hold_stmt = (
            select(RoutingHold)
            .where(RoutingHold.released_at.is_(None), RoutingHold.release_at <= now)
            .order_by(RoutingHold.user, RoutingHold.id)
            .limit(hold_batch)  # large: one expert's held DMs go out as one digest
        )
        if locks_rows(session):
            hold_stmt = hold_stmt.with_for_update(skip_locked=True)
        holds = list((await session.scalars(hold_stmt)).all())
        by_user: dict[str, list[RoutingHold]] = defaultdict(list)
        for hold in holds:
            by_user[hold.user].append(hold)
        for user, rows in by_user.items():
            await release(ctx, user, rows)
        said += ctx.said
    if said:
        on_said()
    return handled


async def timed_out(ctx: Context, q: Question) -> None:
    after = ctx.services.config.routing.timeout_for(q.priority)
    why = f"Not taken within {format_duration(after)}" if after else "Not taken in time"
    await move_on(ctx, q, why=why, action="question.offer_timeout")


async def hand_on(ctx: Context, q: Question, by: Person, *, reason: str) -> str:
    """ "Pass to next" / "Not mine" (buttons, `pass`, `assign` with nobody named):
    the same move as a timed-out offer, by a person."""
    if not questions.is_open(q):
        return f"Question #{q.id} is not open."
    who = by.name or by.qualified
    why = f"{who} said it is not theirs" if reason == "notmine" else f"{who} passed it on"
    nxt = await move_on(
        ctx, q, why=why, action=f"question.{reason}", actor=by.qualified, also_tried={by.qualified}
    )
    if nxt is None:
        q.state = "open" if q.first_response_at is None else q.state
        return f"Nobody else fits question #{q.id}; it is unassigned in the triage channel."
    return f"Question #{q.id} passed to {nxt.name or nxt.qualified}."


async def move_on(
    ctx: Context,
    q: Question,
    *,
    why: str,
    action: str,
    actor: str = "system",
    also_tried: set[str] | None = None,
    prefer: Sequence[str] = (),
) -> Person | None:
    """Hand `q` to the next ranked candidate nobody has tried (one who is awake
    first, when its priority would not wake a quiet one), or to the triage channel.
    The expert it leaves sees their DM say where it went and why; the triage card
    and the customer's acknowledgement follow. Returns the new owner, if any."""
    current = await ctx.session.get(Person, q.assignee_id) if q.assignee_id else None
    tried = set(q.routing.get("tried", [])) | (also_tried or set())
    if current is not None:
        tried.add(current.qualified)
    nxt = await _next_candidate(ctx, q, tried, prefer)
    old_dm = q.routing.get("dm_key")
    q.routing = {
        **{k: v for k, v in q.routing.items() if k not in ("dm_key", "digest_key")},
        "tried": sorted(tried),
    }
    ctx.audit(
        actor,
        action,
        f"question:{q.id}",
        why,
        moved_from=current.qualified if current else None,
        moved_to=nxt.qualified if nxt else None,
    )
    q.assignee_id = nxt.id if nxt else None
    if nxt is not None:  # the cards show why the new owner, and why it moved
        known = [c for c in q.routing.get("candidates", []) if c["user"] == nxt.qualified]
        reasons = list(known[0].get("reasons", [])) if known else []
        q.routing = {**q.routing, "reasons": [*reasons, why]}
    stamp = f"{action}:{q.id}:{ctx.now.timestamp()}"
    view = await questions.view_of(ctx, q)
    await ctx.edit(
        f"{stamp}:triage",
        f"q{q.id}:triage",
        cards.triage_card(view),
        purpose="triage_update",
        question_id=q.id,
    )
    if old_dm and current is not None:
        mine = await questions.view_of(ctx, q, reader_tz=current.timezone)
        await ctx.edit(
            f"{stamp}:moved",
            old_dm,
            cards.moved_on(mine, why),
            purpose="dm_update",
            question_id=q.id,
        )
    await _update_ack(ctx, q, nxt, stamp)
    if nxt is not None:
        await questions._notify_expert(ctx, q, nxt)
    else:
        await _to_triage(ctx, q, view, why)
    return nxt


async def _next_candidate(
    ctx: Context, q: Question, tried: set[str], prefer: Sequence[str] = ()
) -> Person | None:
    """The next of the ranked candidates stored at routing time, as "Not mine" picks
    it; among them, one who may be messaged now comes first (and `prefer` before
    all of them)."""
    stored = [c["user"] for c in q.routing.get("candidates", [])]
    untried = [u for u in [*prefer, *stored] if u not in tried]
    if not untried:
        return None
    profiles = {p.user: p for p in await routing.expert_profiles(ctx)}
    awake = [
        u
        for u in untried
        if u in profiles and routing.quiet_for(ctx, profiles[u], q.priority) is None
    ]
    for user in [*awake, *untried]:
        person = await person_by_qualified(ctx.session, user)
        if person is not None:
            return person
    return None


async def _update_ack(ctx: Context, q: Question, owner: Person | None, stamp: str) -> None:
    customer = await customer_by_id(ctx.session, q.customer_id)
    asker = await ctx.session.get(Person, q.asker_id)
    tz = (
        (customer.timezone if customer else None)
        or (asker.timezone if asker else None)
        or ctx.services.config.support.timezone
    )
    due = local(q.first_response_due, tz, ctx.now) if q.first_response_due else "soon"
    await ctx.edit(
        f"{stamp}:ack",
        f"q{q.id}:ack",
        OutgoingMessage(
            text=messages.acknowledgement(
                (owner.name or None) if owner else None, q.topic or "support", due, None
            )
        ),
        purpose="ack_update",
        question_id=q.id,
    )


async def _to_triage(ctx: Context, q: Question, view: cards.QuestionView, why: str) -> None:
    triage = ctx.services.config.support.triage_channel
    if not triage:
        log.warning("question %s has nobody left to offer it to and no triage channel", q.id)
        return
    platform, channel_id = parse_qualified(triage)
    # Keyed per question: it lands in the triage channel once, however often it moves.
    await ctx.say(
        f"q{q.id}:offer:triage",
        Destination.channel(platform, channel_id),
        OutgoingMessage(
            title=f"Nobody has taken #{q.id} from {view.customer}",
            text=f"{why}, and nobody else fits: it needs an owner.",
            quote=view.text,
            fields=(Field("Reply due", view.due),),
            buttons=(
                Button("Take", cards.claim_action(q.id), "primary"),
                Button("Assign to…", f"question:assign:{q.id}"),
            ),
            link=view.thread,
        ),
        purpose="escalation",
        question_id=q.id,
    )


async def release(
    ctx: Context, user: str, holds: Sequence[RoutingHold], *, force: bool = False
) -> None:
    """Deliver the due held DMs of one expert: the questions still offered to them,
    as one DM. A hold whose question was taken, answered or moved on meanwhile is
    dropped."""
    expert = await person_by_qualified(ctx.session, user)
    profiles = {p.user: p for p in await routing.expert_profiles(ctx)}
    live: list[tuple[RoutingHold, Question]] = []
    for hold in holds:
        q = await ctx.session.get(Question, hold.question_id)
        still = (
            q is not None
            and expert is not None
            and q.assignee_id == expert.id
            and offer_pending(q)
            and q.routing.get("held", {}).get("user") == user
        )
        if not still or q is None:
            hold.released_at, hold.outcome = ctx.now, "dropped"
            continue
        mine = profiles.get(user)
        quiet = routing.quiet_for(ctx, mine, q.priority) if mine and not force else None
        if quiet is not None and mine is not None:
            if not await _wake_another(ctx, q, hold, mine, quiet):
                # Still quiet and nobody else awake: look again later.
                hold.release_at = await _next_look(ctx, q, user, quiet)
            continue
        hold.released_at, hold.outcome = ctx.now, "sent"
        live.append((hold, q))
    if expert is None or not live:
        return
    to = Destination.dm(UserRef(expert.platform, expert.platform_id))
    if len(live) == 1:
        [(hold, q)] = live
        view = await questions.view_of(ctx, q, reader_tz=expert.timezone)
        await ctx.say(hold.key, to, cards.expert_dm(view), purpose="expert_dm", question_id=q.id)
        q.routing = {**q.routing, "dm_key": hold.key}
        routing.offer_started(ctx, q)
        _audit_released(ctx, q, hold, user)
        return
    for start in range(0, len(live), DIGEST_MAX):
        chunk = live[start : start + DIGEST_MAX]
        views = [await questions.view_of(ctx, q, reader_tz=expert.timezone) for _, q in chunk]
        key = f"held:{user}:{chunk[0][0].id}"
        await ctx.say(key, to, cards.held_digest(views, _heading(chunk)), purpose="expert_dm")
        for hold, q in chunk:
            hold.outcome = "digest"
            q.routing = {**q.routing, "digest_key": key}
            routing.offer_started(ctx, q)
            _audit_released(ctx, q, hold, user)


async def _wake_another(
    ctx: Context, q: Question, hold: RoutingHold, mine: ExpertProfile, quiet: datetime
) -> bool:
    """The pick is still quiet but someone else who fits is awake now: they get it."""
    fits, profiles = await routing.fitting(ctx, q)
    by_user = {p.user: p for p in profiles}
    tried = set(q.routing.get("tried", [])) | {mine.user}
    untried = [u for u in fits if u not in tried and u in by_user]
    awake = [u for u in untried if routing.quiet_for(ctx, by_user[u], q.priority) is None]
    if not awake:
        return False
    hold.released_at, hold.outcome = ctx.now, "moved"
    when = local(quiet, mine.calendar.timezone, ctx.now)
    q.routing = {k: v for k, v in q.routing.items() if k != "held"}
    await move_on(
        ctx,
        q,
        why=f"{mine.name} is in quiet hours until {when}",
        action="routing.rerouted_quiet",
        prefer=awake,  # in rank order: the best of those awake now
    )
    return True


async def _next_look(ctx: Context, q: Question, user: str, quiet: datetime) -> datetime:
    """When to look at a held DM again: its expert's quiet ends, or someone else who
    fits wakes, whichever is first."""
    fits, profiles = await routing.fitting(ctx, q)
    by_user = {p.user: p for p in profiles}
    tried = set(q.routing.get("tried", [])) | {user}
    wakes = [
        routing.quiet_for(ctx, by_user[u], q.priority)
        for u in fits
        if u not in tried and u in by_user
    ]
    return min([quiet, *(w for w in wakes if w is not None and w > ctx.now)])


def _heading(chunk: Sequence[tuple[RoutingHold, Question]]) -> str:
    n = len(chunk)
    if all(h.reason == "batch" for h, _ in chunk):
        return f"{n} low-priority questions for you"
    return f"{n} questions waited while you were off"


def _audit_released(ctx: Context, q: Question, hold: RoutingHold, user: str) -> None:
    ctx.audit(
        "system",
        "routing.dm_released",
        f"question:{q.id}",
        f"held DM delivered ({hold.outcome})",
        user=user,
        held_at=hold.held_at.isoformat(),
        why=hold.reason,
    )


async def priority_changed(ctx: Context, q: Question) -> None:
    """A running offer is re-timed for the new priority (from when it was made); a
    question raised to a priority that wakes people has its held DM sent now."""
    offered = q.routing.get("offered_at")
    if offer_pending(q) and q.offer_due_at is not None and offered:
        after = ctx.services.config.routing.timeout_for(q.priority)
        q.offer_due_at = datetime.fromisoformat(offered) + after if after else None
    if not ctx.services.config.routing.quiet.rule.wakes(q.priority):
        return
    holds = (
        await ctx.session.scalars(
            select(RoutingHold).where(
                RoutingHold.question_id == q.id, RoutingHold.released_at.is_(None)
            )
        )
    ).all()
    for hold in holds:
        await release(ctx, hold.user, [hold], force=True)
