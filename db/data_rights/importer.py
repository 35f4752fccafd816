"""Import of an export (schema `presence.export/1`) into an installation: the
customer, its channels, the people, then the conversations line by line, in
batches of transactions so memory stays bounded. Rows that already exist (same
channel and platform message id, same conversation root, same question message)
are left alone, so importing twice changes nothing."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.errors import UsageError
from bot.refs import parse_qualified
from db.data_rights.export import SCHEMA
from db.directory import channel_by_qualified, customer_by_name, person_by_qualified
from db.models import Channel, Conversation, Customer, Message, MessageEdit, Person, Question

BATCH_LINES = 200
_Q_TIMES = (
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


@dataclass
class ImportSummary:
    customer: str
    conversations: int = 0
    messages: int = 0
    questions: int = 0
    skipped: int = 0

    def line(self) -> str:
        return (
            f"imported {self.customer}: {self.conversations} conversation(s), "
            f"{self.messages} message(s), {self.questions} question(s)"
            + (f"; {self.skipped} already present" if self.skipped else "")
        )


def _at(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def read_manifest(src: Path) -> dict[str, Any]:
    try:
        manifest: dict[str, Any] = json.loads((src / "manifest.json").read_text("utf-8"))
    except FileNotFoundError:
        raise UsageError(f"{src} is not an export (no manifest.json)") from None
    except (OSError, ValueError) as e:
        raise UsageError(f"{src}/manifest.json cannot be read: {e}") from None
    if manifest.get("schema") != SCHEMA:
        raise UsageError(f"{src} has schema {manifest.get('schema')!r}; expected {SCHEMA}")
    return manifest


def _lines(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    with path.open(encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if line.strip():
                try:
                    yield n, json.loads(line)
                except ValueError:
                    raise UsageError(f"{path.name} line {n} is not JSON") from None


async def import_export(
    sessions: async_sessionmaker[AsyncSession],
    src: Path,
    *,
    now: datetime,
    progress: Callable[[int], None] | None = None,
) -> ImportSummary:
    manifest = read_manifest(src)
    name = manifest["customer"]["name"]
    summary = ImportSummary(name)
    async with sessions.begin() as session:
        customer_id = await _customer(session, manifest["customer"], now)
        for ch in manifest.get("channels", []):
            await _channel(session, ch["id"], customer_id, ch.get("name"), ch.get("workspace"))
        people = manifest.get("people", [])
        for p in people:
            await _person(session, p, now)
        for p in people:
            if p.get("linked_to"):
                person = await person_by_qualified(session, p["id"])
                root = await person_by_qualified(session, p["linked_to"])
                if person is not None and root is not None and person.linked_to is None:
                    person.linked_to = root.id
    ids: dict[str, int] = {}
    batch: list[dict[str, Any]] = []
    for _, record in _lines(src / "conversations.jsonl"):
        batch.append(record)
        if len(batch) >= BATCH_LINES:
            await _import_batch(sessions, batch, customer_id, ids, summary)
            batch = []
            if progress is not None:
                progress(summary.messages)
    await _import_batch(sessions, batch, customer_id, ids, summary)
    if progress is not None:
        progress(summary.messages)
    return summary


async def _customer(session: AsyncSession, data: dict[str, Any], now: datetime) -> int:
    customer = await customer_by_name(session, data["name"])
    if customer is None:
        customer = Customer(
            name=data["name"],
            tier=data.get("tier") or "standard",
            owner=data.get("owner"),
            timezone=data.get("timezone"),
            language=data.get("language"),
            source="chat",
            created_at=now,
        )
        session.add(customer)
        await session.flush()
    return customer.id


async def _channel(
    session: AsyncSession,
    qualified: str,
    customer_id: int,
    name: str | None = None,
    workspace: str | None = None,
) -> Channel:
    channel = await channel_by_qualified(session, qualified)
    if channel is None:
        platform, ident = parse_qualified(qualified)
        channel = Channel(
            qualified=qualified,
            platform=platform,
            platform_id=ident,
            workspace_id=workspace,
            name=name,
            customer_id=customer_id,
            watched=True,
        )
        session.add(channel)
        await session.flush()
    else:
        channel.workspace_id = channel.workspace_id or workspace
        channel.name = channel.name or name
    return channel


async def _person(session: AsyncSession, data: dict[str, Any], now: datetime) -> Person:
    person = await person_by_qualified(session, data["id"])
    if person is None:
        platform, ident = parse_qualified(data["id"])
        person = Person(
            qualified=data["id"],
            platform=platform,
            platform_id=ident,
            name=data.get("name"),
            is_staff=bool(data.get("is_staff")),
            is_bot=bool(data.get("is_bot")),
            email=data.get("email"),
            timezone=data.get("timezone"),
            first_seen_at=now,
        )
        session.add(person)
    elif person.erased_at is None:
        # What this installation does not know yet comes from the export; what it
        # knows (the config's names, say) stays.
        person.name = person.name or data.get("name")
        person.email = person.email or data.get("email")
        person.timezone = person.timezone or data.get("timezone")
    if data.get("erased_at") and person.erased_at is None:
        # An erasure travels with the data: the archive must not bring a name back.
        person.erased_at = _at(data["erased_at"])
        person.name, person.email, person.timezone = data.get("name"), None, None
    await session.flush()
    return person


async def _person_id(
    session: AsyncSession, qualified: str | None, ids: dict[str, int]
) -> int | None:
    if qualified is None:
        return None
    if qualified not in ids:
        person = await person_by_qualified(session, qualified)
        if person is None:
            raise UsageError(f"the export names {qualified} but does not list them in people")
        ids[qualified] = person.id
    return ids[qualified]


async def _import_batch(
    sessions: async_sessionmaker[AsyncSession],
    records: list[dict[str, Any]],
    customer_id: int,
    ids: dict[str, int],
    summary: ImportSummary,
) -> None:
    if not records:
        return
    async with sessions.begin() as session:
        for rec in records:
            await _conversation(session, rec, customer_id, ids, summary)


async def _conversation(
    session: AsyncSession,
    rec: dict[str, Any],
    customer_id: int,
    ids: dict[str, int],
    summary: ImportSummary,
) -> None:
    channel = await _channel(session, rec["channel"], customer_id)
    conv = await session.scalar(
        select(Conversation).where(
            Conversation.channel_id == channel.id,
            Conversation.root_message_id == rec["root_message_id"],
        )
    )
    if conv is None:
        conv = Conversation(
            channel_id=channel.id,
            root_message_id=rec["root_message_id"],
            thread_id=rec.get("thread_id"),
            customer_id=customer_id,
            started_at=_at(rec["started_at"]),
            last_message_at=_at(rec["last_message_at"]),
            message_count=rec.get("message_count", len(rec["messages"])),
        )
        session.add(conv)
        await session.flush()
        summary.conversations += 1
    message_ids: dict[str, int] = {}
    for m in rec["messages"]:
        existing = await session.scalar(
            select(Message.id).where(
                Message.channel_id == channel.id, Message.platform_message_id == m["id"]
            )
        )
        if existing is not None:
            message_ids[m["id"]] = existing
            summary.skipped += 1
            continue
        author = await _person_id(session, m["author"], ids)
        assert author is not None
        msg = Message(
            conversation_id=conv.id,
            channel_id=channel.id,
            platform_message_id=m["id"],
            thread_id=m.get("thread_id"),
            author_id=author,
            author_name=m.get("author_name"),
            author_is_staff=bool(m.get("author_is_staff")),
            text=m.get("text") or "",
            attachments=m.get("attachments") or [],
            created_at=_at(m["created_at"]),
            edited_at=_at(m.get("edited_at")),
            deleted_at=_at(m.get("deleted_at")),
        )
        session.add(msg)
        await session.flush()
        message_ids[m["id"]] = msg.id
        for e in m.get("edits", []):
            session.add(
                MessageEdit(
                    message_id=msg.id,
                    previous_text=e.get("previous_text") or "",
                    edited_at=_at(e["edited_at"]),
                )
            )
        summary.messages += 1
    for q in rec.get("questions", []):
        mid = message_ids.get(q.get("message_id") or "")
        if mid is None or await session.scalar(
            select(Question.id).where(Question.message_id == mid)
        ):
            continue
        asker = await _person_id(session, q["asker"], ids)
        assert asker is not None
        session.add(
            Question(
                conversation_id=conv.id,
                message_id=mid,
                channel_id=channel.id,
                customer_id=customer_id,
                asker_id=asker,
                assignee_id=await _person_id(session, q.get("assignee"), ids),
                resolved_by=await _person_id(session, q.get("resolved_by"), ids),
                state=q["state"],
                summary=q.get("summary") or "",
                kind=q.get("kind") or "question",
                language=q.get("language"),
                score=float(q.get("score") or 0.0),
                topic=q.get("topic"),
                topic_confidence=q.get("topic_confidence"),
                priority=q.get("priority") or "normal",
                routing=q.get("routing") or {},
                sla=q.get("sla") or {},
                escalation_step=int(q.get("escalation_step") or 0),
                **{name: _at(q.get(name)) for name in _Q_TIMES},
            )
        )
        summary.questions += 1
    await session.flush()
