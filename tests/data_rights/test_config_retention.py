"""Retention settings in the config file: strict like every other key."""

from __future__ import annotations

import pytest

from bot.config import parse_config
from bot.errors import ConfigError


def _cfg(**extra: object) -> dict[str, object]:
    return {
        "customers": [
            {"name": "Acme Oy", "retention_days": 30},
            {"name": "Borealis AB"},
        ],
        **extra,
    }


def test_customer_limit_wins_over_the_default() -> None:
    cfg = parse_config(_cfg(retention={"default_days": 365}))
    assert cfg.retention_days_for("Acme Oy") == 30
    assert cfg.retention_days_for("Borealis AB") == 365
    assert cfg.retention_days_for("Unknown Ltd") == 365
    assert cfg.retention_days_for(None) == 365


def test_without_a_default_text_is_kept() -> None:
    cfg = parse_config(_cfg())
    assert cfg.retention_days_for("Borealis AB") is None
    assert cfg.retention.default_days is None


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (_cfg(retention={"default_days": 0}), "retention.default_days"),
        (_cfg(retention={"default_days": "30d"}), "retention.default_days"),
        (_cfg(retention={"days": 30}), "unknown key(s) retention.days"),
        ({"customers": [{"name": "A", "retention_days": -1}]}, "customers[0].retention_days"),
        ({"customers": [{"name": "A", "retention_days": True}]}, "customers[0].retention_days"),
    ],
)
def test_bad_retention_is_one_line_naming_the_key(data: dict[str, object], words: str) -> None:
    with pytest.raises(ConfigError) as err:
        parse_config(data)
    assert words in err.value.user_message and "\n" not in err.value.user_message


def test_retention_lines_say_what_config_show_should() -> None:
    from bot.data_rights import retention_lines

    cfg = parse_config(_cfg(retention={"default_days": 365}))
    assert retention_lines(cfg) == [
        "retention default: 365 days",
        "retention Acme Oy: 30 days (own limit)",
        "retention Borealis AB: 365 days (default)",
    ]
    assert retention_lines(parse_config({}))[0] == "retention default: kept until forgotten"
