"""The Discord adapter: wires discord.py's client to the sink and implements the
port's verbs over discord.py's own HTTP client (one session, its rate limiter).

discord.py keeps its REST base and gateway URL as class attributes; Presence runs
at most one Discord connection per process, so `start` points them at
DISCORD_API_URL / DISCORD_GATEWAY_URL (a fake server in tests).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import OrderedDict
from typing import Any

import discord
import yarl
from discord.gateway import DiscordWebSocket
from discord.http import Route

from bot.config import PresenceConfig
from bot.errors import ConfigError
from bot.outgoing import Destination, OutgoingMessage
from bot.ports import EventSink, Member, SendError, Suggest
from bot.refs import MessageRef, UserRef, parse_qualified
from integrations.discord import commands, errors, render, translate
from integrations.discord.listeners import Listeners
from integrations.discord.options import DiscordOptions
from integrations.discord.permissions import intents
from integrations.discord.places import CACHE_SIZE, Places

log = logging.getLogger("presence.discord")

P = "discord"
EPHEMERAL = 64
START_TIMEOUT = 60.0
STAFF_CACHE_SECONDS = 300.0


def point_library_at(api_url: str, gateway_url: str) -> None:
    Route.BASE = api_url.rstrip("/")
    if gateway_url:
        DiscordWebSocket.DEFAULT_GATEWAY = yarl.URL(gateway_url)


def make_client(s: DiscordOptions) -> discord.Client:
    options: dict[str, Any] = {
        "intents": intents(),
        "max_ratelimit_timeout": s.max_ratelimit_timeout,
        "guild_ready_timeout": s.guild_ready_timeout,
        "allowed_mentions": discord.AllowedMentions.none(),
        "chunk_guilds_at_startup": False,
    }
    if s.shard_count is not None:
        if s.shard_ids:
            options["shard_ids"] = list(s.shard_ids)
        return discord.AutoShardedClient(shard_count=s.shard_count, **options)
    return discord.Client(**options)


class DiscordAdapter:
    name = "discord"

    def __init__(self, settings: DiscordOptions, sink: EventSink, config: PresenceConfig):
        self._s = settings
        self._config = config
        self.client = make_client(settings)
        self.listeners = Listeners(self.client, sink, config)
        self.listeners.staff_lookup = self._is_staff
        self._staff_cache: OrderedDict[int, tuple[bool, float]] = OrderedDict()
        self._ready = asyncio.Event()
        self._runner: asyncio.Task[None] | None = None
        self.places = Places(self.client, self._note_forbidden)
        self._warned_forbidden: set[str] = set()

    def provide_suggestions(self, suggest: Suggest) -> None:
        """Autocomplete answers from the core (customers, experts, topics as stored)."""
        self.listeners.suggest = suggest

    # -- lifecycle -------------------------------------------------------------------
    async def start(self) -> None:
        point_library_at(self._s.api_url, self._s.gateway_url)
        self.listeners.attach()
        self.client.on_ready = self._on_ready  # type: ignore[attr-defined]
        try:
            await self.client.login(self._s.token)
        except discord.LoginFailure:
            raise ConfigError(
                "Discord refused DISCORD_TOKEN (401): copy the bot token again from the "
                "Developer Portal, Bot tab"
            ) from None
        self._runner = asyncio.create_task(self._run())
        ready = asyncio.create_task(self._ready.wait())
        done, _ = await asyncio.wait(
            {ready, self._runner}, timeout=START_TIMEOUT, return_when=asyncio.FIRST_COMPLETED
        )
        if ready not in done:
            ready.cancel()
            failure = self._runner.exception() if self._runner in done else None
            await self.client.close()
            if isinstance(failure, discord.PrivilegedIntentsRequired):
                raise ConfigError(
                    "Discord refused the Message Content intent: enable 'Message Content "
                    "Intent' in the Developer Portal, Bot tab, Privileged Gateway Intents"
                )
            if isinstance(failure, discord.ConnectionClosed) and failure.code == 4004:
                raise ConfigError("Discord refused DISCORD_TOKEN on the gateway (4004)")
            if failure is not None:
                raise ConfigError(f"Discord connection failed: {failure}")
            raise ConfigError(f"Discord did not become ready within {START_TIMEOUT:.0f} s")
        if self._s.register_commands:
            await self._register_commands()

    async def _run(self) -> None:
        """discord.py reconnects by itself on network trouble; an exception out of
        its loop (say a payload it cannot parse) would end the connection for good,
        so connect again with a backoff unless the error is fatal (bad token,
        intents not enabled)."""
        delay = 1.0
        while not self.client.is_closed():
            try:
                await self.client.connect(reconnect=True)
                return
            except (discord.LoginFailure, discord.PrivilegedIntentsRequired):
                raise
            except discord.ConnectionClosed as e:
                if e.code in (4004, 4010, 4011, 4012, 4013, 4014):
                    raise
                log.exception("discord: gateway connection ended; reconnecting")
            except Exception:
                log.exception("discord: gateway connection failed; reconnecting")
            await asyncio.sleep(delay)
            delay = min(delay * 2, 60.0)

    async def _on_ready(self) -> None:
        self._ready.set()

    async def _register_commands(self) -> None:
        app_id = self.client.application_id or self._s.application_id
        route = Route("PUT", "/applications/{application_id}/commands", application_id=app_id)
        try:
            await self.client.http.request(route, json=commands.definition())
        except discord.HTTPException as e:
            log.warning("discord: could not register /presence commands: %s", e)

    async def stop(self) -> None:
        # Close the gateway first so nothing new arrives, then let the handlers
        # already running finish storing their events (they need the sink, not
        # Discord).
        await self.client.close()
        await self.listeners.drain(within=10.0)
        if self._runner is not None:
            with contextlib.suppress(Exception, asyncio.CancelledError):
                await asyncio.wait_for(self._runner, timeout=10.0)

    def ready_info(self) -> dict[str, Any]:
        user = self.client.user
        shard_ids = list(self._s.shard_ids) or (
            list(range(self._s.shard_count)) if self._s.shard_count else []
        )
        return {
            "discord_user_id": str(user.id) if user else None,
            "discord_guilds": len(self.client.guilds),
            "discord_shards": shard_ids,
        }

    # -- sending -----------------------------------------------------------------------
    async def send(
        self,
        to: Destination,
        msg: OutgoingMessage,
        *,
        idempotency_key: str | None = None,
        resend: bool = False,  # the nonce already makes every send safe to repeat
    ) -> MessageRef:
        self._check_open()
        link_url = await self.permalink(msg.link) if msg.link is not None else None
        payloads = render.render(msg, link_url=link_url)
        if to.kind == "reply":
            return await self._reply(to, payloads)
        post_to, ref_channel, thread_id = await self._target(to, msg)
        first: dict[str, Any] | None = None
        for i, payload in enumerate(payloads):
            if idempotency_key:
                payload["nonce"] = render.nonce(idempotency_key, i)
                payload["enforce_nonce"] = True
            data = await self._post(post_to, payload)
            first = first or data
        assert first is not None
        return MessageRef(P, ref_channel, str(first["id"]), thread_id)

    def _check_open(self) -> None:
        if self.client.is_closed() or self._runner is None:
            raise SendError("the Discord connection is not open", retryable=True)

    async def _post(self, channel_id: str, payload: dict[str, Any]) -> Any:
        route = Route("POST", "/channels/{channel_id}/messages", channel_id=channel_id)
        try:
            return await self.client.http.request(route, json=payload)
        except discord.Forbidden as e:
            await self._note_forbidden(channel_id, e)
            raise errors.to_send_error(e, f"post to channel {channel_id}") from e
        except (TimeoutError, discord.DiscordException, OSError) as e:
            raise errors.to_send_error(e, f"post to channel {channel_id}") from e

    async def _target(self, to: Destination, msg: OutgoingMessage) -> tuple[str, str, str | None]:
        """(channel to post in, channel for the returned ref, thread id)."""
        if to.kind in ("dm", "ephemeral"):
            # Discord has no ephemeral messages outside interactions: a DM it is.
            if not to.user_id:
                raise SendError(f"{to.kind} destination without a user", retryable=False)
            dm = await self.places.dm_channel(to.user_id)
            return dm, dm, None
        if not to.channel_id:
            raise SendError(f"{to.kind} destination without a channel", retryable=False)
        if to.kind == "thread" and to.thread_id and to.thread_id != to.channel_id:
            thread = await self.places.thread_for(to.channel_id, to.thread_id, msg)
            return thread, to.channel_id, thread
        channel = self.client.get_channel(int(to.channel_id))
        if isinstance(channel, discord.Thread):
            return to.channel_id, str(channel.parent_id), to.channel_id
        return to.channel_id, to.channel_id, None

    async def _reply(self, to: Destination, payloads: list[dict[str, Any]]) -> MessageRef:
        try:
            app_id, token = translate.parse_reply_handle(to.handle or "")
        except ValueError:
            raise SendError("reply without a valid interaction handle", retryable=False) from None
        route = Route(
            "POST", "/webhooks/{webhook_id}/{webhook_token}", webhook_id=app_id, webhook_token=token
        )
        first: dict[str, Any] | None = None
        try:
            for payload in payloads:
                if to.private_reply:
                    payload["flags"] = EPHEMERAL
                data = await self.client.http.request(route, json=payload, params={"wait": "true"})
                first = first or data
        except (discord.NotFound, discord.HTTPException) as e:
            if not isinstance(e, discord.NotFound) and e.status != 401:
                raise errors.to_send_error(e, "answer an interaction") from e
            # The interaction token lives 15 minutes; after that answer by DM
            # (private) or in the channel (public) rather than not at all.
            fallback = (
                Destination.dm(UserRef(P, to.user_id or ""))
                if to.private_reply or not to.channel_id
                else Destination.channel(P, to.channel_id)
            )
            return await self._send_payloads(fallback, payloads)
        except (TimeoutError, discord.DiscordException, OSError) as e:
            raise errors.to_send_error(e, "answer an interaction") from e
        assert first is not None
        return MessageRef(P, to.channel_id or str(first.get("channel_id", "")), str(first["id"]))

    async def _send_payloads(self, to: Destination, payloads: list[dict[str, Any]]) -> MessageRef:
        post_to, ref_channel, thread_id = await self._target(to, OutgoingMessage(text=""))
        first: Any = None
        for payload in payloads:
            payload.pop("flags", None)
            data = await self._post(post_to, payload)
            first = first or data
        return MessageRef(P, ref_channel, str(first["id"]), thread_id)

    async def _note_forbidden(self, channel_id: str, e: discord.HTTPException) -> None:
        """Say once per channel, in the log and to the admin, what permission is missing."""
        if channel_id in self._warned_forbidden:
            return
        self._warned_forbidden.add(channel_id)
        log.error(
            "discord: missing permissions in channel %s (code %s); Presence needs View Channel, "
            "Send Messages, Send Messages in Threads, Create Public Threads, Embed Links, "
            "Add Reactions and Read Message History there",
            channel_id,
            errors.code_of(e),
        )
        triage = self._config.support.triage_channel
        if not triage or parse_qualified(triage)[0] != P:
            return
        triage_id = parse_qualified(triage)[1]
        if triage_id == channel_id:
            return
        note = (
            f"Presence cannot post in <#{channel_id}>: Discord says a permission is missing. "
            "Give the bot View Channel, Send Messages, Send Messages in Threads, Create Public "
            "Threads, Embed Links, Add Reactions and Read Message History there."
        )
        with contextlib.suppress(Exception):
            await self._post(triage_id, {"content": note, "allowed_mentions": {"parse": []}})

    # -- the other verbs ------------------------------------------------------------------
    @staticmethod
    def _channel_of(ref: MessageRef) -> str:
        # A thread's starter message lives in the parent channel, not in the thread.
        if ref.thread_id and ref.thread_id != ref.message_id:
            return ref.thread_id
        return ref.channel_id

    async def update(self, ref: MessageRef, msg: OutgoingMessage) -> None:
        self._check_open()
        link_url = await self.permalink(msg.link) if msg.link is not None else None
        payload = render.update_payload(msg, link_url=link_url)
        channel = self._channel_of(ref)
        route = Route(
            "PATCH",
            "/channels/{channel_id}/messages/{message_id}",
            channel_id=channel,
            message_id=ref.message_id,
        )
        try:
            await self.client.http.request(route, json=payload)
        except (TimeoutError, discord.DiscordException, OSError) as e:
            raise errors.to_send_error(e, f"edit message {ref.message_id}") from e

    async def react(self, msg: MessageRef, emoji: str) -> None:
        self._check_open()
        channel = self._channel_of(msg)
        try:
            await self.client.http.add_reaction(channel, msg.message_id, translate.emoji_for(emoji))
        except (TimeoutError, discord.DiscordException, OSError) as e:
            raise errors.to_send_error(e, f"react to message {msg.message_id}") from e

    async def permalink(self, msg: MessageRef) -> str:
        guild = await self.places.guild_id(msg.channel_id)
        channel = self._channel_of(msg)
        return f"https://discord.com/channels/{guild}/{channel}/{msg.message_id}"

    async def _is_staff(self, user_id: int) -> bool:
        """Staff in any server (cached a few minutes), for presses in DMs."""
        now = time.monotonic()
        cached = self._staff_cache.get(user_id)
        if cached is not None and now - cached[1] < STAFF_CACHE_SECONDS:
            return cached[0]
        staff = (await self.member(UserRef(P, str(user_id)))).is_staff
        self._staff_cache[user_id] = (staff, now)
        while len(self._staff_cache) > CACHE_SIZE:
            self._staff_cache.popitem(last=False)
        return staff

    async def member(self, who: UserRef) -> Member:
        staff_roles = self._config.discord.staff_roles
        for guild in self.client.guilds:
            try:
                data = await self.client.http.get_member(guild.id, int(who.id))
            except discord.NotFound:
                continue
            except (TimeoutError, discord.DiscordException, OSError) as e:
                raise errors.to_send_error(e, f"look up member {who.id}") from e
            role_ids = [int(r) for r in data.get("roles", [])]
            names = [r.name for r in (guild.get_role(i) for i in role_ids) if r is not None]
            user = data.get("user", {})
            return Member(
                user=who,
                name=data.get("nick") or user.get("global_name") or user.get("username") or who.id,
                is_staff=translate.is_staff(role_ids, names, staff_roles),
                is_bot=bool(user.get("bot", False)),
            )
        try:
            u = await self.client.fetch_user(int(who.id))
        except (TimeoutError, discord.DiscordException, OSError) as e:
            raise errors.to_send_error(e, f"look up user {who.id}") from e
        return Member(user=who, name=u.display_name, is_staff=False, is_bot=u.bot)
