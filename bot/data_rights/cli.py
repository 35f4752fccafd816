"""`presence export`, `import`, `forget`, `backup`, `restore`."""

from __future__ import annotations

import asyncio
import getpass
import sqlite3
import sys
from collections.abc import Coroutine
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer

from bot.errors import UsageError


def _since(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        at = datetime.fromisoformat(value)
    except ValueError:
        raise UsageError(f"--since {value!r} is not a date (YYYY-MM-DD)") from None
    return at if at.tzinfo is not None else at.replace(tzinfo=UTC)


def _echo(line: str) -> None:
    typer.echo(line)


T = TypeVar("T")


def _run(work: Coroutine[Any, Any, T]) -> T:
    """Run `work`; a database or file error becomes one line, not a traceback."""
    from sqlalchemy.exc import SQLAlchemyError

    try:
        return asyncio.run(work)
    except SQLAlchemyError as e:
        first = str(getattr(e, "orig", None) or e).strip().splitlines()[0][:200]
        raise UsageError(f"database error: {first} (is DATABASE_URL migrated?)") from None
    except OSError as e:
        raise UsageError(f"{e.filename or 'file'}: {e.strerror or e}") from None


def register(app: typer.Typer, eval_app: typer.Typer) -> None:
    del eval_app  # nothing to measure here

    @app.command()
    def export(
        customer: Annotated[str, typer.Option(help="The customer's name, as in the config.")],
        out: Annotated[Path, typer.Option(help="Directory to write the export to.")],
        since: Annotated[
            str | None, typer.Option(help="Only messages from this date (YYYY-MM-DD) on.")
        ] = None,
    ) -> None:
        """A customer's conversations as JSON Lines and Markdown, and metrics as CSV."""
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

        from bot.config import load_config
        from bot.settings import load_settings
        from db.data_rights.export import export_customer
        from db.data_rights.reader import read_engine
        from db.engine import make_sessionmaker

        settings = load_settings()
        config = load_config(settings.config_path)
        start = _since(since)
        if out.exists() and not out.is_dir():
            raise UsageError(f"{out} exists and is not a directory")

        async def go() -> str:
            engine = read_engine(settings.database_url)  # writers carry on meanwhile
            columns = (BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
            try:
                with Progress(
                    "[progress.description]{task.description}",
                    *columns,
                    console=Console(stderr=True),
                    transient=True,
                    disable=not sys.stderr.isatty(),
                ) as bar:
                    task = bar.add_task("messages", total=None)

                    def progress(done: int, total: int) -> None:
                        bar.update(task, completed=done, total=total)

                    async with make_sessionmaker(engine)() as session:
                        summary = await export_customer(
                            session,
                            customer,
                            out,
                            start,
                            now=datetime.now(UTC),
                            retention_days=config.retention_days_for(customer),
                            progress=progress,
                        )
            finally:
                await engine.dispose()
            return summary.line()

        _echo(_run(go()))

    @app.command("import")
    def import_(
        src: Annotated[Path, typer.Argument(help="A directory written by `presence export`.")],
    ) -> None:
        """Load an export into this installation (missing rows only)."""
        from bot.settings import load_settings
        from db.data_rights.importer import import_export, read_manifest
        from db.engine import make_engine, make_sessionmaker
        from db.migrate import upgrade_async

        settings = load_settings()
        read_manifest(src)  # a bad directory fails before anything is touched

        async def go() -> str:
            await upgrade_async(settings.database_url)
            engine = make_engine(settings.database_url)
            try:
                summary = await import_export(make_sessionmaker(engine), src, now=datetime.now(UTC))
            finally:
                await engine.dispose()
            return summary.line()

        _echo(_run(go()))

    @app.command()
    def forget(
        user: Annotated[
            str | None, typer.Option(help="PLATFORM:ID of the person, e.g. slack:U0123.")
        ] = None,
        email: Annotated[str | None, typer.Option(help="Or their email address.")] = None,
        yes: Annotated[bool, typer.Option("--yes", help="Apply; without it, a dry run.")] = False,
        by: Annotated[
            str | None, typer.Option(help="Who asked, for the audit row (default: you).")
        ] = None,
        reason: Annotated[
            str | None, typer.Option(help="Why, for the audit row (no names).")
        ] = None,
    ) -> None:
        """Erase a person's text, name and profile (linked identities too); metrics stay."""
        from bot.settings import load_settings
        from db.data_rights.forget import forget_person
        from db.engine import make_engine, make_sessionmaker

        if (user is None) == (email is None):
            raise UsageError("give exactly one of --user PLATFORM:ID or --email ADDRESS")
        if user is not None and ":" not in user:
            raise UsageError(f"--user {user!r} must be PLATFORM:ID, e.g. slack:U0123")
        settings = load_settings()
        actor = by or f"cli:{getpass.getuser()}"

        async def go() -> list[str]:
            engine = make_engine(settings.database_url)
            try:
                async with make_sessionmaker(engine)() as session:
                    summary = await forget_person(
                        session,
                        now=datetime.now(UTC),
                        requested_by=actor,
                        qualified=user,
                        email=email,
                        reason=reason,
                    )
                    if yes:
                        await session.commit()
                        summary.applied = True
                    else:
                        await session.rollback()
            finally:
                await engine.dispose()
            return summary.lines()

        for line in _run(go()):
            _echo(line)

    @app.command()
    def backup(
        out: Annotated[Path, typer.Option(help="File to write the backup to.")],
    ) -> None:
        """A consistent copy of the database while Presence runs (SQLite backup API;
        pg_dump's custom format on PostgreSQL)."""
        from bot.settings import load_settings
        from db.data_rights.backup import backup_postgres, backup_sqlite, sqlite_file

        settings = load_settings()
        db = sqlite_file(settings.database_url)
        try:
            info = backup_sqlite(db, out) if db else backup_postgres(settings.database_url, out)
        except (sqlite3.Error, OSError) as e:
            raise UsageError(f"backup failed: {e}") from None
        _echo(info.line())

    @app.command()
    def restore(
        from_: Annotated[Path, typer.Option("--from", help="A file written by `backup`.")],
        yes: Annotated[bool, typer.Option("--yes", help="Replace an existing database.")] = False,
    ) -> None:
        """Replace the SQLite database with a backup (stop Presence first)."""
        from bot.settings import load_settings
        from db.data_rights.backup import PG_RECIPE, restore_sqlite, sqlite_file

        settings = load_settings()
        db = sqlite_file(settings.database_url)
        if db is None:
            raise UsageError(f"restore is for SQLite; on PostgreSQL: {PG_RECIPE}")
        if db.exists() and db.stat().st_size > 0 and not yes:
            raise UsageError(f"{db} exists; add --yes to replace it with {from_}")
        try:
            info = restore_sqlite(from_, db)
        except (sqlite3.Error, OSError) as e:
            raise UsageError(f"restore failed: {e}") from None
        _echo(f"restored {db} from {from_} ({info.messages} message(s))")
