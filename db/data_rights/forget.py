"""Forgetting a person (GDPR erasure) without breaking the archive or the metrics.

Rows stay (a message still counts, a question keeps its times and its SLA
outcome); the person's text becomes empty, their name becomes a stable pseudonym,
their profile (email, time zone) is cleared, and every copy of their words and
name elsewhere (quotes in cards, stored events, audit reasons, other people's
messages that name them) is scrubbed. One audit row records the request, without
the name."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.errors import UsageError
from db.data_rights.epoch import bump_epoch
from db.data_rights.identity import find_people, linked_groups, pseudonym, pseudonym_key
from db.data_rights.passes import (
    chunks,
    keyset,
    scrub_all_other_columns,
    scrub_copies,
    scrub_json,
    scrub_texts,
)
from db.data_rights.scrub import Scrubber, strip_attachments
from db.models import AuditEntry, Channel, Message, MessageEdit, OutboxMessage, Person, Question


@dataclass
class ForgetSummary:
    identities: list[str]
    pseudonyms: list[str]
    own_messages: int = 0
    own_edits: int = 0
    own_questions: int = 0
    scrubbed: dict[str, int] = field(default_factory=dict)
    person_ids: list[int] = field(default_factory=list)
    applied: bool = False

    def lines(self) -> list[str]:
        verb = "erased" if self.applied else "would be erased (dry run; --yes applies)"
        out = [
            f"identities: {', '.join(self.identities)}",
            f"pseudonym: {', '.join(self.pseudonyms)}",
            f"their messages {verb}: {self.own_messages}",
            f"earlier versions of their messages: {self.own_edits}",
            f"question summaries of their questions: {self.own_questions}",
        ]
        for k, v in sorted(self.scrubbed.items()):
            out.append(f"other rows quoting or naming them ({k}): {v}")
        out.append("rows deleted: 0 (counts, timings and SLA metrics stay as they were)")
        return out


async def forget_person(
    session: AsyncSession,
    *,
    now: datetime,
    requested_by: str,
    qualified: str | None = None,
    email: str | None = None,
    reason: str | None = None,
) -> ForgetSummary:
    """Erase the person (and their linked identities) in this session's transaction.
    The caller commits to apply it, or rolls back for a dry run."""
    named = await find_people(session, qualified=qualified, email=email)
    if not named:
        what = qualified if qualified is not None else f"email {email}"
        raise UsageError(f"no person known as {what}")
    key = await pseudonym_key(session, now)
    summary = ForgetSummary(identities=[], pseudonyms=[])
    for group in await linked_groups(session, named):
        await _forget_group(session, group, pseudonym(key, group[0].id), now, summary)
    # Workers' caches of message text (routing history, groupers) drop the erased
    # words when they see the new epoch, committed together with the erasure.
    await bump_epoch(session, now)
    session.add(
        AuditEntry(
            at=now,
            actor=requested_by,
            action="person.forgotten",
            subject=",".join(f"person:{i}" for i in summary.person_ids)[:100],
            reason=reason,
            detail={
                "identities": len(summary.identities),
                "messages": summary.own_messages,
                "questions": summary.own_questions,
                "scrubbed": summary.scrubbed,
            },
        )
    )
    await session.flush()
    return summary


async def _forget_group(
    session: AsyncSession, group: list[Person], alias: str, now: datetime, out: ForgetSummary
) -> None:
    ids = [p.id for p in group]
    out.identities += [p.qualified for p in group]
    out.pseudonyms.append(alias)
    out.person_ids += ids
    names: set[str] = {p.name for p in group if p.name and p.name != alias}
    names |= {p.email for p in group if p.email}
    texts: set[str] = set()
    convs: set[int] = set()
    message_ids: list[int] = []
    event_keys: set[tuple[str, str]] = set()

    stmt = (
        select(
            Message.id,
            Message.text,
            Message.author_name,
            Message.attachments,
            Message.conversation_id,
            Channel.qualified,
            Message.platform_message_id,
        )
        .join(Channel, Channel.id == Message.channel_id)
        .where(Message.author_id.in_(ids))
    )
    async for rows in keyset(session, stmt, Message.id):
        ups = []
        for mid, text, author, attachments, conv, channel, platform_id in rows:
            texts.add(text)
            if author and author != alias:
                names.add(author)
            convs.add(conv)
            message_ids.append(mid)
            event_keys.add((channel, platform_id))
            ups.append(
                {
                    "id": mid,
                    "text": "",
                    "author_name": alias,
                    "attachments": strip_attachments(attachments or []),
                }
            )
        await session.execute(update(Message), ups)
        out.own_messages += len(ups)
    for mids in chunks(message_ids):
        edits = (
            await session.execute(
                select(MessageEdit.id, MessageEdit.previous_text).where(
                    MessageEdit.message_id.in_(mids)
                )
            )
        ).all()
        texts |= {t for _, t in edits}
        if edits:
            await session.execute(
                update(MessageEdit), [{"id": i, "previous_text": ""} for i, _ in edits]
            )
            out.own_edits += len(edits)
    questions = (
        await session.execute(
            select(Question.id, Question.summary).where(Question.asker_id.in_(ids))
        )
    ).all()
    texts |= {t for _, t in questions}
    if questions:
        await session.execute(update(Question), [{"id": i, "summary": ""} for i, _ in questions])
        out.own_questions += len(questions)

    scrubber = Scrubber(texts=texts, names=sorted(names), replacement=alias).build()
    first = {n.split()[0] for n in names if "@" not in n and n.split()}
    local = Scrubber(names=[f for f in first if len(f) >= 3 and f.isalpha()], replacement=alias)
    local.build()
    qualified = {p.qualified for p in group}
    # Messages of the conversations they took part in: there, a first name is them.
    nearby: set[tuple[str, str]] = set()
    for batch in chunks(sorted(convs)):
        rows = await session.execute(
            select(Channel.qualified, Message.platform_message_id)
            .join(Channel, Channel.id == Message.channel_id)
            .where(Message.conversation_id.in_(batch))
        )
        nearby |= {(c, m) for c, m in rows}

    def event_rewrite(payload: Any) -> Any:
        if not isinstance(payload, dict):
            return payload
        new = dict(payload)
        author = new.get("author")
        by_them = isinstance(author, dict) and _qualified(author.get("user")) in qualified
        channel = _qualified(new.get("channel"))
        message = new.get("message")
        about_theirs = (
            isinstance(message, dict) and (channel, message.get("message_id")) in event_keys
        )
        if by_them and isinstance(author, dict):
            new["author"] = {**author, "name": alias, "email": None, "timezone": None}
        if (by_them or about_theirs) and new.get("kind") in ("message_posted", "message_edited"):
            new["text"] = ""
            new["attachments"] = strip_attachments(new.get("attachments") or [])
        if isinstance(message, dict) and (channel, message.get("message_id")) in nearby:
            new = local.value(new)
        return new

    counts = await scrub_texts(session, scrubber, local=local, local_conversations=convs)
    counts.update(await scrub_copies(session, scrubber, event_rewrite))
    counts["other"] = await scrub_all_other_columns(session, scrubber)
    # The cards about their own questions quote them whole, short texts included.
    own = Scrubber(texts=texts, names=sorted(names), replacement=alias, exact_short=True)
    own.build()
    own_qids = [q for q, _ in questions]
    for batch in chunks(own_qids):
        where = OutboxMessage.question_id.in_(batch)
        counts["outbox"] += await scrub_json(session, OutboxMessage, "message", own, where=where)
    nearby_qids: list[int] = []
    for batch in chunks(sorted(convs)):
        stmt = select(Question.id).where(Question.conversation_id.in_(batch))
        nearby_qids += (await session.scalars(stmt)).all()
    for batch in chunks(nearby_qids):
        where = OutboxMessage.question_id.in_(batch)
        counts["outbox"] += await scrub_json(session, OutboxMessage, "message", local, where=where)
        counts["other"] += await scrub_json(
            session, Question, "routing", local, where=Question.id.in_(batch)
        )
    for k, v in counts.items():
        out.scrubbed[k] = out.scrubbed.get(k, 0) + v
    for p in group:
        p.name = alias
        p.email = None
        p.timezone = None
        p.erased_at = p.erased_at or now
    await session.flush()


def _qualified(ref: Any) -> str | None:
    if isinstance(ref, dict) and "platform" in ref and "id" in ref:
        return f"{ref['platform']}:{ref['id']}"
    return None
