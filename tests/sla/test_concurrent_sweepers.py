"""Four sweepers with their own engines over one database: every escalation step is
decided once (audit rows) and queued once (outbox rows). The 10,000-question run with
throughput, and sending through a counting platform fake (--deliver), live in
bench/sweeper.py."""

from __future__ import annotations

from bench.sweeper import CHAIN, check, populate, run_fleet

N = 200


async def test_four_sweepers_escalate_every_step_exactly_once(db_url: str) -> None:
    await populate(db_url, N)
    fleet = await run_fleet(db_url, workers=4, batch=50)
    result = await check(db_url)
    assert result.left_due == 0
    assert fleet.steps == N * len(CHAIN)
    assert len(result.decided) == N * len(CHAIN)
    assert set(result.decided.values()) == {1}
    assert len(result.breaches) == N and set(result.breaches.values()) == {1}
    assert result.outbox["escalation"] == N * len(CHAIN)
    if db_url.startswith("postgresql"):  # SQLite: one writer at a time, any may take all
        assert sorted(fleet.per_worker) != [0, 0, 0, N]  # the work was shared
    # A second round over the same rows finds nothing to do.
    again = await run_fleet(db_url, workers=4, batch=50)
    assert again.steps == 0
