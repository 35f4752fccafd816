"""SLA, escalation and stale settings are read strictly, with one-line errors."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from bot.config import parse_config
from bot.errors import ConfigError


def _cfg(sla: dict[str, Any] | None = None, **top: Any) -> Any:
    return parse_config({"sla": [{"tier": "gold", **(sla or {})}], **top})


def test_escalation_delays_and_stale_settings_are_read() -> None:
    cfg = _cfg(
        {"escalation": ["assignee", "triage"], "escalation_delays": ["0m", "1h"]},
        stale={"nudge_after": "2d", "close_after": "5d"},
        support={"on_call": ["slack:U0ONCALL1"], "triage_mention": "<!subteam^S01>"},
    )
    assert cfg.sla[0].escalation_delays == (timedelta(0), timedelta(hours=1))
    assert cfg.stale.nudge_after == timedelta(days=2)
    assert cfg.stale.close_after == timedelta(days=5)
    assert cfg.support.on_call == ("slack:U0ONCALL1",)
    assert cfg.support.triage_mention == "<!subteam^S01>"
    assert _cfg({"resolution": "1w2d3h"}).sla[0].resolution_dw == (2, 1)
    assert parse_config({"stale": {"enabled": False}}).stale.nudge_after is None


@pytest.mark.parametrize(
    ("sla", "top", "message"),
    [
        ({"escalation_delays": ["0m", "5m"]}, {}, "needs one delay per escalation step (4)"),
        ({"escalation_delays": ["0m", "1h", "30m", "2h"]}, {}, "must not decrease"),
        ({"escalation_delays": ["0m", "soon", "1h", "2h"]}, {}, "must look like 30s"),
        ({"escalation": []}, {}, "needs at least one step"),
        ({"warn_at": 1.5}, {}, "warn_at must be between 0 and 1"),
        ({}, {"stale": {"nudge_after": "3d", "remind": "1d"}}, "unknown key(s) stale.remind"),
        ({}, {"stale": {"close_after": "never"}}, "stale.close_after must look like"),
        ({}, {"support": {"on_call": ["U0NOPLATFORM"]}}, "support.on_call"),
    ],
)
def test_bad_sla_settings_are_one_line_errors(
    sla: dict[str, Any], top: dict[str, Any], message: str
) -> None:
    with pytest.raises(ConfigError) as err:
        _cfg(sla, **top)
    text = str(err.value)
    assert message in text and "\n" not in text
