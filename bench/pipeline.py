"""End-to-end pipeline on the local platform: customer message posted -> stored ->
question opened and routed -> expert DM sent. Events/s and p50/p99 latency from
post to DM, on SQLite and PostgreSQL.

Floor, measured in the same run on the same database: storing each event in the
inbox (the same batched ingest) and posting one message per event directly,
without detection, routing or the outbox. The ratio says what Presence's work
costs on top of the unavoidable store-and-send.

    python bench/pipeline.py [--events 2000] [--concurrency 100] [--json PATH]
                             [--skip-postgres] [--count-sql]

--count-sql also prints the SQL statements Presence ran per event, by statement
(counted from the first event posted to the last DM, so setup is left out).
"""

from __future__ import annotations

import argparse
import asyncio
import re
import sys
import tempfile
import time
from collections import Counter
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench._common import summary, table, temp_postgres, write_json  # noqa: E402
from bot.app import App  # noqa: E402
from bot.clock import SystemClock  # noqa: E402
from bot.config import parse_config  # noqa: E402
from bot.events import Author, MessagePosted  # noqa: E402
from bot.ingest import Ingest  # noqa: E402
from bot.outgoing import Destination, OutgoingMessage  # noqa: E402
from bot.refs import ChannelRef, MessageRef, UserRef  # noqa: E402
from bot.settings import Settings  # noqa: E402
from db.engine import make_engine, make_sessionmaker  # noqa: E402
from db.migrate import upgrade_async  # noqa: E402
from integrations.local import LocalPlatform  # noqa: E402

CUSTOMERS = 20


class SqlCounter:
    """Counts statements by their first words (a bench-only engine hook)."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self.on = False

    def install(self) -> None:
        from sqlalchemy import event
        from sqlalchemy.engine import Engine

        event.listen(Engine, "before_cursor_execute", self._seen)

    def _seen(self, _conn, _cursor, statement, _params, _context, _many) -> None:  # type: ignore[no-untyped-def]
        if self.on:
            words = re.sub(r"\s+", " ", statement).strip()
            words = re.sub(r"sa_savepoint_\d+", "sa_savepoint_N", words)
            self.counts[re.sub(r"\(.*", "", words)[:70]] += 1

    def report(self, n: int) -> str:
        total = sum(self.counts.values())
        lines = [f"{total / n:.1f} SQL statements per event:"]
        lines += [f"  {c / n:5.2f}  {s}" for s, c in self.counts.most_common()]
        return "\n".join(lines)


SQL = SqlCounter()


def config_for(events: int) -> dict[str, object]:
    """Each event opens its own conversation in its own channel (a burst across many
    shared channels), so every event must end in exactly one expert DM."""
    return {
        "support": {"timezone": "UTC", "hours": "24/7", "triage_channel": "local:TRIAGE"},
        "customers": [
            {
                "name": f"Customer {i}",
                "tier": "gold",
                "channels": [f"local:C{j}" for j in range(i, events, CUSTOMERS)],
            }
            for i in range(CUSTOMERS)
        ],
        "experts": [
            {
                "user": f"local:E{i}",
                "name": f"Expert {i}",
                "topics": ["billing", "api"][i % 2 :],
                "hours": "24/7",
                "capacity": 100000,
            }
            for i in range(10)
        ],
        "topics": [
            {"name": "billing", "keywords": ["invoice", "charged", "card", "billing", "beta"]},
            {"name": "api", "keywords": ["api", "webhooks", "endpoint", "errors", "rate"]},
        ],
        "sla": [{"tier": "*", "calendar": "24/7", "first_response": "1h"}],
    }


QUESTIONS = [
    "How do I download last month's invoice as a PDF?",
    "The API returns 500 errors since this morning, can you check?",
    "Can you add my colleague to the beta program please?",
    "Why was our card charged twice this month?",
    "Is there a rate limit on the webhooks endpoint?",
]


def _event(i: int) -> MessagePosted:
    return MessagePosted(
        event_key=f"local:bench-{i}",
        channel=ChannelRef("local", f"C{i}", "home"),
        author=Author(UserRef("local", f"U{i % 500}"), f"Customer user {i % 500}", False),
        message=MessageRef("local", f"C{i}", f"bench-{i}"),
        text=QUESTIONS[i % len(QUESTIONS)] + f" (case {i})",
        occurred_at=datetime.now(UTC),
    )


class TimedPlatform(LocalPlatform):
    def __init__(self) -> None:
        super().__init__()
        self.dm_at: dict[str, float] = {}

    async def send(
        self,
        to: Destination,
        msg: OutgoingMessage,
        *,
        idempotency_key: str | None = None,
        resend: bool = False,
    ) -> MessageRef:
        ref = await super().send(to, msg, idempotency_key=idempotency_key, resend=resend)
        if to.kind == "dm" and idempotency_key:
            self.dm_at[idempotency_key.split(":")[0]] = time.perf_counter()
        return ref


async def _drive(receive, n: int, concurrency: int) -> dict[int, float]:  # type: ignore[no-untyped-def]
    posted: dict[int, float] = {}
    sem = asyncio.Semaphore(concurrency)

    async def one(i: int) -> None:
        async with sem:
            posted[i] = time.perf_counter()
            await receive(_event(i))

    await asyncio.gather(*(one(i) for i in range(n)))
    return posted


async def run_presence(db_url: str, n: int, concurrency: int) -> dict[str, object]:
    platform = TimedPlatform()
    settings = replace(Settings(), database_url=db_url, sweep_interval=3600)
    app = App(settings, parse_config(config_for(n)), platforms={"local": platform})
    await app.start()
    try:
        SQL.counts.clear()
        SQL.on = True
        t0 = time.perf_counter()
        posted = await _drive(app.sink.receive, n, concurrency)
        while len(platform.dm_at) < n:  # noqa: ASYNC110 (polling a counter is the point)
            if time.perf_counter() - t0 > 300:
                raise SystemExit(f"only {len(platform.dm_at)} of {n} expert DMs after 300 s")
            await asyncio.sleep(0.01)
        elapsed = max(platform.dm_at.values()) - t0
        SQL.on = False
    finally:
        SQL.on = False
        await app.stop()
    if SQL.counts:
        print(f"{db_url.split(':')[0]}: {SQL.report(n)}")
    # question ids are assigned in handling order; map DM key "q<id>" back by order
    dms = sorted(platform.dm_at.values())
    starts = sorted(posted.values())
    latencies = [d - s for d, s in zip(dms, starts, strict=False)]
    return {"events": n, "events_per_s": round(n / elapsed, 1), **summary(latencies)}


async def run_floor(db_url: str, n: int, concurrency: int) -> dict[str, object]:
    await upgrade_async(db_url)
    engine = make_engine(db_url)
    sessions = make_sessionmaker(engine)
    platform = LocalPlatform()
    done: list[float] = []

    async def stored() -> None:
        return None

    ingest = Ingest(sessions, SystemClock(), on_stored=lambda: None)
    ingest.start()

    async def receive(ev: MessagePosted) -> None:
        await ingest.receive(ev)
        await platform.send(Destination.channel("local", "X"), OutgoingMessage(text=ev.text))
        done.append(time.perf_counter())

    try:
        t0 = time.perf_counter()
        posted = await _drive(receive, n, concurrency)
        elapsed = max(done) - t0
    finally:
        await ingest.stop()
        await engine.dispose()
    latencies = [d - s for d, s in zip(sorted(done), sorted(posted.values()), strict=False)]
    return {"events": n, "events_per_s": round(n / elapsed, 1), **summary(latencies)}


async def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--events", type=int, default=2000)
    ap.add_argument("--concurrency", type=int, default=100)
    ap.add_argument("--json", type=Path, default=None)
    ap.add_argument("--skip-postgres", action="store_true")
    ap.add_argument("--count-sql", action="store_true", help="statements per event, by kind")
    args = ap.parse_args()
    if args.count_sql:
        SQL.install()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        backends = [
            ("sqlite", f"sqlite+aiosqlite:///{tmp}/a.db", f"sqlite+aiosqlite:///{tmp}/b.db")
        ]
        for name, url_a, url_b in backends:
            rows.append(
                {
                    "backend": name,
                    "run": "presence",
                    **await run_presence(url_a, args.events, args.concurrency),
                }
            )
            rows.append(
                {
                    "backend": name,
                    "run": "floor",
                    **await run_floor(url_b, args.events, args.concurrency),
                }
            )
    if not args.skip_postgres:
        with temp_postgres() as url_a, temp_postgres() as url_b:
            rows.append(
                {
                    "backend": "postgresql",
                    "run": "presence",
                    **await run_presence(url_a, args.events, args.concurrency),
                }
            )
            rows.append(
                {
                    "backend": "postgresql",
                    "run": "floor",
                    **await run_floor(url_b, args.events, args.concurrency),
                }
            )
    for r in rows:
        if r["run"] == "presence":
            floor = next(f for f in rows if f["backend"] == r["backend"] and f["run"] == "floor")
            r["ratio_to_floor"] = round(float(r["events_per_s"]) / float(floor["events_per_s"]), 3)  # type: ignore[arg-type]
    print(
        table(
            rows, ["backend", "run", "events", "events_per_s", "p50_ms", "p99_ms", "ratio_to_floor"]
        )
    )
    path = write_json(
        "pipeline",
        {"events": args.events, "concurrency": args.concurrency, "rows": rows},
        args.json,
    )
    print(f"\nwritten to {path}")


if __name__ == "__main__":
    asyncio.run(main())
