"""A fake Discord on 127.0.0.1: the REST routes Presence uses and a gateway that
speaks the real protocol (HELLO, IDENTIFY/RESUME, READY, GUILD_CREATE, heartbeats,
sequenced DISPATCH, zlib-stream compression), so tests drive the real discord.py.

Every REST request is recorded with its JSON body (tests check allowed_mentions);
errors can be queued per route (429 with retry_after, 403, 404, 5xx). The gateway
can replay events and force a RECONNECT that the client answers with RESUME.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
import time
import zlib
from dataclasses import dataclass, field
from typing import Any

from aiohttp import WSMsgType, web

DISCORD_EPOCH_MS = 1420070400000
APPLICATION_ID = "900000000000000001"
BOT_USER_ID = "900000000000000001"

_counter = itertools.count(1)


def snowflake() -> str:
    """A fresh id whose timestamp part is now, like Discord's."""
    ms = int(time.time() * 1000) - DISCORD_EPOCH_MS
    return str((ms << 22) | (next(_counter) & 0x3FFFFF))


def iso_now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime()) + ".000000+00:00"


def user(uid: str, name: str, *, bot: bool = False) -> dict[str, Any]:
    return {
        "id": uid,
        "username": name,
        "global_name": name,
        "discriminator": "0",
        "avatar": None,
        "bot": bot,
    }


def role(rid: str, name: str, position: int = 1) -> dict[str, Any]:
    return {
        "id": rid,
        "name": name,
        "position": position,
        "permissions": "0",
        "color": 0,
        "hoist": False,
        "managed": False,
        "mentionable": False,
        "flags": 0,
    }


def text_channel(
    cid: str, guild_id: str, name: str, *, kind: int = 0, parent_id: str | None = None
) -> dict[str, Any]:
    return {
        "id": cid,
        "guild_id": guild_id,
        "name": name,
        "type": kind,
        "position": 0,
        "permission_overwrites": [],
        "parent_id": parent_id,
        "nsfw": False,
        "topic": None,
        "last_message_id": None,
        "rate_limit_per_user": 0,
    }


@dataclass
class Guild:
    id: str
    name: str = "Shared"
    channels: list[dict[str, Any]] = field(default_factory=list)
    roles: list[dict[str, Any]] = field(default_factory=list)
    members: dict[str, dict[str, Any]] = field(default_factory=dict)  # user id -> member
    threads: list[dict[str, Any]] = field(default_factory=list)

    def payload(self) -> dict[str, Any]:
        everyone = role(self.id, "@everyone", 0)
        return {
            "id": self.id,
            "name": self.name,
            "icon": None,
            "owner_id": BOT_USER_ID,
            "features": [],
            "roles": [everyone, *self.roles],
            "emojis": [],
            "stickers": [],
            "channels": self.channels,
            "threads": self.threads,
            "members": [],
            "member_count": len(self.members),
            "large": False,
            "unavailable": False,
            "verification_level": 0,
            "default_message_notifications": 0,
            "explicit_content_filter": 0,
            "mfa_level": 0,
            "premium_tier": 0,
            "afk_timeout": 300,
            "system_channel_flags": 0,
            "preferred_locale": "en-US",
            "nsfw_level": 0,
            "voice_states": [],
            "presences": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "soundboard_sounds": [],
            "joined_at": iso_now(),
        }


@dataclass
class Recorded:
    method: str
    path: str
    json: Any
    query: dict[str, str]
    at: float = field(default_factory=time.perf_counter)  # when the fake received it


@dataclass
class _QueuedError:
    method: str
    pattern: re.Pattern[str]
    status: int
    body: dict[str, Any]
    headers: dict[str, str]
    times: int


class _Session:
    def __init__(self, session_id: str, shard: tuple[int, int] | None):
        self.id = session_id
        self.shard = shard
        self.seq = 0
        self.log: list[dict[str, Any]] = []  # every dispatched frame, by seq
        self.ws: web.WebSocketResponse | None = None
        self.compressor: Any = None
        self.replay_from: int | None = None

    def frame(self, t: str, d: Any) -> dict[str, Any]:
        self.seq += 1
        msg = {"op": 0, "t": t, "s": self.seq, "d": d}
        self.log.append(msg)
        return msg


def _json(data: Any, *, status: int = 200, headers: dict[str, str] | None = None) -> web.Response:
    # discord.py parses JSON only when Content-Type is exactly application/json.
    return web.Response(
        body=json.dumps(data).encode(),
        status=status,
        headers={**(headers or {}), "Content-Type": "application/json"},
    )


class FakeDiscord:
    def __init__(
        self,
        guilds: list[Guild] | None = None,
        *,
        heartbeat_ms: int = 41250,
        token: str | None = None,
        privileged_intents: int = (1 << 1) | (1 << 8) | (1 << 15),
    ):
        self.guilds: dict[str, Guild] = {g.id: g for g in guilds or []}
        self.token = token  # when set, other tokens get 401 / close 4004
        self.privileged_intents = privileged_intents  # enabled in the "portal"
        self.heartbeat_ms = heartbeat_ms
        self.requests: list[Recorded] = []
        self.gateway_ops: list[dict[str, Any]] = []  # IDENTIFY/RESUME frames received
        self.heartbeats = 0
        self.connections: list[dict[str, str]] = []  # query string of each gateway connection
        self.messages: dict[str, dict[str, Any]] = {}  # message id -> message
        self.channels: dict[str, dict[str, Any]] = {}
        self.dm_channels: dict[str, str] = {}  # user id -> channel id
        self.commands: list[dict[str, Any]] = []
        self.sessions: dict[str, _Session] = {}
        self._errors: list[_QueuedError] = []
        self._nonces: dict[tuple[str, str], str] = {}
        self._runner: web.AppRunner | None = None
        self._changed = asyncio.Condition()
        self.port = 0
        self.bot_user = user(BOT_USER_ID, "Presence", bot=True)
        for g in self.guilds.values():
            for ch in g.channels + g.threads:
                self.channels[ch["id"]] = ch

    # -- lifecycle ---------------------------------------------------------------
    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/gateway", self._gateway)
        app.router.add_route("*", "/api/v10/{tail:.*}", self._rest)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        server = site._server
        assert server is not None
        self.port = server.sockets[0].getsockname()[1]  # type: ignore[attr-defined]

    async def stop(self) -> None:
        for s in self.sessions.values():
            if s.ws is not None and not s.ws.closed:
                await s.ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/v10"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    def env(self, **extra: str) -> dict[str, str]:
        return {
            "DISCORD_TOKEN": "fake-token",
            "DISCORD_API_URL": self.api_url,
            "DISCORD_GATEWAY_URL": self.gateway_url,
            "DISCORD_APPLICATION_ID": APPLICATION_ID,
            **extra,
        }

    # -- test helpers ------------------------------------------------------------
    def calls(self, method: str, path_regex: str) -> list[Recorded]:
        rx = re.compile(path_regex)
        return [r for r in self.requests if r.method == method and rx.fullmatch(r.path)]

    async def wait_for(
        self, method: str, path_regex: str, count: int = 1, within: float = 5.0
    ) -> list[Recorded]:
        async def enough() -> list[Recorded]:
            async with self._changed:
                await self._changed.wait_for(lambda: len(self.calls(method, path_regex)) >= count)
            return self.calls(method, path_regex)

        return await asyncio.wait_for(enough(), within)

    def queue_error(
        self,
        method: str,
        path_regex: str,
        status: int,
        body: dict[str, Any] | None = None,
        *,
        headers: dict[str, str] | None = None,
        times: int = 1,
    ) -> None:
        self._errors.append(
            _QueuedError(
                method,
                re.compile(path_regex),
                status,
                body or {"message": "error", "code": 0},
                headers or {},
                times,
            )
        )

    def queue_429(
        self,
        method: str,
        path_regex: str,
        retry_after: float,
        *,
        is_global: bool = False,
        times: int = 1,
        bucket: str = "fakebucket",
    ) -> None:
        """A 429 as Discord sends it: the JSON body discord.py reads `retry_after`
        from, and the headers of the route's bucket (`bucket` names it; Discord's
        is a hash per route, shared by every channel and told apart by the
        channel id, its major parameter)."""
        headers = {
            "Via": "1.1 google",
            "Retry-After": str(max(1, int(retry_after))),
            "X-RateLimit-Scope": "global" if is_global else "user",
        }
        if not is_global:
            headers |= {
                "X-RateLimit-Limit": "5",
                "X-RateLimit-Remaining": "0",
                "X-RateLimit-Reset-After": str(retry_after),
                "X-RateLimit-Bucket": bucket,
            }
        else:
            headers["X-RateLimit-Global"] = "true"
        self.queue_error(
            method,
            path_regex,
            429,
            {
                "message": "You are being rate limited.",
                "retry_after": retry_after,
                "global": is_global,
            },
            headers=headers,
            times=times,
        )

    def connected(self) -> list[_Session]:
        return [s for s in self.sessions.values() if s.ws is not None and not s.ws.closed]

    async def wait_connected(self, count: int = 1, within: float = 5.0) -> None:
        async def go() -> None:
            async with self._changed:
                await self._changed.wait_for(lambda: len(self.connected()) >= count)

        await asyncio.wait_for(go(), within)

    def _session_for(self, guild_id: str | None) -> list[_Session]:
        out = []
        for s in self.sessions.values():
            if s.shard is None or guild_id is None:
                if guild_id is None and s.shard is not None and s.shard[0] != 0:
                    continue
                out.append(s)
            elif (int(guild_id) >> 22) % s.shard[1] == s.shard[0]:
                out.append(s)
        return out

    async def dispatch(self, t: str, d: dict[str, Any]) -> None:
        """Send a DISPATCH to the session(s) that own the event's guild.

        Returns once the frame is written to the socket(s)."""
        for s in self._session_for(d.get("guild_id")):
            frame = s.frame(t, d)
            await self._send(s, frame)

    async def replay(self, session: _Session | None = None, seq: int | None = None) -> None:
        """Send an already dispatched event again, with a fresh sequence number."""
        s = session or self.connected()[0]
        old = next(f for f in reversed(s.log) if seq is None or f["s"] == seq)
        await self._send(s, s.frame(old["t"], old["d"]))

    async def force_reconnect(self, *, replay_from: int | None = None) -> None:
        """Send op 7 RECONNECT; on RESUME replay everything after `replay_from`
        (default: the client's own sequence), as Discord does after a hiccup."""
        for s in self.connected():
            s.replay_from = replay_from
            await self._send(s, {"op": 7, "d": None})

    # -- message helpers -----------------------------------------------------------
    def message(
        self,
        channel_id: str,
        author: dict[str, Any],
        content: str,
        *,
        guild_id: str | None = None,
        roles: list[str] | None = None,
        message_id: str | None = None,
        reference: str | None = None,
        attachments: list[dict[str, Any]] | None = None,
    ) -> dict[str, Any]:
        msg: dict[str, Any] = {
            "id": message_id or snowflake(),
            "channel_id": channel_id,
            "author": author,
            "content": content,
            "timestamp": iso_now(),
            "edited_timestamp": None,
            "tts": False,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": attachments or [],
            "embeds": [],
            "pinned": False,
            "type": 19 if reference else 0,
            "flags": 0,
            "components": [],
        }
        if guild_id is not None:
            msg["guild_id"] = guild_id
            msg["member"] = {
                "roles": roles or [],
                "joined_at": iso_now(),
                "deaf": False,
                "mute": False,
                "flags": 0,
                "nick": None,
            }
        if reference:
            msg["message_reference"] = {
                "message_id": reference,
                "channel_id": channel_id,
                "guild_id": guild_id,
            }
        self.messages[msg["id"]] = msg
        return msg

    def interaction(
        self,
        *,
        kind: int,
        data: dict[str, Any],
        author: dict[str, Any],
        channel_id: str,
        guild_id: str | None,
        roles: list[str] | None = None,
        message: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": snowflake(),
            "application_id": APPLICATION_ID,
            "type": kind,
            "data": data,
            "channel_id": channel_id,
            "token": "itok-" + snowflake(),
            "version": 1,
            "locale": "en-US",
            "app_permissions": "0",
            "entitlements": [],
            "authorizing_integration_owners": {},
            "attachment_size_limit": 8388608,
            "channel": {"id": channel_id, "type": 0},
        }
        if guild_id is not None:
            out["guild_id"] = guild_id
            out["guild_locale"] = "en-US"
            out["member"] = {
                "user": author,
                "roles": roles or [],
                "joined_at": iso_now(),
                "deaf": False,
                "mute": False,
                "flags": 0,
                "nick": None,
                "permissions": "0",
            }
        else:
            out["user"] = author
        if message is not None:
            out["message"] = message
        return out

    # -- gateway ---------------------------------------------------------------------
    async def _send(self, s: _Session, frame: dict[str, Any]) -> None:
        if s.ws is None or s.ws.closed:
            return
        raw = json.dumps(frame).encode()
        if s.compressor is not None:
            await s.ws.send_bytes(
                s.compressor.compress(raw) + s.compressor.flush(zlib.Z_SYNC_FLUSH)
            )
        else:
            await s.ws.send_str(raw.decode())

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(max_msg_size=0, autoping=True)
        await ws.prepare(request)
        compressed = request.query.get("compress") == "zlib-stream"
        self.connections.append(dict(request.query))
        hello = {"op": 10, "d": {"heartbeat_interval": self.heartbeat_ms}}
        pending = _Session("pending", None)
        pending.ws = ws
        pending.compressor = zlib.compressobj() if compressed else None
        await self._send(pending, hello)
        session: _Session | None = None
        try:
            async for msg in ws:
                if msg.type != WSMsgType.TEXT:
                    continue
                frame = json.loads(msg.data)
                op = frame.get("op")
                if op == 1:
                    self.heartbeats += 1
                    await self._send(session or pending, {"op": 11})
                elif op == 2:
                    self.gateway_ops.append(frame)
                    session = await self._identify(frame["d"], pending)
                elif op == 6:
                    self.gateway_ops.append(frame)
                    session = await self._resume(frame["d"], pending)
                elif op == 8:
                    gid = frame["d"].get("guild_id")
                    await self.dispatch(
                        "GUILD_MEMBERS_CHUNK",
                        {
                            "guild_id": gid,
                            "members": [],
                            "chunk_index": 0,
                            "chunk_count": 1,
                            "nonce": frame["d"].get("nonce"),
                        },
                    )
        finally:
            async with self._changed:
                self._changed.notify_all()
        return ws

    async def _identify(self, d: dict[str, Any], pending: _Session) -> _Session:
        privileged = (1 << 1) | (1 << 8) | (1 << 15)
        if self.token is not None and d.get("token") != self.token:
            assert pending.ws is not None
            await pending.ws.close(code=4004, message=b"Authentication failed.")
            return pending
        if int(d.get("intents", 0)) & privileged & ~self.privileged_intents:
            assert pending.ws is not None
            await pending.ws.close(code=4014, message=b"Disallowed intent(s).")
            return pending
        shard = tuple(d["shard"]) if d.get("shard") else None
        s = _Session("sess-" + snowflake(), shard)  # type: ignore[arg-type]
        s.ws, s.compressor = pending.ws, pending.compressor
        self.sessions[s.id] = s
        mine = [
            g
            for g in self.guilds.values()
            if shard is None or (int(g.id) >> 22) % shard[1] == shard[0]
        ]
        ready = {
            "v": 10,
            "user": self.bot_user,
            "session_id": s.id,
            "resume_gateway_url": self.gateway_url,
            "private_channels": [],
            "guilds": [{"id": g.id, "unavailable": True} for g in mine],
            "application": {"id": APPLICATION_ID, "flags": 0},
        }
        if shard is not None:
            ready["shard"] = list(shard)
        await self._send(s, s.frame("READY", ready))
        for g in mine:
            await self._send(s, s.frame("GUILD_CREATE", g.payload()))
        async with self._changed:
            self._changed.notify_all()
        return s

    async def _resume(self, d: dict[str, Any], pending: _Session) -> _Session:
        s = self.sessions.get(d.get("session_id") or "")
        if s is None:
            await self._send(pending, {"op": 9, "d": False})
            return pending
        s.ws, s.compressor = pending.ws, pending.compressor
        start = s.replay_from if s.replay_from is not None else (d.get("seq") or 0)
        s.replay_from = None
        for old in [f for f in s.log if f["s"] > start and f["t"] != "READY"]:
            await self._send(s, old)
        s.seq += 1
        await self._send(s, {"op": 0, "t": "RESUMED", "s": s.seq, "d": {}})
        async with self._changed:
            self._changed.notify_all()
        return s

    # -- REST --------------------------------------------------------------------------
    async def _rest(self, request: web.Request) -> web.StreamResponse:
        path = "/" + request.match_info["tail"]
        body: Any = None
        if request.can_read_body:
            raw = await request.read()
            if raw:
                try:
                    body = json.loads(raw)
                except ValueError:
                    body = raw.decode(errors="replace")
        self.requests.append(Recorded(request.method, path, body, dict(request.query)))
        auth = request.headers.get("Authorization", "")
        if self.token is not None and auth.startswith("Bot ") and auth != f"Bot {self.token}":
            return _json({"message": "401: Unauthorized", "code": 0}, status=401)
        try:
            for err in self._errors:
                if err.method == request.method and err.pattern.fullmatch(path) and err.times:
                    err.times -= 1
                    return _json(err.body, status=err.status, headers=err.headers)
            return await self._route(request.method, path, body)
        finally:
            async with self._changed:
                self._changed.notify_all()

    async def _route(self, method: str, path: str, body: Any) -> web.StreamResponse:
        p = path.split("/")[1:]
        if path == "/gateway/bot":
            return _json(
                {
                    "url": self.gateway_url,
                    "shards": 1,
                    "session_start_limit": {
                        "total": 1000,
                        "remaining": 1000,
                        "reset_after": 0,
                        "max_concurrency": 1,
                    },
                }
            )
        if path == "/users/@me":
            return _json(self.bot_user)
        if path == "/oauth2/applications/@me":
            return _json(
                {
                    "id": APPLICATION_ID,
                    "name": "Presence",
                    "description": "",
                    "icon": None,
                    "bot_public": True,
                    "bot_require_code_grant": False,
                    "verify_key": "k",
                    "owner": user("1", "owner"),
                    "flags": 0,
                }
            )
        if path == "/users/@me/channels" and method == "POST":
            uid = str(body["recipient_id"])
            cid = self.dm_channels.setdefault(uid, snowflake())
            ch = {
                "id": cid,
                "type": 1,
                "recipients": [user(uid, f"user{uid}")],
                "last_message_id": None,
            }
            self.channels[cid] = ch
            return _json(ch)
        if p[0] == "applications" and p[2:] == ["commands"] and method == "PUT":
            self.commands = [
                {
                    **c,
                    "id": snowflake(),
                    "application_id": APPLICATION_ID,
                    "version": "1",
                    "type": c.get("type", 1),
                }
                for c in body
            ]
            return _json(self.commands)
        if p[0] == "interactions":
            out: dict[str, Any] = {"interaction": {"id": p[1], "type": 2}}
            if body and body.get("type") == 4:
                msg = self._new_message("0", body.get("data") or {})
                out["resource"] = {"type": 4, "message": msg}
            return _json(out)
        if p[0] == "webhooks":
            if method == "POST":
                return _json(self._new_message(p[1], body))
            if method == "DELETE":
                return web.Response(status=204)
            return _json({**self._new_message(p[1], body), "id": p[-1]})
        if p[0] == "guilds" and len(p) == 4 and p[2] == "members":
            g = self.guilds.get(p[1])
            m = g.members.get(p[3]) if g else None
            if m is None:
                return _json({"message": "Unknown Member", "code": 10007}, status=404)
            return _json(m)
        if p[0] == "channels":
            return await self._channels(method, p, body)
        return _json({"message": "404: Not Found", "code": 0}, status=404)

    async def _channels(self, method: str, p: list[str], body: Any) -> web.StreamResponse:
        cid = p[1]
        if len(p) == 2 and method == "GET":
            ch = self.channels.get(cid)
            if ch is None:
                return _json({"message": "Unknown Channel", "code": 10003}, status=404)
            return _json(ch)
        if p[2:] == ["messages"] and method == "POST":
            if cid not in self.channels:
                return _json({"message": "Unknown Channel", "code": 10003}, status=404)
            nonce = body.get("nonce")
            if nonce and body.get("enforce_nonce") and (cid, str(nonce)) in self._nonces:
                return _json(self.messages[self._nonces[(cid, str(nonce))]])
            msg = self._new_message(cid, body)
            if nonce:
                self._nonces[(cid, str(nonce))] = msg["id"]
            return _json(msg)
        if len(p) == 4 and p[2] == "messages" and method == "GET":
            found = self.messages.get(p[3])
            if found is None or found["channel_id"] != cid:
                return _json({"message": "Unknown Message", "code": 10008}, status=404)
            return _json(found)
        if len(p) == 4 and p[2] == "messages" and method == "PATCH":
            msg = self.messages.get(p[3])
            if msg is None:
                return _json({"message": "Unknown Message", "code": 10008}, status=404)
            msg.update({k: v for k, v in body.items() if k in ("content", "embeds", "components")})
            msg["edited_timestamp"] = iso_now()
            return _json(msg)
        if len(p) == 5 and p[2] == "messages" and p[4] == "threads" and method == "POST":
            return await self._thread_from_message(cid, p[3], body)
        if len(p) >= 6 and p[4] == "reactions":
            return web.Response(status=204)
        return _json({"message": "404: Not Found", "code": 0}, status=404)

    async def _thread_from_message(self, cid: str, mid: str, body: Any) -> web.StreamResponse:
        if mid in self.channels:
            return _json(
                {"message": "A thread has already been created for this message", "code": 160004},
                status=400,
            )
        if mid not in self.messages:
            return _json({"message": "Unknown Message", "code": 10008}, status=404)
        parent = self.channels.get(cid, {})
        gid = parent.get("guild_id")
        thread = {
            **text_channel(mid, gid or "", body.get("name", "thread"), kind=11, parent_id=cid),
            "owner_id": BOT_USER_ID,
            "message_count": 0,
            "member_count": 1,
            "thread_metadata": {
                "archived": False,
                "auto_archive_duration": 1440,
                "archive_timestamp": iso_now(),
                "locked": False,
            },
        }
        self.channels[mid] = thread
        if gid in self.guilds:
            self.guilds[gid].threads.append(thread)
            await self.dispatch("THREAD_CREATE", {**thread, "newly_created": True})
        return _json(thread, status=201)

    def _new_message(self, cid: str, body: Any) -> dict[str, Any]:
        msg = {
            "id": snowflake(),
            "channel_id": cid,
            "author": self.bot_user,
            "content": body.get("content", ""),
            "timestamp": iso_now(),
            "edited_timestamp": None,
            "tts": False,
            "mention_everyone": False,
            "mentions": [],
            "mention_roles": [],
            "attachments": [],
            "embeds": body.get("embeds", []),
            "components": body.get("components", []),
            "pinned": False,
            "type": 0,
            "flags": body.get("flags", 0),
        }
        if body.get("nonce") is not None:
            msg["nonce"] = body["nonce"]
        self.messages[msg["id"]] = msg
        return msg
