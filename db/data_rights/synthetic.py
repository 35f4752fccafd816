"""A synthetic archive for the export benchmark and the bounded-memory test: one
customer, one channel, conversations of a few messages, a question in each with
a first response. Inserted in bulk with explicit ids, into an empty database."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Table, func, insert, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from db.base import Base
from db.models import Channel, Conversation, Customer, Message, Person, Question

CHUNK = 2000


async def _next_id(session: AsyncSession, model: type) -> int:
    return int(await session.scalar(select(func.max(model.id))) or 0) + 1  # type: ignore[attr-defined]


async def fill(
    session: AsyncSession,
    customer: str,
    messages: int,
    *,
    per_conversation: int = 5,
    start: datetime,
) -> None:
    cust = Customer(name=customer, tier="gold", created_at=start)
    session.add(cust)
    await session.flush()
    slug = "".join(ch for ch in customer.lower() if ch.isalnum())
    channel = Channel(
        qualified=f"local:{slug}",
        platform="local",
        platform_id=slug,
        customer_id=cust.id,
        watched=True,
    )
    asker = Person(
        qualified=f"local:{slug}-asker",
        platform="local",
        platform_id=f"{slug}-asker",
        name=f"Asker of {customer}",
        customer_id=cust.id,
        first_seen_at=start,
    )
    staff = Person(
        qualified=f"local:{slug}-staff",
        platform="local",
        platform_id=f"{slug}-staff",
        name="Support person",
        is_staff=True,
        first_seen_at=start,
    )
    session.add_all([channel, asker, staff])
    await session.flush()
    conv0 = await _next_id(session, Conversation)
    msg0 = await _next_id(session, Message)
    q0 = await _next_id(session, Question)
    n_conv = (messages + per_conversation - 1) // per_conversation
    convs, msgs, qs = [], [], []
    for c in range(n_conv):
        at = start + timedelta(minutes=10 * c)
        size = min(per_conversation, messages - c * per_conversation)
        convs.append(
            {
                "id": conv0 + c,
                "channel_id": channel.id,
                "root_message_id": f"r{c}",
                "customer_id": cust.id,
                "started_at": at,
                "last_message_at": at + timedelta(minutes=size),
                "message_count": size,
            }
        )
        for k in range(size):
            mid = msg0 + c * per_conversation + k
            staff_turn = k % 2 == 1
            msgs.append(
                {
                    "id": mid,
                    "conversation_id": conv0 + c,
                    "channel_id": channel.id,
                    "platform_message_id": f"m{c}-{k}",
                    "thread_id": f"r{c}" if k else None,
                    "author_id": staff.id if staff_turn else asker.id,
                    "author_name": staff.name if staff_turn else asker.name,
                    "author_is_staff": staff_turn,
                    "text": f"message {k} of conversation {c}: how does the invoice export "
                    f"handle case {c * 7 % 101}? " + "details " * 8,
                    "attachments": [],
                    "created_at": at + timedelta(minutes=k),
                }
            )
        qs.append(
            {
                "id": q0 + c,
                "conversation_id": conv0 + c,
                "message_id": msg0 + c * per_conversation,
                "channel_id": channel.id,
                "customer_id": cust.id,
                "asker_id": asker.id,
                "state": "answered",
                "summary": msgs[-size]["text"],
                "routing": {},
                "sla": {},
                "created_at": at,
                "first_response_at": at + timedelta(minutes=1 + c % 30) if size > 1 else None,
            }
        )
        if len(msgs) >= CHUNK:
            await _flush(session, convs, msgs, qs)
            convs, msgs, qs = [], [], []
    await _flush(session, convs, msgs, qs)
    if session.get_bind().dialect.name == "postgresql":
        # The ids above were given explicitly: move the sequences past them, or the
        # next row a running Presence logs would collide with them.
        for model in (Conversation, Message, Question):
            name = _table(model).name
            await session.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), "
                    f"(SELECT max(id) FROM {name}))"
                )
            )


def _table(model: type[Base]) -> Table:
    table = model.__table__
    assert isinstance(table, Table)
    return table


async def _flush(
    session: AsyncSession,
    convs: list[dict[str, object]],
    msgs: list[dict[str, object]],
    qs: list[dict[str, object]],
) -> None:
    # Core inserts: one executemany per table, not the ORM's row-by-row bulk path.
    if convs:
        await session.execute(insert(_table(Conversation)), convs)
    if msgs:
        await session.execute(insert(_table(Message)), msgs)
    if qs:
        await session.execute(insert(_table(Question)), qs)
