"""`[ideas]`, `[status]` and `[digests]`: read strictly, one-line errors."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.board.config import Schedule
from bot.config import parse_config
from bot.errors import ConfigError


def test_defaults_and_values() -> None:
    assert parse_config({}).loop.ideas.show_organisations is False
    assert parse_config({}).loop.status.statuspage_url is None
    cfg = parse_config(
        {
            "ideas": {"show_organisations": True, "similar": 0.5},
            "status": {"statuspage_url": "http://127.0.0.1:9/summary.json", "poll_interval": "30s"},
            "digests": {
                "customer_weekly": "Fri 16:00",
                "staff_daily": "off",
                "staff_channel": "slack:C0LEADS",
            },
        }
    ).loop
    assert cfg.ideas.show_organisations and cfg.ideas.similar == 0.5
    assert cfg.status.poll_interval == timedelta(seconds=30)
    assert cfg.digests.customer_weekly == Schedule(4, 16, 0)
    assert cfg.digests.staff_daily is None
    assert cfg.digests.staff_channel == "slack:C0LEADS"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"ideas": {"colour": "red"}}, "config: unknown key(s) ideas.colour"),
        (
            {"ideas": {"show_organisations": "yes"}},
            "ideas.show_organisations must be true or false",
        ),
        (
            {"status": {"statuspage_url": "ftp://x/y"}},
            "status.statuspage_url must be an http(s) URL",
        ),
        ({"status": {"poll_interval": "2s"}}, "status.poll_interval must be at least 10s"),
        (
            {"digests": {"customer_weekly": "Someday 10:00"}},
            "digests.customer_weekly must look like",
        ),
        ({"digests": {"customer_weekly": "Xyz 10:00"}}, "unknown day 'xyz'"),
        ({"digests": {"staff_daily": "25:00"}}, "digests.staff_daily must look like"),
        ({"digests": {"staff_channel": "nope"}}, "digests.staff_channel"),
    ],
)
def test_bad_values_are_one_line(data: dict[str, object], message: str) -> None:
    with pytest.raises(ConfigError) as e:
        parse_config(data)
    assert message in str(e.value) and "\n" not in str(e.value)
