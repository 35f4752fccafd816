"""Retention: message text older than a customer's limit is purged, with the same
guarantees as forgetting someone. Rows stay, so counts, timings and SLA metrics
are unchanged; the text, its earlier versions, the question summary that copied
it, quotes of it in cards, audit reasons and the stored event all lose it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Text, cast, select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import PresenceConfig
from db.data_rights.epoch import bump_epoch
from db.data_rights.passes import keyset, scrub_json
from db.data_rights.scrub import Scrubber, strip_attachments
from db.models import (
    AuditEntry,
    Channel,
    Conversation,
    Customer,
    InboxEvent,
    Message,
    MessageEdit,
    OutboxMessage,
    Question,
)

TEXT_EVENTS = ("message_posted", "message_edited")


@dataclass
class Limit:
    customer_id: int | None
    customer: str | None
    days: int
    cutoff: datetime


@dataclass
class PurgeResult:
    messages: int = 0
    edits: int = 0
    summaries: int = 0
    copies: int = 0
    events: int = 0
    by_customer: dict[str, int] = field(default_factory=dict)


async def limits(session: AsyncSession, config: PresenceConfig, now: datetime) -> list[Limit]:
    """The retention limit of every customer in the database (and of talk with no
    customer), where one is set."""
    out = []
    rows = (await session.execute(select(Customer.id, Customer.name))).all()
    for cid, name in [*rows, (None, None)]:
        days = config.retention_days_for(name)
        if days is not None:
            out.append(Limit(cid, name, days, now - timedelta(days=days)))
    return out


async def purge_batch(session: AsyncSession, limit: Limit, *, size: int = 500) -> PurgeResult:
    """Purge up to `size` messages past `limit`; fewer than `size` means done."""
    result = PurgeResult()
    where = [Message.created_at < limit.cutoff, Message.text != ""]
    owner = (
        Conversation.customer_id.is_(None)
        if limit.customer_id is None
        else Conversation.customer_id == limit.customer_id
    )
    rows: Sequence[Any] = (
        await session.execute(
            select(Message.id, Message.text, Message.attachments)
            .join(Conversation, Conversation.id == Message.conversation_id)
            .where(owner, *where)
            .order_by(Message.id)
            .limit(size)
        )
    ).all()
    old_edits = (
        select(MessageEdit.id, MessageEdit.previous_text)
        .join(Message, Message.id == MessageEdit.message_id)
        .join(Conversation, Conversation.id == Message.conversation_id)
        .where(owner, Message.created_at < limit.cutoff, MessageEdit.previous_text != "")
        .limit(size)
    )
    edits = (await session.execute(old_edits)).all()
    if not rows and not edits:
        return result
    # Workers rebuild their caches of message text when they see it (epoch.py).
    await bump_epoch(session, limit.cutoff + timedelta(days=limit.days))
    texts = {t for _, t, _ in rows} | {t for _, t in edits}
    mids = [m for m, _, _ in rows]
    if rows:
        await session.execute(
            update(Message),
            [{"id": m, "text": "", "attachments": strip_attachments(a or [])} for m, _, a in rows],
        )
    if edits:
        await session.execute(
            update(MessageEdit), [{"id": i, "previous_text": ""} for i, _ in edits]
        )
    questions = (
        (
            await session.execute(
                select(Question.id, Question.summary).where(Question.message_id.in_(mids))
            )
        ).all()
        if mids
        else []
    )
    texts |= {s for _, s in questions}
    if questions:
        await session.execute(update(Question), [{"id": q, "summary": ""} for q, _ in questions])
    scrubber = Scrubber(texts=texts, exact_short=True).build()  # rows tied to these messages
    qids = [q for q, _ in questions]
    subjects = [f"question:{q}" for q in qids] + [f"message:{m}" for m in mids]
    if qids:
        result.copies += await scrub_json(
            session, OutboxMessage, "message", scrubber, where=OutboxMessage.question_id.in_(qids)
        )
    # Later questions' routing may quote these as "similar" past questions.
    result.copies += await scrub_json(
        session,
        Question,
        "routing",
        Scrubber(texts=texts).build(),  # quotes only: a short word there is not theirs
        where=cast(Question.routing, Text).like('%"similar"%'),
    )
    if subjects:
        for column in ("reason", "detail"):
            result.copies += await scrub_json(
                session, AuditEntry, column, scrubber, where=AuditEntry.subject.in_(subjects)
            )
    result.messages, result.edits, result.summaries = len(rows), len(edits), len(questions)
    if limit.customer:
        result.by_customer[limit.customer] = len(rows)
    return result


async def purge_events(session: AsyncSession, lims: list[Limit]) -> int:
    """Stored events (the inbox) carry the text too: handled message events older
    than their channel's limit lose it."""
    if not lims:
        return 0
    by_customer = {lim.customer_id: lim.cutoff for lim in lims}
    channels: dict[str, int | None] = {
        q: c for q, c in await session.execute(select(Channel.qualified, Channel.customer_id))
    }

    def cutoff_for(channel: str | None) -> datetime | None:
        return by_customer.get(channels.get(channel or "")) if channel in channels else None

    fallback = by_customer.get(None)
    # Judged by when the message was written (an event may arrive late, or be
    # a backfill), so the scan cannot stop at `received_at`.
    stmt = select(InboxEvent.id, InboxEvent.payload).where(
        InboxEvent.kind.in_(TEXT_EVENTS),
        InboxEvent.status != "pending",
        # A cheap filter: events already purged carry an empty text.
        cast(InboxEvent.payload, Text).not_like('%"text": ""%'),
    )
    n = 0
    async for rows in keyset(session, stmt, InboxEvent.id):
        ups = []
        written_at = await _message_times(session, [p for _, p in rows])
        for i, payload in rows:
            qualified, mid = _message_key(payload)
            cutoff = cutoff_for(qualified) if qualified in channels else fallback
            # An edit belongs to its message: judged by when the message was written.
            written = written_at.get((qualified, mid)) or _written(payload)
            if cutoff is None or written is None or written >= cutoff or not payload.get("text"):
                continue
            new = {
                **payload,
                "text": "",
                "attachments": strip_attachments(payload.get("attachments") or []),
            }
            ups.append({"id": i, "payload": new})
        if ups:
            await session.execute(update(InboxEvent), ups)
            n += len(ups)
    return n


def _written(payload: dict[str, Any]) -> datetime | None:
    try:
        return datetime.fromisoformat(str(payload.get("occurred_at")))
    except ValueError:
        return None


def _message_key(payload: dict[str, Any]) -> tuple[str, str]:
    ch = payload.get("channel") or {}
    msg = payload.get("message") or {}
    return f"{ch.get('platform')}:{ch.get('id')}", str(msg.get("message_id"))


async def _message_times(
    session: AsyncSession, payloads: list[dict[str, Any]]
) -> dict[tuple[str, str], datetime]:
    keys = {_message_key(p) for p in payloads if p.get("kind") == "message_edited"}
    if not keys:
        return {}
    rows = await session.execute(
        select(Channel.qualified, Message.platform_message_id, Message.created_at)
        .join(Channel, Channel.id == Message.channel_id)
        .where(tuple_(Channel.qualified, Message.platform_message_id).in_(sorted(keys)))
    )
    return {(c, m): at for c, m, at in rows}
