"""Canned replies: `snippet add|edit|remove|list|send`. Placeholders `{customer}`,
`{owner}` and `{due}` are filled in when sent; any other `{...}` is left as typed
(never evaluated: snippet text is data, not a format string)."""

from __future__ import annotations

import re

from sqlalchemy import select

from bot.errors import NotFound, UsageError
from bot.outgoing import OutgoingMessage
from bot.timefmt import local
from db.directory import customer_by_id, person_by_qualified
from db.models import Person, Snippet
from handlers.commands.caller import Call, handles, question
from handlers.commands.notes import MAX_REPLY, reply

_NAME = re.compile(r"[\w\-.]{1,40}")
_PLACEHOLDER = re.compile(r"\{(customer|owner|due)\}")


def _name(raw: str) -> str:
    name = raw.casefold()
    if not _NAME.fullmatch(name):
        raise UsageError("A snippet name is one word: letters, digits, - _ . (40 at most).")
    return name


async def _get(call: Call, raw: str) -> Snippet:
    name = _name(raw)
    found: Snippet | None = await call.ctx.session.scalar(
        select(Snippet).where(Snippet.name == name)
    )
    if found is None:
        raise NotFound(f"No snippet called {name!r}; `/presence snippet list` shows them.")
    return found


@handles("snippet add")
async def add(call: Call) -> str:
    name = _name(call.args["name"])
    text = call.args["text"]
    if len(text) > MAX_REPLY:
        raise UsageError(f"A snippet is at most {MAX_REPLY} characters.")
    exists = await call.ctx.session.scalar(select(Snippet.id).where(Snippet.name == name))
    if exists is not None:
        raise UsageError(f"Snippet {name!r} exists; change it with `/presence snippet edit`.")
    call.ctx.session.add(
        Snippet(
            name=name,
            text=text,
            created_by=call.actor,
            updated_by=call.actor,
            created_at=call.ctx.now,
            updated_at=call.ctx.now,
        )
    )
    call.ctx.audit(call.actor, "snippet.added", f"snippet:{name}")
    return f"Snippet {name!r} saved. Send it with `/presence snippet send <question> {name}`."


@handles("snippet edit")
async def edit(call: Call) -> str:
    found = await _get(call, call.args["name"])
    text = call.args["text"]
    if len(text) > MAX_REPLY:
        raise UsageError(f"A snippet is at most {MAX_REPLY} characters.")
    found.text = text
    found.updated_by = call.actor
    found.updated_at = call.ctx.now
    call.ctx.audit(call.actor, "snippet.edited", f"snippet:{found.name}")
    return f"Snippet {found.name!r} updated."


@handles("snippet remove")
async def remove(call: Call) -> str:
    found = await _get(call, call.args["name"])
    await call.ctx.session.delete(found)
    call.ctx.audit(call.actor, "snippet.removed", f"snippet:{found.name}", None, text=found.text)
    return f"Snippet {found.name!r} removed."


@handles("snippet list")
async def listing(call: Call) -> str:
    rows = (await call.ctx.session.scalars(select(Snippet).order_by(Snippet.name))).all()
    if not rows:
        return "No snippets yet. Add one: `/presence snippet add <name> <text>`."
    return "\n".join(f"`{s.name}`: {' '.join(s.text.split())[:80]}" for s in rows[:50])


@handles("snippet send")
async def send(call: Call) -> str | OutgoingMessage:
    q = await question(call, call.args["question"])
    found = await _get(call, call.args["name"])
    customer = await customer_by_id(call.ctx.session, q.customer_id)
    owner: Person | None = None
    if q.assignee_id is not None:
        owner = await call.ctx.session.get(Person, q.assignee_id)
    elif customer is not None and customer.owner:
        owner = await person_by_qualified(call.ctx.session, customer.owner)
    tz = (customer.timezone if customer else None) or call.ctx.services.config.support.timezone
    values = {
        "customer": customer.name if customer else "there",
        "owner": (owner.name or "our team") if owner else "our team",
        "due": local(q.first_response_due, tz, call.ctx.now) if q.first_response_due else "soon",
    }
    text = _PLACEHOLDER.sub(lambda m: values[m.group(1)], found.text)
    call.args = {**call.args, "text": text}
    call.ctx.audit(call.actor, "snippet.sent", f"question:{q.id}", None, snippet=found.name)
    return await reply(call)
