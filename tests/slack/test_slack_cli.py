"""`presence slack backfill`: a progress bar, one line of result, one line on bad input."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from db.engine import make_engine, make_sessionmaker
from db.models import Message
from integrations.slack.cli import register
from tests.fakes.slack_server import BOT_TOKEN, CUSTOMER_TEAM, FakeSlack
from tests.slack.support import CUSTOMER, SHARED, STAFF


@pytest.fixture
def threaded_fake() -> Iterator[FakeSlack]:
    """The fake on its own loop in a thread: the CLI runs its own asyncio.run()."""
    loop = asyncio.new_event_loop()
    holder: dict[str, FakeSlack] = {}
    started = threading.Event()

    def serve() -> None:
        asyncio.set_event_loop(loop)

        async def boot() -> None:
            holder["fake"] = FakeSlack()
            await holder["fake"].start()

        loop.run_until_complete(boot())
        started.set()
        loop.run_forever()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    assert started.wait(10)
    fake = holder["fake"]
    fake.add_user(CUSTOMER, "Casey Customer", team=CUSTOMER_TEAM)
    fake.add_user(STAFF, "Sam Staff")
    yield fake
    asyncio.run_coroutine_threadsafe(fake.stop(), loop).result(10)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(10)


def cli() -> typer.Typer:
    app = typer.Typer()
    app.command()(lambda: None)  # a second command keeps `slack` a sub-command
    register(app, typer.Typer())
    return app


def test_backfill_imports_into_the_archive(
    threaded_fake: FakeSlack, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "presence.toml"
    config.write_text(f'[[customers]]\nname = "Acme"\nchannels = ["slack:{SHARED}"]\n')
    db_url = f"sqlite+aiosqlite:///{tmp_path}/presence.db"
    for key, value in {
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_API_URL": threaded_fake.api_url,
        "SLACK_MODE": "socket",
        "SLACK_APP_TOKEN": "xapp-unused",
        "DATABASE_URL": db_url,
        "PRESENCE_CONFIG": str(config),
    }.items():
        monkeypatch.setenv(key, value)
    monkeypatch.chdir(tmp_path)
    root = threaded_fake.add_history(SHARED, CUSTOMER, "we upgraded last week, all good")
    threaded_fake.add_history(SHARED, STAFF, "great to hear", thread_ts=root)
    threaded_fake.messages[SHARED][0]["reply_count"] = 1

    result = CliRunner().invoke(cli(), ["slack", "backfill", f"slack:{SHARED}"])
    assert result.exit_code == 0, result.output
    assert result.output.strip().endswith(f"{SHARED}: 2 message(s) read, 2 new in the archive")
    # The running server's Socket Mode connection is left alone.
    assert threaded_fake.calls("apps.connections.open") == []

    async def archived() -> list[str]:
        engine = make_engine(db_url)
        async with make_sessionmaker(engine)() as session:
            rows = (await session.scalars(Message.__table__.select())).all()
        await engine.dispose()
        return [str(r) for r in rows]

    assert len(asyncio.run(archived())) == 2


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["slack", "backfill", "not-a-channel"], "not a Slack channel id"),
        (["slack", "backfill", "C0123", "--oldest", "yesterday"], "--oldest must be"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(args: list[str], says: str) -> None:
    result = CliRunner().invoke(cli(), args)
    assert result.exit_code == 2
    assert says in result.output and "Traceback" not in result.output
