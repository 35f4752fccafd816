"""Sweeper throughput and exactly-once under concurrency.

N questions whose first response is long overdue are bulk-inserted into one
database, so every step of the escalation chain (assignee, backup, lead, triage)
is due at once. W Sweeper instances, each with its own engine and sessions, sweep
the same database concurrently. Checked afterwards: every step was decided exactly
once (audit rows per question and step), every escalation was said once (outbox
rows), and, with --deliver, sent once through a counting platform fake.

The floor, measured in the same run on the same rows: W workers running a bare
SELECT ... FOR UPDATE SKIP LOCKED + UPDATE loop with no escalation logic.

    python bench/sweeper.py                       # PostgreSQL, 10,000 questions, 4 sweepers
    python bench/sweeper.py -n 2000 --deliver     # also send through the platform fake
    python bench/sweeper.py --processes           # each sweeper in a process of its own
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import func, insert, select, text, update  # noqa: E402

from bench._common import table, temp_postgres, write_json  # noqa: E402
from bot.clock import FakeClock  # noqa: E402
from bot.config import PresenceConfig, parse_config  # noqa: E402
from bot.outgoing import Destination, OutgoingMessage  # noqa: E402
from bot.refs import MessageRef  # noqa: E402
from bot.services import Services  # noqa: E402
from bot.sla import due_times, policy_dict  # noqa: E402
from db.engine import make_engine, make_sessionmaker  # noqa: E402
from db.migrate import upgrade_async  # noqa: E402
from db.models import AuditEntry, Channel, Conversation, Message, OutboxMessage, Person, Question  # noqa: E402
from db.seed import apply_config  # noqa: E402
from integrations.local import LocalPlatform  # noqa: E402

NOW = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)  # a Tuesday, inside business hours
CHAIN = ("assignee", "backup", "lead", "triage")

FLEET_CONFIG: dict[str, Any] = {
    "support": {
        "timezone": "Europe/Helsinki",
        "hours": "Mon-Fri 08:00-17:00",
        "country": "FI",
        "triage_channel": "local:TRIAGE",
        "leads": ["local:LEAD"],
        "triage_mention": "@support-leads",
    },
    "customers": [{"name": "Acme Oy", "tier": "gold", "channels": ["local:ACME"]}],
    "experts": [
        {"user": "local:EVE", "name": "Eve", "backup": "local:BOB"},
        {"user": "local:BOB", "name": "Bob"},
    ],
    "sla": [
        {
            "tier": "gold",
            "first_response": "30m",
            "escalation": list(CHAIN),
            "escalation_delays": ["0m", "5m", "10m", "15m"],
        }
    ],
}


class _NoDetector:
    def detect(self, text: str, **_: Any) -> Any:
        raise AssertionError("the sweeper never detects")


def fleet_config() -> PresenceConfig:
    return parse_config(FLEET_CONFIG)


async def populate(url: str, n: int, now: datetime = NOW) -> None:
    """Migrate, seed the config, and insert n questions all overdue by an hour."""
    await upgrade_async(url)
    config = fleet_config()
    engine = make_engine(url)
    sessions = make_sessionmaker(engine)
    opened = now - timedelta(hours=2)
    async with sessions.begin() as s:
        await apply_config(s, config, opened)
    async with sessions.begin() as s:
        channel = await s.scalar(select(Channel).where(Channel.qualified == "local:ACME"))
        eve = await s.scalar(select(Person).where(Person.qualified == "local:EVE"))
        assert channel is not None and eve is not None
        asker = Person(
            qualified="local:ANNA", platform="local", platform_id="ANNA", name="Anna",
            is_staff=False, is_bot=False, customer_id=channel.customer_id, first_seen_at=opened,
        )  # fmt: skip
        s.add(asker)
        await s.flush()
        due = due_times(config, "gold", "normal", opened)
        sla = policy_dict(due.policy, config)
        chunk = 2000
        for base in range(0, n, chunk):
            ids = range(base, min(n, base + chunk))
            convs = (
                (
                    await s.execute(
                        insert(Conversation).returning(Conversation.id),
                        [
                            {
                                "channel_id": channel.id,
                                "root_message_id": f"m{i}",
                                "thread_id": f"m{i}",
                                "customer_id": channel.customer_id,
                                "started_at": opened,
                                "last_message_at": opened,
                                "message_count": 1,
                            }  # fmt: skip
                            for i in ids
                        ],
                    )
                )
                .scalars()
                .all()
            )
            msgs = (
                (
                    await s.execute(
                        insert(Message).returning(Message.id),
                        [
                            {
                                "conversation_id": c,
                                "channel_id": channel.id,
                                "platform_message_id": f"m{i}",
                                "thread_id": None,
                                "author_id": asker.id,
                                "author_name": "Anna",
                                "author_is_staff": False,
                                "text": f"Question number {i}?",
                                "attachments": [],
                                "created_at": opened,
                            }  # fmt: skip
                            for i, c in zip(ids, convs, strict=True)
                        ],
                    )
                )
                .scalars()
                .all()
            )
            await s.execute(
                insert(Question),
                [
                    {
                        "conversation_id": c,
                        "message_id": m,
                        "channel_id": channel.id,
                        "customer_id": channel.customer_id,
                        "asker_id": asker.id,
                        "state": "open",
                        "summary": f"Question number {i}?",
                        "kind": "question",
                        "score": 0.9,
                        "priority": "normal",
                        "assignee_id": eve.id,
                        "routing": {},
                        "sla": sla,
                        "created_at": opened,
                        "first_response_due": due.first_response,
                        "warn_due": due.warn,
                        "escalation_step": 0,
                        "next_due_at": due.warn,
                        "clock_state": "running",
                        "response_kind": "first",
                        "paused_s": 0.0,
                        "breaches": 0,
                        "breach_late": False,
                    }  # fmt: skip
                    for i, c, m in zip(ids, convs, msgs, strict=True)
                ],
            )
    await engine.dispose()


async def reset(url: str) -> None:
    """Put every question back to 'all steps due' (after the floor run)."""
    engine = make_engine(url)
    async with make_sessionmaker(engine).begin() as s:
        q = Question.__table__
        await s.execute(
            update(q).values(next_due_at=q.c.warn_due, escalation_step=0, breached_at=None)
        )
    await engine.dispose()


async def _floor_worker(url: str, now: datetime, batch: int) -> int:
    engine = make_engine(url)
    sessions = make_sessionmaker(engine)
    done = 0
    while True:
        async with sessions.begin() as s:
            ids = (
                await s.scalars(
                    text(
                        "SELECT id FROM question WHERE state = 'open' AND next_due_at <= :now "
                        "ORDER BY next_due_at LIMIT :n FOR UPDATE SKIP LOCKED"
                    ),
                    {"now": now, "n": batch},
                )
            ).all()
            if ids:
                await s.execute(
                    text(
                        "UPDATE question SET next_due_at = NULL, escalation_step = 4 "
                        "WHERE id = ANY(:ids)"
                    ),
                    {"ids": list(ids)},
                )
        done += len(ids)
        if len(ids) < batch:
            break
    await engine.dispose()
    return done


async def run_floor(url: str, workers: int, now: datetime = NOW, batch: int = 200) -> float:
    started = time.perf_counter()
    await asyncio.gather(*(_floor_worker(url, now, batch) for _ in range(workers)))
    return time.perf_counter() - started


@dataclass
class FleetResult:
    seconds: float
    questions: int
    steps: int
    per_worker: list[int]


async def run_fleet(url: str, workers: int, now: datetime = NOW, batch: int = 200) -> FleetResult:
    from handlers.sweeper import Sweeper

    config = fleet_config()
    clock = FakeClock(now)
    services = Services(config=config, clock=clock, detector=_NoDetector())
    engines = [make_engine(url) for _ in range(workers)]
    sweepers = [Sweeper(make_sessionmaker(e), services, clock, batch_size=batch) for e in engines]
    started = time.perf_counter()
    counts = await asyncio.gather(*(sw.sweep_all() for sw in sweepers))
    seconds = time.perf_counter() - started
    for e in engines:
        await e.dispose()
    return FleetResult(seconds, sum(counts), sum(sw.steps for sw in sweepers), list(counts))


def _process_worker(url: str, batch: int, start_at: float) -> tuple[int, int, float, float]:
    """One sweeper in a process of its own, as on a real multi-worker deployment."""
    from handlers.sweeper import Sweeper

    async def go() -> tuple[int, int, float, float]:
        config = fleet_config()
        clock = FakeClock(NOW)
        services = Services(config=config, clock=clock, detector=_NoDetector())
        engine = make_engine(url)
        sweeper = Sweeper(make_sessionmaker(engine), services, clock, batch_size=batch)
        await asyncio.sleep(max(0.0, start_at - time.time()))  # start together
        began = time.time()
        n = await sweeper.sweep_all()
        ended = time.time()
        await engine.dispose()
        return n, sweeper.steps, began, ended

    return asyncio.run(go())


def run_processes(url: str, workers: int, batch: int = 200) -> FleetResult:
    import multiprocessing

    ctx = multiprocessing.get_context("spawn")
    start_at = time.time() + 5.0  # time for the processes to import
    with ctx.Pool(workers) as pool:
        results = pool.starmap(_process_worker, [(url, batch, start_at)] * workers)
    seconds = max(r[3] for r in results) - min(r[2] for r in results)
    return FleetResult(
        seconds, sum(r[0] for r in results), sum(r[1] for r in results), [r[0] for r in results]
    )


@dataclass
class Check:
    decided: Counter[tuple[str, int]]  # (question, step) -> times decided (audit rows)
    breaches: Counter[str]
    outbox: Counter[str]  # purpose -> rows
    left_due: int


async def check(url: str, now: datetime = NOW) -> Check:
    engine = make_engine(url)
    async with make_sessionmaker(engine)() as s:
        rows = (
            await s.execute(
                select(AuditEntry.subject, AuditEntry.action, AuditEntry.detail).where(
                    AuditEntry.action.in_(("sla.escalated", "sla.breached"))
                )
            )
        ).all()
        outbox = dict(
            (
                await s.execute(
                    select(OutboxMessage.purpose, func.count()).group_by(OutboxMessage.purpose)
                )
            ).all()
        )
        left = await s.scalar(
            select(func.count()).select_from(Question).where(Question.next_due_at <= now)
        )
    await engine.dispose()
    decided: Counter[tuple[str, int]] = Counter()
    breaches: Counter[str] = Counter()
    for subject, action, detail in rows:
        if action == "sla.escalated":
            decided[(subject, int(detail["step"]))] += 1
        else:
            breaches[subject] += 1
    return Check(decided, breaches, Counter(outbox), int(left or 0))


class CountingPlatform(LocalPlatform):
    """The local platform, counting every send call per idempotency key."""

    def __init__(self) -> None:
        super().__init__()
        self.calls: Counter[str] = Counter()

    async def send(
        self,
        to: Destination,
        msg: OutgoingMessage,
        *,
        idempotency_key: str | None = None,
        **options: Any,
    ) -> MessageRef:
        self.calls[idempotency_key or ""] += 1
        return await super().send(to, msg, idempotency_key=idempotency_key, **options)


async def deliver(url: str, now: datetime = NOW, limit_s: float = 600) -> CountingPlatform:
    """Send the outbox through a counting platform fake until nothing is left."""
    from bot.outbox_sender import OutboxSender
    from db.outbox import unsent_count

    platform = CountingPlatform()
    engine = make_engine(url)
    sessions = make_sessionmaker(engine)
    sender = OutboxSender(
        sessions, {"local": platform}, FakeClock(now), concurrency=8,
        lease=timedelta(seconds=60), release_on_start=False,
    )  # fmt: skip
    sender.start()
    try:
        async with asyncio.timeout(limit_s):
            while True:
                async with sessions() as s:
                    if await unsent_count(s) == 0:
                        break
                sender.wake()
                await asyncio.sleep(0.05)
    finally:
        await sender.stop()
        await engine.dispose()
    return platform


async def main(args: argparse.Namespace) -> None:
    with temp_postgres() as url:
        t0 = time.perf_counter()
        await populate(url, args.n)
        populate_s = time.perf_counter() - t0
        floor_s = await run_floor(url, args.workers)
        await reset(url)
        if args.processes:
            fleet = await asyncio.to_thread(run_processes, url, args.workers)
        else:
            fleet = await run_fleet(url, args.workers)
        result = await check(url)
        sent_once = None
        if args.deliver:
            platform = await deliver(url)
            sent_once = all(c == 1 for c in platform.calls.values())
    expected_steps = args.n * len(CHAIN)
    decided_once = (
        len(result.decided) == expected_steps and max(result.decided.values(), default=0) == 1
    )
    breached_once = len(result.breaches) == args.n and max(result.breaches.values()) == 1
    rows = [
        {
            "run": "floor: SELECT .. SKIP LOCKED + UPDATE",
            "questions": args.n,
            "seconds": round(floor_s, 2),
            "questions/s": round(args.n / floor_s, 1),
            "steps/s": "",
        },
        {
            "run": f"sweeper x{args.workers} ({'processes' if args.processes else 'tasks'})",
            "questions": fleet.questions,
            "seconds": round(fleet.seconds, 2),
            "questions/s": round(args.n / fleet.seconds, 1),
            "steps/s": round(fleet.steps / fleet.seconds, 1),
        },
    ]
    print(table(rows, ["run", "questions", "seconds", "questions/s", "steps/s"]))
    print(
        f"steps decided exactly once: {decided_once} ({len(result.decided)}/{expected_steps}); "
        f"breaches once: {breached_once}; escalation outbox rows: {result.outbox['escalation']}; "
        f"still due: {result.left_due}; per worker: {fleet.per_worker}"
        + (f"; sent once through the fake: {sent_once}" if sent_once is not None else "")
    )
    path = write_json(
        "sweeper",
        {
            "questions": args.n,
            "workers": args.workers,
            "mode": "processes" if args.processes else "tasks in one process",
            "populate_s": round(populate_s, 2),
            "floor": {"seconds": round(floor_s, 3), "questions_per_s": round(args.n / floor_s, 1)},
            "sweeper": {
                "seconds": round(fleet.seconds, 3),
                "questions_per_s": round(args.n / fleet.seconds, 1),
                "steps": fleet.steps,
                "steps_per_s": round(fleet.steps / fleet.seconds, 1),
                "per_worker": fleet.per_worker,
            },
            "ratio_to_floor": round(floor_s / fleet.seconds, 3),
            "decided_exactly_once": decided_once,
            "breached_once": breached_once,
            "escalation_outbox_rows": result.outbox["escalation"],
            "still_due": result.left_due,
            "sent_once": sent_once,
        },
        args.json,
    )
    print(f"wrote {path}")
    if not (decided_once and breached_once and result.left_due == 0 and sent_once is not False):
        raise SystemExit(1)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=10_000, help="questions (default 10000)")
    parser.add_argument("--workers", type=int, default=4, help="concurrent sweepers (default 4)")
    parser.add_argument("--deliver", action="store_true", help="send through the platform fake")
    parser.add_argument(
        "--processes", action="store_true", help="each sweeper in its own process (default: tasks)"
    )
    parser.add_argument("--json", type=Path, default=None, help="output path")
    asyncio.run(main(parser.parse_args()))
