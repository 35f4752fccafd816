"""`presence`: the command line. Every command fails with one line, no traceback."""

from __future__ import annotations

import asyncio
import json
import signal
import sys
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.exceptions import TyperException

from bot.errors import ConfigError, PresenceError

app = typer.Typer(
    name="presence",
    help="Presence keeps a supplier present in the chat channels it shares with customers.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
eval_app = typer.Typer(help="Measure detection, grouping and routing on real data.")
app.add_typer(eval_app, name="eval")


@app.command()
def run() -> None:
    """Migrate, apply the config file, connect every configured adapter and serve
    until SIGTERM/SIGINT, then drain and exit 0."""
    from bot.app import App, configured_adapters
    from bot.config import load_config
    from bot.logging_setup import setup_logging
    from bot.settings import load_settings

    settings = load_settings()
    setup_logging(settings.log_level, settings.log_format)
    if not configured_adapters(settings):
        raise ConfigError(
            "no platform configured: set SLACK_BOT_TOKEN (and SLACK_SIGNING_SECRET or "
            "SLACK_APP_TOKEN) for Slack, or DISCORD_TOKEN for Discord; see .env.example. "
            "`presence demo` runs without any."
        )
    config = load_config(settings.config_path)

    async def serve() -> None:
        presence = App(settings, config)
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        await presence.start()
        try:
            await stop.wait()
        finally:
            await presence.stop()

    asyncio.run(serve())


@app.command()
def demo(
    keep: Annotated[
        Path | None, typer.Option(help="Keep the demo's SQLite file at this path.")
    ] = None,
) -> None:
    """A scripted shared channel played end to end on SQLite and the local platform."""
    from bot.demo import run_demo

    asyncio.run(run_demo(keep))


@app.command()
def migrate() -> None:
    """Upgrade the database at DATABASE_URL to the newest schema."""
    from bot.settings import load_settings
    from db.migrate import upgrade

    settings = load_settings()
    upgrade(settings.database_url)
    typer.echo("database is up to date")


@app.command()
def search(
    query: Annotated[str, typer.Argument(help='Words to find; a "quoted phrase" in order.')],
    customer: Annotated[str | None, typer.Option(help="Only this customer.")] = None,
    channel: Annotated[str | None, typer.Option(help="Only this channel (slack:C0123).")] = None,
    author: Annotated[str | None, typer.Option(help="Only messages by this user id.")] = None,
    expert: Annotated[str | None, typer.Option(help="Only questions this user owns.")] = None,
    topic: Annotated[str | None, typer.Option(help="Only questions on this topic.")] = None,
    status: Annotated[str | None, typer.Option(help="Only questions in this state.")] = None,
    since: Annotated[str | None, typer.Option(help="From this date (YYYY-MM-DD).")] = None,
    until: Annotated[str | None, typer.Option(help="Before this date (YYYY-MM-DD).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON lines output.")] = False,
    limit: Annotated[int, typer.Option(min=1, max=200)] = 20,
) -> None:
    """Search the conversation archive (the engine's full-text index)."""
    from bot.settings import load_settings
    from db.engine import make_engine, make_sessionmaker
    from db.search import Filters, search_messages

    settings = load_settings()
    filters = Filters(
        customer=customer,
        channel=channel,
        author=author,
        expert=expert,
        topic=topic,
        status=status,
        since=_day(since, "--since"),
        until=_day(until, "--until"),
    )

    async def go() -> None:
        engine = make_engine(settings.database_url)
        try:
            async with make_sessionmaker(engine)() as session:
                hits = await search_messages(session, query, filters=filters, limit=limit)
        finally:
            await engine.dispose()
        for h in hits:
            if as_json:
                typer.echo(json.dumps(_hit_dict(h), ensure_ascii=False))
            else:
                typer.echo(
                    f"{h.created_at:%Y-%m-%d %H:%M} {h.customer or '-'} {h.author or '-'}: "
                    f"{' '.join(h.snippet.split())} {h.url}"
                )
        if not hits and not as_json:
            typer.echo("no matches")

    asyncio.run(go())


def _day(value: str | None, option: str) -> datetime | None:
    if value is None:
        return None
    try:
        return datetime.combine(date.fromisoformat(value), time(), tzinfo=UTC)
    except ValueError:
        raise ConfigError(f"{option} must be a date like 2026-11-01, got {value!r}") from None


def _hit_dict(h: Any) -> dict[str, Any]:
    return {
        "message_id": h.message_id,
        "conversation_id": h.conversation_id,
        "customer": h.customer,
        "channel": h.channel,
        "author": h.author,
        "created_at": h.created_at.isoformat(),
        "snippet": h.snippet,
        "url": h.url,
    }


def _register_plugins() -> None:
    # Each feature adds its own commands; the platform ones import their library
    # only when a command runs, so `presence --help` stays fast and offline.
    from bot.data_rights import cli as data_rights_cli
    from bot.detection import cli as detection_cli
    from bot.grouping import cli as grouping_cli
    from bot.report import cli as report_cli
    from bot.routing import cli as routing_cli
    from integrations.discord import cli as discord_cli
    from integrations.slack import cli as slack_cli

    for module in (
        detection_cli,
        grouping_cli,
        routing_cli,
        report_cli,
        data_rights_cli,
        slack_cli,
        discord_cli,
    ):
        module.register(app, eval_app)


def main(argv: list[str] | None = None) -> None:
    _register_plugins()
    try:
        # Without standalone mode the exit code of typer.Exit is returned, not raised.
        rc = app(args=argv, standalone_mode=False)
        if isinstance(rc, int) and rc:
            raise SystemExit(rc)
    except typer.Exit as e:
        raise SystemExit(e.exit_code) from None
    except typer.Abort:
        print("presence: aborted", file=sys.stderr)
        raise SystemExit(130) from None
    except TyperException as e:
        print(f"presence: {e.format_message()}", file=sys.stderr)
        raise SystemExit(2) from None
    except PresenceError as e:
        print(f"presence: {e.user_message}", file=sys.stderr)
        raise SystemExit(2) from None
    except KeyboardInterrupt:
        raise SystemExit(130) from None


if __name__ == "__main__":
    main()
