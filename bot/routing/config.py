"""`[routing]` in the config file: offer timeouts, quiet hours and batching, read as
strictly as the rest of the file (an unknown key or a bad value is one line).

```toml
[routing]
offer_timeout = "15m"            # an offer nobody took or answered moves on
[routing.offer_timeouts]         # per priority, over offer_timeout
urgent = "5m"
low = "1h"
[routing.quiet]                  # without this table nobody's DMs are held
wake_for = ["urgent", "high"]    # priorities that reach an expert in quiet hours
outside_hours = true             # closed hours are quiet (besides experts' quiet_hours)
batch_low = "30m"                # low priority by day: one digest DM per window
```
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta

from bot.config_table import Table
from bot.errors import ConfigError
from bot.priorities import PRIORITIES
from bot.routing.quiet import QuietRule


@dataclass(frozen=True)
class QuietConfig:
    enabled: bool = False  # on when [routing.quiet] is present
    rule: QuietRule = field(default_factory=QuietRule)
    batch_low: timedelta | None = None


@dataclass(frozen=True)
class RoutingConfig:
    offer_timeout: timedelta | None = None  # None: an offer waits until taken
    offer_timeouts: tuple[tuple[str, timedelta], ...] = ()  # per priority
    quiet: QuietConfig = field(default_factory=QuietConfig)

    def timeout_for(self, priority: str) -> timedelta | None:
        for name, after in self.offer_timeouts:
            if name == priority:
                return after
        return self.offer_timeout


def parse_routing(top: Table) -> RoutingConfig:
    top.used.add("routing")
    t = Table(top.data.get("routing", {}), "routing")
    timeout = t.duration("offer_timeout", None)
    t.used.update(("offer_timeouts", "quiet"))
    per = Table(t.data.get("offer_timeouts", {}), "routing.offer_timeouts")
    overrides = []
    for name in sorted(per.data):
        if name not in PRIORITIES:
            raise ConfigError(
                f"config: routing.offer_timeouts.{name} is not a priority ({', '.join(PRIORITIES)})"
            )
        after = per.duration(name, None)
        assert after is not None
        overrides.append((name, after))
    per.done()
    quiet = QuietConfig()
    if "quiet" in t.data:
        q = Table(t.data["quiet"], "routing.quiet")
        wake = q.texts("wake_for", ("urgent", "high"))
        bad = [w for w in wake if w not in PRIORITIES]
        if bad:
            raise ConfigError(
                f"config: routing.quiet.wake_for has {bad[0]!r}, not one of {', '.join(PRIORITIES)}"
            )
        quiet = QuietConfig(
            enabled=True,
            rule=QuietRule(
                wake_for=frozenset(wake) | {"urgent"},  # urgent always goes through
                outside_hours=q.flag("outside_hours", True),
            ),
            batch_low=q.duration("batch_low", None),
        )
        q.done()
    t.done()
    return RoutingConfig(offer_timeout=timeout, offer_timeouts=tuple(overrides), quiet=quiet)
