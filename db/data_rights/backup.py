"""Backups. SQLite: a consistent online copy through SQLite's backup API (one step
under a read transaction; in WAL mode writers carry on meanwhile), checked with
`PRAGMA integrity_check` before it replaces the target. PostgreSQL: `pg_dump` in
its custom format (itself a consistent snapshot); restoring one is a documented
`pg_restore` recipe (docs/data.md), not a command."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

from bot.errors import UsageError
from bot.settings import normalise_database_url

PG_RECIPE = (
    "pg_dump --format=custom --file=presence.dump postgresql://USER@HOST:PORT/DB; "
    "restore into an empty database with "
    "pg_restore --no-owner --dbname=postgresql://USER@HOST:PORT/NEWDB presence.dump"
)


@dataclass
class BackupInfo:
    path: Path
    size: int
    messages: int | None

    def line(self) -> str:
        count = f", {self.messages} message(s)" if self.messages is not None else ""
        return f"backup written to {self.path} ({self.size} bytes{count})"


def sqlite_file(url: str) -> Path | None:
    """The database file of a SQLite URL; None for other engines."""
    u = make_url(normalise_database_url(url))
    if u.get_backend_name() != "sqlite":
        return None
    if not u.database or u.database == ":memory:":
        raise UsageError("an in-memory SQLite database cannot be backed up")
    return Path(u.database)


def _check(conn: sqlite3.Connection, what: str) -> int:
    ok = conn.execute("PRAGMA integrity_check").fetchone()
    if ok is None or ok[0] != "ok":
        raise UsageError(f"{what} failed its integrity check: {ok[0] if ok else '?'}")
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    if "alembic_version" not in tables or "message" not in tables:
        raise UsageError(f"{what} is not a Presence database")
    row = conn.execute("SELECT count(*) FROM message").fetchone()
    return int(row[0]) if row else 0


def _sqlite_copy(src: sqlite3.Connection, dest_path: Path, what: str) -> int:
    tmp = dest_path.with_name(dest_path.name + ".part")
    tmp.unlink(missing_ok=True)
    dest = sqlite3.connect(tmp)
    try:
        src.backup(dest)  # pages=-1: every page in one step, one consistent snapshot
        dest.execute("PRAGMA journal_mode=DELETE")  # one self-contained file
        messages = _check(dest, what)
    finally:
        dest.close()
    tmp.replace(dest_path)
    return messages


def backup_sqlite(db: Path, out: Path) -> BackupInfo:
    if not db.exists():
        raise UsageError(f"no database at {db}")
    if out.resolve() == db.resolve():
        raise UsageError("the backup cannot overwrite the database itself")
    out.parent.mkdir(parents=True, exist_ok=True)
    src = sqlite3.connect(db, timeout=60)
    try:
        messages = _sqlite_copy(src, out, f"the backup of {db}")
    finally:
        src.close()
    return BackupInfo(out, out.stat().st_size, messages)


def restore_sqlite(backup: Path, db: Path) -> BackupInfo:
    """Replace the database at `db` with `backup` (Presence must not be running)."""
    if not backup.exists():
        raise UsageError(f"no backup at {backup}")
    src = sqlite3.connect(f"file:{backup}?mode=ro", uri=True)
    try:
        _check(src, str(backup))
        db.parent.mkdir(parents=True, exist_ok=True)
        target = sqlite3.connect(db, timeout=60)
        try:
            src.backup(target)  # the target's pages are replaced under its own lock
            messages = _check(target, f"the restored {db}")
        finally:
            target.close()
    finally:
        src.close()
    return BackupInfo(db, db.stat().st_size, messages)


def libpq_url(url: str) -> str:
    u = make_url(normalise_database_url(url))
    return u.set(drivername="postgresql").render_as_string(hide_password=False)


def backup_postgres(url: str, out: Path) -> BackupInfo:
    exe = shutil.which("pg_dump")
    if exe is None:
        raise UsageError(f"pg_dump is not installed; the recipe is: {PG_RECIPE}")
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".part")
    run = subprocess.run(
        [exe, "--format=custom", f"--file={tmp}", f"--dbname={libpq_url(url)}"],
        capture_output=True,
        text=True,
        timeout=3600,
    )
    if run.returncode != 0:
        last = (run.stderr.strip().splitlines() or ["failed"])[-1]
        raise UsageError(f"pg_dump failed: {last}")
    tmp.replace(out)
    return BackupInfo(out, out.stat().st_size, None)
