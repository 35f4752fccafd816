"""Shared by the benchmarks: percentiles, result tables and JSON output, and a
throwaway PostgreSQL database."""

from __future__ import annotations

import json
import platform
import statistics
import subprocess
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).parent / "results"


def percentile(values: Sequence[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    k = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[k]


def ratio(run: dict[str, Any], floor: dict[str, Any], key: str) -> float:
    """run[key] / floor[key], rounded; 0 when the floor measured nothing."""
    return round(run[key] / floor[key], 3) if floor[key] else 0.0


def summary(latencies: Sequence[float]) -> dict[str, float]:
    return {
        "p50_ms": round(percentile(latencies, 50) * 1000, 2),
        "p99_ms": round(percentile(latencies, 99) * 1000, 2),
        "mean_ms": round(statistics.fmean(latencies) * 1000, 2) if latencies else float("nan"),
    }


def table(rows: list[dict[str, Any]], columns: list[str]) -> str:
    widths = {c: max(len(c), *(len(str(r.get(c, ""))) for r in rows)) for c in columns}
    line = "  ".join(c.ljust(widths[c]) for c in columns)
    out = [line, "  ".join("-" * widths[c] for c in columns)]
    for r in rows:
        out.append("  ".join(str(r.get(c, "")).ljust(widths[c]) for c in columns))
    return "\n".join(out)


def write_json(name: str, data: dict[str, Any], path: Path | None = None) -> Path:
    path = path or RESULTS / f"{name}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {
        "benchmark": name,
        "at": datetime.now(UTC).isoformat(),
        "machine": {"python": platform.python_version(), "cpu": platform.processor()},
        **data,
    }
    path.write_text(json.dumps(data, indent=2))
    return path


@contextmanager
def temp_postgres(
    host: str = "127.0.0.1", port: int = 5432, user: str = "postgres"
) -> Iterator[str]:
    name = f"presence_bench_{uuid.uuid4().hex[:10]}"
    base = ["psql", "-h", host, "-p", str(port), "-U", user, "-d", "postgres", "-q", "-c"]
    subprocess.run([*base, f"CREATE DATABASE {name}"], check=True, capture_output=True)
    try:
        yield f"postgresql+asyncpg://{user}@{host}:{port}/{name}"
    finally:
        subprocess.run([*base, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"], capture_output=True)
