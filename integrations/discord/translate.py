"""Discord -> neutral events. Pure functions over discord.py's models and raw
payload dicts: no I/O, no client, so every rule here is testable on its own.

Event keys are Discord ids plus the kind of change, so a gateway RESUME that
replays a dispatch yields the same key and the core drops it as a redelivery.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

import discord

from bot.events import (
    Attachment,
    Author,
    ButtonPressed,
    CommandInvoked,
    MessageDeleted,
    MessageEdited,
    MessagePosted,
    ReactionAdded,
)
from bot.refs import ChannelRef, MessageRef, UserRef

P = "discord"
COMMAND = "presence"

# Message types a person writes; joins, pins, thread-created notices and the
# like are system messages that must never be read as questions.
_PERSON_TYPES = {discord.MessageType.default, discord.MessageType.reply}

# Neutral reaction names <-> the unicode Discord sends. Unknown ones pass through.
EMOJI: dict[str, str] = {
    "eyes": "\N{EYES}",
    "white_check_mark": "\N{WHITE HEAVY CHECK MARK}",
    "ticket": "\N{TICKET}",
    "+1": "\N{THUMBS UP SIGN}",
    "thumbsup": "\N{THUMBS UP SIGN}",
    "-1": "\N{THUMBS DOWN SIGN}",
    "heavy_check_mark": "\N{HEAVY CHECK MARK}",
    "x": "\N{CROSS MARK}",
    "raised_hand": "\N{RAISED HAND}",
    "question": "\N{BLACK QUESTION MARK ORNAMENT}",
    "hourglass": "\N{HOURGLASS}",
    "rotating_light": "\N{POLICE CARS REVOLVING LIGHT}",
}
_NAMES: dict[str, str] = {}
for _name, _char in EMOJI.items():
    _NAMES.setdefault(_char, _name)
    _NAMES.setdefault(_char + "\ufe0f", _name)


def emoji_name(emoji: discord.PartialEmoji | str) -> str:
    """The neutral name of a reaction ("eyes"); a custom emoji keeps its own name."""
    if isinstance(emoji, str):
        return _NAMES.get(emoji, emoji)
    if emoji.id is not None:
        return emoji.name or str(emoji.id)
    return _NAMES.get(emoji.name or "", emoji.name or "")


def emoji_for(name: str) -> str:
    """What to send to Discord for a neutral name ("eyes" -> the unicode eyes)."""
    return EMOJI.get(name.strip(":"), name)


def is_staff(
    role_ids: Iterable[int], role_names: Iterable[str], staff_roles: Iterable[str]
) -> bool:
    """Staff hold a configured role, named or given by id (`123`, `discord:123`)."""
    wanted = {r.strip().casefold() for r in staff_roles}
    wanted |= {w.removeprefix("discord:") for w in wanted}
    if not wanted:
        return False
    ids = {str(i) for i in role_ids}
    names = {n.casefold() for n in role_names}
    return bool(wanted & ids) or bool(wanted & names)


def author(who: discord.abc.User, staff_roles: Iterable[str]) -> Author:
    staff: bool | None = None
    if isinstance(who, discord.Member):
        roles = who.roles
        staff = is_staff([r.id for r in roles], [r.name for r in roles], staff_roles)
    return Author(
        user=UserRef(P, str(who.id)),
        name=who.display_name,
        is_staff=staff,
        is_bot=who.bot,
    )


def place(channel: Any, channel_id: int, guild_id: int | None) -> tuple[ChannelRef, str | None]:
    """The customer channel a message lives in, and the thread id if it is in one.

    A thread's messages are archived under the parent channel, because channels,
    not threads, are what the config maps to customers."""
    guild = str(guild_id) if guild_id is not None else None
    if isinstance(channel, discord.Thread):
        return ChannelRef(P, str(channel.parent_id), guild), str(channel.id)
    return ChannelRef(P, str(channel_id), guild), None


def message_posted(message: discord.Message, staff_roles: Iterable[str]) -> MessagePosted | None:
    if message.type not in _PERSON_TYPES:
        return None
    guild_id = message.guild.id if message.guild else None
    channel, thread_id = place(message.channel, message.channel.id, guild_id)
    ref = message.reference
    return MessagePosted(
        event_key=f"{P}:{message.id}:create",
        channel=channel,
        author=author(message.author, staff_roles),
        message=MessageRef(P, channel.id, str(message.id), thread_id),
        text=message.content,
        occurred_at=message.created_at.astimezone(UTC),
        attachments=tuple(
            Attachment(name=a.filename, size=a.size, content_type=a.content_type, url=a.url)
            for a in message.attachments
        ),
        mentions=tuple(UserRef(P, str(i)) for i in message.raw_mentions),
        reply_to=str(ref.message_id) if ref is not None and ref.message_id else None,
    )


def message_edited(
    data: Mapping[str, Any], message: discord.Message, staff_roles: Iterable[str]
) -> MessageEdited | None:
    # Discord also sends MESSAGE_UPDATE for link embeds; without an edit time
    # the text did not change and re-reading it would re-run detection.
    edited = data.get("edited_timestamp")
    if not edited or "content" not in data or message.type not in _PERSON_TYPES:
        return None
    guild_id = message.guild.id if message.guild else None
    channel, thread_id = place(message.channel, message.channel.id, guild_id)
    return MessageEdited(
        event_key=f"{P}:{message.id}:edit:{edited}",
        channel=channel,
        author=author(message.author, staff_roles) if "author" in data else None,
        message=MessageRef(P, channel.id, str(message.id), thread_id),
        text=message.content,
        occurred_at=datetime.fromisoformat(edited).astimezone(UTC),
    )


def message_deleted(
    message_id: int, channel: Any, channel_id: int, guild_id: int | None, now: datetime
) -> MessageDeleted:
    where, thread_id = place(channel, channel_id, guild_id)
    return MessageDeleted(
        event_key=f"{P}:{message_id}:delete",
        channel=where,
        message=MessageRef(P, where.id, str(message_id), thread_id),
        occurred_at=now,
    )


def reaction_added(
    raw: discord.RawReactionActionEvent, channel: Any, staff_roles: Iterable[str], now: datetime
) -> ReactionAdded:
    where, thread_id = place(channel, raw.channel_id, raw.guild_id)
    name = emoji_name(raw.emoji)
    who = (
        author(raw.member, staff_roles)
        if raw.member is not None
        else Author(user=UserRef(P, str(raw.user_id)))
    )
    return ReactionAdded(
        event_key=f"{P}:{raw.message_id}:react:{raw.user_id}:{name}",
        channel=where,
        author=who,
        message=MessageRef(P, where.id, str(raw.message_id), thread_id),
        emoji=name,
        occurred_at=now,
    )


def reply_handle(application_id: int | str, token: str) -> str:
    return f"{application_id}:{token}"


def parse_reply_handle(handle: str) -> tuple[str, str]:
    app, sep, token = handle.partition(":")
    if not sep or not app or not token:
        raise ValueError("not a Discord reply handle")
    return app, token


def _option_text(option: Mapping[str, Any], *, last: bool) -> str:
    value = option.get("value")
    kind = option.get("type")
    if kind == 6:  # USER
        return f"<@{value}>"
    if kind == 7:  # CHANNEL
        return f"<#{value}>"
    if kind == 8:  # ROLE
        return f"<@&{value}>"
    text = str(value)
    # A multi-word value stays one argument for the core's grammar; the last one
    # needs no quotes (the core reads "the rest" there, e.g. a search query).
    if kind == 3 and not last and any(c.isspace() for c in text):
        return '"' + text.replace('"', "'") + '"'
    return text


def command_text(data: Mapping[str, Any]) -> str:
    """`/presence assign question:12 expert:@Ann` -> 'assign 12 <@Ann id>'."""
    words: list[str] = []
    values: list[Mapping[str, Any]] = []
    options: list[Mapping[str, Any]] = list(data.get("options") or [])
    while options:
        opt = options.pop(0)
        if opt.get("type") in (1, 2):  # SUB_COMMAND, SUB_COMMAND_GROUP
            words.append(str(opt["name"]))
            options = list(opt.get("options") or []) + options
        else:
            values.append(opt)
    words += [_option_text(v, last=i == len(values) - 1) for i, v in enumerate(values)]
    return " ".join(words)


def interaction_event(
    interaction: discord.Interaction, staff_roles: Iterable[str]
) -> CommandInvoked | ButtonPressed | None:
    data: Mapping[str, Any] = interaction.data or {}
    kind = interaction.type
    guild_id = interaction.guild_id
    channel_obj = interaction.channel
    channel_id = interaction.channel_id or 0
    channel, thread_id = place(channel_obj, channel_id, guild_id)
    who = author(interaction.user, staff_roles)
    handle = reply_handle(interaction.application_id, interaction.token)
    key = f"{P}:interaction:{interaction.id}"
    now = interaction.created_at.astimezone(UTC)
    if kind is discord.InteractionType.application_command and data.get("name") == COMMAND:
        return CommandInvoked(
            event_key=key,
            channel=channel,
            author=who,
            name=COMMAND,
            text=command_text(data),
            occurred_at=now,
            reply_handle=handle,
            thread=MessageRef(P, channel.id, thread_id, thread_id) if thread_id else None,
        )
    if kind is discord.InteractionType.component and data.get("component_type") == 2:
        msg = interaction.message
        return ButtonPressed(
            event_key=key,
            channel=channel,
            author=who,
            action_id=str(data.get("custom_id", "")),
            occurred_at=now,
            message=MessageRef(P, channel.id, str(msg.id), thread_id) if msg else None,
            reply_handle=handle,
        )
    return None
