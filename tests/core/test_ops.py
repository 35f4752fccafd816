"""What an operator relies on: the ready file, metrics, and a clean stop."""

from __future__ import annotations

import asyncio
import json
import urllib.request
from dataclasses import replace
from pathlib import Path

from bot.app import App
from bot.clock import FakeClock
from bot.settings import Settings
from integrations.local import LocalPlatform
from tests.conftest import T0, demo_config


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as resp:
        return str(resp.read().decode())


async def test_ready_file_and_metrics(tmp_path: Path) -> None:
    ready = tmp_path / "ready.json"
    settings = replace(
        Settings(),
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'p.db'}",
        ready_file=ready,
        metrics_port=0,
        sweep_interval=3600,
    )
    clock = FakeClock(T0)
    platform = LocalPlatform(clock=clock)
    platform.add_user("EVE", "Eve", staff=True)
    app = App(settings, demo_config(), clock=clock, platforms={"local": platform})
    await app.start()
    try:
        info = json.loads(ready.read_text())
        assert info["adapters"] == ["local"]
        assert info["metrics_url"].startswith("http://127.0.0.1:")
        await platform.post("ACME", "ANNA", "Where can I find my invoices?")
        await platform.post("ACME", "ANNA", "Where can I find my invoices?")
        await app.wait_idle()
        body = await asyncio.to_thread(_get, info["metrics_url"])
        assert "presence_events_stored_total 2.0" in body
        assert "presence_events_handled_total 2.0" in body
        assert "presence_outbox_sent_total" in body
    finally:
        await app.stop()
