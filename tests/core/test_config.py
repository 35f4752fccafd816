"""The config file: the shipped example parses, mistakes are one line naming the key."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import load_config, parse_config
from bot.errors import ConfigError

ROOT = Path(__file__).resolve().parents[2]


def test_example_config_parses() -> None:
    config = load_config(ROOT / "presence.example.toml")
    assert config.customers[0].name == "Acme Oy"
    assert config.sla_for("gold", "normal").first_response.total_seconds() == 1800
    assert config.customer_for_channel("discord:1100000000000000001") is config.customers[0]


@pytest.mark.parametrize(
    ("data", "needle"),
    [
        ({"support": {"timezon": "UTC"}}, "support.timezon"),
        ({"customers": [{"name": "A", "chanels": []}]}, "customers[0].chanels"),
        ({"customers": [{"tier": "gold"}]}, "customers[0] needs 'name'"),
        ({"experts": [{"user": "U123"}]}, "PLATFORM:ID"),
        ({"sla": [{"first_response": "soon"}]}, "sla[0].first_response"),
        ({"support": {"timezone": "Mars/Olympus"}}, "unknown time zone"),
        ({"sla": [{"warn_at": 1.5}]}, "warn_at"),
        ({"bogus": 1}, "config.bogus"),
        ({"customers": [{"name": "A", "priority": "asap"}]}, "customers[0].priority"),
        ({"customers": [{"name": "A", "sensitivity": "loud"}]}, "customers[0].sensitivity"),
        ({"detection": {"sensitivity": "1.5"}}, "detection.sensitivity must be quiet, balanced"),
    ],
)
def test_bad_config_is_one_line_naming_the_problem(data: dict[str, object], needle: str) -> None:
    with pytest.raises(ConfigError) as err:
        parse_config(data)
    message = str(err.value)
    assert needle in message
    assert "\n" not in message


def test_missing_and_broken_files(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="not found"):
        load_config(tmp_path / "nope.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("[support\n")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(bad)


def test_most_specific_sla_policy_wins() -> None:
    config = parse_config(
        {
            "sla": [
                {"tier": "*", "first_response": "4h"},
                {"tier": "gold", "first_response": "1h"},
                {"tier": "gold", "priority": "urgent", "first_response": "15m"},
            ]
        }
    )
    assert config.sla_for("gold", "urgent").first_response.total_seconds() == 900
    assert config.sla_for("gold", "normal").first_response.total_seconds() == 3600
    assert config.sla_for("silver", "urgent").first_response.total_seconds() == 4 * 3600


def test_sensitivity_comes_from_the_customer_else_the_default() -> None:
    config = parse_config(
        {
            "detection": {"sensitivity": "0.45"},
            "customers": [
                {"name": "Noisy", "channels": ["slack:C1"], "sensitivity": "Quiet"},
                {"name": "Plain", "channels": ["slack:C2"]},
            ],
        }
    )
    assert config.sensitivity_for("slack:C1") == "quiet"
    assert config.sensitivity_for("slack:C2") == "0.45"
    assert config.sensitivity_for("slack:C9") == "0.45"
    assert parse_config({}).sensitivity_for("slack:C1") == "balanced"
