"""A fake Slack on 127.0.0.1: Web API, Events API sender and Socket Mode websocket.

The real slack_sdk / slack-bolt talk to it over real sockets. It records every Web
API call (route + parsed arguments), lets a test queue error responses per route,
signs (or forges) Events API deliveries with the signing secret, and pushes Socket
Mode envelopes while recording the acks by envelope_id.

Reusable by the adapter tests, the contract suite and bench/slack_pipeline.py:

    fake = FakeSlack()
    await fake.start()
    fake.add_user("U0CUST1", "Casey", team="T0CUST")
    ...
    status, body = await fake.deliver_event(url, fake.message_event("C0SHARED01", ...))
    await fake.stop()
"""

from __future__ import annotations

import asyncio
import collections
import hashlib
import hmac
import itertools
import json
import time
import uuid
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import aiohttp
from aiohttp import web

HOME_TEAM = "T0HOME"
CUSTOMER_TEAM = "T0CUST"
BOT_USER = "U0PRESENCE"
BOT_ID = "B0PRESENCE"
APP_ID = "A0PRESENCE"
SIGNING_SECRET = "fake-signing-secret"
BOT_TOKEN = "xoxb-fake-token"
APP_TOKEN = "xapp-fake-token"

_JSON_ARGS = ("blocks", "attachments", "metadata", "view", "user_auth_blocks")


@dataclass
class Call:
    route: str
    args: dict[str, Any]
    at: float  # time.perf_counter() when the fake received it
    token: str | None = None


@dataclass
class _Queued:
    status: int
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)


class FakeSlack:
    def __init__(
        self,
        *,
        team_id: str = HOME_TEAM,
        bot_user: str = BOT_USER,
        signing_secret: str = SIGNING_SECRET,
    ) -> None:
        self.team_id = team_id
        self.bot_user = bot_user
        self.signing_secret = signing_secret
        self.calls_log: list[Call] = []
        self.users: dict[str, dict[str, Any]] = {}
        self.messages: dict[str, list[dict[str, Any]]] = collections.defaultdict(list)
        self.acks: dict[str, dict[str, Any]] = {}
        self.socket_connections = 0
        self._queued: dict[str, collections.deque[_Queued]] = collections.defaultdict(
            collections.deque
        )
        self._ts = itertools.count(1)
        self._gates: dict[str, asyncio.Event] = {}
        self._changed = asyncio.Condition()
        self._sockets: list[web.WebSocketResponse] = []
        self._socket_ready = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self._session: aiohttp.ClientSession | None = None
        self.port = 0
        self.add_user(bot_user, "presence", team=team_id, is_bot=True)

    # ---- lifecycle -------------------------------------------------------------
    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/api/{method}", self._web_api)
        app.router.add_post("/respond/{id}", self._respond)
        app.router.add_get("/link", self._socket)
        self._runner = web.AppRunner(app, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = int(self._runner.addresses[0][1])
        self._session = aiohttp.ClientSession()

    async def stop(self) -> None:
        for ws in list(self._sockets):
            await ws.close()
        if self._session is not None:
            await self._session.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/"

    def response_url(self, name: str = "r1") -> str:
        return f"http://127.0.0.1:{self.port}/respond/{name}"

    # ---- directory -------------------------------------------------------------
    def add_user(
        self,
        user_id: str,
        name: str,
        *,
        team: str | None = None,
        is_restricted: bool = False,
        is_ultra_restricted: bool = False,
        deleted: bool = False,
        is_bot: bool = False,
        is_stranger: bool = False,
        tz: str = "Europe/Helsinki",
    ) -> None:
        self.users[user_id] = {
            "id": user_id,
            "team_id": team or self.team_id,
            "name": name.lower(),
            "real_name": name,
            "deleted": deleted,
            "is_bot": is_bot,
            "is_restricted": is_restricted,
            "is_ultra_restricted": is_ultra_restricted,
            "is_stranger": is_stranger,
            "tz": tz,
            "profile": {"real_name": name, "display_name": name, "email": f"{name}@x.test"},
        }

    def add_history(
        self, channel: str, user: str, text: str, *, thread_ts: str | None = None
    ) -> str:
        ts = self.next_ts()
        msg = {"type": "message", "user": user, "text": text, "ts": ts}
        if thread_ts:
            msg["thread_ts"] = thread_ts
        self.messages[channel].append(msg)
        return ts

    def next_ts(self) -> str:
        return f"{int(time.time())}.{next(self._ts):06d}"

    # ---- assertions ------------------------------------------------------------
    def calls(self, route: str) -> list[dict[str, Any]]:
        return [c.args for c in self.calls_log if c.route == route]

    def fail(
        self,
        route: str,
        error: str = "internal_error",
        *,
        status: int = 200,
        headers: dict[str, str] | None = None,
        times: int = 1,
    ) -> None:
        """Answer the next `times` calls of `route` with an error."""
        for _ in range(times):
            self._queued[route].append(
                _Queued(status, {"ok": False, "error": error}, dict(headers or {}))
            )

    def delay(self, route: str, gate: asyncio.Event) -> None:
        """Hold every answer of `route` until `gate` is set (a slow Slack)."""
        self._gates[route] = gate

    async def wait_for(
        self, route: str, count: int = 1, *, within: float = 10.0
    ) -> list[dict[str, Any]]:
        """Wait until `route` was called at least `count` times; return those calls."""

        async def enough() -> list[dict[str, Any]]:
            async with self._changed:
                await self._changed.wait_for(lambda: len(self.calls(route)) >= count)
            return self.calls(route)

        try:
            return await asyncio.wait_for(enough(), within)
        except TimeoutError:
            seen = [c.route for c in self.calls_log]
            raise AssertionError(
                f"expected {count} call(s) of {route}, got {len(self.calls(route))}; saw {seen}"
            ) from None

    async def _record(self, call: Call) -> None:
        self.calls_log.append(call)
        async with self._changed:
            self._changed.notify_all()

    # ---- Web API ---------------------------------------------------------------
    async def _web_api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        args: dict[str, Any] = dict(request.query)
        if request.can_read_body:
            if request.content_type == "application/json":
                args.update(await request.json())
            else:
                args.update(dict(await request.post()))
        for key in _JSON_ARGS:
            if isinstance(args.get(key), str):
                args[key] = json.loads(args[key])
        auth = request.headers.get("Authorization", "")
        token = auth.removeprefix("Bearer ") or args.get("token")
        await self._record(Call(method, args, time.perf_counter(), token))
        if (gate := self._gates.get(method)) is not None:
            await gate.wait()
        if self._queued[method]:
            q = self._queued[method].popleft()
            return web.json_response(q.body, status=q.status, headers=q.headers)
        handler = getattr(self, "_api_" + method.replace(".", "_"), None)
        body = handler(args) if handler else {"ok": True}
        return web.json_response(body)

    def _api_auth_test(self, args: dict[str, Any]) -> dict[str, Any]:
        return {
            "ok": True,
            "url": "https://home.fake-slack.test/",
            "team": "Home",
            "user": "presence",
            "team_id": self.team_id,
            "user_id": self.bot_user,
            "bot_id": BOT_ID,
            "is_enterprise_install": False,
        }

    def _api_apps_connections_open(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "url": f"ws://127.0.0.1:{self.port}/link"}

    def _post(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = str(args["channel"])
        ts = self.next_ts()
        msg: dict[str, Any] = {
            "type": "message",
            "user": self.bot_user,
            "bot_id": BOT_ID,
            "text": args.get("text", ""),
            "ts": ts,
        }
        for key in ("blocks", "thread_ts", "metadata"):
            if args.get(key):
                msg[key] = args[key]
        self.messages[channel].append(msg)
        return msg

    def _api_chat_postMessage(self, args: dict[str, Any]) -> dict[str, Any]:
        msg = self._post(args)
        return {"ok": True, "channel": args["channel"], "ts": msg["ts"], "message": msg}

    def _api_chat_update(self, args: dict[str, Any]) -> dict[str, Any]:
        for msg in self.messages.get(str(args["channel"]), []):
            if msg["ts"] == args["ts"]:
                msg.update({k: args[k] for k in ("text", "blocks") if k in args})
                return {"ok": True, "channel": args["channel"], "ts": args["ts"]}
        return {"ok": False, "error": "message_not_found"}

    def _api_chat_postEphemeral(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "message_ts": self.next_ts()}

    def _api_conversations_open(self, args: dict[str, Any]) -> dict[str, Any]:
        users = str(args.get("users", ""))
        return {"ok": True, "channel": {"id": "D" + users.replace(",", "")[1:]}}

    def _api_conversations_history(self, args: dict[str, Any]) -> dict[str, Any]:
        channel = str(args["channel"])
        msgs = [m for m in self.messages.get(channel, []) if m.get("thread_ts", m["ts"]) == m["ts"]]
        return self._page(list(reversed(msgs)), args)

    def _api_conversations_replies(self, args: dict[str, Any]) -> dict[str, Any]:
        channel, root = str(args["channel"]), str(args["ts"])
        msgs = [
            m
            for m in self.messages.get(channel, [])
            if m["ts"] == root or m.get("thread_ts") == root
        ]
        return self._page(msgs, args)

    @staticmethod
    def _page(msgs: list[dict[str, Any]], args: dict[str, Any]) -> dict[str, Any]:
        start = int(args.get("cursor") or 0)
        limit = int(args.get("limit") or 100)
        chunk = msgs[start : start + limit]
        more = start + limit < len(msgs)
        return {
            "ok": True,
            "messages": chunk,
            "has_more": more,
            "response_metadata": {"next_cursor": str(start + limit) if more else ""},
        }

    def _api_users_info(self, args: dict[str, Any]) -> dict[str, Any]:
        user = self.users.get(str(args.get("user")))
        if user is None:
            return {"ok": False, "error": "user_not_found"}
        return {"ok": True, "user": user}

    def _api_chat_getPermalink(self, args: dict[str, Any]) -> dict[str, Any]:
        ts = str(args["message_ts"]).replace(".", "")
        return {
            "ok": True,
            "channel": args["channel"],
            "permalink": f"https://home.fake-slack.test/archives/{args['channel']}/p{ts}",
        }

    def _api_views_open(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "view": {"id": "V" + uuid.uuid4().hex[:8].upper(), **args["view"]}}

    def _api_views_publish(self, args: dict[str, Any]) -> dict[str, Any]:
        return {"ok": True, "view": {"id": "VHOME", **args["view"]}}

    def _api_oauth_v2_access(self, args: dict[str, Any]) -> dict[str, Any]:
        return {
            "ok": True,
            "app_id": APP_ID,
            "access_token": "xoxb-installed-" + str(args.get("code", "")),
            "token_type": "bot",
            "scope": "chat:write,channels:history",
            "bot_user_id": self.bot_user,
            "team": {"id": "T0OTHER", "name": "Other"},
            "enterprise": None,
            "is_enterprise_install": False,
            "authed_user": {"id": "U0INSTALLER"},
        }

    async def _respond(self, request: web.Request) -> web.Response:
        args = await request.json()
        args["_id"] = request.match_info["id"]
        await self._record(Call("response_url", args, time.perf_counter()))
        if self._queued["response_url"]:
            q = self._queued["response_url"].popleft()
            return web.Response(status=q.status, text=q.body.get("error", ""))
        return web.Response(text="ok")

    # ---- Events API sender -----------------------------------------------------
    def sign(
        self, body: str, *, timestamp: int | None = None, secret: str | None = None
    ) -> dict[str, str]:
        ts = str(int(time.time()) if timestamp is None else timestamp)
        base = f"v0:{ts}:{body}".encode()
        key = (secret or self.signing_secret).encode()
        sig = "v0=" + hmac.new(key, base, hashlib.sha256).hexdigest()
        return {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": sig}

    async def post_signed(
        self,
        url: str,
        body: str,
        content_type: str,
        *,
        retry_num: int | None = None,
        forge: bool = False,
        stale: bool = False,
    ) -> tuple[int, str]:
        assert self._session is not None, "start() first"
        headers = self.sign(
            body,
            timestamp=int(time.time()) - 600 if stale else None,
            secret="not-the-secret" if forge else None,
        )
        headers["Content-Type"] = content_type
        if retry_num is not None:
            headers["X-Slack-Retry-Num"] = str(retry_num)
            headers["X-Slack-Retry-Reason"] = "http_timeout"
        async with self._session.post(url, data=body.encode(), headers=headers) as resp:
            return resp.status, await resp.text()

    async def deliver_event(self, url: str, envelope: dict[str, Any], **kw: Any) -> tuple[int, str]:
        return await self.post_signed(url, json.dumps(envelope), "application/json", **kw)

    async def deliver_command(self, url: str, form: dict[str, str], **kw: Any) -> tuple[int, str]:
        return await self.post_signed(
            url, urlencode(form), "application/x-www-form-urlencoded", **kw
        )

    async def deliver_interaction(
        self, url: str, payload: dict[str, Any], **kw: Any
    ) -> tuple[int, str]:
        body = urlencode({"payload": json.dumps(payload)})
        return await self.post_signed(url, body, "application/x-www-form-urlencoded", **kw)

    # ---- Socket Mode -----------------------------------------------------------
    async def _socket(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        self._sockets.append(ws)
        self.socket_connections += 1
        await ws.send_json(
            {
                "type": "hello",
                "num_connections": 1,
                "connection_info": {"app_id": APP_ID},
                "debug_info": {"host": "fake", "approximate_connection_time": 18060},
            }
        )
        self._socket_ready.set()
        try:
            async for msg in ws:
                if msg.type == aiohttp.WSMsgType.TEXT:
                    data = json.loads(msg.data)
                    if "envelope_id" in data:
                        self.acks[data["envelope_id"]] = data
                        await self._record(Call("socket_ack", data, time.perf_counter()))
        finally:
            self._sockets.remove(ws)
            if not self._sockets:
                self._socket_ready.clear()
        return ws

    async def drop_sockets(self, *, refresh: bool = False) -> None:
        """Slack's own ways of ending a session: a `disconnect` envelope asking the
        client to reconnect (refresh) or just closing the websocket."""
        for ws in list(self._sockets):
            if refresh:
                await ws.send_json({"type": "disconnect", "reason": "refresh_requested"})
            else:
                await ws.close()

    async def push(
        self,
        kind: str,
        payload: dict[str, Any],
        *,
        retry_attempt: int = 0,
        envelope_id: str | None = None,
    ) -> str:
        """Push one Socket Mode envelope (`events_api`, `slash_commands`, `interactive`)."""
        await asyncio.wait_for(self._socket_ready.wait(), 10)
        eid = envelope_id or str(uuid.uuid4())
        envelope = {
            "envelope_id": eid,
            "type": kind,
            "payload": payload,
            "accepts_response_payload": kind != "events_api",
            "retry_attempt": retry_attempt,
            "retry_reason": "timeout" if retry_attempt else "",
        }
        await self._sockets[-1].send_json(envelope)
        return eid

    async def wait_ack(self, envelope_id: str, *, within: float = 10.0) -> dict[str, Any]:
        async def acked() -> dict[str, Any]:
            async with self._changed:
                await self._changed.wait_for(lambda: envelope_id in self.acks)
            return self.acks[envelope_id]

        try:
            return await asyncio.wait_for(acked(), within)
        except TimeoutError:
            raise AssertionError(f"envelope {envelope_id} was not acked") from None

    # ---- payload builders ------------------------------------------------------
    def event_envelope(
        self, event: dict[str, Any], *, event_id: str | None = None
    ) -> dict[str, Any]:
        return {
            "token": "legacy",
            "team_id": self.team_id,
            "api_app_id": APP_ID,
            "event": event,
            "type": "event_callback",
            "event_id": event_id or "Ev" + uuid.uuid4().hex[:10].upper(),
            "event_time": int(time.time()),
            "authorizations": [
                {
                    "enterprise_id": None,
                    "team_id": self.team_id,
                    "user_id": self.bot_user,
                    "is_bot": True,
                    "is_enterprise_install": False,
                }
            ],
            "is_ext_shared_channel": True,
        }

    def message_event(
        self,
        channel: str,
        user: str,
        text: str,
        *,
        thread_ts: str | None = None,
        ts: str | None = None,
        event_id: str | None = None,
    ) -> dict[str, Any]:
        """A message as Slack sends it, also stored in the channel's history."""
        ts = ts or self.next_ts()
        team = self.users.get(user, {}).get("team_id", self.team_id)
        ev: dict[str, Any] = {
            "type": "message",
            "channel": channel,
            "user": user,
            "text": text,
            "ts": ts,
            "event_ts": ts,
            "channel_type": "channel",
            "team": team,
            "user_team": team,
            "source_team": team,
        }
        if thread_ts:
            ev["thread_ts"] = thread_ts
        stored = {k: ev[k] for k in ("type", "user", "text", "ts") if k in ev}
        if thread_ts:
            stored["thread_ts"] = thread_ts
        self.messages[channel].append(stored)
        return self.event_envelope(ev, event_id=event_id)

    def reaction_event(
        self, channel: str, user: str, ts: str, name: str, *, event_id: str | None = None
    ) -> dict[str, Any]:
        ev = {
            "type": "reaction_added",
            "user": user,
            "reaction": name,
            "item": {"type": "message", "channel": channel, "ts": ts},
            "item_user": None,
            "event_ts": self.next_ts(),
        }
        return self.event_envelope(ev, event_id=event_id)

    def block_action(
        self,
        user: str,
        action_id: str,
        *,
        channel: str,
        message_ts: str,
        value: str | None = None,
    ) -> dict[str, Any]:
        team = self.users.get(user, {}).get("team_id", self.team_id)
        action: dict[str, Any] = {
            "type": "button",
            "action_id": action_id,
            "block_id": "b",
            "text": {"type": "plain_text", "text": "x"},
            "action_ts": f"{time.time():.6f}",
        }
        if value is not None:
            action["value"] = value
        return {
            "type": "block_actions",
            "user": {"id": user, "username": user.lower(), "team_id": team},
            "api_app_id": APP_ID,
            "token": "legacy",
            "container": {"type": "message", "message_ts": message_ts, "channel_id": channel},
            "trigger_id": f"{next(self._ts)}.trigger",
            "team": {"id": self.team_id, "domain": "home"},
            "channel": {"id": channel, "name": "triage"},
            "message": {"type": "message", "ts": message_ts, "text": ""},
            "response_url": self.response_url("action" + str(next(self._ts))),
            "actions": [action],
        }

    def home_action(self, user: str, action_id: str) -> dict[str, Any]:
        """A button pressed in App Home: no channel, no response_url."""
        team = self.users.get(user, {}).get("team_id", self.team_id)
        return {
            "type": "block_actions",
            "user": {"id": user, "username": user.lower(), "team_id": team},
            "api_app_id": APP_ID,
            "container": {"type": "view", "view_id": "VHOME"},
            "trigger_id": f"{next(self._ts)}.trigger",
            "team": {"id": self.team_id, "domain": "home"},
            "view": {"id": "VHOME", "type": "home", "blocks": []},
            "actions": [
                {
                    "type": "button",
                    "action_id": action_id,
                    "block_id": "b",
                    "text": {"type": "plain_text", "text": "x"},
                    "action_ts": f"{time.time():.6f}",
                }
            ],
        }

    def command(self, user: str, text: str, *, channel: str) -> dict[str, str]:
        return {
            "token": "legacy",
            "team_id": self.team_id,
            "team_domain": "home",
            "channel_id": channel,
            "channel_name": "triage",
            "user_id": user,
            "user_name": user.lower(),
            "command": "/presence",
            "text": text,
            "api_app_id": APP_ID,
            "response_url": self.response_url("cmd" + str(next(self._ts))),
            "trigger_id": f"{next(self._ts)}.trigger",
        }
