"""Days as people type them that were read as no day, or as the wrong one: a season ("i
julas", "at Christmas"), a vague count back ("för ett par veckor sedan", "a few days ago"),
a day of the month in words ("den tredje december", "the twenty-first"), and the night just
gone typed the morning after ("i natt sedan 23", "tonight at 23" at 06.59, which was a time
to come). It is Monday 7 December 2026 in Stockholm, 09.00 unless a test says otherwise.
"""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from conversations.dates import Moment, Part, coming, describe, understand
from conversations.i18n import DISPLAY_TZ

NOW = datetime(2026, 12, 7, 9, 0, tzinfo=DISPLAY_TZ)
MORNING = datetime(2026, 12, 7, 7, 0, tzinfo=DISPLAY_TZ)
LAST_NIGHT_23 = Moment(date(2026, 12, 6), time(23))


@pytest.mark.parametrize(
    ("locale", "text", "expected"),
    [
        ("sv", "i julas", Moment(date(2025, 12, 24))),
        ("sv", "i jul, utanför huset", Moment(date(2025, 12, 24))),
        ("sv", "på jul", Moment(date(2025, 12, 24))),
        ("sv", "i julas på kvällen", Moment(date(2025, 12, 24), None, Part.EVENING)),
        ("sv", "i nyår", Moment(date(2025, 12, 31))),
        ("sv", "på nyårsafton", Moment(date(2025, 12, 31))),
        ("en", "at Christmas", Moment(date(2025, 12, 24))),
        ("en", "last Christmas", Moment(date(2025, 12, 24))),
        ("en", "on Christmas Day", Moment(date(2025, 12, 25))),  # still the day itself
        ("en", "at New Year", Moment(date(2025, 12, 31))),
        ("en", "on New Year's Day", Moment(date(2026, 1, 1))),
    ],
)
def test_christmas_and_new_year_are_the_latest_gone(
    locale: str, text: str, expected: Moment
) -> None:
    assert understand(text, NOW, locale) == expected


def test_i_julas_after_christmas_is_the_one_just_gone() -> None:
    assert understand("i julas", datetime(2027, 1, 10, 12, tzinfo=DISPLAY_TZ), "sv") == Moment(
        date(2026, 12, 24)
    )


@pytest.mark.parametrize(
    ("locale", "text", "expected"),
    [
        ("sv", "för ett par veckor sedan", date(2026, 11, 23)),
        ("sv", "för några veckor sedan", date(2026, 11, 16)),
        ("sv", "för ett par dagar sedan", date(2026, 12, 5)),
        ("sv", "för några dagar sen", date(2026, 12, 4)),
        ("sv", "för flera veckor sedan", date(2026, 11, 16)),
        ("en", "a couple of weeks ago", date(2026, 11, 23)),
        ("en", "a few days ago", date(2026, 12, 4)),
        ("en", "a couple of days ago", date(2026, 12, 5)),
        ("en", "several weeks ago", date(2026, 11, 16)),
    ],
)
def test_a_vague_count_back_is_read_as_för_två_veckor_sedan_is(
    locale: str, text: str, expected: date
) -> None:
    """ "ett par", "a couple": two; "några", "a few": three; a rough day ("about")."""
    assert understand(text, NOW, locale) == Moment(expected, about=True)


def test_a_vague_count_back_keeps_its_part_of_the_day() -> None:
    assert understand("för ett par dagar sedan på kvällen", NOW, "sv") == Moment(
        date(2026, 12, 5), None, Part.EVENING, about=True
    )


@pytest.mark.parametrize(
    ("locale", "text", "expected"),
    [
        ("sv", "den tredje december", Moment(date(2026, 12, 3))),
        ("sv", "tredje december", Moment(date(2026, 12, 3))),
        ("sv", "den första", Moment(date(2026, 12, 1))),
        ("sv", "den tjugoförsta november", Moment(date(2026, 11, 21))),
        ("sv", "den tjugo-andra november kl 22", Moment(date(2026, 11, 22), time(22))),
        ("sv", "den femte kl 22.40", Moment(date(2026, 12, 5), time(22, 40))),
        ("sv", "den trettionde", Moment(date(2026, 11, 30))),
        ("en", "on the third of December", Moment(date(2026, 12, 3))),
        ("en", "December third", Moment(date(2026, 12, 3))),
        ("en", "the twenty-first", Moment(date(2026, 11, 21))),
        ("en", "on the second at 10 pm", Moment(date(2026, 12, 2), time(22))),
    ],
)
def test_a_day_of_the_month_in_words(locale: str, text: str, expected: Moment) -> None:
    assert understand(text, NOW, locale) == expected


def test_a_day_of_the_month_in_words_to_plan_is_the_next() -> None:
    assert coming("den tjugoförsta kl 10", NOW, "sv") == Moment(date(2026, 12, 21), time(10))
    assert coming("the third of January", NOW, "en") == Moment(date(2027, 1, 3))


@pytest.mark.parametrize(
    ("locale", "text"),
    [
        ("sv", "den andra mannen sprang"),
        ("sv", "det var den första gången"),
        ("sv", "på andra advent"),
        ("en", "the first time he called"),
        ("en", "the first may have been a joke"),
    ],
)
def test_an_ordinal_that_is_no_day(locale: str, text: str) -> None:
    assert understand(text, NOW, locale) is None


@pytest.mark.parametrize(
    ("locale", "text", "expected"),
    [
        ("sv", "i natt sedan 23", LAST_NIGHT_23),
        ("sv", "inatt sedan kl 23", LAST_NIGHT_23),
        ("sv", "inatt vid 23-tiden", LAST_NIGHT_23),
        ("sv", "i natt från 23", LAST_NIGHT_23),
        ("sv", "i natt", Moment(date(2026, 12, 6), None, Part.NIGHT)),
        ("en", "last night since 11pm", LAST_NIGHT_23),
        ("en", "last night since 23", LAST_NIGHT_23),
        ("en", "tonight at 23", LAST_NIGHT_23),
        ("en", "tonight", Moment(date(2026, 12, 6), None, Part.NIGHT)),
        ("en", "tonight at 3", Moment(date(2026, 12, 7), time(3))),
    ],
)
def test_the_night_just_gone_typed_in_the_morning(locale: str, text: str, expected: Moment) -> None:
    assert understand(text, MORNING, locale) == expected


def test_tonight_at_6_59_is_said_back_as_last_night() -> None:
    early = datetime(2026, 12, 7, 6, 59, tzinfo=DISPLAY_TZ)
    moment = understand("tonight", early, "en")
    assert moment is not None
    assert describe(moment, early, "en") == "last night"


def test_tonight_and_i_kvall_later_in_the_day_are_still_the_evening_to_come() -> None:
    noon = datetime(2026, 12, 7, 12, 0, tzinfo=DISPLAY_TZ)
    assert understand("tonight", noon, "en") == Moment(date(2026, 12, 7), None, Part.EVENING)
    assert understand("ikväll", MORNING, "sv") == Moment(date(2026, 12, 7), None, Part.EVENING)
    assert coming("tonight at 8", MORNING, "en") == Moment(date(2026, 12, 7), time(20))


def test_a_count_back_with_sedan_and_a_time_keeps_both() -> None:
    """ "sedan" of "för tre dagar sedan kl 22" is no "since 22"."""
    assert understand("för tre dagar sedan kl 22", NOW, "sv") == Moment(date(2026, 12, 4), time(22))


@pytest.mark.parametrize(
    ("locale", "text"),
    [("sv", "i går, sedan 10 min"), ("sv", "i går vid 10 min"), ("en", "since 20 minutes")],
)
def test_minutes_after_sedan_or_since_are_no_hour(locale: str, text: str) -> None:
    moment = understand(text, NOW, locale)
    assert moment is None or moment.time is None, moment


@pytest.mark.parametrize(
    "typed", ["vill höras efter nyår", "inget före jul", "wait until Christmas", "since New Year"]
)
def test_a_holiday_as_a_bound_is_no_day(typed: str) -> None:
    """'Anna vill höras efter nyår' planned the call on New Year's Eve."""
    from conversations.date_recurring import recurring_day

    assert (
        recurring_day(typed, "sv" if typed[0].islower() else "en", date(2026, 12, 7), True)[0] == []
    )
