"""The customer loop's world on every platform, for the scenarios of issue #11.

`run_loop(platform, db_url, ...)` starts the real App with the real adapter
(local, slack-bolt over HTTP against the fake Slack, discord.py against the fake
gateway and REST) in one world: two customer organisations, "Acme Oy" (channel
`acme`) and "Borealis AB" (channel `bore`), optionally `extra` more customers with
one channel each (`c3`, `c4`, …), a triage channel, an expert and a team lead.
The harness plays four people (`acme` and `bore`, a customer of each; `staff`;
`lead`) and reads back what Presence posted, as the platform received it.

The contract drivers (tests/contract/) model one customer channel; these
scenarios need several organisations and fifty channels, so they get their own
harness built from the same fakes and helpers."""

from __future__ import annotations

from typing import Any

from bot.clock import FakeClock
from tests.customer_loop.loop_discord import run_discord
from tests.customer_loop.loop_local import run_local
from tests.customer_loop.loop_slack import run_slack
from tests.customer_loop.loop_world import LoopHarness, Posted, Shown, Who

__all__ = ["LoopHarness", "Posted", "Shown", "Who", "run_loop"]


_RUNNERS = {"local": run_local, "slack": run_slack, "discord": run_discord}


def run_loop(
    platform: str,
    db_url: str,
    *,
    extra: int = 0,
    clock: FakeClock | None = None,
    **tables: Any,
) -> Any:
    """`async with run_loop("slack", db_url, status={...}) as h:` a running Presence
    on that platform; `tables` are config tables (`status`, `digests`, …)."""
    runner: Any = _RUNNERS[platform]
    return runner(db_url, extra, tables, clock)
