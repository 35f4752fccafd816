"""The bolt listeners: translate, hand to the sink, then ack.

The App runs with process_before_response=True, so in HTTP mode bolt writes the
200 only after the listener returned, and in Socket Mode it sends the envelope
ack only after the listener returned: the ack always follows the commit. If the
sink raises, the listener raises, bolt answers 500 (HTTP) or sends no ack
(Socket Mode), and Slack delivers the event again.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp

from bot.config import PresenceConfig
from bot.events import Author, Event
from bot.ports import EventSink, SendError
from integrations.slack import render, translate
from integrations.slack.sender import SlackSender

log = logging.getLogger(__name__)

# "Assign to…" buttons open the modal here instead of going to the core; the
# modal's submission reaches the core as `/presence assign <id> <@U…>`.
ASSIGN_ACTION = re.compile(r"(?:[a-z_]+:)?assign:(?P<id>\d+)")

HOME_REFRESH_DELAY = 2.0  # seconds

HomeProvider = Callable[[str], Awaitable[list[Any]]]


class Listeners:
    def __init__(self, sink: EventSink, sender: SlackSender, config: PresenceConfig) -> None:
        self.sink = sink
        self.sender = sender
        self.config = config
        self.home: HomeProvider | None = None
        self.on_bot_joined: Callable[[str], Awaitable[None]] | None = None
        self._background: set[asyncio.Task[None]] = set()

    def cancel_background(self) -> None:
        for task in list(self._background):
            task.cancel()

    def register(self, app: AsyncApp) -> None:
        app.event(re.compile(r".*"))(self.on_event)
        app.command(re.compile(r"/.*"))(self.on_command)
        app.action(re.compile(r".*"))(self.on_action)
        app.shortcut(translate.RAISE_SHORTCUT)(self.on_shortcut)
        app.view(translate.ASSIGN_VIEW)(self.on_view)

    def _home_team(self, body: dict[str, Any]) -> str | None:
        if self.sender.home_team:
            return self.sender.home_team
        auths = body.get("authorizations") or [{}]
        team = auths[0].get("team_id") or body.get("team_id") or (body.get("team") or {}).get("id")
        return team if isinstance(team, str) else None

    def _learn(self, body: dict[str, Any], *ids: Any) -> None:
        """OAuth mode: remember which workspace a channel or person was seen in, so
        replies go out with that workspace's token."""
        if self.sender.tokens is not None:
            channel = (
                (body.get("channel") or {}).get("id")
                if isinstance(body.get("channel"), dict)
                else None
            )
            found = [i for i in (*ids, channel, body.get("channel_id")) if isinstance(i, str)]
            self.sender.tokens.learn(self._home_team(body), *found)

    async def _author(self, user_id: str, hint: str | None, body: dict[str, Any]) -> Author:
        self._learn(body, user_id)
        # Same budget and fallback as for events: a slow users.info never costs the ack.
        authors = await self.sender.directory.authors(
            {user_id: hint}, home_team=self._home_team(body)
        )
        return authors[user_id]

    async def _store(self, event: Event) -> bool:
        new = await self.sink.receive(event)
        if not new:
            log.debug("slack: %s is a redelivery; acked and dropped", event.event_key)
        return new

    # ---- Events API ------------------------------------------------------------
    async def on_event(self, body: dict[str, Any], ack: AsyncAck) -> None:
        ev = body.get("event") or {}
        if ev.get("type") == "app_home_opened" and ev.get("tab") == "home":
            await ack()
            # Outside the ack path: reading the database must not delay the 200.
            self._later(self._publish_home(str(ev.get("user") or "")))
            return
        self._learn(body, ev.get("channel"), (ev.get("item") or {}).get("channel"))
        wanted = translate.wanted_users(body)
        if self.sender.tokens is not None:
            self.sender.tokens.learn(self._home_team(body), *wanted)
        authors = await self.sender.directory.authors(wanted, home_team=self._home_team(body))
        event = translate.event(body, authors)
        if event is not None:
            await self._store(event)
        await ack()
        if (
            ev.get("type") == "member_joined_channel"
            and ev.get("user") == self.sender.bot_user
            and self.on_bot_joined is not None
        ):
            await self.on_bot_joined(str(ev.get("channel") or ""))

    # ---- slash command ---------------------------------------------------------
    async def on_command(self, body: dict[str, Any], ack: AsyncAck) -> None:
        # The payload's team_id is where the command ran (the shared channel's host),
        # not whose member ran it: only users.info or user_team can tell a customer.
        author = await self._author(str(body.get("user_id") or ""), body.get("user_team"), body)
        try:
            await self._store(translate.command(body, author))
        except Exception:
            # Slack never retries a slash command: say so rather than go silent.
            log.exception("slack: could not store /%s", body.get("command"))
            await ack(text="Presence could not take this command just now; please try again.")
            return
        await ack()

    # ---- buttons, shortcut, modal ----------------------------------------------
    async def on_action(self, body: dict[str, Any], ack: AsyncAck) -> None:
        user_id, hint = translate.interaction_user(body)
        author = await self._author(user_id, hint, body)
        pressed = translate.action(body, author)
        if pressed is None:
            await ack()
            return
        m = ASSIGN_ACTION.fullmatch(pressed.action_id)
        if m is not None:
            await ack()
            await self._open_assign(body, m["id"], pressed.channel.id)
            return
        await self._store(pressed)
        await ack()
        if (body.get("container") or {}).get("type") == "view" and body.get("view", {}).get(
            "type"
        ) == "home":
            self._later(self._refresh_home(user_id))

    def _later(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(work)
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def _refresh_home(self, user_id: str) -> None:
        # The core handles the press after the ack; show the Home tab as it leaves it.
        await asyncio.sleep(HOME_REFRESH_DELAY)
        await self._publish_home(user_id)

    async def _open_assign(self, body: dict[str, Any], question: str, channel: str) -> None:
        view = render.assign_modal(question, channel=channel, response_url=body.get("response_url"))
        try:
            await self.sender.call("views.open", trigger_id=body.get("trigger_id"), view=view)
        except SendError as err:
            log.warning("slack: could not open the assign dialog: %s", err.reason)

    async def on_shortcut(self, body: dict[str, Any], ack: AsyncAck) -> None:
        user_id, hint = translate.interaction_user(body)
        author = await self._author(user_id, hint, body)
        await self._store(translate.shortcut(body, author, self.config.reactions.question))
        await ack()

    async def on_view(self, body: dict[str, Any], ack: AsyncAck) -> None:
        user_id, hint = translate.interaction_user(body)
        author = await self._author(user_id, hint, body)
        command = translate.assign_submission(body, author)
        if command is None:
            await ack(response_action="errors", errors={"assignee": "Pick someone to assign."})
            return
        await self._store(command)
        await ack()

    # ---- App Home --------------------------------------------------------------
    async def _publish_home(self, user_id: str) -> None:
        if not user_id:
            return
        items = await self.home(user_id) if self.home is not None else []
        links: list[str | None] = []
        for msg in items:
            links.append(await self.sender.link_for(msg))
        try:
            await self.sender.call(
                "views.publish", user_id=user_id, view=render.home_view(items, links)
            )
        except SendError as err:
            log.warning("slack: could not publish App Home for %s: %s", user_id, err.reason)
