"""Backfill: a channel's history and threads reach the sink oldest first, once."""

from __future__ import annotations

import pytest

from bot.events import MessagePosted
from integrations.slack.adapter import SlackAdapter
from integrations.slack.backfill import backfill
from tests.fakes.slack_server import FakeSlack
from tests.slack.support import CUSTOMER, SHARED, STAFF, RecordingSink

pytestmark = pytest.mark.parametrize("mode", ["http"])


async def test_history_and_threads_arrive_oldest_first_once(
    fake: FakeSlack, adapter: SlackAdapter, sink: RecordingSink
) -> None:
    first = fake.add_history(SHARED, CUSTOMER, "how do exports work?")
    fake.add_history(SHARED, STAFF, "see the docs", thread_ts=first)
    fake.messages[SHARED][0]["reply_count"] = 1
    fake.messages[SHARED].append(
        {"type": "message", "bot_id": "B0X", "text": "deploy ok", "ts": fake.next_ts()}
    )
    for i in range(250):  # more than one page
        fake.add_history(SHARED, CUSTOMER, f"message {i}")
    phases: list[str] = []
    new = await backfill(
        adapter.sender, sink, SHARED, progress=lambda phase, done, total: phases.append(phase)
    )
    assert new == 252
    events = [e for e in sink.events if isinstance(e, MessagePosted)]
    assert [e.text for e in events[:3]] == ["how do exports work?", "see the docs", "message 0"]
    assert events[1].message.thread_id == first
    assert events[1].author.is_staff is True and events[0].author.is_staff is False
    assert events[0].event_key == f"slack:history:{SHARED}:{first}"
    assert len(fake.calls("conversations.history")) == 2
    assert "import" in phases and "threads" in phases
    assert await backfill(adapter.sender, sink, SHARED) == 0  # twice imports nothing twice
    assert len(sink.events) == 252
