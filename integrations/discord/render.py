"""Neutral OutgoingMessage -> Discord message payloads (pure).

A message with structure (title, fields, quote, buttons, link, context) becomes an
embed plus action rows; a bare text stays plain content. Anything longer than
Discord's limits is split at line or word boundaries into several payloads, so no
word is lost; buttons go on the last payload, below everything they act on.
Mentions never ping unless the message names the person on purpose.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

from bot.outgoing import Button, OutgoingMessage

CONTENT_MAX = 2000
TITLE_MAX = 256
DESCRIPTION_MAX = 4096
FIELD_NAME_MAX = 256
FIELD_VALUE_MAX = 1024
FIELDS_MAX = 25
FOOTER_MAX = 2048
EMBED_TOTAL_MAX = 6000
BUTTONS_PER_ROW = 5
ROWS_MAX = 5
CUSTOM_ID_MAX = 100
INLINE_MAX = 40
NONCE_MAX = 25

_STYLE = {"primary": 1, "default": 2, "danger": 4}
_LINK_STYLE = 5
_ZWSP = "\u200b"
_MASS = re.compile(r"@(everyone|here)")
_MENTION = re.compile(r"<(@[!&]?|#)(\d+)>")
Payload = dict[str, Any]


def escape_mass_mentions(text: str) -> str:
    return _MASS.sub("@" + _ZWSP + r"\1", text)


def escape_all_mentions(text: str) -> str:
    """Someone else's words: @everyone, @here, <@user>, <@&role> and <#channel> are
    shown as text (with a zero-width space) and can never turn into a ping."""
    text = escape_mass_mentions(text)
    return _MENTION.sub(lambda m: "<" + m[1] + _ZWSP + m[2] + ">", text)


def split_text(text: str, limit: int) -> list[str]:
    """Chunks of at most `limit` characters, cut at a newline, else at a space, else
    (a single word longer than the limit) inside the word. Joined back with the
    separators that were cut at, the chunks give the text again."""
    if limit <= 0:
        raise ValueError("limit must be positive")
    chunks: list[str] = []
    rest = text
    while len(rest) > limit:
        window = rest[: limit + 1]
        cut = window.rfind("\n")
        if cut <= 0:
            cut = window.rfind(" ")
        if cut <= 0:
            chunks.append(rest[:limit])
            rest = rest[limit:]
            continue
        chunks.append(rest[:cut])
        rest = rest[cut + 1 :]
    if rest or not chunks:
        chunks.append(rest)
    return chunks


def allowed_mentions(msg: OutgoingMessage) -> dict[str, Any]:
    users = [u.id for u in msg.mentions if u.platform == "discord"]
    return {"parse": [], "users": users[:100], "roles": [], "replied_user": False}


def nonce(idempotency_key: str, part: int) -> str:
    """Discord nonces are at most 25 characters: a hash of the key and the part."""
    digest = hashlib.sha256(f"{idempotency_key}#{part}".encode()).hexdigest()
    return digest[:NONCE_MAX]


def _truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def _button(b: Button) -> dict[str, Any]:
    if len(b.action_id) > CUSTOM_ID_MAX:
        raise ValueError(f"button action id longer than {CUSTOM_ID_MAX}: {b.action_id[:40]}...")
    return {
        "type": 2,
        "style": _STYLE.get(b.style, 2),
        "label": _truncate(b.label, 80),
        "custom_id": b.action_id,
    }


def components(msg: OutgoingMessage, link_url: str | None) -> list[dict[str, Any]]:
    items = [_button(b) for b in msg.buttons]
    if link_url:
        label = _truncate(msg.link_label, 80)
        items.append({"type": 2, "style": _LINK_STYLE, "label": label, "url": link_url})
    rows = [items[i : i + BUTTONS_PER_ROW] for i in range(0, len(items), BUTTONS_PER_ROW)]
    return [{"type": 1, "components": row} for row in rows[:ROWS_MAX]]


def _quote_block(quote: str) -> str:
    return "\n".join("> " + line for line in escape_all_mentions(quote).split("\n"))


def _fields(msg: OutgoingMessage) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for f in msg.fields:
        parts = split_text(escape_mass_mentions(f.value) or "-", FIELD_VALUE_MAX)
        for i, part in enumerate(parts):
            name = f.label if i == 0 else f"{f.label} (cont.)"
            field: dict[str, Any] = {"name": _truncate(name, FIELD_NAME_MAX), "value": part or "-"}
            # Short facts sit side by side, as Discord users expect of a card.
            field["inline"] = len(parts) == 1 and len(part) <= INLINE_MAX
            out.append(field)
    return out


def _is_rich(msg: OutgoingMessage, link_url: str | None) -> bool:
    return bool(msg.title or msg.fields or msg.quote or msg.buttons or link_url or msg.context)


def render(msg: OutgoingMessage, *, link_url: str | None = None) -> list[Payload]:
    """One or more payloads for POST /channels/{id}/messages, in order."""
    mentions = " ".join(f"<@{u.id}>" for u in msg.mentions if u.platform == "discord")
    text = escape_mass_mentions(msg.text)
    if not _is_rich(msg, link_url):
        body = f"{mentions}\n{text}" if mentions else text
        payloads: list[Payload] = [{"content": c} for c in split_text(body, CONTENT_MAX)]
    else:
        payloads = _rich(msg, text, mentions, link_url)
    am = allowed_mentions(msg)
    for p in payloads:
        p["allowed_mentions"] = am
    rows = components(msg, link_url)
    if rows:
        payloads[-1]["components"] = rows
    return payloads


def _rich(msg: OutgoingMessage, text: str, mentions: str, link_url: str | None) -> list[Payload]:
    body = text
    if msg.quote:
        body = f"{body}\n\n{_quote_block(msg.quote)}" if body else _quote_block(msg.quote)
    fields = _fields(msg)
    embed: dict[str, Any] = {"type": "rich"}
    if msg.title:
        embed["title"] = _truncate(escape_mass_mentions(msg.title), TITLE_MAX)
    if msg.context:
        embed["footer"] = {"text": _truncate(escape_mass_mentions(msg.context), FOOTER_MAX)}
    fixed = len(embed.get("title", "")) + len(embed.get("footer", {}).get("text", ""))
    kept_fields, spill_fields = fields[:FIELDS_MAX], fields[FIELDS_MAX:]
    fields_size = sum(len(f["name"]) + len(f["value"]) for f in kept_fields)
    while kept_fields and fixed + fields_size > EMBED_TOTAL_MAX - 1:
        spill_fields.insert(0, kept_fields.pop())
        fields_size -= len(spill_fields[0]["name"]) + len(spill_fields[0]["value"])
    if kept_fields:
        embed["fields"] = kept_fields
    room = min(DESCRIPTION_MAX, EMBED_TOTAL_MAX - fixed - fields_size)
    head, tail = _take(body, room)
    if head:
        embed["description"] = head
    first: Payload = {"embeds": [embed]}
    if mentions:
        first["content"] = mentions
    payloads = [first]
    rest = tail
    for f in spill_fields:
        rest += f"\n**{f['name']}**\n{f['value']}"
    for chunk in split_text(rest.strip("\n"), CONTENT_MAX) if rest.strip() else []:
        payloads.append({"content": chunk})
    return payloads


def _take(text: str, room: int) -> tuple[str, str]:
    """The longest head of `text` that fits in `room` at a word boundary, and the rest."""
    if len(text) <= room:
        return text, ""
    chunks = split_text(text, max(room, 1))
    head = chunks[0]
    return head, text[len(head) :].lstrip(" \n")


def update_payload(msg: OutgoingMessage, *, link_url: str | None = None) -> Payload:
    """An edit replaces one message: the first payload, with the buttons."""
    payloads = render(msg, link_url=link_url)
    first = payloads[0]
    first.setdefault("content", "")
    first.setdefault("embeds", [])
    first["components"] = payloads[-1].get("components", [])
    return first
