"""The rules behind offers and quiet hours, without a database: the quiet window,
until when an expert is quiet, which priorities wake them, the quiet-aware pick,
and the `[routing]` config (the shipped example parses; mistakes are one line)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.calendar import BusinessCalendar
from bot.config import load_config, parse_config
from bot.errors import ConfigError
from bot.routing.config import QuietConfig
from bot.routing.model import Assignment, Candidate, ExpertProfile
from bot.routing.offer import prefer_awake, quiet_for
from bot.routing.quiet import QuietRule, parse_window, quiet_until

ROOT = Path(__file__).resolve().parents[2]
HEL = ZoneInfo("Europe/Helsinki")
OFFICE = BusinessCalendar("Europe/Helsinki", "Mon-Fri 09:00-17:00", "FI")
ALWAYS = BusinessCalendar("Europe/Helsinki", "24/7")
ON = QuietConfig(enabled=True)


def hel(y: int, mo: int, d: int, h: int, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=HEL).astimezone(UTC)


def expert(user: str, calendar: BusinessCalendar, window: str | None = None) -> ExpertProfile:
    return ExpertProfile(
        user=user,
        name=user.split(":")[1].title(),
        topics=frozenset({"api"}),
        languages=frozenset(),
        calendar=calendar,
        quiet=parse_window(window) if window else None,
    )


def test_an_overnight_window_holds_the_night_and_ends_next_morning() -> None:
    w = parse_window("22:00-07:00")
    assert w.contains(datetime(2026, 1, 12, 23, 30, tzinfo=HEL))
    assert w.contains(datetime(2026, 1, 13, 6, 59, tzinfo=HEL))
    assert not w.contains(datetime(2026, 1, 13, 7, 0, tzinfo=HEL))
    assert not w.contains(datetime(2026, 1, 12, 21, 59, tzinfo=HEL))
    assert w.end_after(datetime(2026, 1, 12, 23, 30, tzinfo=HEL)) == datetime(
        2026, 1, 13, 7, 0, tzinfo=HEL
    )
    assert w.end_after(datetime(2026, 1, 13, 2, 0, tzinfo=HEL)) == datetime(
        2026, 1, 13, 7, 0, tzinfo=HEL
    )
    day = parse_window("12:00-13:00")
    assert day.contains(datetime(2026, 1, 12, 12, 30, tzinfo=HEL))
    assert not day.contains(datetime(2026, 1, 12, 13, 0, tzinfo=HEL))
    assert str(parse_window("22:00-24:00")) == "22:00-00:00"


@pytest.mark.parametrize("bad", ["22-07", "22:00", "25:00-07:00", "22:00-07:61", "07:00-07:00"])
def test_a_bad_window_is_one_line(bad: str) -> None:
    with pytest.raises(ConfigError) as err:
        parse_window(bad, what="config: experts[0].quiet_hours")
    assert "experts[0].quiet_hours" in str(err.value) and "\n" not in str(err.value)


def test_quiet_ends_when_hours_open_and_the_window_has_ended() -> None:
    # Monday 20:00 Helsinki: closed until Tuesday 09:00.
    assert quiet_until(hel(2026, 1, 12, 20), OFFICE, None) == hel(2026, 1, 13, 9)
    # Friday evening: the weekend is quiet too.
    assert quiet_until(hel(2026, 1, 16, 18), OFFICE, None) == hel(2026, 1, 19, 9)
    # Open and outside the window: not quiet.
    assert quiet_until(hel(2026, 1, 13, 10), OFFICE, parse_window("22:00-07:00")) is None
    # Around the clock with a nightly window: the window alone.
    assert quiet_until(hel(2026, 1, 12, 23), ALWAYS, parse_window("22:00-07:00")) == hel(
        2026, 1, 13, 7
    )
    # Chained: hours open at 09:00 but the window runs to 10:00.
    assert quiet_until(hel(2026, 1, 13, 8), OFFICE, parse_window("20:00-10:00")) == hel(
        2026, 1, 13, 10
    )
    # Closed hours can be left out of quiet by the rule.
    assert quiet_until(hel(2026, 1, 12, 20), OFFICE, None, outside_hours=False) is None


def test_which_priorities_wake_an_expert() -> None:
    night = hel(2026, 1, 12, 23)
    erin = expert("local:erin", OFFICE)
    assert quiet_for(night, erin, "normal", ON) == hel(2026, 1, 13, 9)
    assert quiet_for(night, erin, "low", ON) == hel(2026, 1, 13, 9)
    assert quiet_for(night, erin, "high", ON) is None
    assert quiet_for(night, erin, "urgent", ON) is None
    only = QuietConfig(enabled=True, rule=QuietRule(wake_for=frozenset({"urgent"})))
    assert quiet_for(night, erin, "high", only) == hel(2026, 1, 13, 9)
    # Off (no [routing.quiet]): nobody is held, except by their own quiet_hours.
    assert quiet_for(night, erin, "low", QuietConfig()) is None
    sleepy = expert("local:sam", ALWAYS, "22:00-07:00")
    assert quiet_for(night, sleepy, "low", QuietConfig()) == hel(2026, 1, 13, 7)


def _assignment(*cands: Candidate) -> Assignment:
    return Assignment(cands[0].user, cands, "api", 1.0, "; ".join(cands[0].reasons))


def test_a_quiet_pick_gives_way_to_an_awake_candidate_who_fits() -> None:
    night = hel(2026, 1, 12, 23)
    erin = expert("local:erin", ALWAYS, "22:00-07:00")  # on call, asleep
    sam = expert("local:sam", BusinessCalendar("America/New_York", "24/7"))
    tess = expert("local:tess", ALWAYS)
    got = _assignment(
        Candidate("local:erin", 3.0, True, ("declared expert in api",)),
        Candidate("local:tess", 2.5, True, ("no past work on this topic",), fits=False),
        Candidate("local:sam", 2.0, True, ("declared expert in api",)),
    )
    picked = prefer_awake(got, [erin, sam, tess], "normal", ON, night)
    assert picked.assignee == "local:sam"  # Tess is awake but does not fit
    assert picked.candidates[0].user == "local:sam"
    assert "Erin is in quiet hours" in picked.reason
    assert [c.user for c in picked.candidates[1:]] == ["local:erin", "local:tess"]
    # Urgent wakes Erin: the pick stands.
    assert prefer_awake(got, [erin, sam, tess], "urgent", ON, night) is got
    # By day Erin is awake: the pick stands.
    assert prefer_awake(got, [erin, sam, tess], "normal", ON, hel(2026, 1, 13, 10)) is got


def test_nobody_awake_keeps_the_pick() -> None:
    night = hel(2026, 1, 12, 23)
    erin = expert("local:erin", OFFICE)
    sam = expert("local:sam", OFFICE)
    got = _assignment(
        Candidate("local:erin", 3.0, False, ("off duty",)),
        Candidate("local:sam", 2.0, False, ("off duty",)),
    )
    assert prefer_awake(got, [erin, sam], "normal", ON, night) is got


def test_the_example_config_sets_every_routing_key() -> None:
    config = load_config(ROOT / "presence.example.toml")
    r = config.routing
    assert r.offer_timeout == timedelta(minutes=15)
    assert r.timeout_for("urgent") == timedelta(minutes=5)
    assert r.timeout_for("low") == timedelta(hours=1)
    assert r.timeout_for("normal") == timedelta(minutes=15)
    assert r.quiet.enabled and r.quiet.rule.wake_for == {"urgent", "high"}
    assert r.quiet.rule.outside_hours and r.quiet.batch_low == timedelta(minutes=30)
    assert config.experts[0].quiet_hours == "22:00-07:00"


def test_routing_defaults_change_nothing() -> None:
    r = parse_config({}).routing
    assert r.offer_timeout is None and r.timeout_for("urgent") is None
    assert not r.quiet.enabled and r.quiet.batch_low is None
    # wake_for without urgent still wakes for urgent.
    q = parse_config({"routing": {"quiet": {"wake_for": ["high"]}}}).routing.quiet
    assert q.rule.wake_for == {"urgent", "high"}


@pytest.mark.parametrize(
    ("data", "needle"),
    [
        ({"routing": {"offer_timeout": "soon"}}, "routing.offer_timeout"),
        ({"routing": {"offer_timout": "15m"}}, "routing.offer_timout"),
        ({"routing": {"offer_timeouts": {"critical": "5m"}}}, "routing.offer_timeouts.critical"),
        ({"routing": {"quiet": {"wake_for": ["loud"]}}}, "routing.quiet.wake_for"),
        ({"routing": {"quiet": {"batch_low": "0m"}}}, "routing.quiet.batch_low"),
        ({"routing": {"quiet": {"hours": "22-07"}}}, "routing.quiet.hours"),
        ({"routing": {"quiet": True}}, "routing.quiet must be a table"),
        (
            {"experts": [{"user": "slack:U1", "quiet_hours": "late"}]},
            "experts[0].quiet_hours",
        ),
    ],
)
def test_bad_routing_config_is_one_line(data: dict[str, object], needle: str) -> None:
    with pytest.raises(ConfigError) as err:
        parse_config(data)
    assert needle in str(err.value) and "\n" not in str(err.value)
