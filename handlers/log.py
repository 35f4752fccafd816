"""The conversation log: every message in a watched channel, its thread, its
edits (history kept) and its deletion (marked; the text leaves search)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.context import Context
from bot.events import MessageDeleted, MessageEdited, MessagePosted
from bot.text import storable
from db.directory import channel_by_qualified, ensure_channel, ensure_person
from db.models import Channel, Conversation, Message, MessageEdit, Person
from db.questions import conversation_by_root, message_by_platform_id
from handlers.grouping import conversation_to_join, fed

MAX_TEXT = 40_000  # Slack's own cap; longer texts are cut, never refused


@dataclass
class Logged:
    channel: Channel
    person: Person
    conversation: Conversation
    message: Message
    # Started by this very message: it can hold no question yet, so the handler
    # skips looking for one.
    new_conversation: bool = False


async def log_message(ev: MessagePosted, ctx: Context) -> Logged | None:
    """Log a message of a watched channel. None when the channel is not watched or
    the message is already logged (the same message under another event key)."""
    channel = await ensure_channel(ctx.session, ev.channel)
    if not channel.watched:
        return None
    if await message_by_platform_id(ctx.session, channel.id, ev.message.message_id):
        return None
    person = await ensure_person(ctx.session, ev.author, ctx.now)
    conv = await _conversation_for(ev, ctx, channel, person)
    root = ev.message.thread_id or ev.message.message_id
    new_conversation = conv is None
    if conv is None:
        conv = Conversation(
            channel_id=channel.id,
            root_message_id=root,
            thread_id=ev.message.thread_id,
            customer_id=channel.customer_id,
            started_at=ev.occurred_at,
            last_message_at=ev.occurred_at,
            message_count=1,
        )
        ctx.session.add(conv)
        await ctx.session.flush()
    else:
        conv.message_count += 1
        conv.last_message_at = max(conv.last_message_at, ev.occurred_at)
    if ev.message.thread_id and not conv.thread_id:
        conv.thread_id = ev.message.thread_id
    message = Message(
        conversation_id=conv.id,
        channel_id=channel.id,
        platform_message_id=ev.message.message_id,
        thread_id=ev.message.thread_id,
        author_id=person.id,
        author_name=person.name,
        author_is_staff=person.is_staff,
        text=storable(ev.text)[:MAX_TEXT],
        attachments=[
            {"name": a.name, "size": a.size, "type": a.content_type, "url": a.url}
            for a in ev.attachments
        ],
        created_at=ev.occurred_at,
    )
    ctx.session.add(message)
    await ctx.session.flush()
    if ctx.services.groupers is not None and not ev.message.thread_id:
        # Decided and remembered just now. Thread replies are left for the next
        # catch-up, which feeds them with their thread as parent.
        fed(ctx, channel.id, message.id)
    return Logged(channel, person, conv, message, new_conversation)


async def _conversation_for(
    ev: MessagePosted, ctx: Context, channel: Channel, person: Person
) -> Conversation | None:
    """An explicit platform thread always wins; an unthreaded message joins the
    conversation grouping says it continues, or starts one (None)."""
    if ev.message.thread_id:
        root = await message_by_platform_id(ctx.session, channel.id, ev.message.thread_id)
        if root is not None:
            return await ctx.session.get(Conversation, root.conversation_id)
        return await conversation_by_root(ctx.session, channel.id, ev.message.thread_id)
    if ctx.services.groupers is None:
        return None
    return await conversation_to_join(ctx, ev, channel, person)


async def on_edited(ev: MessageEdited, ctx: Context) -> None:
    channel = await channel_by_qualified(ctx.session, ev.channel.qualified)
    if channel is None or not channel.watched:
        return
    message = await message_by_platform_id(ctx.session, channel.id, ev.message.message_id)
    if message is None or message.deleted_at is not None:
        return
    text = storable(ev.text)[:MAX_TEXT]
    # Unfurls and other re-sends arrive as edits with the same text; they change nothing.
    if text == message.text:
        return
    ctx.session.add(
        MessageEdit(message_id=message.id, previous_text=message.text, edited_at=ev.occurred_at)
    )
    message.text = text
    message.edited_at = ev.occurred_at


async def on_deleted(ev: MessageDeleted, ctx: Context) -> None:
    channel = await channel_by_qualified(ctx.session, ev.channel.qualified)
    if channel is None or not channel.watched:
        return
    message = await message_by_platform_id(ctx.session, channel.id, ev.message.message_id)
    if message is None or message.deleted_at is not None:
        return
    message.deleted_at = ev.occurred_at
    ctx.audit("system", "message.deleted", f"message:{message.id}", "deleted on the platform")
