"""Calendar rules: quiet hours, days after an event across DST, elections, duty cadences."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from conversations.schedule import (
    days_after,
    election_day,
    next_duty,
    next_election,
    on_day,
    out_of_quiet_hours,
)

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def local(text: str) -> datetime:
    """'2026-11-22 21:00' in Stockholm, as an aware datetime."""
    return datetime.fromisoformat(text).replace(tzinfo=STOCKHOLM)


def shown(moment: datetime) -> str:
    """A UTC instant as Stockholm wall time with its offset, e.g. '2026-03-29 08:00 +0200'."""
    assert moment.tzinfo is UTC
    return moment.astimezone(STOCKHOLM).strftime("%Y-%m-%d %H:%M %z")


@pytest.mark.parametrize(
    ("year", "expected"),
    [
        (2018, date(2018, 9, 9)),
        (2022, date(2022, 9, 11)),
        (2026, date(2026, 9, 13)),
        (2030, date(2030, 9, 8)),
        (2034, date(2034, 9, 10)),
    ],
)
def test_election_day_is_the_second_sunday_of_september(year: int, expected: date) -> None:
    assert election_day(year) == expected
    assert expected.weekday() == 6


@pytest.mark.parametrize(
    ("after", "expected"),
    [
        (date(2026, 1, 1), date(2026, 9, 13)),
        (date(2026, 9, 13), date(2026, 9, 13)),  # on or after
        (date(2026, 9, 14), date(2030, 9, 8)),
        (date(2026, 11, 22), date(2030, 9, 8)),
        (date(2029, 12, 31), date(2030, 9, 8)),
        (date(2030, 9, 9), date(2034, 9, 10)),
    ],
)
def test_next_election(after: date, expected: date) -> None:
    assert next_election(after) == expected


@pytest.mark.parametrize(
    ("cadence", "after", "expected"),
    [
        # training every half year: 1 February and 1 September, 09:00
        ("half_year", "2026-11-22 23:00", "2027-02-01 09:00 +0100"),
        ("half_year", "2027-02-01 08:59", "2027-02-01 09:00 +0100"),
        ("half_year", "2027-02-01 09:00", "2027-09-01 09:00 +0200"),
        # the cooperation meeting four times per term: 1 March each year
        ("four_per_term", "2026-11-22 23:00", "2027-03-01 09:00 +0100"),
        ("four_per_term", "2027-03-01 09:00", "2028-03-01 09:00 +0100"),
        # once per term, after the election: 1 November
        ("per_term", "2026-10-01 12:00", "2026-11-01 09:00 +0100"),
        ("per_term", "2026-11-22 23:00", "2030-11-01 09:00 +0100"),
        ("per_term", "2030-09-01 12:00", "2030-11-01 09:00 +0100"),
        # plan revision the year before the election (2030-09-08): 1 September 2029
        ("year_before_election", "2026-11-22 23:00", "2029-09-01 09:00 +0200"),
        ("year_before_election", "2029-08-31 12:00", "2029-09-01 09:00 +0200"),
        ("year_before_election", "2029-09-01 09:00", "2033-09-01 09:00 +0200"),
    ],
)
def test_next_duty(cadence: str, after: str, expected: str) -> None:
    assert shown(next_duty(cadence, local(after))) == expected


def test_duty_cadences_over_one_term() -> None:
    """From the 2026 election to the 2030 one: 8 trainings, 4 meetings, 1 revision, 1 start."""
    start = datetime.combine(election_day(2026), datetime.min.time(), STOCKHOLM)
    end = datetime.combine(election_day(2030), datetime.min.time(), STOCKHOLM)
    counts = {}
    for cadence in ("half_year", "four_per_term", "year_before_election", "per_term"):
        moments, moment = [], next_duty(cadence, start)
        while moment < end:
            moments.append(moment)
            moment = next_duty(cadence, moment)
        counts[cadence] = len(moments)
    assert counts == {
        "half_year": 8,
        "four_per_term": 4,
        "year_before_election": 1,
        "per_term": 1,
    }


def test_an_unknown_cadence_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown cadence"):
        next_duty("fortnightly", local("2026-11-22 12:00"))


@pytest.mark.parametrize(
    ("due", "expected"),
    [
        ("2026-11-23 20:59", "2026-11-23 20:59 +0100"),  # stays
        ("2026-11-23 21:00", "2026-11-24 08:00 +0100"),  # quiet from 21:00: next morning
        ("2026-11-23 23:59", "2026-11-24 08:00 +0100"),
        ("2026-11-24 00:00", "2026-11-24 08:00 +0100"),
        ("2026-11-24 07:59", "2026-11-24 08:00 +0100"),
        ("2026-11-24 08:00", "2026-11-24 08:00 +0100"),  # stays
        ("2026-11-24 12:00", "2026-11-24 12:00 +0100"),
        # across the spring change (29 March 2026, 02:00 CET -> 03:00 CEST)
        ("2026-03-28 21:00", "2026-03-29 08:00 +0200"),
        ("2026-03-29 03:30", "2026-03-29 08:00 +0200"),
        # across the autumn change (25 October 2026, 03:00 CEST -> 02:00 CET)
        ("2026-10-24 22:00", "2026-10-25 08:00 +0100"),
    ],
)
def test_out_of_quiet_hours(due: str, expected: str) -> None:
    assert shown(out_of_quiet_hours(local(due))) == expected
    # The same instant given in UTC gives the same answer.
    assert shown(out_of_quiet_hours(local(due).astimezone(UTC))) == expected


@pytest.mark.parametrize(
    ("start", "days", "expected", "hours"),
    [
        ("2026-03-27 10:00", 3, "2026-03-30 10:00 +0200", 71),  # spring: one hour shorter
        ("2026-10-24 10:00", 1, "2026-10-25 10:00 +0100", 25),  # autumn: one hour longer
        ("2026-11-23 10:00", 14, "2026-12-07 10:00 +0100", 14 * 24),
        ("2026-03-26 22:30", 2, "2026-03-29 08:00 +0200", None),  # out of quiet hours
        ("2026-03-26 22:30", 1, "2026-03-28 08:00 +0100", None),
    ],
)
def test_days_after_keeps_the_wall_time(
    start: str, days: int, expected: str, hours: int | None
) -> None:
    later = days_after(local(start).astimezone(UTC), days)
    assert shown(later) == expected
    if hours is not None:
        assert later - local(start) == timedelta(hours=hours)


def test_on_day_is_a_stockholm_time() -> None:
    assert shown(on_day(date(2026, 3, 28))) == "2026-03-28 09:00 +0100"
    assert shown(on_day(date(2026, 3, 29))) == "2026-03-29 09:00 +0200"
    assert on_day(date(2026, 3, 29)) == datetime(2026, 3, 29, 7, 0, tzinfo=UTC)
