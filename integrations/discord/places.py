"""Where a message goes on Discord: the DM channel of a user, the thread of a
question (opened from the customer's message when it does not exist yet), the
server a channel belongs to. Bounded caches in front, and one request in flight
per key, so a burst of sends to one expert opens one DM channel."""

from __future__ import annotations

import asyncio
import contextlib
from collections import OrderedDict
from collections.abc import Awaitable, Callable

import discord
from discord.http import Route

from bot.outgoing import OutgoingMessage
from integrations.discord import errors, render

CACHE_SIZE = 10_000


class Lru(OrderedDict[str, str]):
    def remember(self, key: str, value: str) -> None:
        self[key] = value
        self.move_to_end(key)
        while len(self) > CACHE_SIZE:
            self.popitem(last=False)


class Places:
    def __init__(
        self,
        client: discord.Client,
        on_forbidden: Callable[[str, discord.HTTPException], Awaitable[None]],
    ):
        self.client = client
        self._on_forbidden = on_forbidden
        self._dm_channels = Lru()  # user id -> DM channel id
        self._threads = Lru()  # root message id -> thread id
        self._guild_of = Lru()  # channel id -> guild id
        self._pending: dict[str, asyncio.Future[str]] = {}

    async def dm_channel(self, user_id: str) -> str:
        known = self._dm_channels.get(user_id)
        if known:
            return known
        return await self._once(f"dm:{user_id}", lambda: self._open_dm(user_id))

    async def _open_dm(self, user_id: str) -> str:
        try:
            data = await self.client.http.start_private_message(int(user_id))
        except (TimeoutError, discord.DiscordException, OSError) as e:
            raise errors.to_send_error(e, f"open a DM with user {user_id}") from e
        self._dm_channels.remember(user_id, str(data["id"]))
        return str(data["id"])

    async def _once(self, key: str, make: Callable[[], Awaitable[str]]) -> str:
        """One request in flight per key: a burst of sends to the same expert or
        thread waits for the first one's DM channel or thread instead of each
        opening its own."""
        pending = self._pending.get(key)
        if pending is not None:
            return await asyncio.shield(pending)
        task = asyncio.ensure_future(make())
        self._pending[key] = task
        try:
            return await asyncio.shield(task)
        finally:
            if task.done():
                self._pending.pop(key, None)
            else:
                task.add_done_callback(lambda _: self._pending.pop(key, None))

    async def thread_for(self, parent: str, root: str, msg: OutgoingMessage) -> str:
        """The thread for `root`: an existing thread, or one opened from the message.

        A thread opened from a message has the message's id, so after a restart
        (cache empty) Discord's "already created" answer tells us where it is."""
        known = self._threads.get(root)
        if known:
            return known
        if isinstance(self.client.get_channel(int(root)), discord.Thread):
            return root
        return await self._once(f"thread:{root}", lambda: self._open_thread(parent, root, msg))

    async def _open_thread(self, parent: str, root: str, msg: OutgoingMessage) -> str:
        route = Route(
            "POST",
            "/channels/{channel_id}/messages/{message_id}/threads",
            channel_id=parent,
            message_id=root,
        )
        body = {"name": await self._thread_name(parent, root, msg), "auto_archive_duration": 1440}
        try:
            data = await self.client.http.request(route, json=body)
            thread = str(data["id"])
        except discord.HTTPException as e:
            # 160004: opened before (by us or someone); 10008: `root` is itself a
            # thread without a parent message (a forum post, say). Either way the
            # thread's id is `root`.
            if errors.code_of(e) not in (errors.THREAD_ALREADY_CREATED, errors.UNKNOWN_MESSAGE):
                if isinstance(e, discord.Forbidden):
                    await self._on_forbidden(parent, e)
                raise errors.to_send_error(e, f"open a thread in channel {parent}") from e
            thread = root
        except (TimeoutError, discord.DiscordException, OSError) as e:
            raise errors.to_send_error(e, f"open a thread in channel {parent}") from e
        self._threads.remember(root, thread)
        return thread

    async def _thread_name(self, parent: str, root: str, msg: OutgoingMessage) -> str:
        cached = discord.utils.get(self.client.cached_messages, id=int(root))
        text = cached.content if cached is not None else ""
        if cached is None:
            with contextlib.suppress(discord.DiscordException, OSError, TimeoutError):
                text = (await self.client.http.get_message(parent, root)).get("content", "")
        first_line = text.strip().split("\n", 1)[0].strip()
        name = render.escape_mass_mentions(first_line or msg.title or "Question")
        return name if len(name) <= 90 else name[:89] + "\u2026"

    async def guild_id(self, channel_id: str) -> str:
        known = self._guild_of.get(channel_id)
        if known:
            return known
        channel = self.client.get_channel(int(channel_id))
        guild = getattr(channel, "guild", None)
        if guild is not None:
            gid = str(guild.id)
        else:
            try:
                data = await self.client.http.get_channel(int(channel_id))
            except (TimeoutError, discord.DiscordException, OSError) as e:
                raise errors.to_send_error(e, f"look up channel {channel_id}") from e
            gid = str(data.get("guild_id") or "@me")
        self._guild_of.remember(channel_id, gid)
        return gid
