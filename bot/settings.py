"""Settings from the environment (and `.env` when present).

Read once in main(), never at import. Secrets are kept out of repr() so they never
reach a log line or an error message.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from pathlib import Path

from bot.errors import ConfigError

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///presence.db"


def normalise_database_url(url: str) -> str:
    """Map plain driver URLs to the async drivers Presence uses."""
    if url.startswith("sqlite:///") or url == "sqlite://":
        return "sqlite+aiosqlite" + url[len("sqlite") :]
    for prefix in (
        "postgresql://",
        "postgres://",
        "postgresql+psycopg2://",
        "postgresql+psycopg://",
    ):
        if url.startswith(prefix):
            return "postgresql+asyncpg://" + url[len(prefix) :]
    return url


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    config_path: Path | None = None
    ready_file: Path | None = None
    log_level: str = "INFO"
    log_format: str = "text"
    slack_bot_token: str = field(default="", repr=False)
    slack_signing_secret: str = field(default="", repr=False)
    slack_app_token: str = field(default="", repr=False)
    slack_client_id: str = ""
    slack_client_secret: str = field(default="", repr=False)
    slack_mode: str = "socket"
    slack_http_host: str = "127.0.0.1"
    slack_http_port: int = 3000
    slack_events_path: str = "/slack/events"
    slack_api_url: str = "https://slack.com/api/"
    discord_token: str = field(default="", repr=False)
    discord_api_url: str = "https://discord.com/api/v10"
    discord_gateway_url: str = ""
    discord_shard_count: int | None = None
    discord_shard_ids: tuple[int, ...] = ()
    discord_application_id: str = ""
    metrics_host: str = "127.0.0.1"
    metrics_port: int | None = None
    local_transcript: Path | None = None
    sweep_interval: float = 5.0
    outbox_workers: int = 4
    outbox_lease: float = 60.0
    ingest_queue_size: int = 1000
    # Where `/presence export` writes; chat never chooses the path (docs/data.md).
    export_dir: Path = Path("exports")

    @property
    def slack_enabled(self) -> bool:
        return bool(self.slack_bot_token.strip()) or bool(self.slack_client_id.strip())

    @property
    def discord_enabled(self) -> bool:
        return bool(self.discord_token.strip())

    def masked(self) -> dict[str, str]:
        """Every setting as text, secrets shown as set/unset only."""
        out: dict[str, str] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if not f.repr:
                out[f.name] = "(set)" if value else "(unset)"
            elif f.name == "database_url":
                out[f.name] = _mask_url_password(str(value))
            else:
                out[f.name] = "" if value is None else str(value)
        return out


def _mask_url_password(url: str) -> str:
    scheme, sep, rest = url.partition("://")
    if not sep or "@" not in rest:
        return url
    creds, _, host = rest.rpartition("@")
    user, colon, _ = creds.partition(":")
    return f"{scheme}://{user}{':***' if colon else ''}@{host}"


def _int(env: Mapping[str, str], name: str, default: int | None) -> int | None:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, got {raw!r}") from None


def _float(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        return float(raw)
    except ValueError:
        raise ConfigError(f"{name} must be a number, got {raw!r}") from None


def load_settings(env: Mapping[str, str] | None = None, *, dotenv: bool = True) -> Settings:
    """Settings from `env` (default: os.environ, after loading `.env` if present)."""
    if env is None:
        if dotenv:
            from dotenv import load_dotenv

            load_dotenv(Path.cwd() / ".env", override=False)
        env = os.environ
    mode = env.get("SLACK_MODE", "socket").strip().lower() or "socket"
    if mode not in ("socket", "http"):
        raise ConfigError(f"SLACK_MODE must be 'socket' or 'http', got {mode!r}")
    log_format = env.get("PRESENCE_LOG_FORMAT", "text").strip().lower() or "text"
    if log_format not in ("text", "json"):
        raise ConfigError(f"PRESENCE_LOG_FORMAT must be 'text' or 'json', got {log_format!r}")
    shard_ids_raw = env.get("DISCORD_SHARD_IDS", "").strip()
    try:
        shard_ids = tuple(int(s) for s in shard_ids_raw.split(",") if s.strip())
    except ValueError:
        raise ConfigError(
            f"DISCORD_SHARD_IDS must be comma-separated numbers, got {shard_ids_raw!r}"
        ) from None
    config_raw = env.get("PRESENCE_CONFIG", "").strip()
    config_path = Path(config_raw) if config_raw else None
    if config_path is None and Path("presence.toml").exists():
        config_path = Path("presence.toml")
    ready = env.get("PRESENCE_READY_FILE", "").strip()
    transcript = env.get("PRESENCE_LOCAL_TRANSCRIPT", "").strip()
    port = _int(env, "SLACK_HTTP_PORT", 3000)
    shard_count = _int(env, "DISCORD_SHARD_COUNT", None)
    if shard_ids and shard_count is None:
        raise ConfigError("DISCORD_SHARD_IDS needs DISCORD_SHARD_COUNT")
    if shard_count is not None and any(i >= shard_count or i < 0 for i in shard_ids):
        raise ConfigError(f"DISCORD_SHARD_IDS must be between 0 and {shard_count - 1}")
    return Settings(
        database_url=normalise_database_url(
            env.get("DATABASE_URL", "").strip() or DEFAULT_DATABASE_URL
        ),
        config_path=config_path,
        ready_file=Path(ready) if ready else None,
        log_level=(env.get("PRESENCE_LOG_LEVEL", "INFO").strip() or "INFO").upper(),
        log_format=log_format,
        slack_bot_token=env.get("SLACK_BOT_TOKEN", "").strip(),
        slack_signing_secret=env.get("SLACK_SIGNING_SECRET", "").strip(),
        slack_app_token=env.get("SLACK_APP_TOKEN", "").strip(),
        slack_client_id=env.get("SLACK_CLIENT_ID", "").strip(),
        slack_client_secret=env.get("SLACK_CLIENT_SECRET", "").strip(),
        slack_mode=mode,
        slack_http_host=env.get("SLACK_HTTP_HOST", "127.0.0.1").strip() or "127.0.0.1",
        slack_http_port=port if port is not None else 3000,
        slack_events_path=env.get("SLACK_EVENTS_PATH", "/slack/events").strip() or "/slack/events",
        slack_api_url=env.get("SLACK_API_URL", "").strip() or "https://slack.com/api/",
        discord_token=env.get("DISCORD_TOKEN", "").strip(),
        discord_api_url=env.get("DISCORD_API_URL", "").strip() or "https://discord.com/api/v10",
        discord_gateway_url=env.get("DISCORD_GATEWAY_URL", "").strip(),
        discord_shard_count=shard_count,
        discord_shard_ids=shard_ids,
        discord_application_id=env.get("DISCORD_APPLICATION_ID", "").strip(),
        metrics_host=env.get("PRESENCE_METRICS_HOST", "127.0.0.1").strip() or "127.0.0.1",
        metrics_port=_int(env, "PRESENCE_METRICS_PORT", None),
        local_transcript=Path(transcript) if transcript else None,
        sweep_interval=_float(env, "PRESENCE_SWEEP_INTERVAL", 5.0),
        outbox_workers=_int(env, "PRESENCE_OUTBOX_WORKERS", 4) or 4,
        outbox_lease=_float(env, "PRESENCE_OUTBOX_LEASE", 60.0),
        ingest_queue_size=_int(env, "PRESENCE_INGEST_QUEUE", 1000) or 1000,
        export_dir=Path(env.get("PRESENCE_EXPORT_DIR", "").strip() or "exports"),
    )
