"""Messages queued for one thread reach it in the order they were queued, even
when the platform answers some sends slower than others (an incident's update
must not land after its resolution); other places are not held up by it."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime

from bot.clock import FakeClock
from bot.outbox_sender import OutboxSender
from bot.outgoing import Destination, OutgoingMessage
from bot.ports import ChatPlatform
from bot.refs import MessageRef, UserRef
from db.engine import make_engine, make_sessionmaker
from db.outbox import enqueue
from integrations.local import LocalPlatform

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


class SlowFirst(LocalPlatform):
    """The local platform, answering a send more slowly the earlier it was queued."""

    async def send(
        self,
        to: Destination,
        msg: OutgoingMessage,
        *,
        idempotency_key: str | None = None,
        resend: bool = False,
    ) -> MessageRef:
        step = int(msg.text.rsplit(" ", 1)[-1])
        await asyncio.sleep(0.02 * (6 - step))
        return await super().send(to, msg, idempotency_key=idempotency_key, resend=resend)


async def test_one_threads_messages_arrive_in_queue_order(db_url: str) -> None:
    clock = FakeClock(NOW)
    platform = SlowFirst(clock=clock)
    engine = make_engine(db_url)
    sessions = make_sessionmaker(engine)
    thread = MessageRef("local", "C-acme", "p-1")
    try:
        async with sessions.begin() as session:
            for step in range(1, 6):
                for where, to in (
                    ("thread", Destination.thread(thread)),
                    ("dm", Destination.dm(UserRef("local", f"U{step}"))),
                ):
                    await enqueue(
                        session,
                        key=f"{where}:{step}",
                        to=to,
                        msg=OutgoingMessage(text=f"{where} update {step}"),
                        now=NOW,
                        purpose="test",
                    )
        platforms: dict[str, ChatPlatform] = {"local": platform}
        sender = OutboxSender(sessions, platforms, clock, concurrency=10)
        assert await sender.send_due()
    finally:
        await engine.dispose()
    in_thread = [m.text for m in platform.sent if m.to is not None and m.to.kind == "thread"]
    assert in_thread == [f"thread update {step}" for step in range(1, 6)]
    dms = [m.text for m in platform.sent if m.to is not None and m.to.kind == "dm"]
    # The DMs go to five people at once: the slowest (queued first) arrives last.
    assert dms[-1] == "dm update 1" and sorted(dms) == [f"dm update {s}" for s in range(1, 6)]
