"""A Presence process for crash tests: started, driven to a chosen point, and
either killed there with SIGKILL or left to recover and finish.

Usage: python -m tests.core.crash_worker DB_URL TRANSCRIPT MODE
MODE: kill-after-store | kill-before-send | kill-after-post | recover
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from bot.app import App
from bot.events import Author, MessagePosted
from bot.outgoing import Destination, OutgoingMessage
from bot.refs import ChannelRef, MessageRef, UserRef
from bot.settings import Settings
from integrations.local import LocalPlatform
from tests.conftest import demo_config

EVENT = MessagePosted(
    event_key="local:crash-1",
    channel=ChannelRef("local", "ACME", "home"),
    author=Author(UserRef("local", "ANNA"), "Anna", False),
    message=MessageRef("local", "ACME", "crash-1"),
    text="How do I download last month's invoice as a PDF?",
    occurred_at=datetime.now(UTC),
)


class KillingPlatform(LocalPlatform):
    """Dies at a chosen moment of its first expert DM."""

    def __init__(self, transcript: Path, mode: str):
        super().__init__(transcript=transcript)
        self.mode = mode

    async def send(
        self,
        to: Destination,
        msg: OutgoingMessage,
        *,
        idempotency_key: str | None = None,
        resend: bool = False,
    ) -> MessageRef:
        if to.kind == "dm" and self.mode == "kill-before-send":
            os.kill(os.getpid(), signal.SIGKILL)
        ref = await super().send(to, msg, idempotency_key=idempotency_key, resend=resend)
        if to.kind == "dm" and self.mode == "kill-after-post":
            # Posted on the platform, not yet marked sent in the outbox.
            os.kill(os.getpid(), signal.SIGKILL)
        return ref


async def main(db_url: str, transcript: Path, mode: str) -> None:
    platform = KillingPlatform(transcript, mode)
    settings = replace(Settings(), database_url=db_url, sweep_interval=3600, outbox_lease=0.5)
    app = App(settings, demo_config(), platforms={"local": platform})
    await app.start()
    if mode == "kill-after-store":
        assert app.ingest is not None
        # Hold processing back so the kill lands between store and notify.
        assert app.processor is not None
        await app.processor.stop()
        stored = await app.sink.receive(EVENT)
        assert stored
        os.kill(os.getpid(), signal.SIGKILL)
    if mode in ("kill-before-send", "kill-after-post"):
        await app.sink.receive(EVENT)
        await asyncio.sleep(30)  # the platform kills us long before this
        raise SystemExit("expected to be killed")
    await asyncio.sleep(0.6)  # let any lease a killed worker held run out
    await app.wait_idle(30)
    await app.stop()


if __name__ == "__main__":
    asyncio.run(main(sys.argv[1], Path(sys.argv[2]), sys.argv[3]))
