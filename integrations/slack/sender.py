"""The ChatPlatform verbs over one AsyncWebClient (one aiohttp session).

Failures become SendError / RateLimited with a reason a person can act on. What
cannot succeed is not tried again: after `invalid_auth` every send fails fast
with the same reason, and a channel that answered `channel_not_found`,
`not_in_channel` or `is_archived` fails fast for a few minutes. Nothing is lost:
the outbox keeps the row and its reason.

Idempotency: see idempotency.py.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections import OrderedDict
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.outgoing import Destination, OutgoingMessage
from bot.ports import Member, SendError
from bot.refs import MessageRef, UserRef
from integrations.slack import errors, render
from integrations.slack.idempotency import PostedKeys
from integrations.slack.installations import TokenResolver
from integrations.slack.people import Directory, author_from_user

log = logging.getLogger(__name__)

P = "slack"
_DEAD_FOR = 300.0  # seconds a refusing channel is not retried
_HISTORY_LOOKBACK = 100


class _Bounded(OrderedDict[str, Any]):
    def __init__(self, size: int) -> None:
        super().__init__()
        self.size = size

    def put(self, key: str, value: Any) -> None:
        self[key] = value
        self.move_to_end(key)
        while len(self) > self.size:
            self.popitem(last=False)


class SlackSender:
    name = P

    def __init__(
        self,
        client: AsyncWebClient,
        *,
        directory: Directory,
        tokens: TokenResolver | None = None,
    ) -> None:
        self.client = client
        self.directory = directory
        # None: single-token mode (the client's token); else OAuth, a token per workspace.
        self.tokens = tokens
        self.home_team: str | None = None
        self.bot_user: str | None = None
        self._dm = _Bounded(4096)
        self._links = _Bounded(4096)
        self._link_calls: dict[str, asyncio.Task[str]] = {}
        self._dead = _Bounded(1024)  # channel -> (monotonic time, SendError)
        self.posted = PostedKeys(self._history_keys)
        self._auth_failures: dict[str, SendError] = {}  # workspace ("" = the token) -> why

    # ---- the one gate every call goes through ---------------------------------
    async def call(
        self, method: str, *, target: str | None = None, team: str | None = None, **kwargs: Any
    ) -> Any:
        workspace = ""
        if self.tokens is not None:
            workspace = team or self.tokens.team_of(target) or ""
        if (failure := self._auth_failures.get(workspace)) is not None:
            raise failure
        if self.tokens is not None:
            kwargs["token"] = await self.tokens.token_for(workspace or None, target)
        if target is not None and (dead := self._dead.get(target)) is not None:
            if time.monotonic() - dead[0] < _DEAD_FOR:
                raise dead[1]
            self._dead.pop(target, None)
        try:
            # The typed methods pick Slack's encoding per method (JSON for writes,
            # form or query for reads, which do not accept JSON bodies).
            response = await getattr(self.client, method.replace(".", "_"))(**kwargs)
        except SlackApiError as exc:
            err = errors.from_api_error(exc, method=method, target=target)
            self._remember(err, target, workspace)
            raise err from None
        except SendError:
            raise
        except Exception as exc:
            raise errors.from_transport(exc, method=method) from exc
        return response.data

    def _remember(self, err: SendError, target: str | None, workspace: str) -> None:
        code = getattr(err, "code", None)
        if code in errors.AUTH_ERRORS:
            if workspace not in self._auth_failures:
                where = f" for workspace {workspace}" if workspace else ""
                log.error(
                    "slack: %s; Presence stops calling Slack%s until restarted", err.reason, where
                )
            self._auth_failures[workspace] = err
        elif code in errors.DESTINATION_ERRORS and target is not None:
            log.warning("slack: %s", err.reason)
            self._dead.put(target, (time.monotonic(), err))

    # ---- ChatPlatform ----------------------------------------------------------
    async def send(
        self,
        to: Destination,
        msg: OutgoingMessage,
        *,
        idempotency_key: str | None = None,
        resend: bool = False,
    ) -> MessageRef:
        if to.kind == "reply":
            return await self._reply(to, msg, replace=False)
        if to.kind == "ephemeral":
            return await self._ephemeral(to, msg)
        channel = await self._channel_of(to)
        thread = to.thread_id if to.kind == "thread" else None
        if idempotency_key:
            found = await self.posted.find(channel, thread, idempotency_key, resend=resend)
            if found is not None:
                return MessageRef(P, channel, found, thread)
        args: dict[str, Any] = {
            "channel": channel,
            "text": render.fallback_text(msg),
            "blocks": render.blocks(msg, await self.link_for(msg)),
            "unfurl_links": False,
            "unfurl_media": False,
        }
        if thread:
            args["thread_ts"] = thread
        if idempotency_key:
            args["metadata"] = render.metadata(idempotency_key)
        try:
            data = await self.call("chat.postMessage", target=channel, **args)
        except SendError as err:
            if idempotency_key and err.retryable and err.retry_after is None:
                self.posted.uncertain(idempotency_key)
            raise
        if idempotency_key:
            self.posted.posted(channel, thread, idempotency_key, str(data["ts"]))
        return MessageRef(P, str(data.get("channel") or channel), str(data["ts"]), thread)

    async def update(self, ref: MessageRef, msg: OutgoingMessage) -> None:
        if ref.message_id.startswith(("http://", "https://")):
            await self._post_response_url(ref.message_id, msg, replace=True, private=True)
            return
        await self.call(
            "chat.update",
            target=ref.channel_id,
            channel=ref.channel_id,
            ts=ref.message_id,
            text=render.fallback_text(msg),
            blocks=render.blocks(msg, await self.link_for(msg)),
        )

    async def react(self, msg: MessageRef, emoji: str) -> None:
        try:
            await self.call(
                "reactions.add",
                target=msg.channel_id,
                channel=msg.channel_id,
                timestamp=msg.message_id,
                name=emoji,
            )
        except errors.SlackSendError as err:
            if err.code != "already_reacted":
                raise

    async def permalink(self, msg: MessageRef) -> str:
        key = f"{msg.channel_id}/{msg.message_id}"
        if (hit := self._links.get(key)) is not None:
            return str(hit)
        # The DM, the triage card and the acknowledgement of one question go out
        # together; they share one chat.getPermalink.
        task = self._link_calls.get(key)
        if task is None:
            task = asyncio.create_task(self._fetch_link(msg, key))
            self._link_calls[key] = task
            task.add_done_callback(lambda _: self._link_calls.pop(key, None))
        return await asyncio.shield(task)

    async def _fetch_link(self, msg: MessageRef, key: str) -> str:
        data = await self.call(
            "chat.getPermalink",
            target=msg.channel_id,
            channel=msg.channel_id,
            message_ts=msg.message_id,
        )
        link = str(data["permalink"])
        self._links.put(key, link)
        return link

    async def member(self, who: UserRef) -> Member:
        user = await self.directory.fetch(who.id)
        home = self.home_team
        if home is None and self.tokens is not None:
            # OAuth: staff of the workspace this person was seen from.
            home = self.tokens.team_of(who.id)
        author = author_from_user(who.id, user, home_team=home)
        return Member(
            user=who,
            name=author.name or who.id,
            is_staff=bool(author.is_staff),
            is_bot=author.is_bot,
            timezone=author.timezone,
            email=author.email,
        )

    # ---- helpers ---------------------------------------------------------------
    async def fetch_user(self, user_id: str) -> dict[str, Any] | None:
        """users.info for the directory: None for unknown or hidden people."""
        try:
            data = await self.call("users.info", user=user_id)
        except errors.SlackSendError as err:
            if err.code in ("user_not_found", "user_not_visible", "missing_scope"):
                return None
            raise
        user = data.get("user")
        return user if isinstance(user, dict) else None

    async def _channel_of(self, to: Destination) -> str:
        if to.kind == "dm":
            if not to.user_id:
                raise SendError("a DM needs a user id", retryable=False)
            if (hit := self._dm.get(to.user_id)) is not None:
                return str(hit)
            data = await self.call("conversations.open", target=to.user_id, users=to.user_id)
            channel = str(data["channel"]["id"])
            self._dm.put(to.user_id, channel)
            return channel
        if not to.channel_id:
            raise SendError(f"a {to.kind} destination needs a channel id", retryable=False)
        return to.channel_id

    async def link_for(self, msg: OutgoingMessage) -> str | None:
        if msg.link is None or msg.link.platform != P:
            return None
        try:
            return await self.permalink(msg.link)
        except SendError as err:
            if err.retryable:
                raise
            # A message without its link is better than no message.
            log.warning("slack: no permalink for %s: %s", msg.link.message_id, err.reason)
            return None

    async def _history_keys(self, channel: str, thread: str | None) -> dict[str, str]:
        args: dict[str, Any] = {
            "channel": channel,
            "limit": _HISTORY_LOOKBACK,
            "include_all_metadata": True,
        }
        method = "conversations.history"
        if thread:
            method, args["ts"] = "conversations.replies", thread
        data = await self.call(method, target=channel, **args)
        keys: dict[str, str] = {}
        for message in data.get("messages") or ():
            if (key := render.metadata_key(message)) is not None:
                keys.setdefault(key, str(message["ts"]))
        return keys

    async def _ephemeral(self, to: Destination, msg: OutgoingMessage) -> MessageRef:
        if not to.user_id:
            raise SendError("an ephemeral message needs a user", retryable=False)
        if not to.channel_id:
            # A press in App Home has no channel to whisper in: the DM is the private place.
            return await self.send(Destination("dm", P, user_id=to.user_id), msg)
        args: dict[str, Any] = {
            "channel": to.channel_id,
            "user": to.user_id,
            "text": render.fallback_text(msg),
            "blocks": render.blocks(msg, await self.link_for(msg)),
        }
        if to.thread_id:
            args["thread_ts"] = to.thread_id
        data = await self.call("chat.postEphemeral", target=to.channel_id, **args)
        return MessageRef(P, to.channel_id, str(data.get("message_ts") or ""), to.thread_id)

    async def _reply(self, to: Destination, msg: OutgoingMessage, *, replace: bool) -> MessageRef:
        if not to.handle:
            raise SendError("a reply needs the command's response_url", retryable=False)
        await self._post_response_url(to.handle, msg, replace=replace, private=to.private_reply)
        # The response_url is the only handle Slack gives to that reply; update()
        # posts to it again with replace_original.
        return MessageRef(P, to.channel_id or "", to.handle)

    async def _post_response_url(
        self, url: str, msg: OutgoingMessage, *, replace: bool, private: bool
    ) -> None:
        if (failure := self._auth_failures.get("")) is not None:
            raise failure
        body = {
            "text": render.fallback_text(msg),
            "blocks": render.blocks(msg, await self.link_for(msg)),
            "response_type": "ephemeral" if private else "in_channel",
            "replace_original": replace,
        }
        session = self.client.session
        if session is None:
            raise SendError("the Slack client has no HTTP session", retryable=True)
        try:
            async with session.post(url, json=body, timeout=aiohttp.ClientTimeout(30)) as resp:
                text = await resp.text()
                err = errors.from_http(resp.status, resp.headers, text, what="command reply")
        except Exception as exc:
            raise errors.from_transport(exc, method="response_url") from exc
        if err is not None:
            raise err
