"""slack/manifest.yml stays in step with the code that relies on it."""

from __future__ import annotations

import re
from pathlib import Path

from integrations.slack.installations import BOT_SCOPES
from integrations.slack.translate import RAISE_SHORTCUT

MANIFEST = (Path(__file__).parents[2] / "slack" / "manifest.yml").read_text()


def _list_after(key: str) -> list[str]:
    """The `- item` lines of the YAML list under `key:` (comments dropped)."""
    lines = MANIFEST.splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip() == f"{key}:")
    indent = len(lines[start]) - len(lines[start].lstrip())
    items = []
    for line in lines[start + 1 :]:
        stripped = line.split("#", 1)[0].strip()
        if not stripped:
            continue
        if len(line) - len(line.lstrip()) <= indent and not stripped.startswith("-"):
            break
        if stripped.startswith("- "):
            items.append(stripped[2:].strip())
    return items


def test_scopes_match_what_oauth_asks_for() -> None:
    assert sorted(_list_after("bot")) == sorted(BOT_SCOPES)


def test_events_command_shortcut_and_interactivity() -> None:
    events = set(_list_after("bot_events"))
    assert {"message.channels", "message.groups", "reaction_added"} <= events
    assert {"app_home_opened", "member_joined_channel"} <= events
    assert re.search(r"command: /presence\b", MANIFEST)
    assert f"callback_id: {RAISE_SHORTCUT}" in MANIFEST
    assert re.search(r"interactivity:\s+is_enabled: true", MANIFEST)
    assert re.search(r"home_tab_enabled: true", MANIFEST)
