"""The Discord part of Settings, plus knobs the environment does not expose."""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.settings import Settings


@dataclass(frozen=True)
class DiscordOptions:
    token: str = field(repr=False)
    api_url: str = "https://discord.com/api/v10"
    gateway_url: str = ""
    shard_count: int | None = None
    shard_ids: tuple[int, ...] = ()
    application_id: str = ""
    # discord.py waits this long after the last GUILD_CREATE before "ready".
    guild_ready_timeout: float = 0.5
    # A 429 asking for a longer wait than this is handed to the outbox as
    # RateLimited instead of stalling the shared HTTP client (30 is the minimum
    # discord.py accepts).
    max_ratelimit_timeout: float = 30.0
    register_commands: bool = True

    @classmethod
    def from_settings(cls, settings: Settings) -> DiscordOptions:
        return cls(
            token=settings.discord_token,
            api_url=settings.discord_api_url,
            gateway_url=settings.discord_gateway_url,
            shard_count=settings.discord_shard_count,
            shard_ids=settings.discord_shard_ids,
            application_id=settings.discord_application_id,
        )
