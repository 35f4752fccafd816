"""Discord pipeline benchmark: gateway dispatch -> expert DM sent, through the fake
Discord (real discord.py, real sockets, zlib-stream), for Presence and for a bare
discord.py client in the same run.

    .venv/bin/python -m bench.discord_pipeline --events 300

Presence: the real App (SQLite by default, or --database-url) with the real
adapter; each event is a new customer question in a watched channel; latency ends
when the fake receives the POST of that question's expert DM. Presence also opens
a thread, acknowledges the customer and posts a triage card for each question: 4
requests where the bare client makes 1.
Bare: a discord.Client whose on_message sends one message per event to a DM
channel through the same fake.
Adapter only: the real adapter with a sink that stores nothing and DMs at once,
which isolates the adapter's share from the core's.

Prints a table and writes JSON (default bench/results/discord_pipeline.json).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import re
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import discord

from bench._common import ratio
from bot.app import App
from bot.config import parse_config
from bot.events import Event, MessagePosted
from bot.outgoing import Destination, OutgoingMessage
from bot.refs import UserRef
from bot.settings import Settings
from integrations.discord.adapter import DiscordAdapter, point_library_at
from integrations.discord.options import DiscordOptions
from integrations.discord.permissions import intents
from tests.fakes.discord_server import (
    APPLICATION_ID,
    FakeDiscord,
    Guild,
    role,
    text_channel,
    user,
)

GUILD = "1100000000000000000"
CHANNEL = "1100000000000000001"
TRIAGE = "1100000000000000002"
STAFF_ROLE = "1100000000000000010"
CUSTOMER = user("1200000000000000001", "carol")
EXPERT = user("1200000000000000002", "ed")
MAX_CHANNELS = 2000


def channel(i: int) -> str:
    """Event i's channel: one conversation per channel, so grouping never folds one
    burst question into another and every event ends in exactly one expert DM."""
    return str(1300000000000000000 + i % MAX_CHANNELS)


CONFIG = {
    "support": {"timezone": "UTC", "triage_channel": f"discord:{TRIAGE}"},
    "customers": [
        {
            "name": "Acme Oy",
            "tier": "gold",
            "channels": [f"discord:{CHANNEL}"]
            + [f"discord:{channel(i)}" for i in range(MAX_CHANNELS)],
        }
    ],
    "experts": [
        {
            "user": f"discord:{EXPERT['id']}",
            "topics": ["api"],
            "capacity": 100000,
            "hours": "Mon-Sun 00:00-23:59",
        }
    ],
    "topics": [{"name": "api", "keywords": ["api", "key", "token"]}],
    "sla": [{"tier": "*", "calendar": "24/7", "first_response": "30m"}],
    "discord": {"staff_roles": ["Support"]},
}
MARK = re.compile(r"ref(\d+)x")


def _guild() -> Guild:
    return Guild(
        id=GUILD,
        channels=[text_channel(CHANNEL, GUILD, "acme"), text_channel(TRIAGE, GUILD, "triage")]
        + [text_channel(channel(i), GUILD, f"acme-{i}") for i in range(MAX_CHANNELS)],
        roles=[role(STAFF_ROLE, "Support")],
    )


def _percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def _text(i: int) -> str:
    return f"How do I rotate the API key of project ref{i}x?"


async def _drive(
    fake: FakeDiscord, n: int, within: float, rate: float, stored: dict[int, float] | None = None
) -> dict[str, Any]:
    """Dispatch n customer messages; wait for each one's DM at the fake. `stored`,
    when given, is filled by the adapter's hook with when each event was stored."""
    sent: dict[int, float] = {}
    done: dict[int, float] = {}
    seen = 0
    dm = fake.dm_channels.get(EXPERT["id"])

    def scan() -> None:
        nonlocal seen, dm
        dm = dm or fake.dm_channels.get(EXPERT["id"])
        new = fake.requests[seen:]
        seen += len(new)
        for r in new:
            if r.method != "POST" or dm is None or r.path != f"/channels/{dm}/messages":
                continue
            m = MARK.search(json.dumps(r.json))
            if m is not None:
                done.setdefault(int(m[1]), r.at)

    start = time.perf_counter()
    for i in range(n):
        msg = fake.message(channel(i), CUSTOMER, _text(i), guild_id=GUILD)
        sent[i] = time.perf_counter()
        await fake.dispatch("MESSAGE_CREATE", msg)
        if rate:  # paced; otherwise one burst
            await asyncio.sleep(max(0.0, start + (i + 1) / rate - time.perf_counter()))
    deadline = time.monotonic() + within
    while len(done) < n and time.monotonic() < deadline:
        await asyncio.sleep(0.005)
        scan()
    scan()
    latencies = [(done[i] - sent[i]) * 1000 for i in done]
    end = max(done.values()) if done else time.perf_counter()
    breakdown: dict[str, Any] = {}
    if stored:
        to_store = [(stored[i] - sent[i]) * 1000 for i in stored]
        store_to_dm = [(done[i] - stored[i]) * 1000 for i in done if i in stored]
        breakdown = {
            "dispatch_to_stored_p50_ms": round(_percentile(to_store, 50), 1),
            "stored_to_dm_p50_ms": round(_percentile(store_to_dm, 50), 1) if store_to_dm else None,
        }
    return {
        **breakdown,
        "events": n,
        "completed": len(done),
        "seconds": round(end - start, 3),
        "messages_per_s": round(len(done) / (end - start), 1) if done else 0.0,
        "p50_ms": round(_percentile(latencies, 50), 1) if latencies else None,
        "p99_ms": round(_percentile(latencies, 99), 1) if latencies else None,
        "mean_ms": round(statistics.fmean(latencies), 1) if latencies else None,
    }


async def run_bare(fake: FakeDiscord, n: int, within: float, rate: float) -> dict[str, Any]:
    point_library_at(fake.api_url, fake.gateway_url)
    client = discord.Client(intents=intents(), guild_ready_timeout=0.05)
    ready = asyncio.Event()

    async def on_ready() -> None:
        ready.set()

    async def on_message(message: discord.Message) -> None:
        if message.author.id == int(CUSTOMER["id"]):
            await dm_channel.send(f"New question: {message.content}")

    client.on_ready = on_ready  # type: ignore[attr-defined]
    client.on_message = on_message  # type: ignore[attr-defined]
    await client.login("fake-token")
    data = await client.http.start_private_message(int(EXPERT["id"]))
    dm_channel = client.get_partial_messageable(int(data["id"]))
    runner = asyncio.create_task(client.connect())
    await asyncio.wait_for(ready.wait(), 30)
    try:
        return await _drive(fake, n, within, rate)
    finally:
        await client.close()
        await asyncio.gather(runner, return_exceptions=True)


class _DmAtOnce:
    """A core that stores nothing. Per message it makes:

    - `dm`: one expert DM (the adapter alone);
    - `presence`: the requests Presence makes per question, and nothing else: open
      the question's thread and acknowledge the customer in it, post the triage
      card, DM the expert (with its link);
    - `required`: the three requests issue #5 asks of any implementation (one
      thread, one expert DM, one triage message).

    The last two are ceilings: the core's work can only lower them."""

    def __init__(self, sends: str = "dm") -> None:
        self.sends = sends
        self.adapter: DiscordAdapter | None = None
        self.busy = 0

    async def receive(self, event: Event) -> bool:
        if not isinstance(event, MessagePosted) or self.adapter is None:
            return True
        self.busy += 1
        try:
            await self._send(event)
        finally:
            self.busy -= 1
        return True

    async def _send(self, event: MessagePosted) -> None:
        assert self.adapter is not None
        dm = Destination.dm(UserRef("discord", EXPERT["id"]))
        if self.sends == "dm":
            await self.adapter.send(dm, OutgoingMessage(text="New question", quote=event.text))
            return
        if self.sends == "required":
            card = OutgoingMessage(text="New question", quote=event.text)
            ref = event.message
            await asyncio.gather(
                self.adapter.places.thread_for(ref.channel_id, ref.message_id, card),
                self.adapter.send(Destination.channel("discord", TRIAGE), card),
                self.adapter.send(dm, card),
            )
            return
        card = OutgoingMessage(text="New question", quote=event.text, link=event.message)
        await asyncio.gather(
            self.adapter.send(
                Destination.thread(event.message),
                OutgoingMessage(text="Thanks, ed has this; expect an answer within 30m"),
                idempotency_key=f"{event.event_key}:ack",
            ),
            self.adapter.send(
                Destination.channel("discord", TRIAGE), card, idempotency_key=f"{event.event_key}:t"
            ),
            self.adapter.send(dm, card, idempotency_key=f"{event.event_key}:dm"),
        )


async def run_adapter_only(
    fake: FakeDiscord, n: int, within: float, rate: float, *, sends: str = "dm"
) -> dict[str, Any]:
    sink = _DmAtOnce(sends)
    options = DiscordOptions(
        token="fake-token",
        api_url=fake.api_url,
        gateway_url=fake.gateway_url,
        guild_ready_timeout=0.05,
        register_commands=False,
    )
    adapter = DiscordAdapter(options, sink, parse_config(CONFIG))
    sink.adapter = adapter
    await adapter.start()
    try:
        result = await _drive(fake, n, within, rate)
        # Timed up to the last DM; the sends still under way finish before the stop.
        while sink.busy:  # noqa: ASYNC110 (a counter, not an event, is what there is)
            await asyncio.sleep(0.01)
        return result
    finally:
        await adapter.stop()


async def run_presence(
    fake: FakeDiscord, n: int, within: float, rate: float, db: str
) -> dict[str, Any]:
    settings = replace(
        Settings(),
        database_url=db,
        discord_token="fake-token",
        discord_api_url=fake.api_url,
        discord_gateway_url=fake.gateway_url,
        discord_application_id=APPLICATION_ID,
        sweep_interval=3600,
    )
    app = App(settings, parse_config(CONFIG))
    await app.start()
    stored: dict[int, float] = {}
    adapter = app.platforms["discord"]
    assert isinstance(adapter, DiscordAdapter)

    def on_event(event: Event) -> None:
        m = MARK.search(event.text) if isinstance(event, MessagePosted) else None
        if m is not None:
            stored.setdefault(int(m[1]), time.perf_counter())

    adapter.listeners.on_event = on_event
    try:
        result = await _drive(fake, n, within, rate, stored)
        await app.wait_idle(within)
        return result
    finally:
        await app.stop()


async def _fresh(run: Callable[[FakeDiscord], Awaitable[dict[str, Any]]]) -> dict[str, Any]:
    fake = FakeDiscord([_guild()])
    await fake.start()
    try:
        result = await run(fake)
        result["requests"] = len(fake.requests)
        return result
    finally:
        await fake.stop()


async def main_async(args: argparse.Namespace) -> dict[str, Any]:
    n, timeout = args.events, args.timeout
    db = args.database_url or f"sqlite+aiosqlite:///{tempfile.mkdtemp()}/bench.db"
    # The two cheap pipelines run interleaved, several times, and the median run
    # is kept: on a shared machine a single sub-second run is mostly noise.
    runs: dict[str, list[dict[str, Any]]] = {"bare": [], "dm": [], "presence": [], "required": []}
    for _ in range(args.repeat):
        runs["bare"].append(await _fresh(lambda f: run_bare(f, n, timeout, args.rate)))
        for sends in ("dm", "presence", "required"):
            runs[sends].append(
                await _fresh(
                    lambda f, s=sends: run_adapter_only(f, n, timeout, args.rate, sends=s)  # type: ignore[misc]
                )
            )
    bare = _median_run(runs["bare"])
    adapter = _median_run(runs["dm"])
    ceiling = _median_run(runs["presence"])
    required = _median_run(runs["required"])
    presence = await _fresh(lambda f: run_presence(f, n, timeout, args.rate, db))
    return {
        "events": n,
        "rate": args.rate or "burst",
        "database": "sqlite" if db.startswith("sqlite") else db.split("://")[0],
        "bare_discord_py": bare,
        "adapter_only": adapter,
        "adapter_with_presence_sends": ceiling,
        "adapter_with_required_requests": required,
        "presence": presence,
        "ratio": ratio(presence, bare, "messages_per_s"),
        "adapter_ratio": ratio(adapter, bare, "messages_per_s"),
        # Presence cannot beat the adapter making Presence's own requests with no core
        # at all: this is the highest ratio the target could be met at.
        "ceiling_ratio": ratio(ceiling, bare, "messages_per_s"),
        "required_ratio": ratio(required, bare, "messages_per_s"),
        "target": 0.6,
    }


def _median_run(runs: list[dict[str, Any]]) -> dict[str, Any]:
    ordered = sorted(runs, key=lambda r: float(r["messages_per_s"]))
    chosen = dict(ordered[len(ordered) // 2])
    chosen["runs_messages_per_s"] = [r["messages_per_s"] for r in runs]
    return chosen


def _table(result: dict[str, Any]) -> str:
    rows = [
        ("bare discord.py", result["bare_discord_py"]),
        ("adapter only", result["adapter_only"]),
        ("adapter, 4 sends", result["adapter_with_presence_sends"]),
        ("adapter, 3 sends", result["adapter_with_required_requests"]),
        ("presence (App)", result["presence"]),
    ]
    lines = [
        f"{'pipeline':<18}{'done':>8}{'msg/s':>10}{'p50 ms':>10}{'p99 ms':>10}{'requests':>10}"
    ]
    for name, r in rows:
        lines.append(
            f"{name:<18}{r['completed']:>8}{r['messages_per_s']:>10}"
            f"{r['p50_ms'] or '-':>10}{r['p99_ms'] or '-':>10}{r['requests']:>10}"
        )
    p = result["presence"]
    if "dispatch_to_stored_p50_ms" in p:
        lines.append(
            f"presence p50: dispatch->stored {p['dispatch_to_stored_p50_ms']} ms, "
            f"stored->DM {p['stored_to_dm_p50_ms']} ms (processing + outbox)"
        )
    lines.append(
        f"ratio presence/bare = {result['ratio']:.2f}x (target >= {result['target']}x); "
        f"adapter/bare = {result['adapter_ratio']:.2f}x; adapter making Presence's requests "
        f"(thread, acknowledgement, triage card, DM), no core/bare = "
        f"{result['ceiling_ratio']:.2f}x; "
        f"adapter making the three requests the issue requires (thread, triage message, DM), "
        f"no core/bare = {result['required_ratio']:.2f}x"
    )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--events", type=int, default=300)
    parser.add_argument("--timeout", type=float, default=120.0)
    parser.add_argument(
        "--rate", type=float, default=0.0, help="events per second (default: one burst)"
    )
    parser.add_argument(
        "--repeat", type=int, default=3, help="runs of bare and of each adapter-only variant"
    )
    parser.add_argument("--database-url", default="")
    parser.add_argument("--out", type=Path, default=Path("bench/results/discord_pipeline.json"))
    args = parser.parse_args()
    logging.basicConfig(level=logging.ERROR)
    result = asyncio.run(main_async(args))
    print(_table(result))
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
