"""`presence export / import / forget / backup / restore` as an admin runs them."""

from __future__ import annotations

import asyncio
import sqlite3
import sys
from pathlib import Path

import pytest
import typer
from typer.exceptions import TyperException

from bot.data_rights.cli import register
from bot.errors import PresenceError
from db.data_rights.synthetic import fill
from db.engine import make_engine, make_sessionmaker
from db.migrate import upgrade_async
from tests.conftest import T0


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """Like `presence ...` (bot/cli.main): one line on stderr and exit 2 on bad input."""
    app, eval_app = typer.Typer(), typer.Typer()
    app.add_typer(eval_app, name="eval")
    register(app, eval_app)
    try:
        rc = app(args=args, standalone_mode=False)
        code = rc if isinstance(rc, int) else 0
    except typer.Exit as e:
        code = e.exit_code
    except TyperException as e:
        print(f"presence: {e.format_message()}", file=sys.stderr)
        code = 2
    except PresenceError as e:
        print(f"presence: {e.user_message}", file=sys.stderr)
        code = 2
    out = capsys.readouterr()
    return code, out.out, out.err


async def _seed(url: str) -> None:
    await upgrade_async(url)
    engine = make_engine(url)
    try:
        async with make_sessionmaker(engine).begin() as s:
            await fill(s, "Cli Oy", 60, start=T0)
    finally:
        await engine.dispose()


def _texts(db: Path) -> list[str]:
    with sqlite3.connect(db) as conn:
        return [r[0] for r in conn.execute("SELECT text FROM message ORDER BY id")]


def test_admin_round(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "presence.db"
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("PRESENCE_CONFIG", raising=False)
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{db}")
    asyncio.run(_seed(f"sqlite+aiosqlite:///{db}"))

    code, out, _ = _run(["export", "--customer", "Cli Oy", "--out", "exp"], capsys)
    assert code == 0 and "exported Cli Oy: 12 conversation(s), 60 message(s)" in out
    assert (tmp_path / "exp" / "manifest.json").exists()
    assert len(list((tmp_path / "exp" / "transcripts").iterdir())) == 12

    code, _, err = _run(["export", "--customer", "Nobody AB", "--out", "x"], capsys)
    assert code == 2 and err.strip() == "presence: no customer named 'Nobody AB'"
    code, _, err = _run(["export", "--customer", "Cli Oy", "--out", "x", "--since", "May"], capsys)
    assert code == 2 and "--since" in err and err.count("\n") == 1

    before = _texts(db)
    code, out, _ = _run(["forget", "--user", "local:clioy-asker"], capsys)
    assert code == 0 and "dry run" in out and "their messages" in out
    assert _texts(db) == before
    code, _, err = _run(["forget"], capsys)
    assert code == 2 and "exactly one of" in err
    code, _, err = _run(["forget", "--user", "local:nobody", "--yes"], capsys)
    assert code == 2 and "no person known as local:nobody" in err

    code, out, _ = _run(["backup", "--out", "backup.db"], capsys)
    assert code == 0 and "backup written to backup.db" in out
    code, out, _ = _run(["forget", "--user", "local:clioy-asker", "--yes", "--by", "dpo"], capsys)
    assert code == 0 and "their messages erased: 36" in out
    assert sum(1 for t in _texts(db) if t) == 60 - 36
    with sqlite3.connect(db) as conn:
        assert conn.execute(
            "SELECT actor FROM audit WHERE action='person.forgotten'"
        ).fetchall() == [("dpo",)]

    code, _, err = _run(["restore", "--from", "backup.db"], capsys)
    assert code == 2 and "--yes" in err
    code, out, _ = _run(["restore", "--from", "backup.db", "--yes"], capsys)
    assert code == 0 and "60 message(s)" in out
    assert _texts(db) == before

    fresh = tmp_path / "fresh.db"
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{fresh}")
    code, out, _ = _run(["import", "exp"], capsys)
    assert code == 0 and "imported Cli Oy: 12 conversation(s), 60 message(s)" in out
    assert _texts(fresh) == before
    empty = tmp_path / "empty.db"
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{empty}")
    code, _, err = _run(["export", "--customer", "Cli Oy", "--out", "e2"], capsys)
    assert code == 2 and err.startswith("presence: database error:") and err.count("\n") == 1
    code, _, err = _run(["import", "nowhere"], capsys)
    assert code == 2 and "not an export" in err
