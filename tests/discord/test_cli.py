from __future__ import annotations

import typer
from typer.testing import CliRunner

from integrations.discord.cli import register
from integrations.discord.permissions import PERMISSIONS


def cli() -> typer.Typer:
    app, eval_app = typer.Typer(), typer.Typer()
    app.add_typer(eval_app, name="eval")
    register(app, eval_app)
    return app


def test_invite_prints_the_url(monkeypatch: object) -> None:
    result = CliRunner().invoke(cli(), ["discord", "invite", "--client-id", "4242", "--explain"])
    assert result.exit_code == 0, result.output
    first = result.output.splitlines()[0]
    assert first.startswith("https://discord.com/oauth2/authorize?client_id=4242")
    assert f"permissions={PERMISSIONS}" in first
    assert "scope=bot+applications.commands" in first
    assert "create_public_threads" in result.output


def test_invite_without_an_id_fails_in_one_line() -> None:
    result = CliRunner().invoke(cli(), ["discord", "invite"], env={"DISCORD_APPLICATION_ID": ""})
    assert result.exit_code == 2
    assert "DISCORD_APPLICATION_ID" in result.output
    assert "Traceback" not in result.output
