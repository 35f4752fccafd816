"""Many workspaces: OAuth installations kept in Presence's database, and an OAuth
`state` that needs no storage at all.

One `installation` row per workspace (or Enterprise Grid org for org-wide
installs): the bot token in its own column, the rest of what Slack returned in
`data`. Every worker reads the same rows, so any worker serves any workspace.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import secrets
import time
from collections import OrderedDict
from datetime import UTC, datetime
from typing import Any

from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.oauth.installation_store.models.bot import Bot
from slack_sdk.oauth.installation_store.models.installation import Installation
from slack_sdk.oauth.state_store.async_state_store import AsyncOAuthStateStore
from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.ports import SendError
from db.models import Installation as InstallationRow

log = logging.getLogger(__name__)

P = "slack"
BOT_SCOPES = (
    "channels:history",
    "channels:read",
    "groups:history",
    "groups:read",
    "chat:write",
    "im:write",
    "im:history",
    "commands",
    "reactions:read",
    "reactions:write",
    "users:read",
    "users:read.email",
    "team:read",
    "files:read",
)
_KEPT = (
    "app_id",
    "enterprise_id",
    "enterprise_name",
    "team_id",
    "team_name",
    "bot_id",
    "bot_user_id",
    "user_id",
    "is_enterprise_install",
    "token_type",
)


def _workspace(enterprise_id: str | None, team_id: str | None, org: bool | None) -> str:
    return str((enterprise_id if org else team_id) or enterprise_id or "")


class DbInstallationStore(AsyncInstallationStore):
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    @property
    def logger(self) -> logging.Logger:
        return log

    async def async_save(self, installation: Installation) -> None:
        workspace = _workspace(
            installation.enterprise_id, installation.team_id, installation.is_enterprise_install
        )
        data: dict[str, Any] = {k: getattr(installation, k, None) for k in _KEPT}
        data["bot_scopes"] = ",".join(installation.bot_scopes or [])
        async with self._sessions.begin() as session:
            row = await session.scalar(
                select(InstallationRow).where(
                    InstallationRow.platform == P, InstallationRow.workspace_id == workspace
                )
            )
            if row is None:
                row = InstallationRow(platform=P, workspace_id=workspace, data={})
                session.add(row)
            row.name = installation.team_name or installation.enterprise_name
            row.bot_user_id = installation.bot_user_id
            row.bot_token = installation.bot_token
            row.data = data
            row.installed_at = datetime.fromtimestamp(installation.installed_at, tz=UTC)
        log.info("slack: installed in workspace %s (%s)", workspace, row.name or "?")

    async def async_save_bot(self, bot: Bot) -> None:
        # async_save stores the bot with its installation; nothing else to keep.
        return None

    async def _row(
        self, enterprise_id: str | None, team_id: str | None, org: bool | None
    ) -> InstallationRow | None:
        workspace = _workspace(enterprise_id, team_id, org)
        async with self._sessions() as session:
            row: InstallationRow | None = await session.scalar(
                select(InstallationRow).where(
                    InstallationRow.platform == P, InstallationRow.workspace_id == workspace
                )
            )
            return row

    async def async_find_installation(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None = None,
        is_enterprise_install: bool | None = False,
    ) -> Installation | None:
        row = await self._row(enterprise_id, team_id, is_enterprise_install)
        if row is None or not row.bot_token:
            return None
        data = {k: v for k, v in row.data.items() if k in (*_KEPT, "bot_scopes")}
        data["user_id"] = data.get("user_id") or ""
        return Installation(
            **data, bot_token=row.bot_token, installed_at=row.installed_at.timestamp()
        )

    async def async_find_bot(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        is_enterprise_install: bool | None = False,
    ) -> Bot | None:
        inst = await self.async_find_installation(
            enterprise_id=enterprise_id,
            team_id=team_id,
            is_enterprise_install=is_enterprise_install,
        )
        if inst is None:
            return None
        bot: Bot = inst.to_bot()
        return bot

    async def async_delete_installation(
        self,
        *,
        enterprise_id: str | None,
        team_id: str | None,
        user_id: str | None = None,
    ) -> None:
        await self.async_delete_bot(enterprise_id=enterprise_id, team_id=team_id)

    async def async_delete_bot(self, *, enterprise_id: str | None, team_id: str | None) -> None:
        workspace = _workspace(enterprise_id, team_id, None)
        async with self._sessions.begin() as session:
            await session.execute(
                delete(InstallationRow).where(
                    InstallationRow.platform == P, InstallationRow.workspace_id == workspace
                )
            )

    async def only_token(self) -> str | None:
        """The bot token when exactly one workspace is installed."""
        async with self._sessions() as session:
            count = await session.scalar(
                select(func.count())
                .select_from(InstallationRow)
                .where(InstallationRow.platform == P)
            )
            if count != 1:
                return None
            token: str | None = await session.scalar(
                select(InstallationRow.bot_token).where(InstallationRow.platform == P)
            )
            return token


class TokenResolver:
    """Which bot token a call needs: by workspace, learned per channel and user
    from the events each workspace sends, with a short cache of tokens."""

    def __init__(self, store: DbInstallationStore, *, ttl: float = 300.0) -> None:
        self._store = store
        self._ttl = ttl
        self._teams: OrderedDict[str, str] = OrderedDict()
        self._tokens: dict[str, tuple[float, str]] = {}

    def learn(self, team: str | None, *ids: str | None) -> None:
        if not team:
            return
        for ident in ids:
            if ident:
                self._teams[ident] = team
                self._teams.move_to_end(ident)
        while len(self._teams) > 50_000:
            self._teams.popitem(last=False)

    def team_of(self, target: str | None) -> str | None:
        return self._teams.get(target) if target else None

    async def token_for(self, team: str | None, target: str | None) -> str:
        if team is None:
            only = await self._store.only_token()
            if only:
                return only
            raise SendError(
                f"Slack: no workspace known for {target or 'this call'}; "
                "Presence learns it from the first event of that channel",
                retryable=False,
            )
        hit = self._tokens.get(team)
        if hit is not None and time.monotonic() - hit[0] < self._ttl:
            return hit[1]
        bot = await self._store.async_find_bot(enterprise_id=None, team_id=team)
        if bot is None:
            raise SendError(
                f"Slack: Presence is not installed in workspace {team}; "
                "install it from /slack/install",
                retryable=False,
            )
        self._tokens[team] = (time.monotonic(), bot.bot_token)
        return str(bot.bot_token)


class SignedStateStore(AsyncOAuthStateStore):
    """OAuth `state` = nonce + time + HMAC(client secret): any worker can check it,
    none has to remember it. Bolt also binds it to the browser with a cookie."""

    def __init__(self, secret: str, *, expires_in: int = 600) -> None:
        self._key = hashlib.sha256(("presence-oauth-state:" + secret).encode()).digest()
        self._expires_in = expires_in

    @property
    def logger(self) -> logging.Logger:
        return log

    def _sign(self, body: str) -> str:
        mac = hmac.new(self._key, body.encode(), hashlib.sha256).digest()
        return base64.urlsafe_b64encode(mac[:18]).decode()

    async def async_issue(self, *args: Any, **kwargs: Any) -> str:
        body = f"{secrets.token_urlsafe(12)}.{int(time.time())}"
        return f"{body}.{self._sign(body)}"

    async def async_consume(self, state: str) -> bool:
        body, _, mac = state.rpartition(".")
        if not body or not hmac.compare_digest(mac, self._sign(body)):
            return False
        try:
            issued = int(body.rpartition(".")[2])
        except ValueError:
            return False
        return 0 <= time.time() - issued <= self._expires_in
