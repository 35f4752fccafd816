"""`presence slack ...`: Slack chores from the command line."""

from __future__ import annotations

import asyncio
import sys
from dataclasses import replace
from typing import Annotated

import typer

slack_app = typer.Typer(help="Slack: import channel history.", no_args_is_help=True)


def register(app: typer.Typer, eval_app: typer.Typer) -> None:
    app.add_typer(slack_app, name="slack")


def _fail(message: str) -> typer.Exit:
    print(f"presence: {message}", file=sys.stderr)
    return typer.Exit(2)


@slack_app.command("backfill")
def backfill_command(
    channel: Annotated[str, typer.Argument(help="channel id, e.g. C0123 or slack:C0123")],
    oldest: Annotated[
        str | None, typer.Option(help="only messages after this Slack ts (seconds)")
    ] = None,
) -> None:
    """Import a channel's history and threads into the archive, with a progress bar."""
    from bot.errors import PresenceError

    channel_id = channel.removeprefix("slack:")
    if not channel_id or channel_id[0] not in "CGD" or not channel_id.isalnum():
        raise _fail(f"not a Slack channel id: {channel!r} (expected e.g. C0123ABCD)")
    if oldest is not None:
        try:
            float(oldest)
        except ValueError:
            raise _fail(
                f"--oldest must be a Slack ts like 1764370000.000100, got {oldest!r}"
            ) from None
    try:
        new, total = asyncio.run(_backfill(channel_id, oldest))
    except PresenceError as e:
        raise _fail(e.user_message) from None
    typer.echo(f"{channel_id}: {total} message(s) read, {new} new in the archive")


async def _backfill(channel: str, oldest: str | None) -> tuple[int, int]:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

    from bot.app import App
    from bot.config import load_config
    from bot.errors import ConfigError
    from bot.ports import SendError
    from bot.settings import load_settings
    from integrations.slack.adapter import SlackAdapter
    from integrations.slack.backfill import backfill

    settings = load_settings()
    if not settings.slack_enabled:
        raise ConfigError("Slack is not configured: set SLACK_BOT_TOKEN")
    # A private listener nobody sends to: the running server keeps receiving the
    # live events (a second Socket Mode connection would take a share of them).
    settings = replace(
        settings,
        slack_mode="http",
        slack_http_host="127.0.0.1",
        slack_http_port=0,
        slack_signing_secret=settings.slack_signing_secret or "unused-by-backfill",
        ready_file=None,
    )
    presence = App(settings, load_config(settings.config_path))
    await presence.start()
    try:
        adapter = presence.platforms["slack"]
        assert isinstance(adapter, SlackAdapter)
        counted = {"total": 0}
        with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn()) as bar:
            task = bar.add_task(f"reading {channel}", total=None)

            def progress(phase: str, done: int, total: int | None) -> None:
                label = "threads" if phase == "threads" else "importing"
                bar.update(task, description=f"{label} {channel}", completed=done, total=total)
                if phase == "import" and total is not None:
                    counted["total"] = total

            try:
                new = await backfill(
                    adapter.sender, presence.sink, channel, oldest=oldest, progress=progress
                )
            except SendError as e:
                raise ConfigError(e.reason) from None
        await presence.wait_idle(seconds=600)
        return new, counted["total"]
    finally:
        await presence.stop()
