"""Exactly once: redeliveries, crashes and rate limits never lose or double a
notification. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.events import Author, MessagePosted
from bot.ports import RateLimited, SendError
from bot.refs import ChannelRef, MessageRef, UserRef
from db.models import InboxEvent, OutboxMessage, Question
from tests.conftest import TestBot

ROOT = Path(__file__).resolve().parents[2]


def _question_event(bot: TestBot, key: str = "local:e1") -> MessagePosted:
    return MessagePosted(
        event_key=key,
        channel=ChannelRef("local", "ACME", "home"),
        author=Author(UserRef("local", "ANNA"), "Anna", False),
        message=MessageRef("local", "ACME", key.split(":")[-1]),
        text="Our invoice export fails with an error since this morning, can you help?",
        occurred_at=bot.clock.now(),
    )


async def _count(bot: TestBot, model: type, *where: object) -> int:
    assert bot.app.sessions is not None
    async with bot.app.sessions() as s:
        return int(await s.scalar(select(func.count()).select_from(model).where(*where)) or 0)


async def test_same_event_delivered_100_times_concurrently(testbot: TestBot) -> None:
    event = _question_event(testbot)
    results = await asyncio.gather(*(testbot.app.sink.receive(event) for _ in range(100)))
    assert results.count(True) == 1
    assert results.count(False) == 99
    await testbot.settle()
    assert await _count(testbot, Question) == 1
    assert await _count(testbot, InboxEvent) == 1
    assert len(testbot.platform.said_to("dm", "EVE")) == 1
    assert len(testbot.platform.said_to("channel", "TRIAGE")) == 1


async def test_redelivery_after_handling_changes_nothing(testbot: TestBot) -> None:
    event = _question_event(testbot)
    assert await testbot.app.sink.receive(event)
    await testbot.settle()
    sent_before = len(testbot.platform.sent)
    for _ in range(3):
        assert not await testbot.app.sink.receive(event)
    await testbot.settle()
    assert len(testbot.platform.sent) == sent_before
    assert await _count(testbot, Question) == 1


async def test_429_five_times_then_sent_once(testbot: TestBot) -> None:
    testbot.platform.fail_next(*(RateLimited(retry_after=2.0) for _ in range(5)))
    await testbot.app.sink.receive(_question_event(testbot))
    await testbot.settle()
    for _ in range(40):
        testbot.clock.advance(timedelta(seconds=2))
        await testbot.settle()
        if await _count(testbot, OutboxMessage, OutboxMessage.status != "sent") == 0:
            break
    assert len(testbot.platform.said_to("dm", "EVE")) == 1
    assert len(testbot.platform.said_to("channel", "TRIAGE")) == 1
    assert await _count(testbot, OutboxMessage, OutboxMessage.status != "sent") == 0
    # Five refusals were retried, each after Retry-After; none was dropped.
    assert await _count(testbot, OutboxMessage, OutboxMessage.attempts > 1) >= 1


async def test_permanent_error_is_kept_not_retried_forever(testbot: TestBot) -> None:
    testbot.platform.fail_next(SendError("channel_not_found", retryable=False))
    await testbot.app.sink.receive(_question_event(testbot))
    await testbot.settle()
    assert testbot.app.sessions is not None
    async with testbot.app.sessions() as s:
        dead = (await s.scalars(select(OutboxMessage).where(OutboxMessage.status == "dead"))).all()
    assert len(dead) == 1 and dead[0].last_error == "channel_not_found"


def _run_worker(db_url: str, transcript: Path, mode: str) -> int:
    proc = subprocess.run(
        [sys.executable, "-m", "tests.core.crash_worker", db_url, str(transcript), mode],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    if mode == "recover" and proc.returncode != 0:
        raise AssertionError(proc.stderr[-3000:])
    return proc.returncode


@pytest.mark.parametrize("mode", ["kill-after-store", "kill-before-send", "kill-after-post"])
def test_sigkill_then_restart_notifies_exactly_once(db_url: str, tmp_path: Path, mode: str) -> None:
    transcript = tmp_path / "platform.jsonl"
    assert _run_worker(db_url, transcript, mode) == -9  # killed by SIGKILL
    assert _run_worker(db_url, transcript, "recover") == 0
    rows = [json.loads(line) for line in transcript.read_text().splitlines()]
    dms = [r for r in rows if r["op"] == "send" and r["to"] == "dm"]
    assert len(dms) == 1, rows
    acks = [r for r in rows if r["op"] == "send" and r["to"] == "thread"]
    assert len(acks) == 1


async def test_one_unstorable_event_does_not_hold_back_its_batch(testbot: TestBot) -> None:
    good = [_question_event(testbot, key=f"local:g{i}") for i in range(5)]
    bad = _question_event(testbot, key="local:" + "k" * 400)  # longer than any platform key
    results = await asyncio.gather(
        *(testbot.app.sink.receive(e) for e in [*good[:2], bad, *good[2:]]),
        return_exceptions=True,
    )
    assert [r for i, r in enumerate(results) if i != 2] == [True] * 5
    assert await _count(testbot, InboxEvent, InboxEvent.event_key.like("local:g%")) == 5
