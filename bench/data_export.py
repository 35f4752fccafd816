"""Export (and forget) on a large synthetic archive: time, throughput and peak
traced memory of `presence export`, on SQLite and PostgreSQL.

    .venv/bin/python bench/data_export.py                      # 10k and 100k messages
    .venv/bin/python bench/data_export.py --sizes 20000 --engines sqlite

Prints a table and writes bench/results/data_export.json."""

from __future__ import annotations

import argparse
import asyncio
import gc
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import table, temp_postgres, write_json  # noqa: E402
from db.data_rights.export import export_customer  # noqa: E402
from db.data_rights.forget import forget_person  # noqa: E402
from db.data_rights.synthetic import fill  # noqa: E402
from db.engine import make_engine, make_sessionmaker  # noqa: E402
from db.migrate import upgrade_async  # noqa: E402

T0 = datetime(2026, 1, 5, 8, 0, tzinfo=UTC)


async def one(url: str, engine_name: str, n: int, work: Path, trace: bool) -> dict[str, Any]:
    await upgrade_async(url)
    engine = make_engine(url)
    row: dict[str, Any] = {"engine": engine_name, "messages": n}
    try:
        sessions = make_sessionmaker(engine)
        t = time.perf_counter()
        async with sessions.begin() as s:
            await fill(s, "Bench Oy", n, start=T0, per_conversation=10)
        row["fill_s"] = round(time.perf_counter() - t, 1)
        gc.collect()
        if trace:
            tracemalloc.start()
        t = time.perf_counter()
        async with sessions() as s:
            summary = await export_customer(s, "Bench Oy", work / f"{engine_name}-{n}", now=T0)
        took = time.perf_counter() - t
        if trace:
            row["export_peak_mb"] = round(tracemalloc.get_traced_memory()[1] / 1e6, 2)
            tracemalloc.stop()
        assert summary.messages == n
        row["export_s"] = round(took, 1)
        row["export_msgs_per_s"] = round(n / took)
        t = time.perf_counter()
        async with sessions.begin() as s:
            forgot = await forget_person(
                s, now=T0, requested_by="bench", qualified="local:benchoy-asker"
            )
        row["forget_s"] = round(time.perf_counter() - t, 1)
        row["forgotten_messages"] = forgot.own_messages
    finally:
        await engine.dispose()
    return row


async def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", default="10000,100000")
    ap.add_argument("--engines", default="sqlite,postgresql")
    ap.add_argument("--no-trace", action="store_true", help="skip tracemalloc (faster)")
    ap.add_argument("--out", type=Path, default=None)
    args = ap.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for n in [int(x) for x in args.sizes.split(",")]:
            for name in args.engines.split(","):
                if name == "sqlite":
                    url = f"sqlite+aiosqlite:///{work / f'bench-{n}.db'}"
                    rows.append(await one(url, name, n, work, not args.no_trace))
                else:
                    with temp_postgres() as url:
                        rows.append(await one(url, name, n, work, not args.no_trace))
                print(rows[-1], flush=True)
    cols = ["engine", "messages", "fill_s", "export_s", "export_msgs_per_s"]
    cols += ["export_peak_mb", "forget_s", "forgotten_messages"]
    print(table(rows, cols))
    path = write_json("data_export", {"rows": rows}, args.out)
    print(f"written {path}")


if __name__ == "__main__":
    asyncio.run(main())
