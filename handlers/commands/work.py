"""Working a question: take, assign, pass, resolve, reopen, snooze, wait,
priority, topic, link, queue, status, search."""

from __future__ import annotations

import importlib
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from bot import cards
from bot.commands import Level
from bot.durations import format_duration
from bot.errors import UsageError
from bot.outgoing import Destination
from bot.priorities import PRIORITIES
from bot.refs import UserRef
from bot.timefmt import local
from db.models import Person, Question, QuestionHold, QuestionNote
from db.questions import queue
from handlers import offers, questions
from handlers.commands import search_archive
from handlers.commands.caller import Call, customer, handles, question, staff_person


def _clocks() -> Any:
    """The SLA clocks module (pause/resume), when it is installed; None otherwise."""
    try:
        return importlib.import_module("handlers.sla_clocks")
    except ImportError:
        return None


def short(text: str, n: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


@handles("take")
async def take(call: Call) -> str:
    q = await question(call, call.args["question"])
    return await questions.claim(call.ctx, q, call.person, via="command")


@handles("resolve")
async def resolve(call: Call) -> str:
    q = await question(call, call.args["question"])
    note = call.args.get("note")
    answer = await questions.resolve(call.ctx, q, call.person, via="command", note=note)
    if note:
        _add_note(call, q, "note", note)
    return answer


@handles("reopen")
async def reopen(call: Call) -> str:
    q = await question(call, call.args["question"])
    return await questions.reopen(call.ctx, q, call.person)


@handles("assign")
async def assign(call: Call) -> str:
    q = await question(call, call.args["question"])
    if call.args.get("expert") is None:  # `pass`: the next fitting candidate
        return await questions.hand_on(call.ctx, q, call.person, reason="pass")
    target = await staff_person(call, call.args["expert"])
    if not questions.is_open(q):
        return f"Question #{q.id} is not open; `/presence reopen {q.id}` first."
    if q.assignee_id == target.id:
        return f"Question #{q.id} is already with {target.name or target.qualified}."
    q.assignee_id = target.id
    if q.state == "open":
        q.state = "acknowledged"
        q.acknowledged_at = call.ctx.now
    call.ctx.audit(call.actor, "question.assigned", f"question:{q.id}", None, to=target.qualified)
    await questions.refresh_cards(call.ctx, q, tag="assign")
    ctx = call.ctx
    key = f"q{q.id}:dm:{target.qualified}"
    view = await questions.view_of(ctx, q, reader_tz=target.timezone)
    await ctx.say(
        key,
        Destination.dm(UserRef(target.platform, target.platform_id)),
        cards.expert_dm(view),
        purpose="expert_dm",
        question_id=q.id,
    )
    q.routing = {**q.routing, "dm_key": key}
    return f"Question #{q.id} assigned to {target.name or target.qualified}."


@handles("priority")
async def priority(call: Call) -> str:
    q = await question(call, call.args["question"])
    level = call.args["level"]
    assert level in PRIORITIES
    if q.priority == level:
        return f"Question #{q.id} is already {level} priority."
    before, q.priority = q.priority, level
    call.ctx.audit(call.actor, "question.priority", f"question:{q.id}", None, was=before, now=level)
    await questions.refresh_cards(call.ctx, q, tag="priority")
    await offers.priority_changed(call.ctx, q)  # urgent now: a DM held in quiet hours goes
    return f"Question #{q.id} is now {level} priority (was {before})."


@handles("topic")
async def topic(call: Call) -> str:
    q = await question(call, call.args["question"])
    name = call.args["topic"].lower()
    known = [t.name for t in call.ctx.services.config.topics]
    if known and name not in known:
        raise UsageError(f"{name[:40]!r} is not a topic; topics are: {', '.join(known)}.")
    before, q.topic = q.topic, name
    call.ctx.audit(call.actor, "question.topic", f"question:{q.id}", None, was=before, now=name)
    await questions.refresh_cards(call.ctx, q, tag="topic")
    return f"Question #{q.id} topic set to {name}."


@handles("link")
async def link(call: Call) -> str:
    q = await question(call, call.args["question"])
    url = call.args["url"]
    _add_note(call, q, "link", url)
    q.routing = {**q.routing, "links": [*q.routing.get("links", []), url][-10:]}
    call.ctx.audit(call.actor, "question.linked", f"question:{q.id}", None, url=url)
    return f"Question #{q.id} linked to {url}."


@handles("snooze")
async def snooze(call: Call) -> str:
    q = await question(call, call.args["question"])
    if not questions.is_open(q):
        return f"Question #{q.id} is not open."
    length: timedelta = call.args["duration"]
    until = call.ctx.now + length
    await _release_holds(call, q)
    call.ctx.session.add(
        QuestionHold(
            question_id=q.id, kind="snooze", until=until, set_by=call.actor, set_at=call.ctx.now
        )
    )
    # The sweeper looks at a question only at next_due_at: nothing reminds anyone
    # before the snooze ends, and what is due by then is handled when it ends.
    if q.next_due_at is None or q.next_due_at < until:
        q.next_due_at = until
    call.ctx.audit(
        call.actor, "question.snoozed", f"question:{q.id}", None, until=until.isoformat()
    )
    when = local(
        until, call.person.timezone or call.ctx.services.config.support.timezone, call.ctx.now
    )
    return f"Question #{q.id} snoozed for {format_duration(length)}, until {when}."


@handles("wait")
async def wait(call: Call) -> str:
    q = await question(call, call.args["question"])
    clocks = _clocks()
    if clocks is not None and hasattr(clocks, "pause"):
        return str(clocks.pause(call.ctx, q, call.actor, "waiting on the customer (command)"))
    if not questions.is_open(q):
        return f"Question #{q.id} is not open."
    await _release_holds(call, q)
    call.ctx.session.add(
        QuestionHold(question_id=q.id, kind="wait", set_by=call.actor, set_at=call.ctx.now)
    )
    q.next_due_at = None
    call.ctx.audit(call.actor, "question.waiting", f"question:{q.id}")
    return f"Question #{q.id} is waiting on the customer; reminders are paused."


async def _release_holds(call: Call, q: Question) -> None:
    holds = await call.ctx.session.scalars(
        select(QuestionHold).where(
            QuestionHold.question_id == q.id, QuestionHold.released_at.is_(None)
        )
    )
    for hold in holds:
        hold.released_at = call.ctx.now


def _add_note(call: Call, q: Question, kind: str, text: str) -> None:
    call.ctx.session.add(
        QuestionNote(
            question_id=q.id,
            author_id=call.person.id,
            kind=kind,
            text=text[:4000],
            created_at=call.ctx.now,
        )
    )


@handles("queue")
async def show_queue(call: Call) -> str:
    which = (call.args.get("customer") or "").strip()
    assignee_id = None
    customer_id = None
    if which.lower() == "mine":
        assignee_id = call.person.id
    elif which:
        customer_id = (await customer(call, which)).id
    rows = await queue(call.ctx.session, assignee_id=assignee_id, limit=50)
    if customer_id is not None:
        rows = [q for q in rows if q.customer_id == customer_id]
    if not rows:
        return "Nothing assigned to you is open." if assignee_id else "Nothing open."
    lines = []
    for q in rows[:20]:
        view = await questions.view_of(call.ctx, q, reader_tz=call.person.timezone)
        lines.append(
            f"#{q.id} · {view.customer} · due {view.due} · "
            f"{view.assignee or 'unassigned'} · {short(q.summary)}"
        )
    return "\n".join(lines)


@handles("status")
async def status(call: Call) -> str:
    number = call.args.get("question")
    if number is None:
        return await _own_questions(call)
    q = await question(call, number)
    view = await questions.view_of(call.ctx, q, reader_tz=call.person.timezone)
    label = cards.STATE_LABEL.get(q.state, q.state)
    if call.level == Level.CUSTOMER:
        who = f" · with {view.assignee}" if view.assignee and questions.is_open(q) else ""
        return f"Your question #{q.id}: {label}{who} · reply expected by {view.due}."
    lines = [
        f"#{q.id} · {view.customer} ({view.tier}) · {label} · {q.priority} · owner "
        f"{view.assignee or 'unassigned'} · reply due {view.due}",
        f"> {short(q.summary, 300)}",
    ]
    notes = (
        await call.ctx.session.scalars(
            select(QuestionNote)
            .where(QuestionNote.question_id == q.id)
            .order_by(QuestionNote.id.desc())
            .limit(5)
        )
    ).all()
    for n in reversed(notes):
        author = await call.ctx.session.get(Person, n.author_id)
        by = (author.name or author.qualified) if author else "?"
        lines.append(f"{'🔗' if n.kind == 'link' else '📝'} {by}: {short(n.text, 200)}")
    return "\n".join(lines)


async def _own_questions(call: Call) -> str:
    if call.level > Level.CUSTOMER:
        raise UsageError("Which question? Example: `/presence status 12`.")
    rows = (
        await call.ctx.session.scalars(
            select(Question)
            .where(Question.asker_id == call.person.id)
            .order_by(Question.id.desc())
            .limit(5)
        )
    ).all()
    if not rows:
        return "You have no questions with us yet: just ask in the channel."
    return "\n".join(
        f"#{q.id} · {cards.STATE_LABEL.get(q.state, q.state)} · {short(q.summary, 60)}"
        for q in rows
    )


@handles("search")
async def search(call: Call) -> str:
    # Staff search everything; a customer only their organisation's resolved
    # conversations (handlers/commands/search_archive.py).
    return await search_archive.run(call)
