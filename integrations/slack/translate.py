"""Slack payloads -> neutral events. Pure: no I/O, tested on recorded JSON.

People are resolved before translation (the adapter asks `wanted_users` which
users.info lookups a payload needs, then passes the resulting Authors in), so these
functions stay synchronous and deterministic.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from bot.events import (
    Attachment,
    Author,
    ButtonPressed,
    CommandInvoked,
    Event,
    MemberJoined,
    MessageDeleted,
    MessageEdited,
    MessagePosted,
    ReactionAdded,
)
from bot.refs import ChannelRef, MessageRef, UserRef

P = "slack"
ASSIGN_VIEW = "presence_assign"
RAISE_SHORTCUT = "presence_raise_question"

# Subtypes that are a person saying something; everything else (joins, topic
# changes, pins, bot posts, ...) is system noise and never reaches the core.
_SPOKEN = {None, "thread_broadcast", "file_share", "me_message"}

_MARKUP = re.compile(r"<([^<>]+)>")
_MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")
_CHANNEL = re.compile(r"<#([CGD][A-Z0-9]+)(?:\|[^>]*)?>")


def _ts_time(ts: str | float | int | None) -> datetime:
    try:
        return datetime.fromtimestamp(float(ts or 0), tz=UTC)
    except (TypeError, ValueError):
        return datetime.now(tz=UTC)


def plain_text(text: str, names: Mapping[str, str] | None = None) -> str:
    """Slack mrkdwn -> what a person reads: `<@U1>` -> `@Name`, `<!here>` -> `@here`,
    `<https://x|label>` -> `label (https://x)`, entities unescaped."""
    names = names or {}

    def one(m: re.Match[str]) -> str:
        body = m.group(1)
        target, _, label = body.partition("|")
        if target.startswith("@"):
            uid = target[1:]
            return "@" + (names.get(uid) or label or uid)
        if target.startswith("#"):
            return "#" + (label or target[1:])
        if target.startswith("!"):
            word = target[1:].split("^", 1)[0]
            if word.startswith("subteam"):
                return "@" + (label.lstrip("@") or "group")
            if word.startswith("date"):
                return label or word
            return "@" + word
        return f"{label} ({target})" if label and label != target else target

    return html.unescape(_MARKUP.sub(one, text or ""))


def command_text(text: str) -> str:
    """Slash command text keeps user and channel references as `<@U…>` / `<#C…>`
    (the core's grammar resolves them) and reads everything else as plain text."""
    marked = _MENTION.sub(lambda m: f"\x00@{m.group(1)}\x01", text or "")
    marked = _CHANNEL.sub(lambda m: f"\x00#{m.group(1)}\x01", marked)
    return plain_text(marked).replace("\x00", "<").replace("\x01", ">").strip()


def mentions(text: str) -> tuple[UserRef, ...]:
    seen: dict[str, None] = {}
    for uid in _MENTION.findall(text or ""):
        seen.setdefault(uid, None)
    return tuple(UserRef(P, uid) for uid in seen)


def _team_hint(ev: Mapping[str, Any]) -> str | None:
    for key in ("user_team", "source_team", "team"):
        value = ev.get(key)
        if isinstance(value, str) and value:
            return value
    return None


def _is_noise(ev: Mapping[str, Any]) -> bool:
    return bool(ev.get("bot_id") or ev.get("bot_profile")) or ev.get("subtype") not in _SPOKEN


def wanted_users(body: Mapping[str, Any]) -> dict[str, str | None]:
    """{user_id: team hint} of the people an Events API payload names."""
    ev = body.get("event") or {}
    kind = ev.get("type")
    user: str | None = None
    hint = _team_hint(ev)
    if kind == "message":
        sub = ev.get("subtype")
        if sub == "message_changed":
            inner = ev.get("message") or {}
            user, hint = inner.get("user"), _team_hint(inner) or hint
        elif sub != "message_deleted" and not _is_noise(ev):
            user = ev.get("user")
    elif kind in ("reaction_added", "member_joined_channel"):
        user = ev.get("user")
    if not isinstance(user, str) or not user:
        return {}
    wanted: dict[str, str | None] = {user: hint}
    for ref in mentions(str(ev.get("text") or "")):
        wanted.setdefault(ref.id, None)
    return wanted


def _channel(ev: Mapping[str, Any], body: Mapping[str, Any]) -> ChannelRef:
    return ChannelRef(P, str(ev.get("channel") or ""), workspace=body.get("team_id"))


def _ref(channel: str, msg: Mapping[str, Any]) -> MessageRef:
    ts = str(msg.get("ts") or "")
    thread = msg.get("thread_ts")
    return MessageRef(P, channel, ts, thread if thread and thread != ts else None)


def _files(msg: Mapping[str, Any]) -> tuple[Attachment, ...]:
    out = []
    for f in msg.get("files") or ():
        if not isinstance(f, Mapping):
            continue
        size = f.get("size")
        out.append(
            Attachment(
                name=str(f.get("name") or f.get("title") or f.get("id") or "file"),
                size=size if isinstance(size, int) else None,
                content_type=f.get("mimetype"),
                url=f.get("permalink") or f.get("url_private"),
            )
        )
    return tuple(out)


def _author(authors: Mapping[str, Author], user_id: str) -> Author:
    return authors.get(user_id) or Author(user=UserRef(P, user_id), name=f"Slack user {user_id}")


def _names(authors: Mapping[str, Author]) -> dict[str, str]:
    return {uid: a.name for uid, a in authors.items() if a.name}


def event(body: Mapping[str, Any], authors: Mapping[str, Author]) -> Event | None:
    """An Events API `event_callback` body -> a neutral event, or None for noise."""
    ev = body.get("event") or {}
    event_id = body.get("event_id")
    if not event_id:
        return None
    key = f"{P}:{event_id}"
    kind = ev.get("type")
    if kind == "message":
        return _message(key, body, ev, authors)
    if kind == "reaction_added":
        item = ev.get("item") or {}
        if item.get("type") != "message" or not ev.get("user"):
            return None
        channel = str(item.get("channel") or "")
        return ReactionAdded(
            event_key=key,
            channel=ChannelRef(P, channel, workspace=body.get("team_id")),
            author=_author(authors, ev["user"]),
            message=MessageRef(P, channel, str(item.get("ts") or "")),
            # Skin tones are the same reaction for Presence's purposes.
            emoji=str(ev.get("reaction") or "").split("::", 1)[0],
            occurred_at=_ts_time(ev.get("event_ts")),
        )
    if kind == "member_joined_channel" and ev.get("user"):
        return MemberJoined(
            event_key=key,
            channel=_channel(ev, body),
            author=_author(authors, ev["user"]),
            occurred_at=_ts_time(ev.get("event_ts") or body.get("event_time")),
        )
    return None


def _message(
    key: str, body: Mapping[str, Any], ev: Mapping[str, Any], authors: Mapping[str, Author]
) -> Event | None:
    channel = str(ev.get("channel") or "")
    sub = ev.get("subtype")
    if sub == "message_changed":
        new, old = ev.get("message") or {}, ev.get("previous_message") or {}
        # Slack reports link unfurls as message_changed with unchanged text; passing
        # them on would re-run detection on a message nobody edited.
        if new.get("text") == old.get("text") or _is_noise(new) or not new.get("user"):
            return None
        return MessageEdited(
            event_key=key,
            channel=_channel(ev, body),
            author=_author(authors, new["user"]),
            message=_ref(channel, new),
            text=plain_text(str(new.get("text") or ""), _names(authors)),
            occurred_at=_ts_time(ev.get("event_ts") or ev.get("ts")),
        )
    if sub == "message_deleted":
        old = ev.get("previous_message") or {}
        if _is_noise(old):
            return None
        ts = str(ev.get("deleted_ts") or old.get("ts") or "")
        thread = old.get("thread_ts")
        return MessageDeleted(
            event_key=key,
            channel=_channel(ev, body),
            message=MessageRef(P, channel, ts, thread if thread and thread != ts else None),
            occurred_at=_ts_time(ev.get("event_ts") or ev.get("ts")),
        )
    if _is_noise(ev) or not ev.get("user"):
        return None
    raw = str(ev.get("text") or "")
    return MessagePosted(
        event_key=key,
        channel=_channel(ev, body),
        author=_author(authors, ev["user"]),
        message=_ref(channel, ev),
        text=plain_text(raw, _names(authors)),
        occurred_at=_ts_time(ev.get("ts")),
        attachments=_files(ev),
        mentions=mentions(raw),
    )


# ---- slash commands and interactivity ------------------------------------------


def command_key(body: Mapping[str, Any]) -> str:
    # trigger_id is unique per invocation and identical on a Socket Mode redelivery.
    return f"{P}:cmd:{body.get('trigger_id') or body.get('response_url')}"


def command(body: Mapping[str, Any], author: Author) -> CommandInvoked:
    name = str(body.get("command") or "/presence").lstrip("/")
    return CommandInvoked(
        event_key=command_key(body),
        channel=ChannelRef(P, str(body.get("channel_id") or ""), workspace=body.get("team_id")),
        author=author,
        name=name,
        text=command_text(str(body.get("text") or "")),
        occurred_at=datetime.now(tz=UTC),
        reply_handle=body.get("response_url"),
    )


def interaction_user(body: Mapping[str, Any]) -> tuple[str, str | None]:
    user = body.get("user") or {}
    return str(user.get("id") or ""), user.get("team_id")


def action(body: Mapping[str, Any], author: Author) -> ButtonPressed | None:
    """The first action of a `block_actions` payload (Presence puts one per button)."""
    acts = body.get("actions") or []
    if not acts:
        return None
    act = acts[0]
    action_id = str(act.get("action_id") or "")
    container = body.get("container") or {}
    msg = body.get("message") or {}
    channel = str((body.get("channel") or {}).get("id") or container.get("channel_id") or "")
    ref = None
    ts = container.get("message_ts") or msg.get("ts")
    if ts and channel:
        thread = msg.get("thread_ts")
        ref = MessageRef(P, channel, str(ts), thread if thread and thread != ts else None)
    user_id, _ = interaction_user(body)
    return ButtonPressed(
        event_key=f"{P}:action:{act.get('action_ts')}:{user_id}:{action_id}",
        channel=ChannelRef(P, channel, workspace=(body.get("team") or {}).get("id")),
        author=author,
        action_id=action_id,
        occurred_at=_ts_time(act.get("action_ts")),
        message=ref,
        value=act.get("value") or _selected(act),
        reply_handle=body.get("response_url"),
    )


def _selected(act: Mapping[str, Any]) -> str | None:
    for key in ("selected_user", "selected_conversation", "selected_channel"):
        if act.get(key):
            return str(act[key])
    option = act.get("selected_option") or {}
    return option.get("value")


def shortcut(body: Mapping[str, Any], author: Author, emoji: str) -> ReactionAdded:
    """The "Raise as question" message shortcut is the 🎫 reaction by another name:
    the core already turns that reaction into a question."""
    channel = str((body.get("channel") or {}).get("id") or "")
    msg = body.get("message") or {}
    return ReactionAdded(
        event_key=f"{P}:shortcut:{body.get('trigger_id')}",
        channel=ChannelRef(P, channel, workspace=(body.get("team") or {}).get("id")),
        author=author,
        message=_ref(channel, msg),
        emoji=emoji,
        occurred_at=_ts_time(body.get("action_ts")),
    )


def assign_submission(body: Mapping[str, Any], author: Author) -> CommandInvoked | None:
    """The assign modal's submission -> `/presence assign <id> <@U…>`."""
    view = body.get("view") or {}
    try:
        meta = json.loads(view.get("private_metadata") or "{}")
    except ValueError:
        return None
    chosen = None
    for block in ((view.get("state") or {}).get("values") or {}).values():
        for element in block.values():
            chosen = element.get("selected_user") or chosen
    if not chosen or not meta.get("question"):
        return None
    return CommandInvoked(
        event_key=f"{P}:view:{view.get('id')}:{view.get('hash')}",
        channel=ChannelRef(P, str(meta.get("channel") or ""), workspace=view.get("team_id")),
        author=author,
        name="presence",
        text=f"assign {meta['question']} <@{chosen}>",
        occurred_at=datetime.now(tz=UTC),
        reply_handle=meta.get("response_url"),
    )
