"""Discord adapter (discord.py). The only code in Presence that knows Discord payloads."""

from __future__ import annotations

from bot.config import PresenceConfig
from bot.ports import EventSink, PlatformAdapter
from bot.settings import Settings


def create(settings: Settings, sink: EventSink, config: PresenceConfig) -> PlatformAdapter:
    from integrations.discord.adapter import DiscordAdapter
    from integrations.discord.options import DiscordOptions

    return DiscordAdapter(DiscordOptions.from_settings(settings), sink, config)
