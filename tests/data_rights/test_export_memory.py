"""The export streams: five times the messages takes about the same memory.
(bench/data_export.py runs 100,000 messages.)"""

from __future__ import annotations

import gc
import tracemalloc
from pathlib import Path
from typing import Any

from db.data_rights.export import export_customer
from db.data_rights.synthetic import fill
from db.engine import make_engine, make_sessionmaker
from db.migrate import upgrade_async
from tests.conftest import T0


async def _peak(sessions: Any, customer: str, out: Path) -> tuple[int, int]:
    gc.collect()
    tracemalloc.start()
    try:
        async with sessions() as s:
            summary = await export_customer(s, customer, out, now=T0)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return summary.messages, peak


async def test_export_memory_stays_bounded(db_url: str, tmp_path: Path) -> None:
    await upgrade_async(db_url)
    engine = make_engine(db_url)
    sizes = {"Warmup Oy": 100, "Small Oy": 600, "Large Oy": 3_000}
    try:
        sessions = make_sessionmaker(engine)
        async with sessions.begin() as s:
            for name, n in sizes.items():
                await fill(s, name, n, start=T0, per_conversation=20)
        peaks = {}
        for name, n in sizes.items():  # the warm-up pays for compiled statements
            count, peaks[name] = await _peak(sessions, name, tmp_path / name)
            assert count == n
    finally:
        await engine.dispose()
    lines = (tmp_path / "Large Oy" / "conversations.jsonl").read_text().count("\n")
    assert lines == 3_000 // 20
    small, large = peaks["Small Oy"], peaks["Large Oy"]
    print(f"peak traced memory: 600 messages {small / 1e6:.2f} MB, 3k {large / 1e6:.2f} MB")
    # Holding the messages would grow it ~5x (about 1 kB a message); streaming keeps
    # it flat but for the one float per question the metrics keep.
    assert large < 1.25 * small + 256_000, (small, large)
