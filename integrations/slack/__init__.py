"""Slack: slack-bolt's AsyncApp over Socket Mode or the HTTP Events API.

The only package that knows Slack payloads. `create` is the one entry point the
core uses; nothing happens at import time.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.config import PresenceConfig
    from bot.ports import EventSink, PlatformAdapter
    from bot.settings import Settings


def create(settings: Settings, sink: EventSink, config: PresenceConfig) -> PlatformAdapter:
    from integrations.slack.adapter import SlackAdapter

    return SlackAdapter(settings, sink, config)
