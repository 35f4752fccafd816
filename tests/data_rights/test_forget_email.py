"""`presence forget --email` where the platform gives one: Slack's users.info
reports a customer's email, Presence keeps it on the person, and forgetting by
that address (any case) erases them. Real App, bolt and slack_sdk against the
fake Slack over real sockets; SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import replace

import pytest
import typer
from sqlalchemy import select
from typer.testing import CliRunner

from bot.app import App
from bot.config import parse_config
from bot.data_rights.cli import register
from bot.errors import UsageError
from db.base import Base
from db.models import Person
from integrations.slack.adapter import SlackAdapter
from tests.fakes.slack_server import CUSTOMER_TEAM, FakeSlack
from tests.slack.support import SHARED, Wire, slack_settings

DANA = "U0DANA0001"
CONFIG = {
    "support": {"timezone": "UTC", "hours": "24/7"},
    "customers": [{"name": "Acme Oy", "channels": [f"slack:{SHARED}"]}],
}


@pytest.fixture
async def slack_app(db_url: str) -> AsyncIterator[tuple[FakeSlack, App]]:
    fake = FakeSlack()
    fake.add_user(DANA, "Dana Lindqvist", team=CUSTOMER_TEAM)
    await fake.start()
    app = App(replace(slack_settings(fake, "socket"), database_url=db_url), parse_config(CONFIG))
    await app.start()
    try:
        yield fake, app
    finally:
        await app.stop()
        await fake.stop()


def _forget(args: list[str]) -> str:
    cli, eval_app = typer.Typer(), typer.Typer()
    register(cli, eval_app)
    result = CliRunner().invoke(cli, ["forget", *args])
    if isinstance(result.exception, UsageError):
        raise result.exception  # bot/cli.main prints it as one line, exit 2
    assert result.exit_code == 0, result.output
    return result.output


async def _dump(app: App) -> str:
    assert app.sessions is not None
    out = []
    async with app.sessions() as s:
        for table in Base.metadata.sorted_tables:
            cols = [c for c in table.columns if c.name != "search"]
            out += [f"{table.name}: {tuple(r)!r}" for r in (await s.execute(select(*cols))).all()]
    return "\n".join(out)


async def test_forget_by_the_email_slack_reported(
    slack_app: tuple[FakeSlack, App], db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    fake, app = slack_app
    adapter = app.platforms["slack"]
    assert isinstance(adapter, SlackAdapter)
    wire = Wire(fake, adapter, "socket")
    text = "Our Kilimanjaro webhook returns 500 since the update, can you help?"
    assert await wire.event(fake.message_event(SHARED, DANA, text))
    await app.wait_idle()
    assert app.sessions is not None
    async with app.sessions() as s:
        dana = await s.scalar(select(Person).where(Person.qualified == f"slack:{DANA}"))
    assert dana is not None and dana.email == "Dana Lindqvist@x.test"  # from users.info
    dump = await _dump(app)
    assert "Kilimanjaro" in dump and "Dana Lindqvist" in dump

    monkeypatch.setenv("DATABASE_URL", db_url)
    dry = await asyncio.to_thread(_forget, ["--email", "dana lindqvist@X.TEST"])
    assert "dry run" in dry and f"slack:{DANA}" in dry
    done = await asyncio.to_thread(_forget, ["--email", "Dana Lindqvist@x.test", "--yes"])
    assert "their messages erased: 1" in done, done

    dump = await _dump(app)
    assert "Kilimanjaro" not in dump
    assert "Dana Lindqvist" not in dump and "@x.test" not in dump
    async with app.sessions() as s:
        dana = await s.scalar(select(Person).where(Person.qualified == f"slack:{DANA}"))
    assert dana is not None and dana.email is None and dana.erased_at is not None
    with pytest.raises(UsageError, match="no person known as email nobody@x.test"):
        await asyncio.to_thread(_forget, ["--email", "nobody@x.test", "--yes"])
