"""What must hold on SQLite and PostgreSQL alike: migration 0004 up and down, chat
changes surviving a restart over the config file's baseline, CSAT sampling and
cooldown, and the strict config keys this suite adds."""

from __future__ import annotations

import asyncio
import copy
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy import select
from sqlalchemy.ext.asyncio import create_async_engine

from bot.config import parse_config
from bot.errors import ConfigError
from db.migrate import downgrade, upgrade
from db.models import Channel, CsatRating, Customer, Expert, Person
from handlers.csat import sampled
from tests.commands.conftest import ask, cmd, start_bot, suite_config, to_customers

TABLES = {
    "snippet",
    "csat_rating",
    "chat_override",
    "question_note",
    "staff_reply",
    "question_hold",
}


async def _tables(url: str) -> set[str]:
    engine = create_async_engine(url)
    async with engine.connect() as conn:
        names = await conn.run_sync(lambda c: set(sa.inspect(c).get_table_names()))
    await engine.dispose()
    return names


async def test_migration_0004_up_and_down(db_url: str) -> None:
    await asyncio.to_thread(upgrade, db_url)
    assert await _tables(db_url) >= TABLES
    await asyncio.to_thread(downgrade, db_url, "0004-1")
    assert not (TABLES & await _tables(db_url))
    await asyncio.to_thread(upgrade, db_url)
    assert await _tables(db_url) >= TABLES


async def test_chat_changes_survive_a_restart_and_the_file_stays_the_baseline(
    db_url: str, tmp_path: Path
) -> None:
    transcript = tmp_path / "transcript.jsonl"
    bot = await start_bot(db_url, transcript=transcript)
    try:
        await cmd(bot, "LEAD", "customer set tier Acme Oy platinum")
        await cmd(bot, "ADMIN", "watch <#NEWCH|initech> customer=Initech")
        await cmd(bot, "ADMIN", "unwatch <#BOREALIS>")
        await cmd(bot, "LEAD", "expert remove <@BOB>")
        await cmd(bot, "ADMIN", "sla set gold first_response 1h")
    finally:
        await bot.app.stop()
    # Restarted on the same database: the file is applied again, then the chat changes.
    bot = await start_bot(db_url, transcript=transcript)
    try:
        assert bot.app.sessions is not None
        async with bot.app.sessions() as s:
            acme = await s.scalar(select(Customer).where(Customer.name == "Acme Oy"))
            assert acme is not None and acme.tier == "platinum"
            new = await s.scalar(select(Channel).where(Channel.qualified == "local:NEWCH"))
            assert new is not None and new.watched
            old = await s.scalar(select(Channel).where(Channel.qualified == "local:BOREALIS"))
            assert old is not None and not old.watched
            bob = await s.scalar(select(Expert).join(Person).where(Person.qualified == "local:BOB"))
            assert bob is not None and not bob.active
        assert bot.app.config.sla_for("gold", "normal").first_response == timedelta(hours=1)
        shown = await cmd(bot, "ADMIN", "config show")
        assert "tier platinum _(chat: local:LEAD" in shown
        assert "customer Borealis AB: tier standard _" not in shown  # file value, unmarked
        assert "first 1h _(chat: local:ADMIN" in shown
        # A question in the unwatched channel is no longer raised.
        await bot.platform.post("BOREALIS", "SVEN", "How do I reset my password on the portal?")
        await bot.settle()
        assert not bot.platform.said_to("channel", "TRIAGE")
    finally:
        await bot.app.stop()


async def test_csat_prompt_once_per_cooldown_and_rating_is_stored(sqlite_url: str) -> None:
    bot = await start_bot(sqlite_url)
    try:
        first = await ask(bot, "How do I download last month's invoice as a PDF?")
        await cmd(bot, "EVE", f"resolve {first}")
        prompts = [m for m in to_customers(bot) if m.msg and m.msg.buttons]
        assert len(prompts) == 1
        assert prompts[0].msg is not None and prompts[0].to is not None
        assert prompts[0].to.kind == "thread"
        assert [b.action_id for b in prompts[0].msg.buttons] == [
            f"csat:{first}:{n}" for n in range(1, 6)
        ]
        # Only the asker's click counts.
        await bot.platform.press("SVEN", f"csat:{first}:1")
        await bot.platform.press("ANNA", f"csat:{first}:5")
        await bot.settle()
        assert bot.app.sessions is not None
        async with bot.app.sessions() as s:
            [rating] = (await s.scalars(select(CsatRating))).all()
            assert rating.score == 5
        # Within the cooldown a second resolved question gets no prompt...
        bot.clock.advance(timedelta(days=1))
        second = await ask(bot, "Where can I change the billing address on invoices?")
        await cmd(bot, "EVE", f"resolve {second}")
        assert len([m for m in to_customers(bot) if m.msg and m.msg.buttons]) == 1
        # ...after it, one again.
        bot.clock.advance(timedelta(days=8))
        third = await ask(bot, "Why is the invoice total different from the quote?")
        await cmd(bot, "EVE", f"resolve {third}")
        assert len([m for m in to_customers(bot) if m.msg and m.msg.buttons]) == 2
        assert "3.0/5" not in await cmd(bot, "LEAD", "stats")
        assert "CSAT 5.0/5 (1)" in await cmd(bot, "LEAD", "stats")
    finally:
        await bot.app.stop()


async def test_csat_can_be_switched_off(sqlite_url: str) -> None:
    cfg = suite_config()
    cfg["csat"] = {"enabled": False}
    bot = await start_bot(sqlite_url, cfg)
    try:
        qid = await ask(bot)
        await cmd(bot, "EVE", f"resolve {qid}")
        assert not [m for m in to_customers(bot) if m.msg and m.msg.buttons]
    finally:
        await bot.app.stop()


def test_csat_sampling_is_deterministic_and_near_the_share() -> None:
    picked = [q for q in range(1, 2001) if sampled(q, 0.25)]
    assert picked == [q for q in range(1, 2001) if sampled(q, 0.25)]
    assert 400 < len(picked) < 600
    assert all(sampled(q, 1.0) for q in range(1, 50))
    assert not any(sampled(q, 0.0) for q in range(1, 50))


def test_config_keys_for_admins_and_csat_are_strict() -> None:
    base = copy.deepcopy(suite_config())
    cfg = parse_config(base)
    assert cfg.support.admins == ("local:ADMIN",)
    assert cfg.csat.enabled and cfg.csat.sample == 1.0
    for bad, words in [
        ({"support": {"admins": ["ADMIN"]}}, "support.admins"),
        ({"csat": {"sample": 1.5}}, "csat.sample"),
        ({"csat": {"cooldown": "soon"}}, "csat.cooldown"),
        ({"csat": {"colour": "red"}}, "csat.colour"),
    ]:
        with pytest.raises(ConfigError, match=words.replace(".", r"\.")):
            parse_config(bad)
