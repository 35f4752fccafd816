"""Grouping throughput: messages per second through Grouper.add, one channel at a time.

    .venv/bin/python bench/grouping.py [--data DIR] [--window 100] [--limit N] [--out PATH]

Replays the irc-disentanglement evaluation streams (never trained on) line by line,
as `presence group` does, and reports lines/s, spoken messages/s and the latency
percentiles of one decision. Writes JSON to bench/results/grouping.json by default.
"""

from __future__ import annotations

import argparse
import json
import platform
import time
from pathlib import Path

from bot.grouping import Grouper
from bot.grouping.data import load_streams


def main() -> None:
    ap = argparse.ArgumentParser(description="grouping throughput")
    ap.add_argument("--data", type=Path, default=Path("../shared/data/irc-disentanglement"))
    ap.add_argument("--window", type=int, default=100)
    ap.add_argument("--limit", type=int, default=0, help="stop after this many lines (0: all)")
    ap.add_argument("--out", type=Path, default=Path("bench/results/grouping.json"))
    args = ap.parse_args()
    streams = [s for s in load_streams(args.data) if not s.trained_on]
    Grouper.load(window=args.window)  # model load is not part of the rate
    lat: list[float] = []
    spoken = 0
    started = time.perf_counter()
    for s in streams:
        g = Grouper.load(window=args.window)
        for ln in s.lines:
            msg = ln.message()
            t0 = time.perf_counter()
            g.add(msg)
            lat.append(time.perf_counter() - t0)
            spoken += ln.user is not None
            if args.limit and len(lat) >= args.limit:
                break
        if args.limit and len(lat) >= args.limit:
            break
    total = time.perf_counter() - started
    lat.sort()

    def pct(q: float) -> float:
        return 1000 * lat[min(len(lat) - 1, int(q * len(lat)))]

    result = {
        "window": args.window,
        "lines": len(lat),
        "spoken": spoken,
        "seconds": round(total, 3),
        "lines_per_s": round(len(lat) / total, 1),
        "spoken_per_s": round(spoken / total, 1),
        "p50_ms": round(pct(0.50), 3),
        "p95_ms": round(pct(0.95), 3),
        "p99_ms": round(pct(0.99), 3),
        "python": platform.python_version(),
        "machine": platform.machine(),
    }
    print(f"{'metric':<14}{'value':>12}")
    for k in ("lines", "spoken", "seconds", "lines_per_s", "spoken_per_s", "p50_ms", "p95_ms",
              "p99_ms"):  # fmt: skip
        print(f"{k:<14}{result[k]:>12}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=1) + "\n")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
