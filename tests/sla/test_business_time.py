"""Due times in business time: weekends, public holidays, DST changes, business days."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bot.config import parse_config
from bot.sla import due_times, remaining, resumed_due, support_calendar

HEL = ZoneInfo("Europe/Helsinki")


def _config(**sla: object) -> object:
    return parse_config(
        {
            "support": {
                "timezone": "Europe/Helsinki",
                "hours": "Mon-Fri 08:00-17:00",
                "country": "FI",
            },
            "sla": [{"tier": "*", **sla}],
        }
    )


def _local(y: int, mo: int, d: int, h: int, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=HEL)


def test_friday_evening_question_is_due_monday_morning() -> None:
    cfg = _config(first_response="30m", warn_at=0.75)
    due = due_times(cfg, "gold", "normal", _local(2026, 11, 27, 16, 45))  # Friday
    assert due.first_response == _local(2026, 11, 30, 8, 15)  # Monday
    assert due.warn == _local(2026, 11, 30, 8, 7) + timedelta(seconds=30)


def test_christmas_holidays_are_skipped() -> None:
    cfg = _config(first_response="4h")
    # Wed 23 Dec 16:30: 30 minutes that day, then Christmas Eve and Christmas Day
    # (public holidays in Finland), the weekend, and 3.5 hours on Monday.
    due = due_times(cfg, "gold", "normal", _local(2026, 12, 23, 16, 30))
    assert due.first_response == _local(2026, 12, 28, 11, 30)


def test_round_the_clock_policy_runs_through_holidays() -> None:
    cfg = _config(first_response="4h", calendar="24/7")
    due = due_times(cfg, "gold", "normal", _local(2026, 12, 24, 10, 0))
    assert due.first_response == _local(2026, 12, 24, 14, 0)


def test_autumn_dst_change_over_the_weekend() -> None:
    cfg = _config(first_response="2h")
    # Friday 23 Oct 16:00 EEST (UTC+3): one hour that day; clocks go back on Sunday;
    # one hour on Monday from 08:00 EET (UTC+2).
    due = due_times(cfg, "gold", "normal", _local(2026, 10, 23, 16, 0))
    assert due.first_response == _local(2026, 10, 26, 9, 0)
    assert due.first_response == datetime(2026, 10, 26, 7, 0, tzinfo=UTC)
    # 65 wall-clock hours apart, 66 real ones: the night the clocks went back was longer.
    start = _local(2026, 10, 23, 16, 0).astimezone(UTC)
    assert due.first_response - start == timedelta(hours=66)


def test_spring_dst_change_on_a_24_7_policy_counts_real_hours() -> None:
    cfg = _config(first_response="4h", calendar="24/7")
    # Sunday 29 Mar 2026 02:00 EET: at 03:00 clocks jump to 04:00; 4 real hours later
    # the wall clock reads 07:00.
    due = due_times(cfg, "gold", "normal", _local(2026, 3, 29, 2, 0))
    assert due.first_response.astimezone(HEL).hour == 7


def test_days_and_weeks_are_business_days_on_a_business_calendar() -> None:
    tuesday = _local(2026, 11, 24, 8, 0)
    two_days = due_times(_config(first_response="2d"), "gold", "normal", tuesday)
    assert two_days.first_response == _local(2026, 11, 25, 17, 0)  # 2 x 9 business hours
    hours = due_times(_config(first_response="18h"), "gold", "normal", tuesday)
    assert hours.first_response == two_days.first_response
    week = due_times(_config(first_response="1w"), "gold", "normal", tuesday)
    assert week.first_response == _local(2026, 11, 30, 17, 0)  # 45 business hours
    mixed = due_times(_config(first_response="1d4h"), "gold", "normal", tuesday)
    assert mixed.first_response == _local(2026, 11, 25, 12, 0)
    round_clock = due_times(_config(first_response="2d", calendar="24/7"), "g", "normal", tuesday)
    assert round_clock.first_response == tuesday + timedelta(days=2)


def test_a_pause_over_the_weekend_keeps_the_business_time_left() -> None:
    cfg = _config(first_response="30m")
    cal = support_calendar(cfg)
    friday = _local(2026, 11, 27, 16, 50)
    due = cal.add(friday, timedelta(minutes=30))
    left = remaining(cal, friday, due)
    assert left == timedelta(minutes=30)
    # Paused from Friday 16:50 until Monday 09:00: the clock resumes with 30 minutes.
    assert resumed_due(cal, _local(2026, 11, 30, 9, 0), left) == _local(2026, 11, 30, 9, 30)
