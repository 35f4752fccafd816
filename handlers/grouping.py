"""Live conversation grouping: which conversation a new top-level message joins.

A grouper per channel keeps a bounded window of recent messages. It is a cache of
the database, never the only copy: before each decision it catches up on messages
it has not seen (ids above its mark), so a restart, or a message another worker
logged, leaves it consistent with the archive."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import timedelta

from sqlalchemy import select

from bot.context import Context
from bot.events import MessagePosted
from bot.grouping import Grouper, GroupMessage
from db.models import Channel, Conversation, Message, Person
from handlers.erased_caches import sync_caches

WINDOW = 60
MAX_IDLE = timedelta(hours=4)


@dataclass
class _Channel:
    grouper: Grouper
    mark: int = 0  # highest message id fed


@dataclass
class LiveGroupers:
    max_channels: int = 500
    _channels: OrderedDict[int, _Channel] = field(default_factory=OrderedDict)

    @classmethod
    def warmed(cls) -> LiveGroupers:
        """Load the shipped model now rather than on the first message."""
        Grouper.load(window=WINDOW)
        return cls()

    def get(self, channel_id: int) -> _Channel:
        entry = self._channels.get(channel_id)
        if entry is None:
            entry = _Channel(Grouper.load(window=WINDOW))
            self._channels[channel_id] = entry
            while len(self._channels) > self.max_channels:
                self._channels.popitem(last=False)
        self._channels.move_to_end(channel_id)
        return entry

    def clear(self) -> None:
        """Start over from the archive (after an erasure: handlers/erased_caches.py)."""
        self._channels.clear()


async def _catch_up(ctx: Context, channel: Channel, entry: _Channel) -> None:
    stmt = (
        select(
            Message.id,
            Message.platform_message_id,
            Message.created_at,
            Person.qualified,
            Message.text,
            Message.author_is_staff,
            Conversation.root_message_id,
        )
        .join(Person, Person.id == Message.author_id)
        .join(Conversation, Conversation.id == Message.conversation_id)
        .where(Message.channel_id == channel.id, Message.id > entry.mark)
        .order_by(Message.id.desc())
        .limit(WINDOW)
    )
    rows = list((await ctx.session.execute(stmt)).all())
    for mid, pid, at, who, text, staff, root in reversed(rows):
        entry.grouper.decide(
            GroupMessage(
                id=pid,
                ts=at.timestamp(),
                user=who,
                text=text,
                is_staff=staff,
                thread_parent=root if root != pid else None,
            )
        )
        entry.mark = max(entry.mark, mid)


async def conversation_to_join(
    ctx: Context, ev: MessagePosted, channel: Channel, author: Person
) -> Conversation | None:
    """The conversation an unthreaded message continues, or None if it starts one."""
    await sync_caches(ctx)  # forgotten or purged text leaves the window first
    entry = ctx.services.groupers.get(channel.id)
    await _catch_up(ctx, channel, entry)
    decision = entry.grouper.decide(
        GroupMessage(
            id=ev.message.message_id,
            ts=ev.occurred_at.timestamp(),
            user=author.qualified,
            text=ev.text,
            is_staff=author.is_staff,
            mentions=tuple(m.qualified for m in ev.mentions),
        )
    )
    if decision.starts_conversation:
        return None
    parent = await ctx.session.scalar(
        select(Message.conversation_id).where(
            Message.channel_id == channel.id, Message.platform_message_id == decision.parent
        )
    )
    conv = await ctx.session.get(Conversation, parent) if parent is not None else None
    # The model learned from IRC, where a conversation never idles for hours; in a
    # quiet shared channel a question the next day is a new one, not a follow-up.
    if conv is not None and ev.occurred_at - conv.last_message_at > MAX_IDLE:
        return None
    return conv


def fed(ctx: Context, channel_id: int, message_id: int) -> None:
    """The new message is in the grouper already; do not feed it again."""
    entry = ctx.services.groupers.get(channel_id)
    entry.mark = max(entry.mark, message_id)
