"""App Home: the expert's open questions, read from Presence's database.

The Home tab is a view of the core's data, not an event, so the adapter reads it
here when Slack says the tab was opened; the cards are the core's own
(`bot.cards.expert_dm`), so Home, DM and triage card show the same buttons.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot import cards
from bot.outgoing import OutgoingMessage
from bot.refs import MessageRef
from bot.timefmt import local
from db.directory import customer_by_id, person_by_qualified
from db.models import Channel, Message, Person
from db.questions import queue

MAX_ITEMS = 20  # App Home holds 100 blocks; each card takes about five


async def open_questions(
    sessions: async_sessionmaker[AsyncSession],
    user_id: str,
    *,
    default_tz: str = "UTC",
    now: datetime | None = None,
) -> list[OutgoingMessage]:
    now = now or datetime.now(tz=UTC)
    async with sessions() as session:
        me = await person_by_qualified(session, f"slack:{user_id}")
        if me is None:
            return []
        tz = me.timezone or default_tz
        out = []
        for q in await queue(session, assignee_id=me.id, limit=MAX_ITEMS):
            channel = await session.get(Channel, q.channel_id)
            asked = await session.get(Message, q.message_id)
            asker = await session.get(Person, q.asker_id)
            if channel is None or asked is None or asker is None:
                continue
            # The question's thread: the one it was asked in, or the one under it.
            root = asked.thread_id or asked.platform_message_id
            thread = MessageRef(channel.platform, channel.platform_id, root, root)
            customer = await customer_by_id(session, q.customer_id)
            view = cards.QuestionView(
                id=q.id,
                text=q.summary,
                state=q.state,
                customer=customer.name if customer else "unknown customer",
                tier=customer.tier if customer else "standard",
                asker=asker.name or asker.qualified,
                assignee=me.name or me.qualified,
                due=local(q.first_response_due, tz, now) if q.first_response_due else "no target",
                topic=q.topic,
                reasons=tuple(q.routing.get("reasons", ())),
                thread=thread,
            )
            out.append(cards.expert_dm(view))
        return out
