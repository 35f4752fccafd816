"""The loop harness on the local platform, which counts the channel posts it is
asked for and can answer some with a 429."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from typing import Any

from bot.app import App
from bot.clock import FakeClock
from bot.events import Event
from bot.outgoing import Destination, OutgoingMessage
from bot.ports import EventSink, RateLimited, SendError
from bot.refs import MessageRef
from integrations.local import LocalPlatform
from integrations.local.platform import LocalMessage
from tests.customer_loop.loop_world import (
    Ids,
    Posted,
    Shown,
    Who,
    world_config,
    world_settings,
)


class CountingLocalPlatform(LocalPlatform):
    """The local platform, counting the channel posts it is asked for and answering
    the next few with a 429, as a platform would."""

    def __init__(self, **kw: Any) -> None:
        super().__init__(**kw)
        self.tried: dict[str, int] = {}
        self.limit_next = 0
        self.limited = 0
        self.refuse_next: SendError | None = None
        self.last: Event | None = None

    def attach(self, sink: EventSink) -> None:
        platform = self

        class _Keeping:  # keeps the last event, to deliver it again
            async def receive(self, event: Event) -> bool:
                platform.last = event
                return await sink.receive(event)

        super().attach(_Keeping())

    async def send(
        self,
        to: Destination,
        msg: OutgoingMessage,
        *,
        idempotency_key: str | None = None,
        resend: bool = False,
    ) -> MessageRef:
        if to.kind == "channel":
            self.tried[to.channel_id or ""] = self.tried.get(to.channel_id or "", 0) + 1
            if self.limit_next:
                self.limit_next -= 1
                self.limited += 1
                raise RateLimited(retry_after=0.5, reason="local: rate limited")
            if self.refuse_next is not None:
                refused, self.refuse_next = self.refuse_next, None
                raise refused
        return await super().send(to, msg, idempotency_key=idempotency_key, resend=resend)


def _local_shown(m: LocalMessage) -> Shown:
    msg = m.current
    if msg is None:
        return Shown(m.ref.message_id, m.text, {}, ())
    parts = [msg.title or "", msg.text, msg.quote or "", msg.context or ""]
    parts += [f"{f.label}: {f.value}" for f in msg.fields]
    return Shown(
        m.ref.message_id,
        "\n".join(p for p in parts if p),
        {f.label: f.value for f in msg.fields},
        tuple(b.action_id for b in msg.buttons),
    )


class LocalLoop:
    name = "local"

    def __init__(self, app: App, platform: CountingLocalPlatform, ids: Ids) -> None:
        self.app, self.platform, self.ids = app, platform, ids

    async def command(self, who: Who, text: str, where: str) -> None:
        await self.platform.command(self.ids.people[who], text, channel_id=self.ids.channels[where])

    async def post(
        self, who: Who, where: str, text: str, *, thread: Posted | None = None
    ) -> Posted:
        ref = await self.platform.post(
            self.ids.channels[where],
            self.ids.people[who],
            text,
            thread=thread.raw if thread else None,
        )
        return Posted(ref.message_id, ref)

    async def press(self, who: Who, action_id: str, where: str) -> None:
        await self.platform.press(
            self.ids.people[who], action_id, channel_id=self.ids.channels[where]
        )

    def channel(self, where: str) -> list[Shown]:
        return [_local_shown(m) for m in self.platform.said_to("channel", self.ids.channels[where])]

    def thread(self, where: str, root: Posted) -> list[Shown]:
        return [_local_shown(m) for m in self.platform.said_to("thread", root.id)]

    def private(self, who: Who) -> list[Shown]:
        uid = self.ids.people[who]
        return [
            _local_shown(m)
            for m in self.platform.sent
            if m.to is not None and m.to.kind in ("ephemeral", "reply") and m.to.user_id == uid
        ]

    def attempts(self, where: str) -> int:
        return self.platform.tried.get(self.ids.channels[where], 0)

    def refuse_with_429(self, times: int) -> None:
        self.platform.limit_next += times

    def refused(self) -> int:
        return self.platform.limited

    def refuse_for_good(self) -> str:
        self.platform.refuse_next = SendError("channel_not_found", retryable=False)
        return "channel_not_found"

    async def redeliver_last(self) -> None:
        assert self.platform.last is not None, "nothing delivered yet"
        await self.platform._deliver(self.platform.last)

    async def settle(self) -> None:
        await self.app.wait_idle(30)


@asynccontextmanager
async def run_local(
    db_url: str, extra: int, tables: Mapping[str, Any], clock: FakeClock | None
) -> AsyncIterator[LocalLoop]:
    ids = Ids(
        {"acme": "ANNA", "bore": "SVEN", "staff": "ERIN", "lead": "LEA"},
        {"acme": "ACME", "bore": "BOREALIS", "triage": "TRIAGE"}
        | {f"c{i}": f"C{i:02d}" for i in range(3, 3 + extra)},
    )
    platform = CountingLocalPlatform(clock=clock)
    platform.add_user("ANNA", "Anna (Acme)")
    platform.add_user("SVEN", "Sven (Borealis)")
    platform.add_user("ERIN", "Erin", staff=True)
    platform.add_user("LEA", "Lea", staff=True)
    config = world_config("local", ids, extra, tables)
    app = App(world_settings(db_url), config, platforms={"local": platform}, clock=clock)
    await app.start()
    try:
        yield LocalLoop(app, platform, ids)
    finally:
        await app.stop()
