"""Forgetting a person: their words and name leave every query and copy, while the
customer's question count and response times stay exactly as they were."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.errors import UsageError
from db.data_rights.export import export_customer
from db.data_rights.forget import forget_person
from db.data_rights.metrics import customer_metrics
from db.models import AuditEntry, Message, Person
from db.search import search_messages
from tests.conftest import TestBot
from tests.data_rights.conftest import dump_database

SECRET = "Zanzibar"


async def _history(bot: TestBot) -> None:
    p, clock = bot.platform, bot.clock
    q1 = await p.post("ACME", "ANNA", f"How do I download the {SECRET} invoice as a PDF file?")
    await bot.settle()
    await p.edit_as("ANNA", q1, f"How do I download the {SECRET} invoice as a PDF file, please?")
    clock.advance(timedelta(minutes=7))
    await p.post("ACME", "EVE", "Hi Anna, open Billing and press Export.", thread=q1)
    await bot.settle()
    await p.command("EVE", "show 1")
    clock.advance(timedelta(minutes=5))
    await p.post("ACME", "ANNA", "Thanks, that fixed it!", thread=q1)
    await bot.settle()
    clock.advance(timedelta(hours=3))
    q2 = await p.post("ACME", "ANNA_D", f"Why is the {SECRET} webhook returning errors for us?")
    await bot.settle()
    clock.advance(timedelta(minutes=12))
    await p.post("ACME", "AMY", "Bob's team will check the webhook logs now.", thread=q2)
    clock.advance(timedelta(hours=3))
    await p.post("ACME", "BOB", "Any news about the API token rotation schedule for next month?")
    await p.post("BOREALIS", "SVEN", "Can you explain how the billing export handles VAT?")
    await bot.settle()


async def _count(bot: TestBot) -> int:
    assert bot.app.sessions is not None
    async with bot.app.sessions() as s:
        return int(await s.scalar(select(func.count(Message.id))) or 0)


async def test_forget_erases_text_and_name_everywhere_but_keeps_metrics(
    drbot: TestBot, tmp_path: Path
) -> None:
    await _history(drbot)
    sessions = drbot.app.sessions
    assert sessions is not None
    async with sessions() as s:
        before = await customer_metrics(s, "Acme Oy")
        assert before.questions >= 2 and before.median_first_response is not None
        assert await search_messages(s, SECRET.lower())
    messages_before = await _count(drbot)
    dump = await dump_database(drbot)
    assert SECRET in dump and "Anna Virtanen" in dump and "anna.v" in dump

    # A dry run changes nothing.
    async with sessions() as s:
        dry = await forget_person(
            s, now=drbot.clock.now(), requested_by="cli:test", qualified="local:ANNA_D"
        )
        await s.rollback()
    assert sorted(dry.identities) == ["local:ANNA", "local:ANNA_D"]
    assert dry.own_messages == 3 and not dry.applied
    assert SECRET in await dump_database(drbot)

    async with sessions.begin() as s:
        done = await forget_person(
            s, now=drbot.clock.now(), requested_by="cli:test", qualified="local:ANNA_D"
        )
    assert done.own_messages == 3 and done.own_questions == 2
    [alias] = done.pseudonyms

    dump = await dump_database(drbot)
    assert SECRET not in dump
    assert "Anna Virtanen" not in dump and "anna.v" not in dump
    assert _where(dump, "Anna") == []  # Eve's "Hi Anna," too
    async with sessions() as s:
        assert await search_messages(s, SECRET.lower()) == []
        assert await search_messages(s, "virtanen") == []
        after = await customer_metrics(s, "Acme Oy")
        people = (await s.scalars(select(Person).where(Person.qualified.like("local:ANNA%")))).all()
        audit = (
            await s.scalars(select(AuditEntry).where(AuditEntry.action == "person.forgotten"))
        ).all()
        out = tmp_path / "export"
        await export_customer(s, "Acme Oy", out, now=drbot.clock.now())
    assert (after.questions, after.answered, after.median_first_response) == (
        before.questions,
        before.answered,
        before.median_first_response,
    )
    assert after.first_responses == before.first_responses
    assert await _count(drbot) == messages_before  # nothing deleted
    assert {p.name for p in people} == {alias}
    assert all(p.erased_at is not None and p.email is None for p in people)
    [row] = audit
    assert row.actor == "cli:test" and row.at == drbot.clock.now()
    exported = "\n".join(f.read_text() for f in out.rglob("*") if f.is_file())
    assert SECRET not in exported and "Virtanen" not in exported
    assert alias in exported and "erased" in exported
    # The rest of the archive is untouched.
    assert "open Billing and press Export" in exported
    assert "API token rotation" in exported

    # What staff can ask in chat: nothing of hers comes back either.
    sent_before = len(drbot.platform.sent)
    for command in ("search zanzibar", "stats", "queue", "show 1", "show 2"):
        await drbot.platform.command("EVE", command)
    await drbot.settle()
    replies = [m.text for m in drbot.platform.sent[sent_before:]]
    assert len(replies) == 5 and any(r.startswith("#1 · Acme Oy") for r in replies)
    for reply in replies:
        assert SECRET not in reply and not re.search(r"\bAnna\b", reply), reply

    # The same person again gets the same pseudonym.
    async with sessions.begin() as s:
        again = await forget_person(
            s, now=drbot.clock.now(), requested_by="cli:test", qualified="local:ANNA"
        )
    assert again.pseudonyms == [alias]


async def test_forget_by_email_finds_the_person(drbot: TestBot) -> None:
    await drbot.platform.post("BOREALIS", "SVEN", "Our Kilimanjaro export keeps timing out, why?")
    await drbot.settle()
    sessions = drbot.app.sessions
    assert sessions is not None
    async with sessions.begin() as s:
        sven = (await s.scalars(select(Person).where(Person.qualified == "local:SVEN"))).one()
        sven.email = "sven@borealis.se"
    async with sessions.begin() as s:
        done = await forget_person(
            s, now=drbot.clock.now(), requested_by="dpo", email="Sven@Borealis.SE"
        )
    assert done.identities == ["local:SVEN"] and done.own_messages == 1
    dump = await dump_database(drbot)
    assert "Kilimanjaro" not in dump and "sven@borealis.se" not in dump.lower()
    assert "Sven (Borealis)" not in dump


async def test_forget_unknown_person_is_a_usage_error(drbot: TestBot) -> None:
    assert drbot.app.sessions is not None
    async with drbot.app.sessions() as s:
        with pytest.raises(UsageError):
            await forget_person(
                s, now=drbot.clock.now(), requested_by="x", qualified="local:NOBODY"
            )


def _where(dump: str, word: str) -> list[str]:
    return [ln[:300] for ln in dump.splitlines() if re.search(rf"\b{word}\b", ln)]
