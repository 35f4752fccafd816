"""A forget run from the CLI reaches a running worker's memory: the routing history
behind "similar, answered before" in the expert's DM forgets the erased question
without a restart (the data-rights epoch, handlers/erased_caches.py)."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
import typer

from bot.app import App
from bot.config import parse_config
from bot.data_rights.cli import register
from bot.outgoing import OutgoingMessage
from bot.refs import MessageRef
from handlers.erased_caches import rebuilds_done
from handlers.retention import RetentionSweeper
from tests.conftest import TestBot
from tests.data_rights.conftest import dr_config_dict

SECRET = "Zanzibar"
SIMILAR = "Similar, answered before"


def _cli(args: list[str]) -> None:
    """`presence <args>` as an admin types it (its own engine and event loop)."""
    app, eval_app = typer.Typer(), typer.Typer()
    register(app, eval_app)
    app(args=args, standalone_mode=False)


async def _ask(
    bot: TestBot, user: str, channel: str, text: str
) -> tuple[MessageRef, OutgoingMessage]:
    """Post a question; its message and the DM its expert gets."""
    before = len(bot.platform.sent)
    ref = await bot.platform.post(channel, user, text)
    await bot.settle()
    dms = [
        m.msg
        for m in bot.platform.sent[before:]
        if m.to is not None and m.to.kind == "dm" and m.msg is not None
    ]
    assert len(dms) == 1, [m.text for m in bot.platform.sent[before:]]
    return ref, dms[0]


def _shown(msg: OutgoingMessage) -> str:
    parts = [msg.title or "", msg.text or "", msg.quote or "", msg.context or ""]
    parts += [f"{f.label}: {f.value}" for f in msg.fields]
    return "\n".join(parts)


async def _answered_question(bot: TestBot) -> None:
    """Anna asks, Eve answers and resolves: the running history learns it."""
    q1, first = await _ask(
        bot, "ANNA", "ACME", f"How do I download the {SECRET} invoice as a PDF file?"
    )
    assert SECRET in _shown(first)
    bot.clock.advance(timedelta(minutes=5))
    await bot.platform.post(
        "ACME", "EVE", "Open Billing and press Export, then pick PDF.", thread=q1
    )
    await bot.platform.command("EVE", "resolve 1")
    await bot.settle()


async def test_cli_forget_reaches_the_running_routing_history(
    drbot: TestBot, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    clock = drbot.clock
    await _answered_question(drbot)

    # The history learned it: a similar question is offered her words and Eve's answer.
    # (A day apart: a new conversation, in the experts' working hours.)
    clock.advance(timedelta(days=1))
    q2, control = await _ask(
        drbot, "SVEN", "BOREALIS", "How can I download our invoice as a PDF file?"
    )
    similar = [f for f in control.fields if f.label.startswith(SIMILAR)]
    assert similar and SECRET in similar[0].label and "press Export" in similar[0].value
    clock.advance(timedelta(minutes=5))
    await drbot.platform.post(
        "BOREALIS", "EVE", "Use the Download button on the invoice page.", thread=q2
    )
    await drbot.platform.command("EVE", "resolve 2")
    await drbot.settle()

    # The admin forgets her from the command line while Presence runs.
    monkeypatch.setenv("DATABASE_URL", db_url)
    await asyncio.to_thread(_cli, ["forget", "--user", "local:ANNA", "--yes", "--by", "dpo"])

    # The next batch sees the erasure: the history is emptied at once and rebuilt
    # from the archive in the background.
    clock.advance(timedelta(days=1))
    await drbot.platform.post("ACME", "EVE", "Good morning, all systems are normal today.")
    await drbot.settle()
    async with asyncio.timeout(30):
        await rebuilds_done()

    _, after = await _ask(drbot, "SVEN", "BOREALIS", "How do I download an invoice as a PDF file?")
    shown = _shown(after)
    assert SECRET not in shown and "Anna" not in shown and "press Export" not in shown
    # Her question is no longer "similar, answered before" (its words are gone from
    # the worker's memory too, not only from the database); Sven's, rebuilt from
    # the archive, still is.
    [again] = [f for f in after.fields if f.label.startswith(SIMILAR)]
    assert "download our invoice" in again.label and "Download button" in again.value


async def test_retention_reaches_the_running_routing_history(drbot: TestBot) -> None:
    await _answered_question(drbot)
    assert drbot.app.sessions is not None
    # Six weeks later (a Tuesday) a 30-day limit purges it, as the sweeper of this
    # or any other worker would.
    drbot.clock.advance(timedelta(days=42))
    config = parse_config(dr_config_dict(default_days=30))
    sweeper = RetentionSweeper(drbot.app.sessions, config, drbot.clock)
    assert (await sweeper.sweep()).messages >= 2

    _, after = await _ask(drbot, "SVEN", "BOREALIS", "How do I download an invoice as a PDF file?")
    shown = _shown(after)
    assert SECRET not in shown and "press Export" not in shown
    assert not [f for f in after.fields if f.label.startswith(SIMILAR)], shown


async def test_a_forget_between_start_and_the_first_event_is_seen(
    drbot: TestBot, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A worker started before the forget but with nothing handled since: its
    first batch still notices the erasure (it happened after the caches loaded)."""
    await _answered_question(drbot)
    first = drbot.app
    await first.stop()
    restarted = App(first.settings, first.config, clock=drbot.clock, platforms=first.platforms)
    await restarted.start()  # loads the history, her question in it
    drbot.app = restarted
    try:
        monkeypatch.setenv("DATABASE_URL", db_url)
        await asyncio.to_thread(_cli, ["forget", "--user", "local:ANNA", "--yes"])
        drbot.clock.advance(timedelta(days=1))
        _, after = await _ask(
            drbot, "SVEN", "BOREALIS", "How do I download an invoice as a PDF file?"
        )
        shown = _shown(after)
        assert "press Export" not in shown and SECRET not in shown
        assert not [f for f in after.fields if f.label.startswith(SIMILAR)], shown
    finally:
        await restarted.stop()
