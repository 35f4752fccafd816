"""The Slack adapter: bolt's AsyncApp and one AsyncWebClient, wired.

Everything Slack-shaped is elsewhere: payloads in translate.py, Block Kit in
render.py, Web API calls in sender.py, listeners in listeners.py, the two
transports (Socket Mode, HTTP Events API) here.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import aiohttp
from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_sdk.web.async_client import AsyncWebClient
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from bot.config import PresenceConfig
from bot.errors import ConfigError, PresenceError
from bot.outgoing import Destination, OutgoingMessage
from bot.ports import EventSink, Member, SendError
from bot.refs import MessageRef, UserRef
from bot.settings import Settings
from integrations.slack.installations import (
    BOT_SCOPES,
    DbInstallationStore,
    SignedStateStore,
    TokenResolver,
)
from integrations.slack.listeners import HomeProvider, Listeners
from integrations.slack.people import Directory
from integrations.slack.sender import SlackSender

log = logging.getLogger(__name__)


def api_base_url(url: str) -> str:
    return url if url.endswith("/") else url + "/"


class SlackAdapter:
    name = "slack"

    def __init__(self, settings: Settings, sink: EventSink, config: PresenceConfig) -> None:
        if settings.slack_mode == "socket" and not settings.slack_app_token:
            raise ConfigError("SLACK_MODE=socket needs SLACK_APP_TOKEN (an xapp- token)")
        if settings.slack_mode == "http" and not settings.slack_signing_secret:
            raise ConfigError("SLACK_MODE=http needs SLACK_SIGNING_SECRET")
        self.oauth = bool(settings.slack_client_id and settings.slack_client_secret)
        if self.oauth and settings.slack_mode != "http":
            raise ConfigError(
                "SLACK_CLIENT_ID (installs in many workspaces) needs SLACK_MODE=http "
                "for the OAuth redirect"
            )
        if not self.oauth and not settings.slack_bot_token:
            raise ConfigError("Slack needs SLACK_BOT_TOKEN, or SLACK_CLIENT_ID and SECRET")
        self.settings = settings
        self.sink = sink
        self.config = config
        self.home_provider: HomeProvider | None = None
        # Import a channel's history when the app is added to it. The events are
        # marked historical, so the core archives them without detecting questions.
        self.backfill_on_join = True
        self._background: set[asyncio.Task[Any]] = set()
        self._listeners: Listeners | None = None
        self._session: aiohttp.ClientSession | None = None
        self._sender: SlackSender | None = None
        self._bolt: AsyncApp | None = None
        self._runner: web.AppRunner | None = None
        self._socket: AsyncSocketModeHandler | None = None
        self._http_url: str | None = None
        self._engine: AsyncEngine | None = None

    @property
    def sender(self) -> SlackSender:
        if self._sender is None:
            raise RuntimeError("the Slack adapter is not started")
        return self._sender

    @property
    def bolt(self) -> AsyncApp:
        if self._bolt is None:
            raise RuntimeError("the Slack adapter is not started")
        return self._bolt

    # ---- lifecycle -------------------------------------------------------------
    async def start(self) -> None:
        try:
            await self._start()
        except SendError as err:
            await self.stop()
            if err.retryable:
                raise PresenceError(f"cannot start Slack: {err.reason}") from None
            raise ConfigError(f"cannot start Slack: {err.reason}") from None
        except BaseException:
            await self.stop()
            raise

    async def _start(self) -> None:
        s = self.settings
        self._session = aiohttp.ClientSession()
        client = AsyncWebClient(
            token=None if self.oauth else s.slack_bot_token,
            base_url=api_base_url(s.slack_api_url),
            session=self._session,
            logger=logging.getLogger("integrations.slack.sdk"),
        )
        oauth_settings = None
        tokens = None
        if self.oauth:
            oauth_settings, tokens = self._oauth()
        sender = SlackSender(client, directory=Directory(self._fetch_user), tokens=tokens)
        self._sender = sender
        if not self.oauth:
            auth = await sender.call("auth.test")
            sender.home_team = auth.get("team_id")
            sender.bot_user = auth.get("user_id")
            log.info("slack: connected to workspace %s as %s", sender.home_team, sender.bot_user)
        self._bolt = AsyncApp(
            client=client,
            signing_secret=s.slack_signing_secret,
            process_before_response=True,
            oauth_settings=oauth_settings,
            logger=logging.getLogger("integrations.slack.bolt"),
            name="presence",
        )
        listeners = self._listeners = Listeners(self.sink, sender, self.config)
        listeners.home = self.home_provider or self._home
        if self.backfill_on_join:
            listeners.on_bot_joined = self._backfill_later
        listeners.register(self._bolt)
        if s.slack_mode == "http":
            await self._start_http()
        else:
            self._socket = AsyncSocketModeHandler(
                self._bolt, app_token=s.slack_app_token, web_client=client
            )
            await self._socket.connect_async()  # type: ignore[no-untyped-call]
            log.info("slack: Socket Mode connected")

    def _sessions(self) -> async_sessionmaker[AsyncSession]:
        # Only OAuth and App Home read the database; most deployments never open it here.
        from db.engine import make_engine, make_sessionmaker

        if self._engine is None:
            self._engine = make_engine(self.settings.database_url)
        return make_sessionmaker(self._engine)

    async def _home(self, user_id: str) -> list[Any]:
        from integrations.slack.home import open_questions

        return await open_questions(
            self._sessions(), user_id, default_tz=self.config.support.timezone
        )

    def _oauth(self) -> tuple[AsyncOAuthSettings, TokenResolver]:
        s = self.settings
        store = DbInstallationStore(self._sessions())
        oauth_settings = AsyncOAuthSettings(
            client_id=s.slack_client_id,
            client_secret=s.slack_client_secret,
            scopes=list(BOT_SCOPES),
            installation_store=store,
            state_store=SignedStateStore(s.slack_client_secret),
        )
        return oauth_settings, TokenResolver(store)

    async def _start_http(self) -> None:
        s = self.settings
        web_app = web.Application()
        web_app.router.add_post(s.slack_events_path, self._handle_http)
        flow = self.bolt.oauth_flow
        if flow is not None:
            web_app.router.add_get(flow.install_path, self._handle_install)
            web_app.router.add_get(flow.redirect_uri_path, self._handle_redirect)
        self._runner = web.AppRunner(web_app, handle_signals=False, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, s.slack_http_host, s.slack_http_port)
        await site.start()
        # With SLACK_HTTP_PORT=0 the OS picks the port; the runner knows which.
        port = int(self._runner.addresses[0][1])
        self._http_url = f"http://{s.slack_http_host}:{port}{s.slack_events_path}"
        log.info("slack: HTTP events listening at %s", self._http_url)

    async def _handle_http(self, request: web.Request) -> web.Response:
        bolt_request = await to_bolt_request(request)
        bolt_response = await self.bolt.async_dispatch(bolt_request)
        return await to_aiohttp_response(bolt_response)

    async def _handle_install(self, request: web.Request) -> web.Response:
        assert self.bolt.oauth_flow is not None
        response = await self.bolt.oauth_flow.handle_installation(await to_bolt_request(request))
        return await to_aiohttp_response(response)

    async def _handle_redirect(self, request: web.Request) -> web.Response:
        assert self.bolt.oauth_flow is not None
        response = await self.bolt.oauth_flow.handle_callback(await to_bolt_request(request))
        return await to_aiohttp_response(response)

    async def _backfill_later(self, channel: str) -> None:
        from integrations.slack.backfill import backfill

        # Never inside the ack path: a long history must not hold up the 3-second ack.
        task = asyncio.create_task(backfill(self.sender, self.sink, channel))
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def stop(self) -> None:
        for task in list(self._background):
            task.cancel()
        if self._listeners is not None:
            self._listeners.cancel_background()
        if self._socket is not None:
            await self._socket.close_async()  # type: ignore[no-untyped-call]
            self._socket = None
        if self._runner is not None:
            # cleanup() lets in-flight requests finish, so a stored event still gets its 200.
            await self._runner.cleanup()
            self._runner = None
        if self._session is not None:
            await self._session.close()
            self._session = None
        if self._engine is not None:
            await self._engine.dispose()
            self._engine = None

    def ready_info(self) -> dict[str, Any]:
        info: dict[str, Any] = {"slack_mode": self.settings.slack_mode}
        if self._http_url:
            info["slack_http_url"] = self._http_url
        return info

    async def _fetch_user(self, user_id: str) -> dict[str, Any] | None:
        return await self.sender.fetch_user(user_id)

    # ---- ChatPlatform ----------------------------------------------------------
    async def send(
        self,
        to: Destination,
        msg: OutgoingMessage,
        *,
        idempotency_key: str | None = None,
        resend: bool = False,
    ) -> MessageRef:
        """`resend=True` (an earlier attempt of this key may have landed) makes the
        adapter look in the channel afresh before posting."""
        return await self.sender.send(to, msg, idempotency_key=idempotency_key, resend=resend)

    async def update(self, ref: MessageRef, msg: OutgoingMessage) -> None:
        await self.sender.update(ref, msg)

    async def react(self, msg: MessageRef, emoji: str) -> None:
        await self.sender.react(msg, emoji)

    async def permalink(self, msg: MessageRef) -> str:
        return await self.sender.permalink(msg)

    async def member(self, who: UserRef) -> Member:
        return await self.sender.member(who)
