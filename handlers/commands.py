"""`/presence <verb> ...`: the first staff verbs. Every error is one friendly line,
shown only to the person who typed the command."""

from __future__ import annotations

import logging
import uuid

from bot import messages
from bot.context import Context
from bot.errors import PresenceError, UsageError
from bot.events import CommandInvoked
from db.directory import ensure_person
from db.models import Person, Question
from db.questions import queue
from db.search import search_messages
from handlers import questions
from handlers.actions import apply_verb
from handlers.replies import reply_privately

log = logging.getLogger(__name__)

STAFF_VERBS = {"queue", "mine", "show", "take", "resolve", "search", "reopen"}
MAX_COMMAND = 4000


async def on_command(ev: CommandInvoked, ctx: Context) -> None:
    person = await ensure_person(ctx.session, ev.author, ctx.now)
    try:
        async with ctx.session.begin_nested():
            answer = await _run(ev, ctx, person)
    except PresenceError as e:
        answer = e.user_message
    except Exception:
        ref = uuid.uuid4().hex[:8]
        log.exception("command %r failed ref=%s", ev.text[:200], ref)
        answer = messages.unexpected_error(ref)
    await reply_privately(ctx, ev, answer)


async def _run(ev: CommandInvoked, ctx: Context, person: Person) -> str:
    text = ev.text.strip()
    if len(text) > MAX_COMMAND:
        raise UsageError(f"That command is too long ({len(text)} characters).")
    verb, _, rest = text.partition(" ")
    verb = verb.lower()
    rest = rest.strip()
    if verb in ("", "help"):
        return messages.HELP_STAFF if person.is_staff else messages.HELP_CUSTOMER
    if verb not in STAFF_VERBS:
        raise UsageError(f"I don't know `{verb[:40]}`. Try `/presence help`.")
    if not person.is_staff:
        raise UsageError(messages.not_allowed("staff"))
    if verb == "queue" or verb == "mine":
        rows = await queue(ctx.session, assignee_id=person.id if verb == "mine" else None)
        if not rows:
            return "Nothing open. " + ("Nothing assigned to you." if verb == "mine" else "")
        lines = []
        for q in rows:
            view = await questions.view_of(ctx, q, reader_tz=person.timezone)
            lines.append(
                f"#{q.id} · {view.customer} · due {view.due} · "
                f"{view.assignee or 'unassigned'} · {_short(q.summary)}"
            )
        return "\n".join(lines)
    if verb == "search":
        if not rest:
            raise UsageError("Search for what? Example: `/presence search invoice export`")
        hits = await search_messages(ctx.session, rest, limit=5)
        if not hits:
            return f"Nothing found for {rest[:100]!r}."
        return "\n".join(
            f"{h.customer or '-'} · {h.author or '-'} · {h.created_at:%Y-%m-%d}: {h.snippet}"
            for h in hits
        )
    q = await _question(ctx, rest)
    if verb == "show":
        view = await questions.view_of(ctx, q, reader_tz=person.timezone)
        return (
            f"#{q.id} · {view.customer} ({view.tier}) · {view.state} · owner "
            f"{view.assignee or 'unassigned'} · reply due {view.due}\n> {_short(q.summary, 300)}"
        )
    verb_map = {"take": "claim", "resolve": "resolve", "reopen": "reopen"}
    return await apply_verb(ctx, verb_map[verb], q, person, via="command")


async def _question(ctx: Context, rest: str) -> Question:
    ref = rest.split(" ", 1)[0].lstrip("#")
    if not ref.isdigit() or len(ref) > 12:
        raise UsageError("Which question? Give its number, e.g. `/presence show 12`.")
    q = await ctx.session.get(Question, int(ref))
    if q is None:
        raise UsageError(messages.unknown_question(f"#{ref}"))
    return q


def _short(text: str, n: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"
