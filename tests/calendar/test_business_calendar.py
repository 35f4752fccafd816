from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.calendar import FOREVER, BusinessCalendar, parse_hours
from bot.errors import ConfigError

HEL = ZoneInfo("Europe/Helsinki")


def hel(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    """A Helsinki wall-clock time as an aware UTC instant."""
    return datetime(y, mo, d, h, mi, tzinfo=HEL).astimezone(UTC)


def fi() -> BusinessCalendar:
    return BusinessCalendar("Europe/Helsinki", "Mon-Fri 08:00-17:00", country="FI")


def test_open_on_a_weekday_and_closed_at_night_and_weekend() -> None:
    cal = fi()
    assert cal.is_open(hel(2025, 3, 12, 9))  # Wednesday
    assert not cal.is_open(hel(2025, 3, 12, 17))  # closing time is closed
    assert not cal.is_open(hel(2025, 3, 12, 7, 59))
    assert not cal.is_open(hel(2025, 3, 15, 12))  # Saturday
    assert cal.open_until(hel(2025, 3, 12, 9)) == hel(2025, 3, 12, 17)
    assert cal.open_until(hel(2025, 3, 15, 12)) is None


def test_adding_past_friday_close_continues_on_monday() -> None:
    cal = fi()
    friday_1630 = hel(2025, 3, 14, 16, 30)
    assert cal.add(friday_1630, timedelta(hours=2)) == hel(2025, 3, 17, 9, 30)
    assert cal.next_open(hel(2025, 3, 15, 12)) == hel(2025, 3, 17, 8)
    assert cal.elapsed(friday_1630, hel(2025, 3, 17, 9, 30)) == timedelta(hours=2)


def test_finnish_independence_day_is_closed() -> None:
    cal = fi()
    # 6 Dec 2024 is a Friday: Thursday 16:00 + 2h runs into Monday 9 Dec.
    assert not cal.is_open(hel(2024, 12, 6, 10))
    assert cal.add(hel(2024, 12, 5, 16), timedelta(hours=2)) == hel(2024, 12, 9, 9)
    assert cal.holiday_name(date(2024, 12, 6)) == "Independence Day"


def test_midsummer_eve_is_closed_in_finland_but_open_without_a_country() -> None:
    cal = fi()
    assert not cal.is_open(hel(2025, 6, 20, 10))  # Juhannusaatto, a Friday
    no_holidays = BusinessCalendar("Europe/Helsinki", "Mon-Fri 08:00-17:00")
    assert no_holidays.is_open(hel(2025, 6, 20, 10))


def test_personal_day_off() -> None:
    cal = BusinessCalendar(
        "Europe/Helsinki", "Mon-Fri 08:00-17:00", country="FI", days_off=[date(2025, 3, 12)]
    )
    assert not cal.is_open(hel(2025, 3, 12, 10))
    assert cal.next_open(hel(2025, 3, 12, 10)) == hel(2025, 3, 13, 8)
    assert cal.elapsed(hel(2025, 3, 11, 8), hel(2025, 3, 13, 17)) == timedelta(hours=18)


def test_dst_change_keeps_wall_clock_hours() -> None:
    cal = fi()
    # Helsinki moves from UTC+2 to UTC+3 on Sunday 30 March 2025.
    friday_open = cal.next_open(datetime(2025, 3, 28, 0, tzinfo=UTC))
    monday_open = cal.next_open(datetime(2025, 3, 29, 0, tzinfo=UTC))
    assert friday_open == datetime(2025, 3, 28, 6, tzinfo=UTC)
    assert monday_open == datetime(2025, 3, 31, 5, tzinfo=UTC)
    assert cal.add(hel(2025, 3, 28, 16), timedelta(hours=2)) == hel(2025, 3, 31, 9)
    # Back to UTC+2 on Sunday 26 October 2025.
    assert cal.next_open(datetime(2025, 10, 25, 0, tzinfo=UTC)) == datetime(
        2025, 10, 27, 6, tzinfo=UTC
    )


def test_round_the_clock_across_dst_is_plain_time_and_25_hour_day() -> None:
    always = BusinessCalendar("Europe/Helsinki", "24/7")
    start = datetime(2025, 10, 25, 12, tzinfo=UTC)
    assert always.add(start, timedelta(days=2)) == start + timedelta(days=2)
    assert always.elapsed(start, start + timedelta(hours=50)) == timedelta(hours=50)
    assert always.open_until(start) == FOREVER
    # A whole-day schedule on the fall-back Sunday holds 25 real hours.
    sunday = BusinessCalendar("Europe/Helsinki", "Sun 00:00-24:00")
    assert sunday.elapsed(hel(2025, 10, 26), hel(2025, 10, 27)) == timedelta(hours=25)


def test_twenty_four_seven_runs_through_holidays_but_not_personal_days_off() -> None:
    cal = BusinessCalendar("Europe/Helsinki", "24/7", country="FI")
    start = hel(2024, 12, 5, 12)
    assert cal.is_open(hel(2024, 12, 6, 12))  # Independence Day
    assert cal.add(start, timedelta(days=3)) == start + timedelta(days=3)
    person = BusinessCalendar("Europe/Helsinki", "24/7", days_off=[date(2024, 12, 6)])
    assert not person.is_open(hel(2024, 12, 6, 12))
    assert person.open_until(start) == hel(2024, 12, 6)
    assert person.elapsed(start, hel(2024, 12, 7, 12)) == timedelta(hours=24)


def test_every_day_all_day_is_round_the_clock() -> None:
    assert parse_hours("Mon-Sun 00:00-24:00").always
    assert not parse_hours("Mon-Sat 00:00-24:00").always
    cal = BusinessCalendar("UTC", "Mon-Sun 00:00-24:00")
    start = datetime(2025, 1, 1, tzinfo=UTC)
    assert cal.add(start, timedelta(days=400)) == start + timedelta(days=400)


def test_split_and_overnight_hours() -> None:
    cal = BusinessCalendar("UTC", "Mon-Thu 08:00-16:00, Fri 08:00-14:00; Sat 22:00-02:00")
    assert cal.is_open(datetime(2025, 3, 14, 13, tzinfo=UTC))
    assert not cal.is_open(datetime(2025, 3, 14, 15, tzinfo=UTC))
    assert cal.is_open(datetime(2025, 3, 16, 1, tzinfo=UTC))  # Saturday night into Sunday
    assert cal.open_until(datetime(2025, 3, 15, 23, tzinfo=UTC)) == datetime(
        2025, 3, 16, 2, tzinfo=UTC
    )


def test_adding_days_is_span_based_and_fast() -> None:
    cal = fi()
    start = hel(2025, 1, 2, 8)
    # 48 business hours of 9 h days; Monday 6 January is Epiphany.
    assert cal.add(start, timedelta(days=2)) == hel(2025, 1, 10, 11)
    assert cal.add(start, timedelta(hours=27)) == hel(2025, 1, 7, 17)
    # A year of business time returns quickly (per span, not per minute).
    far = cal.add(start, timedelta(hours=9 * 240))
    assert cal.elapsed(start, far) == timedelta(hours=9 * 240)


@pytest.mark.parametrize(
    ("spec", "named"),
    [
        ("Mon-Fry 08:00-17:00", "Fry"),
        ("Mon-Fri 8-17", "8-17"),
        ("Mon-Fri 08:00-25:00", "08:00-25:00"),
        ("Mon-Fri 08:00-08:00", "08:00-08:00"),
        ("08:00-17:00", "08:00-17:00"),
        ("Mon-Fri", "days without hours"),
        ("", "empty"),
    ],
)
def test_invalid_spec_names_the_bad_part(spec: str, named: str) -> None:
    with pytest.raises(ConfigError) as err:
        parse_hours(spec)
    assert named in str(err.value)
    assert "\n" not in str(err.value)


def test_unknown_zone_and_country_are_config_errors() -> None:
    with pytest.raises(ConfigError, match="Mars/Base"):
        BusinessCalendar("Mars/Base", "24/7")
    with pytest.raises(ConfigError, match="XX"):
        BusinessCalendar("UTC", "24/7", country="XX")


def test_naive_datetime_is_refused() -> None:
    with pytest.raises(ValueError, match="aware"):
        fi().is_open(datetime(2025, 3, 12, 9))


_CALENDARS = [
    fi(),
    BusinessCalendar("America/New_York", "Mon-Thu 08:00-16:00, Fri 08:00-14:00", country="US"),
    BusinessCalendar("Europe/Helsinki", "Mon-Fri 08:00-12:00 13:00-17:00, Sat 22:00-03:00"),
    BusinessCalendar("Europe/Helsinki", "24/7", days_off=[date(2025, 12, 24), date(2026, 1, 2)]),
]


@settings(max_examples=150, deadline=None)
@given(
    cal=st.sampled_from(_CALENDARS),
    start=st.datetimes(
        min_value=datetime(2023, 1, 1), max_value=datetime(2027, 12, 31), timezones=st.just(UTC)
    ),
    minutes=st.integers(min_value=0, max_value=60 * 24 * 10),
    micros=st.integers(min_value=0, max_value=59_999_999),
)
def test_elapsed_undoes_add_from_business_starts(
    cal: BusinessCalendar, start: datetime, minutes: int, micros: int
) -> None:
    begin = cal.next_open(start)
    d = timedelta(minutes=minutes, microseconds=micros)
    end = cal.add(begin, d)
    assert end >= begin
    assert cal.elapsed(begin, end) == d


@settings(max_examples=100, deadline=None)
@given(
    cal=st.sampled_from(_CALENDARS),
    times=st.lists(
        st.datetimes(
            min_value=datetime(2024, 1, 1), max_value=datetime(2026, 12, 31), timezones=st.just(UTC)
        ),
        min_size=3,
        max_size=3,
    ),
)
def test_elapsed_adds_up_and_never_exceeds_wall_time(
    cal: BusinessCalendar, times: list[datetime]
) -> None:
    a, b, c = sorted(times)
    assert cal.elapsed(a, c) == cal.elapsed(a, b) + cal.elapsed(b, c)
    assert timedelta(0) <= cal.elapsed(a, c) <= c - a
    assert cal.elapsed(c, a) == -cal.elapsed(a, c)
