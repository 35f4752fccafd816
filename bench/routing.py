"""Routing decisions per second: 200 experts, 100,000 resolved questions in the archive.

    .venv/bin/python bench/routing.py [--experts 200] [--archive 100000] [--decisions 500]

The archive is synthetic: questions drawn from 40 topics, each with its own Zipf-like
vocabulary over a shared pool of common words, resolved by experts who each own a few
topics. Prints a table and writes bench/results/routing.json.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.calendar import BusinessCalendar  # noqa: E402
from bot.routing.history import ResolvedHistory  # noqa: E402
from bot.routing.model import ExpertProfile, RoutingRequest  # noqa: E402
from bot.routing.rank import choose  # noqa: E402
from bot.routing.topics import TopicModel  # noqa: E402

ZONES = [
    ("Europe/Helsinki", "FI"),
    ("Europe/Berlin", "DE"),
    ("America/New_York", "US"),
    ("Asia/Tokyo", "JP"),
]


def vocabulary(rng: random.Random, n_topics: int) -> tuple[list[str], list[list[str]]]:
    common = [f"common{i}" for i in range(2000)]
    topical = [[f"t{t}w{i}" for i in range(300)] for t in range(n_topics)]
    return common, topical


def sentence(rng: random.Random, common: list[str], words: list[str]) -> str:
    n_topic = rng.randint(3, 8)
    n_common = rng.randint(5, 15)
    picked = [words[min(int(rng.paretovariate(1.1)) - 1, len(words) - 1)] for _ in range(n_topic)]
    picked += [
        common[min(int(rng.paretovariate(1.0)) - 1, len(common) - 1)] for _ in range(n_common)
    ]
    rng.shuffle(picked)
    return " ".join(picked)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--experts", type=int, default=200)
    ap.add_argument("--archive", type=int, default=100_000)
    ap.add_argument("--decisions", type=int, default=500)
    ap.add_argument("--topics", type=int, default=40)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--out", type=Path, default=Path("bench/results/routing.json"))
    args = ap.parse_args()
    rng = random.Random(args.seed)
    common, topical = vocabulary(rng, args.topics)
    topic_names = [f"topic{t}" for t in range(args.topics)]

    calendars = [BusinessCalendar(tz, "Mon-Fri 08:00-17:00", country=c) for tz, c in ZONES]
    experts = []
    owners: dict[int, list[str]] = {t: [] for t in range(args.topics)}
    for i in range(args.experts):
        mine = rng.sample(range(args.topics), 3)
        user = f"slack:U{i:04d}"
        for t in mine:
            owners[t].append(user)
        experts.append(
            ExpertProfile(
                user=user,
                name=f"Expert {i}",
                topics=frozenset(topic_names[t] for t in mine),
                languages=frozenset({"en"} if i % 5 else {"en", "fi"}),
                calendar=calendars[i % len(calendars)],
                capacity=5,
                backup=f"slack:U{(i + 1) % args.experts:04d}",
            )
        )
    model = TopicModel({topic_names[t]: topical[t][:5] for t in range(args.topics)})
    history = ResolvedHistory(max_items=max(200_000, args.archive))
    start = datetime(2025, 1, 1, tzinfo=UTC)
    step = timedelta(days=365) / args.archive
    t0 = time.perf_counter()
    for n in range(args.archive):
        t = rng.randrange(args.topics)
        text = sentence(rng, common, topical[t])
        resolver = rng.choice(owners[t] or [experts[0].user])
        history.add(text, [topic_names[t]], [resolver], start + n * step)
        if n % 10 == 0:
            model.learn(text, [topic_names[t]])
    build_s = time.perf_counter() - t0

    now = datetime(2026, 1, 13, 9, tzinfo=UTC)  # a Tuesday, no holiday in the four countries
    requests = []
    for _ in range(args.decisions):
        t = rng.randrange(args.topics)
        requests.append(RoutingRequest(sentence(rng, common, topical[t]), "en", now))
    load = {e.user: rng.randrange(0, 6) for e in experts}
    t0 = time.perf_counter()
    hits = 0
    for n, req in enumerate(requests):
        got = choose(req, experts, load, history, model)
        hits += got.assignee is not None
        if n == 0:
            example = got
    decide_s = time.perf_counter() - t0
    result = {
        "experts": args.experts,
        "archive": args.archive,
        "decisions": args.decisions,
        "archive_build_s": round(build_s, 2),
        "decisions_per_s": round(args.decisions / decide_s, 1),
        "ms_per_decision": round(1000 * decide_s / args.decisions, 2),
        "assigned_share": round(hits / args.decisions, 3),
    }
    print(f"{'measure':<22}{'value':>12}")
    for k, v in result.items():
        print(f"{k:<22}{v:>12}")
    print(f"example: {example.assignee}: {example.reason}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
