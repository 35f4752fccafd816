"""Export of one customer's archive: conversations as JSON Lines (schema
`presence.export/1`, docs/data.md), one Markdown transcript per conversation, and
question metrics as CSV.

Messages are streamed (server-side cursor, `yield_per`) and each conversation is
written as soon as it is complete, so memory stays bounded however large the
archive; only the set of people met and the response times (one float per
question) grow with it."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import IO, Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.errors import UsageError
from db.data_rights.manifest import channels_of, people_of, write_files
from db.data_rights.metrics import (
    QUESTION_COLUMNS,
    CustomerMetrics,
    seconds,
)
from db.data_rights.passes import chunks
from db.data_rights.transcript import render, transcript_name
from db.models import Channel, Conversation, Customer, Message, MessageEdit, Person, Question

SCHEMA = "presence.export/1"
YIELD_PER = 500
FLUSH_MESSAGES = 500  # conversations are written out in groups of about this many messages


@dataclass
class ExportSummary:
    customer: str
    out_dir: Path
    conversations: int
    messages: int
    questions: int
    people: int

    def line(self) -> str:
        return (
            f"exported {self.customer}: {self.conversations} conversation(s), "
            f"{self.messages} message(s), {self.questions} question(s) to {self.out_dir}"
        )


def iso(at: datetime | None) -> str | None:
    return at.isoformat() if at is not None else None


class _Writer:
    def __init__(
        self, session: AsyncSession, customer: Customer, out: Path, cutoff: datetime | None
    ):
        self.session = session
        self.customer = customer
        self.out = out
        self.cutoff = cutoff
        self.since: datetime | None = None  # questions asked before it stay out too
        self.people: dict[int, str] = {}
        self.erased: set[int] = set()
        self.metrics = CustomerMetrics(customer.name)
        self.conversations = 0
        self.messages = 0
        (out / "transcripts").mkdir(parents=True, exist_ok=True)
        (out / "metrics").mkdir(parents=True, exist_ok=True)
        self.jsonl: IO[str] = (out / "conversations.jsonl").open("w", encoding="utf-8")
        self.qcsv_file: IO[str] = (out / "metrics" / "questions.csv").open(
            "w", encoding="utf-8", newline=""
        )
        self.qcsv = csv.writer(self.qcsv_file)
        self.qcsv.writerow(QUESTION_COLUMNS)

    def close(self) -> None:
        self.jsonl.close()
        self.qcsv_file.close()

    async def qualified(self, ids: set[int]) -> None:
        missing = [i for i in ids if i not in self.people]
        for batch in chunks(missing):
            rows = await self.session.execute(
                select(Person.id, Person.qualified, Person.erased_at).where(Person.id.in_(batch))
            )
            for pid, q, erased in rows:
                self.people[pid] = q
                if erased is not None:
                    self.erased.add(pid)

    def removed(self, author_id: int, text: str, created: datetime) -> str | None:
        if author_id in self.erased:
            return "erased"
        if not text and self.cutoff is not None and created < self.cutoff:
            return "retention"
        return None

    async def flush(self, convs: list[tuple[Any, list[Any]]]) -> None:
        if not convs:
            return
        mids = [m.id for _, msgs in convs for m in msgs]
        edits: dict[int, list[dict[str, Any]]] = {}
        for batch in chunks(mids):
            stmt = (
                select(MessageEdit.message_id, MessageEdit.previous_text, MessageEdit.edited_at)
                .where(MessageEdit.message_id.in_(batch))
                .order_by(MessageEdit.message_id, MessageEdit.edited_at, MessageEdit.id)
            )
            for mid, prev, at in await self.session.execute(stmt):
                edits.setdefault(mid, []).append({"previous_text": prev, "edited_at": iso(at)})
        questions: dict[int, list[Question]] = {}
        for batch in chunks([c.id for c, _ in convs]):
            stmt2 = select(Question).where(Question.conversation_id.in_(batch))
            if self.since is not None:
                stmt2 = stmt2.where(Question.created_at >= self.since)
            for q in (await self.session.scalars(stmt2.order_by(Question.id))).all():
                questions.setdefault(q.conversation_id, []).append(q)
        ids = {m.author_id for _, msgs in convs for m in msgs}
        for qs in questions.values():
            for q in qs:
                ids |= {i for i in (q.asker_id, q.assignee_id, q.resolved_by) if i is not None}
        await self.qualified(ids)
        by_id = {m.id: m for _, msgs in convs for m in msgs}
        for conv, msgs in convs:
            record = self._record(conv, msgs, edits, questions.get(conv.id, []), by_id)
            self.jsonl.write(json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n")
            (
                self.out / "transcripts" / transcript_name(conv.channel, conv.root_message_id)
            ).write_text(render(self.customer.name, record), encoding="utf-8")
            self.conversations += 1
            self.messages += len(msgs)

    def _record(
        self,
        conv: Any,
        msgs: list[Any],
        edits: dict[int, list[dict[str, Any]]],
        qs: list[Question],
        by_id: dict[int, Any],
    ) -> dict[str, Any]:
        out_msgs = [
            {
                "id": m.platform_message_id,
                "thread_id": m.thread_id,
                "author": self.people[m.author_id],
                "author_name": m.author_name,
                "author_is_staff": m.author_is_staff,
                "text": m.text,
                "text_removed": self.removed(m.author_id, m.text, m.created_at),
                "attachments": m.attachments or [],
                "created_at": iso(m.created_at),
                "edited_at": iso(m.edited_at),
                "deleted_at": iso(m.deleted_at),
                "edits": edits.get(m.id, []),
            }
            for m in msgs
        ]
        out_qs = []
        for q in qs:
            self.metrics.add(q)
            msg = by_id.get(q.message_id)
            out_qs.append(self._question(q, msg.platform_message_id if msg else None, conv.channel))
        return {
            "channel": conv.channel,
            "root_message_id": conv.root_message_id,
            "thread_id": conv.thread_id,
            "started_at": iso(conv.started_at),
            "last_message_at": iso(conv.last_message_at),
            "message_count": conv.message_count,
            "messages": out_msgs,
            "questions": out_qs,
        }

    def _question(self, q: Question, message_id: str | None, channel: str) -> dict[str, Any]:
        def who(i: int | None) -> str | None:
            return self.people.get(i) if i is not None else None

        first_s = seconds(q.created_at, q.first_response_at)
        resolved_s = seconds(q.created_at, q.resolved_at)
        self.qcsv.writerow(
            [
                message_id,
                channel,
                iso(q.created_at),
                q.state,
                q.kind,
                q.topic or "",
                q.priority,
                who(q.assignee_id) or "",
                iso(q.first_response_due) or "",
                iso(q.first_response_at) or "",
                "" if first_s is None else f"{first_s:.3f}",
                iso(q.resolved_at) or "",
                "" if resolved_s is None else f"{resolved_s:.3f}",
                "yes" if q.breached_at else "no",
            ]
        )
        return {
            "message_id": message_id,
            "asker": who(q.asker_id),
            "assignee": who(q.assignee_id),
            "resolved_by": who(q.resolved_by),
            "state": q.state,
            "summary": q.summary,
            "kind": q.kind,
            "language": q.language,
            "score": q.score,
            "topic": q.topic,
            "topic_confidence": q.topic_confidence,
            "priority": q.priority,
            "routing": q.routing,
            "sla": q.sla,
            "escalation_step": q.escalation_step,
            **{
                name: iso(getattr(q, name))
                for name in (
                    "created_at",
                    "acknowledged_at",
                    "first_response_at",
                    "first_response_due",
                    "resolution_due",
                    "warn_due",
                    "warned_at",
                    "breached_at",
                    "next_due_at",
                    "resolved_at",
                )
            },
        }


async def export_customer(
    session: AsyncSession,
    name: str,
    out_dir: Path,
    since: datetime | None = None,
    *,
    now: datetime,
    retention_days: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ExportSummary:
    """Write the customer's archive to `out_dir`. `progress(done, total)` is called as
    messages are written. `retention_days` (the customer's limit) lets the export say
    which empty texts were purged by retention."""
    customer = await session.scalar(select(Customer).where(Customer.name == name))
    if customer is None:
        raise UsageError(f"no customer named {name!r}")
    cutoff = now - timedelta(days=retention_days) if retention_days is not None else None
    where = [Conversation.customer_id == customer.id]
    if since is not None:
        where.append(Message.created_at >= since)
    total = int(
        await session.scalar(
            select(func.count(Message.id))
            .join(Conversation, Conversation.id == Message.conversation_id)
            .where(*where)
        )
        or 0
    )
    writer = _Writer(session, customer, out_dir, cutoff)
    writer.since = since
    stmt = (
        select(
            Message.id,
            Message.platform_message_id,
            Message.thread_id,
            Message.author_id,
            Message.author_name,
            Message.author_is_staff,
            Message.text,
            Message.attachments,
            Message.created_at,
            Message.edited_at,
            Message.deleted_at,
            Conversation.id.label("conv_id"),
        )
        .join(Conversation, Conversation.id == Message.conversation_id)
        .where(*where)
        .order_by(Conversation.id, Message.created_at, Message.id)
        .execution_options(yield_per=YIELD_PER)
    )
    try:
        buffered: list[tuple[Any, list[Any]]] = []
        pending = 0
        current: list[Any] = []
        current_conv: int | None = None
        result = await session.stream(stmt)
        async for row in result:
            if row.conv_id != current_conv:
                if current:
                    buffered.append((current_conv, current))
                if pending >= FLUSH_MESSAGES:
                    await writer.flush(await _convs(session, buffered))
                    if progress is not None:
                        progress(writer.messages, total)
                    buffered, pending = [], 0
                current, current_conv = [], row.conv_id
            current.append(row)
            pending += 1
        if current:
            buffered.append((current_conv, current))
        await writer.flush(await _convs(session, buffered))
        if progress is not None:
            progress(writer.messages, total)
        people = await people_of(session, writer.people)
        manifest = {
            "schema": SCHEMA,
            "exported_at": now.isoformat(),
            "since": iso(since),
            "customer": {
                "name": customer.name,
                "tier": customer.tier,
                "owner": customer.owner,
                "timezone": customer.timezone,
                "language": customer.language,
            },
            "channels": await channels_of(session, customer.id),
            "people": people,
            "counts": {
                "conversations": writer.conversations,
                "messages": writer.messages,
                "questions": writer.metrics.questions,
                "people": len(people),
            },
            "retention_days": retention_days,
        }
        write_files(out_dir, manifest, writer.metrics)
    finally:
        writer.close()
    return ExportSummary(
        customer.name,
        out_dir,
        writer.conversations,
        writer.messages,
        writer.metrics.questions,
        len(people),
    )


@dataclass
class _Conv:
    id: int
    channel: str
    root_message_id: str
    thread_id: str | None
    started_at: datetime
    last_message_at: datetime
    message_count: int


async def _convs(
    session: AsyncSession, buffered: list[tuple[Any, list[Any]]]
) -> list[tuple[Any, list[Any]]]:
    if not buffered:
        return []
    rows = await session.execute(
        select(
            Conversation.id,
            Channel.qualified,
            Conversation.root_message_id,
            Conversation.thread_id,
            Conversation.started_at,
            Conversation.last_message_at,
            Conversation.message_count,
        )
        .join(Channel, Channel.id == Conversation.channel_id)
        .where(Conversation.id.in_([cid for cid, _ in buffered]))
    )
    by_id = {r[0]: _Conv(*r) for r in rows}
    return [(by_id[cid], msgs) for cid, msgs in buffered]
