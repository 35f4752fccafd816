"""Import a channel's history (and its threads) into the archive.

Each old message goes through the same translate and the same sink as a live one,
under the key `slack:history:<channel>:<ts>`: running it twice imports nothing
twice, and the core's log skips a message it already holds under a live key.
Messages are handed over oldest first so conversations build up in order.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Callable
from typing import Any

from bot.events import MessagePosted
from bot.ports import EventSink
from integrations.slack import translate
from integrations.slack.sender import SlackSender

log = logging.getLogger(__name__)

HISTORY_PREFIX = "history"
Progress = Callable[[str, int, int | None], None]  # phase, done, total


async def _pages(sender: SlackSender, method: str, **args: Any) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    cursor: str | None = None
    while True:
        page_args = dict(args, limit=200)
        if cursor:
            page_args["cursor"] = cursor
        data = await sender.call(method, target=args.get("channel"), **page_args)
        out.extend(m for m in data.get("messages") or () if isinstance(m, dict))
        cursor = (data.get("response_metadata") or {}).get("next_cursor") or None
        if not cursor or not data.get("has_more", True):
            return out


async def fetch_history(
    sender: SlackSender,
    channel: str,
    *,
    oldest: str | None = None,
    progress: Progress | None = None,
) -> list[dict[str, Any]]:
    """Every message of the channel and of its threads, oldest first."""
    args: dict[str, Any] = {"channel": channel}
    if oldest:
        args["oldest"] = oldest
    top = await _pages(sender, "conversations.history", **args)
    messages: dict[str, dict[str, Any]] = {str(m.get("ts")): m for m in top}
    roots = [m for m in top if m.get("reply_count") or m.get("thread_ts") == m.get("ts")]
    for i, root in enumerate(roots):
        if progress:
            progress("threads", i, len(roots))
        replies = await _pages(sender, "conversations.replies", channel=channel, ts=root["ts"])
        for reply in replies:
            messages.setdefault(str(reply.get("ts")), reply)
    return sorted(messages.values(), key=lambda m: float(m.get("ts") or 0))


async def backfill(
    sender: SlackSender,
    sink: EventSink,
    channel: str,
    *,
    team: str | None = None,
    oldest: str | None = None,
    progress: Progress | None = None,
) -> int:
    """Hand the channel's history to the sink; returns how many messages were new."""
    history = await fetch_history(sender, channel, oldest=oldest, progress=progress)
    team = team or sender.home_team
    events: list[MessagePosted] = []
    for message in history:
        body = {
            "team_id": team,
            "event_id": f"{HISTORY_PREFIX}:{channel}:{message.get('ts')}",
            "event": {**message, "channel": channel},
        }
        wanted = translate.wanted_users(body)
        authors = await sender.directory.authors(wanted, home_team=team)
        event = translate.event(body, authors)
        if isinstance(event, MessagePosted):
            events.append(dataclasses.replace(event, historical=True))
    new = 0
    chunk = 100
    for start in range(0, len(events), chunk):
        # receive() calls queue in call order, so each chunk keeps the oldest-first order.
        results = await asyncio.gather(*(sink.receive(e) for e in events[start : start + chunk]))
        new += sum(results)
        if progress:
            progress("import", min(start + chunk, len(events)), len(events))
    log.info("slack: backfill of %s: %d message(s), %d new", channel, len(events), new)
    return new
