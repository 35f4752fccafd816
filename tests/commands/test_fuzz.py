"""10,000 random and hostile command strings through the grammar and the handlers
(SQLite, in process), fewer on PostgreSQL: nothing escapes unhandled, every error is
one friendly line, and a refused command changes nothing."""

from __future__ import annotations

import asyncio
import os

from hypothesis import HealthCheck, given, settings

from bot.commands import Level, parse
from bot.errors import UsageError
from bot.outgoing import OutgoingMessage
from tests.commands.conftest import ask, cmd, start_bot
from tests.commands.fuzz_support import Harness, callers, commands
from tests.conftest import TestBot

FUZZ = settings(
    max_examples=10_000,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)


async def _seeded(db_url: str) -> TestBot:
    bot = await start_bot(db_url)
    await ask(bot)  # question #1, ANNA's
    await cmd(bot, "EVE", "snippet add hi Hello {customer}")
    return bot


def _check(user: str, command: str, answer: str | OutgoingMessage, ok: bool, changed: bool) -> None:
    text = answer.text if isinstance(answer, OutgoingMessage) else answer
    assert text.strip(), command
    assert not text.startswith("Something went wrong"), (user, command, text)
    if not ok:
        assert "\n" not in text and len(text) <= 300, (command, text)
        assert not changed, (user, command, text)
    try:
        verb = parse(command).verb
    except UsageError:
        assert not ok and not changed, (user, command)
        return
    if user in ("ANNA", "STRANGER") and verb.level > Level.CUSTOMER:
        assert not ok and not changed, (user, command)
        assert f"needs the {verb.level.name.lower()} level" in text


def _fuzz(db_url: str, examples: int) -> int:
    # Hypothesis drives plain functions: one event loop of our own runs the bot and
    # every example, so 10,000 of them share one started Presence.
    loop = asyncio.new_event_loop()
    bot = loop.run_until_complete(_seeded(db_url))
    # Only the handlers run from here on: stopped, the ingest, processor, outbox and
    # sweeper loops do not compete for the database (the engine is usable again).
    loop.run_until_complete(bot.app.stop())
    harness = loop.run_until_complete(Harness.open(bot))
    try:

        @settings(FUZZ, max_examples=examples)
        @given(user=callers, command=commands)
        def one(user: str, command: str) -> None:
            outcome, changed = loop.run_until_complete(harness.run(user, command))
            _check(user, command, outcome.answer, outcome.ok, changed)

        one()
    finally:
        loop.run_until_complete(harness.close())
        assert bot.app.engine is not None
        loop.run_until_complete(bot.app.engine.dispose())
        loop.close()
    return harness.n


# 10,000 by default; PRESENCE_FUZZ_EXAMPLES scales it (e.g. for a quick local loop).
EXAMPLES = int(os.environ.get("PRESENCE_FUZZ_EXAMPLES", "10000"))


def test_ten_thousand_hostile_commands_on_sqlite(sqlite_url: str) -> None:
    assert _fuzz(sqlite_url, EXAMPLES) >= EXAMPLES


def test_hostile_commands_on_both_databases(db_url: str) -> None:
    assert _fuzz(db_url, 300) >= 300
