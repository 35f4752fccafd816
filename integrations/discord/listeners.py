"""Gateway handlers: translate, then persist through the sink, then (for
interactions) acknowledge Discord within its 3 seconds.

The gateway has no per-event ack: once discord.py has read a dispatch, Discord
will not send it again unless the session resumes from an earlier sequence. So a
sink failure is retried here with a short backoff before the event is given up
(and logged loudly), instead of being dropped on the first database hiccup.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import discord

from bot.config import PresenceConfig
from bot.events import ButtonPressed, CommandInvoked, Event
from bot.ports import EventSink, Suggest
from integrations.discord import commands, translate

log = logging.getLogger("presence.discord")

SINK_ATTEMPTS = 5
INTERACTION_STORE_TIMEOUT = 2.0  # leaves time to answer within Discord's 3 s
STAFF_LOOKUP_TIMEOUT = 0.7
EPHEMERAL = 64


class Listeners:
    def __init__(self, client: discord.Client, sink: EventSink, config: PresenceConfig):
        self._client = client
        self._sink = sink
        self._config = config
        self._staff_roles = config.discord.staff_roles
        self.in_flight: set[asyncio.Task[Any]] = set()
        self.on_event: Callable[[Event], None] | None = None  # a hook for benchmarks
        # Set by the adapter: is this user staff in any server? For presses in a
        # DM, where Discord sends a bare user without roles.
        self.staff_lookup: Callable[[int], Awaitable[bool]] | None = None
        # Set by the core: suggestions from the shared rows (customers and experts
        # added from chat too); without it, from the config file.
        self.suggest: Suggest | None = None

    def attach(self) -> None:
        handlers: dict[str, Callable[..., Awaitable[None]]] = {
            "on_message": self.on_message,
            "on_raw_message_edit": self.on_raw_message_edit,
            "on_raw_message_delete": self.on_raw_message_delete,
            "on_raw_reaction_add": self.on_raw_reaction_add,
            "on_interaction": self.on_interaction,
        }
        for name, handler in handlers.items():
            setattr(self._client, name, self._tracked(handler))

    def _tracked(self, handler: Callable[..., Awaitable[None]]) -> Callable[..., Awaitable[None]]:
        async def run(*args: Any) -> None:
            task = asyncio.current_task()
            if task is not None:
                self.in_flight.add(task)
            try:
                await handler(*args)
            finally:
                if task is not None:
                    self.in_flight.discard(task)

        return run

    async def drain(self, within: float) -> None:
        pending = [t for t in self.in_flight if not t.done()]
        if pending:
            await asyncio.wait(pending, timeout=within)

    def _me(self, user_id: int) -> bool:
        me = self._client.user
        return me is not None and me.id == user_id

    async def _deliver(self, event: Event) -> bool | None:
        delay = 0.2
        for attempt in range(1, SINK_ATTEMPTS + 1):
            try:
                stored = await self._sink.receive(event)
            except Exception:
                log.warning(
                    "discord: could not store %s (attempt %d/%d)",
                    event.event_key,
                    attempt,
                    SINK_ATTEMPTS,
                    exc_info=True,
                )
                await asyncio.sleep(delay)
                delay = min(delay * 2, 5.0)
                continue
            if self.on_event is not None:
                self.on_event(event)
            return stored
        log.error("discord: gave up storing %s; the event is lost", event.event_key)
        return None

    async def on_message(self, message: discord.Message) -> None:
        if self._me(message.author.id):
            return
        event = translate.message_posted(message, self._staff_roles)
        if event is not None:
            await self._deliver(event)

    async def on_raw_message_edit(self, raw: discord.RawMessageUpdateEvent) -> None:
        if self._me(raw.message.author.id):
            return
        event = translate.message_edited(raw.data, raw.message, self._staff_roles)
        if event is not None:
            await self._deliver(event)

    async def on_raw_message_delete(self, raw: discord.RawMessageDeleteEvent) -> None:
        channel = self._client.get_channel(raw.channel_id)
        event = translate.message_deleted(
            raw.message_id, channel, raw.channel_id, raw.guild_id, datetime.now(UTC)
        )
        await self._deliver(event)

    async def on_raw_reaction_add(self, raw: discord.RawReactionActionEvent) -> None:
        if self._me(raw.user_id):
            return
        channel = self._client.get_channel(raw.channel_id)
        event = translate.reaction_added(raw, channel, self._staff_roles, datetime.now(UTC))
        await self._deliver(event)

    async def on_interaction(self, interaction: discord.Interaction) -> None:
        if interaction.type is discord.InteractionType.autocomplete:
            await self._autocomplete(interaction)
            return
        event = translate.interaction_event(interaction, self._staff_roles)
        if event is None:
            return
        if event.author.is_staff is None and self.staff_lookup is not None:
            event = await self._with_staff(event, interaction.user.id)
        try:
            stored = await asyncio.wait_for(
                self._sink.receive(event), timeout=INTERACTION_STORE_TIMEOUT
            )
        except Exception:
            log.warning("discord: could not store %s", event.event_key, exc_info=True)
            await self._answer_failure(interaction)
            return
        if self.on_event is not None:
            self.on_event(event)
        if not stored:
            return  # a replayed dispatch: Discord got its answer the first time
        try:
            if interaction.type is discord.InteractionType.component:
                await interaction.response.defer()  # no "thinking": the card stays as is
            else:
                # The command's answer comes later through the outbox as a followup;
                # deferring as private keeps a one-person answer private.
                await interaction.response.defer(ephemeral=True, thinking=True)
        except (discord.HTTPException, RuntimeError) as e:  # RuntimeError: shutting down
            log.warning("discord: could not acknowledge interaction %s: %s", interaction.id, e)

    async def _with_staff(
        self, event: CommandInvoked | ButtonPressed, user_id: int
    ) -> CommandInvoked | ButtonPressed:
        assert self.staff_lookup is not None
        try:
            staff = await asyncio.wait_for(self.staff_lookup(user_id), STAFF_LOOKUP_TIMEOUT)
        except Exception:
            log.info("discord: could not tell whether %s is staff; the core decides", user_id)
            return event
        return dataclasses.replace(event, author=dataclasses.replace(event.author, is_staff=staff))

    async def _answer_failure(self, interaction: discord.Interaction) -> None:
        try:
            await interaction.response.send_message(
                "Presence could not record that just now. Please try again in a moment.",
                ephemeral=True,
            )
        except discord.HTTPException:
            log.warning("discord: could not tell the user about a failed interaction")

    async def _autocomplete(self, interaction: discord.Interaction) -> None:
        focused = commands.focused_option(interaction.data or {})
        if not focused:
            suggestions: list[tuple[str, str]] = []
        elif self.suggest is not None:
            suggestions = await self.suggest("discord", *focused)
        else:
            suggestions = commands.choices(self._config, *focused)
        choices = [discord.app_commands.Choice(name=n, value=v) for n, v in suggestions]
        try:
            await interaction.response.autocomplete(choices)
        except discord.HTTPException as e:
            log.debug("discord: autocomplete answer failed: %s", e)
