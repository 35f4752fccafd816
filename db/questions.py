"""Queries about questions and conversations."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.dialect import locks_rows
from db.models import Conversation, Message, Person, Question
from db.models.question import OPEN_STATES


async def open_question_in(session: AsyncSession, conversation_id: int) -> Question | None:
    """The conversation's open question, locked for this transaction on PostgreSQL:
    a message handler and a sweeper must not both change one question (the sweeper
    skips locked rows and takes its step on the next tick)."""
    stmt = (
        select(Question)
        .where(Question.conversation_id == conversation_id, Question.state.in_(OPEN_STATES))
        .order_by(Question.id.desc())
        .limit(1)
    )
    if locks_rows(session):
        stmt = stmt.with_for_update()
    question: Question | None = await session.scalar(stmt)
    return question


async def latest_question_in(session: AsyncSession, conversation_id: int) -> Question | None:
    question: Question | None = await session.scalar(
        select(Question)
        .where(Question.conversation_id == conversation_id)
        .order_by(Question.id.desc())
        .limit(1)
    )
    return question


async def open_load(session: AsyncSession) -> dict[str, int]:
    """Open questions per assignee (qualified id): the load routing weighs."""
    stmt = (
        select(Person.qualified, func.count(Question.id))
        .join(Person, Person.id == Question.assignee_id)
        .where(Question.state.in_(OPEN_STATES))
        .group_by(Person.qualified)
    )
    return {q: int(n) for q, n in (await session.execute(stmt)).all()}


async def queue(
    session: AsyncSession, *, assignee_id: int | None = None, limit: int = 20
) -> Sequence[Question]:
    stmt = select(Question).where(Question.state.in_(OPEN_STATES))
    if assignee_id is not None:
        stmt = stmt.where(Question.assignee_id == assignee_id)
    stmt = stmt.order_by(Question.first_response_due.is_(None), Question.first_response_due)
    return (await session.scalars(stmt.limit(limit))).all()


async def recent_texts(
    session: AsyncSession, channel_id: int, before: datetime, limit: int = 3
) -> list[str]:
    """The last few messages before `before` in a channel: detection's context."""
    stmt = (
        select(Message.text)
        .where(
            Message.channel_id == channel_id,
            Message.created_at < before,
            Message.deleted_at.is_(None),
        )
        .order_by(Message.created_at.desc())
        .limit(limit)
    )
    texts = list((await session.scalars(stmt)).all())
    texts.reverse()
    return texts


async def conversation_by_root(
    session: AsyncSession, channel_id: int, root_message_id: str
) -> Conversation | None:
    conv: Conversation | None = await session.scalar(
        select(Conversation).where(
            Conversation.channel_id == channel_id,
            Conversation.root_message_id == root_message_id,
        )
    )
    return conv


async def message_by_platform_id(
    session: AsyncSession, channel_id: int, platform_message_id: str
) -> Message | None:
    msg: Message | None = await session.scalar(
        select(Message).where(
            Message.channel_id == channel_id,
            Message.platform_message_id == platform_message_id,
        )
    )
    return msg
