"""Table passes a Scrubber is applied with, in keyset-paged batches so memory stays
bounded and no cursor is open while its table is updated."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence
from typing import Any, TypeVar

from sqlalchemy import JSON, Column, String, Text, bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.base import Base
from db.data_rights.scrub import Scrubber
from db.models import AuditEntry, InboxEvent, Message, MessageEdit, OutboxMessage, Question

BATCH = 500
IN_CHUNK = 500
T = TypeVar("T")


def chunks(items: Iterable[T], n: int = IN_CHUNK) -> Iterable[list[T]]:
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) >= n:
            yield batch
            batch = []
    if batch:
        yield batch


async def keyset(session: AsyncSession, stmt: Any, id_col: Any, batch: int = BATCH) -> Any:
    """Rows of `stmt` in id order, `batch` at a time (an async generator of lists)."""
    last = 0
    while True:
        rows: Sequence[Any] = (
            await session.execute(stmt.where(id_col > last).order_by(id_col).limit(batch))
        ).all()
        if not rows:
            return
        yield rows
        last = rows[-1][0]


async def scrub_texts(
    session: AsyncSession,
    scrubber: Scrubber,
    *,
    local: Scrubber | None = None,
    local_conversations: Collection[int] = (),
) -> dict[str, int]:
    """Messages, earlier versions and question summaries of everyone: the texts
    erased where quoted, the names replaced. `local` applies only inside
    `local_conversations` (first names are too common to replace everywhere)."""
    changed = {"messages": 0, "edits": 0, "summaries": 0}

    def scrub(text: str, conv: int) -> str:
        out = scrubber.text(text)
        if local is not None and conv in local_conversations:
            out = local.text(out)
        return out

    stmt = select(Message.id, Message.text, Message.conversation_id).where(Message.text != "")
    async for rows in keyset(session, stmt, Message.id):
        ups = [{"id": i, "text": new} for i, t, c in rows if (new := scrub(t, c)) != t]
        if ups:
            await session.execute(update(Message), ups)
            changed["messages"] += len(ups)
    edits = (
        select(MessageEdit.id, MessageEdit.previous_text, Message.conversation_id)
        .join(Message, Message.id == MessageEdit.message_id)
        .where(MessageEdit.previous_text != "")
    )
    async for rows in keyset(session, edits, MessageEdit.id):
        ups = [{"id": i, "previous_text": new} for i, t, c in rows if (new := scrub(t, c)) != t]
        if ups:
            await session.execute(update(MessageEdit), ups)
            changed["edits"] += len(ups)
    qs = select(Question.id, Question.summary, Question.conversation_id).where(
        Question.summary != ""
    )
    async for rows in keyset(session, qs, Question.id):
        ups = [{"id": i, "summary": new} for i, t, c in rows if (new := scrub(t, c)) != t]
        if ups:
            await session.execute(update(Question), ups)
            changed["summaries"] += len(ups)
    return changed


async def scrub_json(
    session: AsyncSession,
    model: Any,
    column: str,
    scrubber: Scrubber,
    *,
    where: Any = None,
    before: Callable[[Any], Any] | None = None,
) -> int:
    """Every value of a JSON (or text) column through the scrubber; `before` may
    rewrite a value first (e.g. an event by the forgotten author)."""
    col = getattr(model, column)
    stmt = select(model.id, col)
    if where is not None:
        stmt = stmt.where(where)
    n = 0
    async for rows in keyset(session, stmt, model.id):
        ups = []
        for i, value in rows:
            if value is None:
                continue
            new = before(value) if before is not None else value
            new = scrubber.value(new)
            if new != value:
                ups.append({"id": i, column: new})
        if ups:
            await session.execute(update(model), ups)
            n += len(ups)
    return n


async def scrub_copies(
    session: AsyncSession, scrubber: Scrubber, event_rewrite: Callable[[Any], Any] | None = None
) -> dict[str, int]:
    """The copies outside the archive: outbox messages, stored events, audit rows."""
    return {
        "outbox": await scrub_json(session, OutboxMessage, "message", scrubber),
        "events": await scrub_json(session, InboxEvent, "payload", scrubber, before=event_rewrite),
        "audit": await scrub_json(session, AuditEntry, "reason", scrubber)
        + await scrub_json(session, AuditEntry, "detail", scrubber),
    }


# Columns that hold identifiers or secrets, never words: left as they are.
_NOT_WORDS = ("qualified", "key", "url", "token", "_ref", "platform", "workspace_id")
# Tables the passes above handle with more knowledge, or must not touch.
HANDLED = {
    "message": None,
    "message_edit": None,
    "person": None,
    "installation": None,
    "inbox": None,
    "outbox": {"message"},
    "audit": {"reason", "detail"},
    "question": {"summary"},
}


def _words(col: Column[Any]) -> bool:
    if col.primary_key or col.foreign_keys or col.name.endswith(_NOT_WORDS):
        return False
    if isinstance(col.type, Text | JSON):
        return True
    return isinstance(col.type, String) and (col.type.length or 0) >= 100


async def scrub_all_other_columns(session: AsyncSession, scrubber: Scrubber) -> int:
    """Every other table's text and JSON columns (notes, replies, ideas, routing
    reasons that quote similar questions, whatever features add later)."""
    n = 0
    for table in Base.metadata.sorted_tables:
        if "id" not in table.c or (table.name in HANDLED and HANDLED[table.name] is None):
            continue
        done = HANDLED.get(table.name) or set()
        pk = table.c.id
        for col in [c for c in table.c if _words(c) and c.name not in done]:
            stmt = select(pk, col).where(col.is_not(None))
            change = update(table).where(pk == bindparam("_id")).values({col.name: bindparam("_v")})
            async for rows in keyset(session, stmt, pk):
                ups = [{"_id": i, "_v": new} for i, v in rows if (new := scrubber.value(v)) != v]
                if ups:
                    await session.execute(change, ups)
                    n += len(ups)
    return n
