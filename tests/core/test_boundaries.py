"""Layout rules that keep the core platform-neutral, and settings from the environment."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from bot.errors import ConfigError
from bot.settings import load_settings, normalise_database_url

ROOT = Path(__file__).resolve().parents[2]
PLATFORM_LIBS = {"slack_bolt", "slack_sdk", "discord"}


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_core_imports_no_platform_library() -> None:
    offenders = {
        str(p.relative_to(ROOT)): sorted(_imports(p) & PLATFORM_LIBS)
        for p in (ROOT / "bot").rglob("*.py")
        if _imports(p) & PLATFORM_LIBS
    }
    assert offenders == {}


def test_handlers_and_db_import_no_platform_library() -> None:
    for folder in ("handlers", "db"):
        for p in (ROOT / folder).rglob("*.py"):
            assert not (_imports(p) & PLATFORM_LIBS), p


def test_the_boundary_check_would_catch_an_import(tmp_path: Path) -> None:
    bad = tmp_path / "bad.py"
    bad.write_text("from slack_bolt.async_app import AsyncApp\nimport discord.ext\n")
    assert _imports(bad) & PLATFORM_LIBS == {"slack_bolt", "discord"}


def test_database_urls_are_mapped_to_async_drivers() -> None:
    assert normalise_database_url("sqlite:///x.db") == "sqlite+aiosqlite:///x.db"
    assert normalise_database_url("postgresql://u@h/db") == "postgresql+asyncpg://u@h/db"
    assert normalise_database_url("postgres://u@h/db") == "postgresql+asyncpg://u@h/db"


def test_settings_from_environment_and_secrets_hidden() -> None:
    s = load_settings(
        {
            "DATABASE_URL": "postgresql://bob:hunter2@db/presence",
            "SLACK_BOT_TOKEN": "xoxb-secret",
            "SLACK_MODE": "http",
            "SLACK_HTTP_PORT": "0",
            "DISCORD_SHARD_COUNT": "4",
            "DISCORD_SHARD_IDS": "0,1",
        }
    )
    assert s.slack_enabled and not s.discord_enabled
    assert s.slack_http_port == 0 and s.discord_shard_ids == (0, 1)
    assert "xoxb-secret" not in repr(s)
    masked = s.masked()
    assert masked["slack_bot_token"] == "(set)"
    assert "hunter2" not in masked["database_url"]


@pytest.mark.parametrize(
    ("env", "needle"),
    [
        ({"SLACK_MODE": "websocket"}, "SLACK_MODE"),
        ({"SLACK_HTTP_PORT": "eighty"}, "SLACK_HTTP_PORT"),
        ({"DISCORD_SHARD_IDS": "0,1"}, "DISCORD_SHARD_COUNT"),
        ({"DISCORD_SHARD_COUNT": "2", "DISCORD_SHARD_IDS": "2"}, "between 0 and 1"),
    ],
)
def test_bad_settings_name_the_variable(env: dict[str, str], needle: str) -> None:
    with pytest.raises(ConfigError, match=needle):
        load_settings(env)
