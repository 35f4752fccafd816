"""The command line as an operator meets it: help, one-line errors, the demo."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _presence(
    *args: str, cwd: Path, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_"))}
    full_env.update(env or {})
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=cwd,
        env={**full_env, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        timeout=180,
    )


def test_help_lists_the_design_commands(tmp_path: Path) -> None:
    out = _presence("--help", cwd=tmp_path)
    assert out.returncode == 0
    for command in (
        "run",
        "demo",
        "migrate",
        "detect",
        "group",
        "route",
        "search",
        "export",
        "forget",
    ):
        assert command in out.stdout, command


def test_unknown_command_and_missing_argument_are_one_line(tmp_path: Path) -> None:
    for args in (("frobnicate",), ("search",)):
        out = _presence(*args, cwd=tmp_path)
        assert out.returncode != 0
        assert len(out.stderr.strip().splitlines()) == 1, out.stderr
        assert "Traceback" not in out.stderr


def test_run_without_tokens_explains_what_to_set(tmp_path: Path) -> None:
    out = _presence("run", cwd=tmp_path)
    assert out.returncode == 2
    assert "SLACK_BOT_TOKEN" in out.stderr and "DISCORD_TOKEN" in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1


def test_bad_config_file_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "presence.toml").write_text('[support]\ntimezone = "UTC"\ncolour = "blue"\n')
    out = _presence("run", cwd=tmp_path, env={"DISCORD_TOKEN": "x"})
    assert out.returncode == 2
    assert "support.colour" in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1


def test_migrate_then_search_an_empty_archive(tmp_path: Path) -> None:
    env = {"DATABASE_URL": f"sqlite:///{tmp_path / 'p.db'}"}
    assert _presence("migrate", cwd=tmp_path, env=env).returncode == 0
    out = _presence("search", "invoice", cwd=tmp_path, env=env)
    assert out.returncode == 0 and "no matches" in out.stdout


def test_demo_tells_the_whole_story(tmp_path: Path) -> None:
    out = _presence("demo", cwd=tmp_path)
    assert out.returncode == 0, out.stderr[-2000:]
    text = out.stdout
    story = [
        "How do I download last month's invoice",  # the customer asks
        "DM to eve",  # the expert is notified
        "Open thread: local://",  # with a link
        "you can expect a reply by",  # the customer is acknowledged
        "Reply due soon",  # the SLA warning
        "Hej Sven",  # an answer (Swedish thread)
        "status Resolved",  # resolved
        'presence search "invoice pdf"',  # found by search
    ]
    positions = [text.find(s) for s in story]
    assert all(p >= 0 for p in positions), list(zip(story, positions, strict=True))
    assert "1 hit(s)" in text
    assert "no question opened" in text
