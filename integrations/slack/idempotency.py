"""Posting each outbox key at most once on Slack.

Every post carries its key in the message metadata (event_type
"presence_outbox"). Before a keyed post the adapter asks: is this key already in
that channel (or thread)? It answers from a snapshot of the channel's recent
history, taken once per channel and process (a restart re-reads it, so a post a
crash interrupted is found, not repeated) and kept current with what this
process posts. A key whose post ended without a clear answer (timeout, 5xx), or
that the caller says is a resend, is looked up afresh. Threads that began after
this process started cannot hold an older post, so they cost no lookup at all.
"""

from __future__ import annotations

import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable

from bot.ports import RateLimited, SendError

log = logging.getLogger(__name__)

Fetch = Callable[[str, str | None], Awaitable[dict[str, str]]]  # (channel, thread) -> {key: ts}
_CLOCK_SKEW = 120.0  # seconds between Slack's clock and ours that we tolerate


class PostedKeys:
    def __init__(self, fetch: Fetch, *, size: int = 2048) -> None:
        self._fetch = fetch
        self._size = size
        self._started = time.time()
        self._seen: OrderedDict[str, dict[str, str]] = OrderedDict()
        self._uncertain: OrderedDict[str, None] = OrderedDict()

    def _keep(self, scope: str, keys: dict[str, str]) -> None:
        self._seen[scope] = keys
        self._seen.move_to_end(scope)
        while len(self._seen) > self._size:
            self._seen.popitem(last=False)

    def _old_thread(self, thread: str) -> bool:
        try:
            return float(thread) < self._started + _CLOCK_SKEW
        except ValueError:
            return True

    async def find(
        self, channel: str, thread: str | None, key: str, *, resend: bool = False
    ) -> str | None:
        """The ts of the message already posted under `key` here, or None."""
        scope = f"{channel}/{thread or ''}"
        fresh = resend or key in self._uncertain
        if not fresh and scope in self._seen:
            return self._seen[scope].get(key)
        if not fresh and thread is not None and not self._old_thread(thread):
            self._keep(scope, {})
            return None
        try:
            keys = await self._fetch(channel, thread)
        except RateLimited:
            raise  # post later rather than risk posting twice
        except SendError as err:
            log.warning("slack: cannot look for %s before posting: %s", key, err.reason)
            return None
        self._keep(scope, keys)
        found = keys.get(key)
        if found is not None:
            log.info("slack: %s was already posted; not posting it again", key)
            self._uncertain.pop(key, None)
        return found

    def posted(self, channel: str, thread: str | None, key: str, ts: str) -> None:
        self._uncertain.pop(key, None)
        scope = f"{channel}/{thread or ''}"
        if scope in self._seen:
            self._seen[scope][key] = ts

    def uncertain(self, key: str) -> None:
        self._uncertain[key] = None
        while len(self._uncertain) > self._size:
            self._uncertain.popitem(last=False)
