"""`/presence export` for admins in chat: it answers at once, writes the customer's
archive in the background under PRESENCE_EXPORT_DIR (never a path from chat), then
tells the admin where and how much; both steps are audited."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.app import App
from bot.clock import FakeClock
from bot.config import parse_config
from bot.settings import Settings, load_settings
from db.data_rights.synthetic import fill
from db.engine import make_engine, make_sessionmaker
from db.models import AuditEntry, Conversation, Customer, Message, OutboxMessage
from handlers.commands.export import wait_for_exports
from integrations.local import LocalPlatform
from tests.conftest import T0, TestBot
from tests.data_rights.conftest import dr_config_dict


@pytest.fixture
async def adminbot(
    db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> AsyncIterator[TestBot]:
    monkeypatch.setenv("PRESENCE_EXPORT_DIR", str(tmp_path / "exports"))
    clock = FakeClock(T0)
    platform = LocalPlatform(clock=clock)
    platform.add_user("ANNA", "Anna Virtanen")
    platform.add_user("SVEN", "Sven (Borealis)")
    platform.add_user("EVE", "Eve", staff=True)
    platform.add_user("LEAD", "Lea", staff=True)
    platform.add_user("ADMIN", "Ada", staff=True)
    data = dr_config_dict(default_days=400)
    data["support"]["admins"] = ["local:ADMIN"]
    settings = replace(Settings(), database_url=db_url, sweep_interval=3600)
    app = App(settings, parse_config(data), clock=clock, platforms={"local": platform})
    await app.start()
    try:
        yield TestBot(app, platform, clock)
    finally:
        assert wait_for_exports(60)
        await app.stop()


async def _answers(bot: TestBot, user: str, text: str, *, until: str | None = None) -> list[str]:
    """Type `/presence <text>`; the private answers `user` gets (waiting for one
    containing `until`, which the background export sends when done)."""
    before = len(bot.platform.sent)
    await bot.platform.command(user, text)
    for _ in range(600):
        await bot.settle()
        mine = [
            m.text
            for m in bot.platform.sent[before:]
            if m.to is not None and m.to.kind == "ephemeral" and m.to.user_id == user
        ]
        if until is None or any(until in t for t in mine):
            return mine
        await asyncio.sleep(0.05)
    raise AssertionError(f"no answer containing {until!r}: {mine}")


async def test_admin_exports_a_customer_from_chat(adminbot: TestBot, tmp_path: Path) -> None:
    p, clock = adminbot.platform, adminbot.clock
    q = await p.post("ACME", "ANNA", "Why does the Quokka invoice show the wrong VAT rate?")
    await adminbot.settle()
    clock.advance(timedelta(minutes=4))
    await p.post("ACME", "EVE", "We are checking the VAT rate now.", thread=q)
    clock.advance(timedelta(days=2))
    await p.post("ACME", "ANNA", "Can we get the API token rotated this week?")
    await p.post("BOREALIS", "SVEN", "Borealis has a Wombat question about exports?")
    await adminbot.settle()
    base = tmp_path / "exports"

    # Admins only; unknown customers and bad dates are one friendly line.
    [refused] = await _answers(adminbot, "LEAD", "export Acme Oy")
    assert "needs the admin level" in refused
    [unknown] = await _answers(adminbot, "ADMIN", "export Nobody AB")
    assert unknown == "I don't know a customer called 'Nobody AB'."
    [bad] = await _answers(adminbot, "ADMIN", "export Acme Oy since=May")
    assert bad == "since must be a date like 2026-01-01 (got `May`)."
    assert not base.exists() or not list(base.iterdir())

    # Retention as `config show` states it (the default, and per customer).
    [shown] = await _answers(adminbot, "ADMIN", "config show")
    assert "retention default: 400 days" in shown
    assert "retention Acme Oy: 400 days (default)" in shown

    started, done = await _answers(adminbot, "ADMIN", "export acme oy", until="written to")
    [folder] = base.iterdir()
    assert folder.name == "acme-oy-20261126T080400Z"
    assert started.startswith(f"Exporting Acme Oy to {folder}/ in the background")
    manifest = json.loads((folder / "manifest.json").read_text())
    people = len(manifest["people"])  # Anna, Eve and the owner routing chose
    assert people == 3
    assert done == (
        f"Export of Acme Oy written to {folder}/: 2 conversation(s), 3 message(s), "
        f"2 question(s), {people} people."
    )
    assert manifest["customer"]["name"] == "Acme Oy" and manifest["retention_days"] == 400
    exported = (folder / "conversations.jsonl").read_text()
    assert "Quokka" in exported and "Wombat" not in exported
    assert adminbot.app.sessions is not None
    async with adminbot.app.sessions() as s:
        acme = await s.scalar(select(Customer.id).where(Customer.name == "Acme Oy"))
        archived = await s.scalar(
            select(func.count(Message.id))
            .join(Conversation, Conversation.id == Message.conversation_id)
            .where(Conversation.customer_id == acme)
        )
        audit = (
            await s.execute(
                select(AuditEntry.actor, AuditEntry.action, AuditEntry.subject, AuditEntry.detail)
                .where(AuditEntry.action.like("customer.export%"))
                .order_by(AuditEntry.id)
            )
        ).all()
    assert manifest["counts"]["messages"] == archived == 3
    assert [(a, b, c) for a, b, c, _ in audit] == [
        ("local:ADMIN", "customer.exported", f"customer:{acme}"),
        ("local:ADMIN", "customer.export_written", f"customer:{acme}"),
    ]
    assert audit[1].detail["messages"] == 3 and audit[1].detail["dir"] == str(folder)

    # `config export` with a date (as typed, or as Discord sends its two options).
    clock.advance(timedelta(seconds=1))
    _, since = await _answers(
        adminbot, "ADMIN", "config export customer=Acme Oy since=2026-11-25", until="written to"
    )
    assert "0 conversation(s)" not in since and "1 message(s)" in since
    clock.advance(timedelta(seconds=1))
    _, quoted = await _answers(
        adminbot, "ADMIN", 'config export "Acme Oy" 2026-11-25', until="written to"
    )
    assert "1 message(s)" in quoted
    assert not [f for f in base.iterdir() if f.name.endswith(".partial")]


async def test_chat_never_chooses_the_path(adminbot: TestBot, tmp_path: Path) -> None:
    # A customer named like a path (created from chat) is written inside the
    # export directory all the same.
    [watched] = await _answers(adminbot, "ADMIN", "watch local:EVIL customer=../../escape")
    assert "Watching" in watched, watched
    await adminbot.platform.post("EVIL", "SVEN", "Hello from the path customer?")
    await adminbot.settle()
    _, done = await _answers(adminbot, "ADMIN", "export ../../escape", until="written to")
    [folder] = (tmp_path / "exports").iterdir()
    assert folder.name.startswith("escape-") and "1 message(s)" in done
    assert not (tmp_path.parent / "escape").exists()
    assert load_settings({}).export_dir == Path("exports")  # the default


async def test_questions_are_answered_while_a_large_export_runs(adminbot: TestBot) -> None:
    """The export runs beside the worker, not in it: a customer's question asked
    after the export started is acknowledged before the export is done (on
    SQLite the export does not hold the write lock either)."""
    assert adminbot.app.sessions is not None
    async with adminbot.app.sessions.begin() as s:
        await fill(s, "Big Oy", 6_000, start=T0 - timedelta(days=30), per_conversation=20)
    before = len(adminbot.platform.sent)
    await adminbot.platform.command("ADMIN", "export Big Oy")
    await adminbot.platform.post("ACME", "ANNA", "Is the Numbat report broken again today?")
    order: list[str] = []
    for _ in range(1200):
        await adminbot.settle()
        for m in adminbot.platform.sent[before:]:
            thread = m.to is not None and m.to.kind == "thread"
            what = "written" if "written to" in m.text else "ack" if thread else ""
            if what and what not in order:
                order.append(what)
        if "written" in order:
            break
        await asyncio.sleep(0.05)
    assert order == ["ack", "written"], order


async def test_shutdown_stops_a_running_export_cleanly(
    adminbot: TestBot, db_url: str, tmp_path: Path
) -> None:
    assert adminbot.app.sessions is not None
    async with adminbot.app.sessions.begin() as s:
        await fill(s, "Big Oy", 6_000, start=T0 - timedelta(days=30), per_conversation=20)
    [started] = await _answers(adminbot, "ADMIN", "export Big Oy")
    assert started.startswith("Exporting Big Oy")
    await adminbot.app.stop()  # SIGTERM while it runs

    assert [f.name for f in (tmp_path / "exports").iterdir()] == []  # no half folder
    engine = make_engine(db_url)
    try:
        async with make_sessionmaker(engine)() as s:
            detail = await s.scalar(
                select(AuditEntry.detail).where(AuditEntry.action == "customer.export_failed")
            )
            told = await s.scalar(
                select(OutboxMessage.message).where(OutboxMessage.key.like("export:%"))
            )
    finally:
        await engine.dispose()
    assert detail is not None and detail["error"] == "stopped"
    assert told is not None and "was stopped: Presence shut down" in told["text"]
