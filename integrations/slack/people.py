"""Who is who on Slack: staff of the home workspace or a customer from across a
Slack Connect channel.

`author_from_user` is pure (a users.info object in, an Author out); `Directory`
wraps users.info with a bounded, time-limited cache so one busy channel costs one
lookup per person, not one per message.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from typing import Any

from bot.events import Author
from bot.ports import SendError
from bot.refs import UserRef

log = logging.getLogger(__name__)

UserLookup = Callable[[str], Awaitable[dict[str, Any] | None]]


def display_name(user: dict[str, Any] | None, user_id: str) -> str:
    """A readable name, never empty and never "None"."""
    if user:
        profile = user.get("profile") or {}
        for candidate in (
            profile.get("display_name"),
            profile.get("real_name"),
            user.get("real_name"),
            user.get("name"),
        ):
            if isinstance(candidate, str) and candidate.strip():
                name = candidate.strip()
                return f"{name} (deactivated)" if user.get("deleted") else name
    return f"Slack user {user_id}"


def is_staff(user: dict[str, Any] | None, *, home_team: str | None, hint_team: str | None) -> bool:
    """Staff = a member of the home workspace who is not a guest.

    The payload's own team hint (`user_team` / `source_team` / `user.team_id`) wins
    over users.info: in a Slack Connect channel users.info may describe the person
    as seen from their own workspace.
    """
    if user is not None and (user.get("is_stranger") or user.get("is_bot")):
        return False
    team = hint_team or (user or {}).get("team_id")
    if home_team is None or team is None or team != home_team:
        return False
    if user is None:
        # Unknown to users.info but sent from the home team: a deleted or hidden member.
        return True
    return not (user.get("is_restricted") or user.get("is_ultra_restricted"))


def author_from_user(
    user_id: str,
    user: dict[str, Any] | None,
    *,
    home_team: str | None,
    hint_team: str | None = None,
) -> Author:
    profile = (user or {}).get("profile") or {}
    email = profile.get("email")
    tz = (user or {}).get("tz")
    return Author(
        user=UserRef("slack", user_id),
        name=display_name(user, user_id),
        is_staff=is_staff(user, home_team=home_team, hint_team=hint_team),
        is_bot=bool((user or {}).get("is_bot")),
        timezone=tz if isinstance(tz, str) and tz else None,
        email=email if isinstance(email, str) and email else None,
    )


class Directory:
    """users.info behind a bounded LRU cache with a time limit."""

    def __init__(
        self,
        lookup: UserLookup,
        *,
        size: int = 2048,
        ttl: float = 3600.0,
        ack_budget: float = 1.5,
    ) -> None:
        self._lookup = lookup
        self._size = size
        self._ttl = ttl
        self._ack_budget = ack_budget
        self._cache: OrderedDict[str, tuple[float, dict[str, Any] | None]] = OrderedDict()
        self._inflight: dict[str, asyncio.Task[dict[str, Any] | None]] = {}

    def cached(self, user_id: str) -> dict[str, Any] | None:
        hit = self._cache.get(user_id)
        if hit is None or time.monotonic() - hit[0] > self._ttl:
            return None
        return hit[1]

    async def fetch(self, user_id: str) -> dict[str, Any] | None:
        hit = self._cache.get(user_id)
        if hit is not None and time.monotonic() - hit[0] <= self._ttl:
            self._cache.move_to_end(user_id)
            return hit[1]
        # A burst from someone new costs one users.info, not one per message; and a
        # caller that stops waiting (the ack budget) does not cancel the lookup, so
        # its answer is cached for the next message.
        task = self._inflight.get(user_id)
        if task is None:
            task = asyncio.create_task(self._load(user_id))
            self._inflight[user_id] = task
            task.add_done_callback(lambda _: self._inflight.pop(user_id, None))
        return await asyncio.shield(task)

    async def _load(self, user_id: str) -> dict[str, Any] | None:
        user = await self._lookup(user_id)
        self._cache[user_id] = (time.monotonic(), user)
        self._cache.move_to_end(user_id)
        while len(self._cache) > self._size:
            self._cache.popitem(last=False)
        return user

    async def authors(
        self, wanted: dict[str, str | None], *, home_team: str | None
    ) -> dict[str, Author]:
        """Authors for {user_id: team hint}."""
        out: dict[str, Author] = {}
        for user_id, hint in wanted.items():
            try:
                async with asyncio.timeout(self._ack_budget):
                    user = await self.fetch(user_id)
            except (SendError, TimeoutError) as err:
                # A slow or rate-limited users.info must not hold up the 3-second ack:
                # the payload's team hint still tells staff from customer.
                why = getattr(err, "reason", "timed out")
                log.warning("slack: users.info for %s failed: %s", user_id, why)
                user = None
            out[user_id] = author_from_user(user_id, user, home_team=home_team, hint_team=hint)
        return out
