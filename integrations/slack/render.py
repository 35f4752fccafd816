"""Neutral OutgoingMessage -> Block Kit plus fallback text. Pure.

Every piece of text is escaped for mrkdwn; only the people in `msg.mentions` are
written as real `<@U…>` mentions. A customer's `<!channel>` arrives here already
as plain "@channel" (see translate.plain_text) and leaves as "&lt;…" / "@\u2060channel",
which Slack shows as typed but never turns into a ping.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

from bot.outgoing import Button, OutgoingMessage
from integrations.slack.translate import ASSIGN_VIEW

OUTBOX_EVENT = "presence_outbox"
_WORD_JOINER = "\u2060"
_BROADCAST = re.compile(r"@(?=(?:here|channel|everyone)\b)", re.IGNORECASE)

# Block Kit limits (https://api.slack.com/reference/block-kit/blocks).
_HEADER_MAX = 150
_SECTION_MAX = 3000
_BUTTON_LABEL_MAX = 75
_FIELDS_MAX = 10
_ACTIONS_MAX = 25


def escape(text: str) -> str:
    """Text safe to put in mrkdwn: no markup, no broadcast keyword Slack would act on."""
    out = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _BROADCAST.sub("@" + _WORD_JOINER, out)


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def quote(text: str) -> str:
    return "\n".join("> " + line if line else ">" for line in escape(text).splitlines() or [""])


def _mentions(msg: OutgoingMessage) -> str:
    ids = [u.id for u in msg.mentions if u.platform == "slack"]
    return " ".join(f"<@{uid}>" for uid in ids)


def fallback_text(msg: OutgoingMessage) -> str:
    """The notification / screen-reader text: title, text and the quote, escaped."""
    parts = [_mentions(msg)] if msg.mentions else []
    if msg.title:
        parts.append(f"*{escape(msg.title)}*")
    parts.append(escape(msg.text))
    if msg.quote:
        parts.append(quote(msg.quote))
    return _cut("\n".join(p for p in parts if p), 3900)


def _button(b: Button) -> dict[str, Any]:
    el: dict[str, Any] = {
        "type": "button",
        "text": {"type": "plain_text", "text": _cut(b.label, _BUTTON_LABEL_MAX), "emoji": True},
        "action_id": b.action_id,
    }
    if b.value is not None:
        el["value"] = b.value
    if b.style != "default":
        el["style"] = b.style
    return el


def blocks(msg: OutgoingMessage, permalink: str | None = None) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    if msg.title:
        out.append(
            {
                "type": "header",
                "text": {"type": "plain_text", "text": _cut(msg.title, _HEADER_MAX)},
            }
        )
    body = escape(msg.text)
    if msg.mentions:
        body = f"{_mentions(msg)} {body}"
    if body.strip():
        out.append(_section(body))
    if msg.quote:
        out.append(_section(quote(msg.quote)))
    if msg.fields:
        out.append(
            {
                "type": "section",
                "fields": [
                    {
                        "type": "mrkdwn",
                        "text": _cut(f"*{escape(f.label)}*\n{escape(f.value)}", 2000),
                    }
                    for f in msg.fields[:_FIELDS_MAX]
                ],
            }
        )
    if permalink:
        out.append(_section(f"<{permalink}|{escape(msg.link_label)}>"))
    if msg.buttons:
        out.append(
            {
                "type": "actions",
                "elements": [_button(b) for b in msg.buttons[:_ACTIONS_MAX]],
            }
        )
    if msg.context:
        out.append(
            {"type": "context", "elements": [{"type": "mrkdwn", "text": escape(msg.context)}]}
        )
    return out


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": _cut(text, _SECTION_MAX)}}


def metadata(idempotency_key: str) -> dict[str, Any]:
    return {"event_type": OUTBOX_EVENT, "event_payload": {"key": idempotency_key}}


def metadata_key(message: dict[str, Any]) -> str | None:
    meta = message.get("metadata") or {}
    if meta.get("event_type") != OUTBOX_EVENT:
        return None
    key = (meta.get("event_payload") or {}).get("key")
    return str(key) if key else None


def assign_modal(question: str, *, channel: str, response_url: str | None) -> dict[str, Any]:
    """The "Assign to…" modal; its submission becomes `/presence assign <id> <@U…>`."""
    meta = {"question": question, "channel": channel, "response_url": response_url}
    return {
        "type": "modal",
        "callback_id": ASSIGN_VIEW,
        "private_metadata": json.dumps(meta),
        "title": {"type": "plain_text", "text": "Assign question"},
        "submit": {"type": "plain_text", "text": "Assign"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": [
            {
                "type": "input",
                "block_id": "assignee",
                "label": {"type": "plain_text", "text": f"Who should take question #{question}?"},
                "element": {"type": "users_select", "action_id": "user"},
            }
        ],
    }


def home_view(items: Sequence[OutgoingMessage], permalinks: Sequence[str | None]) -> dict[str, Any]:
    """App Home: the expert's open questions, each with its due time and buttons."""
    out: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": "Your open questions"}}
    ]
    if not items:
        out.append(_section("Nothing open for you right now."))
    for msg, link in zip(items, permalinks, strict=False):
        out.append({"type": "divider"})
        out.extend(blocks(msg, link))
    return {"type": "home", "blocks": out[:100]}
