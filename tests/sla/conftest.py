"""A running Presence with SLA policies that exercise every clock."""

from __future__ import annotations

import copy
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from bot.app import App
from bot.clock import FakeClock
from bot.config import PresenceConfig, parse_config
from bot.settings import Settings
from integrations.local import LocalPlatform
from tests.conftest import DEMO_CONFIG, T0, TestBot


def sla_config() -> PresenceConfig:
    raw: dict[str, Any] = copy.deepcopy(DEMO_CONFIG)
    raw["support"]["triage_mention"] = "@support-leads"
    # More Acme channels, so tests can hold several conversations apart.
    raw["customers"][0]["channels"] = ["local:ACME", "local:ACME2", "local:ACME3"]
    raw["sla"] = [
        {
            "tier": "gold",
            "first_response": "30m",
            "next_response": "1h",
            "resolution": "2d",
            "warn_at": 0.75,
            "escalation": ["assignee", "backup", "lead", "triage"],
            "escalation_delays": ["0m", "10m", "20m", "30m"],
        },
        {"tier": "*", "first_response": "4h"},
    ]
    raw["stale"] = {"nudge_after": "3d", "close_after": "4d"}
    return parse_config(raw)


def local_platform(clock: FakeClock) -> LocalPlatform:
    platform = LocalPlatform(clock=clock)
    platform.add_user("ANNA", "Anna (Acme)", timezone="Europe/Helsinki")
    platform.add_user("SVEN", "Sven (Borealis)")
    platform.add_user("EVE", "Eve", staff=True, timezone="Europe/Helsinki")
    platform.add_user("BOB", "Bob", staff=True, timezone="Europe/Stockholm")
    platform.add_user("AMY", "Amy", staff=True)
    platform.add_user("LEAD", "Lea", staff=True)
    return platform


def make_app(db_url: str, clock: FakeClock, platform: LocalPlatform) -> App:
    settings = replace(Settings(), database_url=db_url, sweep_interval=3600)
    return App(settings, sla_config(), clock=clock, platforms={"local": platform})


@pytest.fixture
async def slabot(db_url: str, tmp_path: Path) -> AsyncIterator[TestBot]:
    clock = FakeClock(T0)
    platform = local_platform(clock)
    app = make_app(db_url, clock, platform)
    await app.start()
    try:
        yield TestBot(app, platform, clock)
    finally:
        await app.stop()
