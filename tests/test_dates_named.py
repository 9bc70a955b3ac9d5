"""Days people name without a date: counted back ("för en vecka sedan", "a week ago"), a
holiday ("julafton", "Christmas Eve") or a day of the month alone ("den 5", "5:e", "the
5th"). The first two were not read at all; a day of the month was read in this month,
even when it had not come yet ("den 25" on 4 December was 25 December, "not come yet"), and
a day to plan was this month's gone one ("den 1" on 4 December: 1 December, gone).

Of something that happened, the latest such day that has come is meant; of a day to plan,
the next one from today on. Unless a test says otherwise it is Friday 4 December 2026, 17.40
in Stockholm.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time

import pytest

from conversations.dates import Moment, Part, coming, coming_day, describe, understand
from conversations.i18n import DISPLAY_TZ

NOW = datetime(2026, 12, 4, 17, 40, tzinfo=DISPLAY_TZ)
TODAY = date(2026, 12, 4)


def at(day: date, hour: int, minute: int = 0) -> Moment:
    return Moment(day, time(hour, minute))


GONE = [
    # counted back from today
    ("sv", "för en vecka sedan", Moment(date(2026, 11, 27), about=True)),
    ("sv", "för en vecka sen", Moment(date(2026, 11, 27), about=True)),
    ("sv", "en vecka sedan", Moment(date(2026, 11, 27), about=True)),
    ("sv", "för två veckor sedan", Moment(date(2026, 11, 20), about=True)),
    ("sv", "för 3 dagar sedan", Moment(date(2026, 12, 1))),
    ("sv", "för tre dagar sedan kl 22", at(date(2026, 12, 1), 22)),
    ("sv", "för en månad sedan", Moment(date(2026, 11, 4), about=True)),
    ("sv", "för en vecka sedan på kvällen", Moment(date(2026, 11, 27), None, Part.EVENING, True)),
    ("en", "a week ago", Moment(date(2026, 11, 27), about=True)),
    ("en", "two weeks ago", Moment(date(2026, 11, 20), about=True)),
    ("en", "two days ago", Moment(date(2026, 12, 2))),
    ("en", "3 days ago at 10 pm", at(date(2026, 12, 1), 22)),
    ("en", "a month ago", Moment(date(2026, 11, 4), about=True)),
    # a holiday: the latest one that has come
    ("sv", "julafton", Moment(date(2025, 12, 24))),
    ("sv", "på julaftonen, hemma hos mamma", Moment(date(2025, 12, 24))),
    ("sv", "juldagen", Moment(date(2025, 12, 25))),
    ("sv", "på juldag", Moment(date(2025, 12, 25))),
    ("sv", "annandag jul", Moment(date(2025, 12, 26))),
    ("sv", "nyårsafton", Moment(date(2025, 12, 31))),
    ("sv", "nyårsdagen", Moment(date(2026, 1, 1))),
    ("sv", "midsommarafton", Moment(date(2026, 6, 19))),
    ("sv", "midsommardagen", Moment(date(2026, 6, 20))),
    ("sv", "trettondagen", Moment(date(2026, 1, 6))),
    ("sv", "långfredagen", Moment(date(2026, 4, 3))),
    ("sv", "nyårsafton kl 23.30", at(date(2025, 12, 31), 23, 30)),
    ("sv", "julafton på kvällen", Moment(date(2025, 12, 24), None, Part.EVENING)),
    ("sv", "natten till juldagen", Moment(date(2025, 12, 24), None, Part.NIGHT)),
    ("en", "Christmas Eve", Moment(date(2025, 12, 24))),
    ("en", "on Christmas Day", Moment(date(2025, 12, 25))),
    ("en", "Boxing Day", Moment(date(2025, 12, 26))),
    ("en", "New Year's Eve", Moment(date(2025, 12, 31))),
    ("en", "new years eve around 11 pm", at(date(2025, 12, 31), 23)),
    ("en", "Midsummer Eve", Moment(date(2026, 6, 19))),
    ("en", "Good Friday", Moment(date(2026, 4, 3))),  # not the latest Friday
    # a day of the month alone: the latest one that has come
    ("sv", "den 25", Moment(date(2026, 11, 25))),  # was 25 December: "not come yet"
    ("sv", "den 25:e kl 22", at(date(2026, 11, 25), 22)),
    ("sv", "25:e", Moment(date(2026, 11, 25))),
    ("sv", "den 3", Moment(date(2026, 12, 3))),
    ("sv", "den 31", Moment(date(2026, 10, 31))),  # November has no 31st
    ("sv", "fredag den 25", Moment(date(2026, 11, 25))),
    ("en", "the 25th", Moment(date(2026, 11, 25))),
    ("en", "on the 21st at 9 pm", at(date(2026, 11, 21), 21)),
    ("en", "the 3rd", Moment(date(2026, 12, 3))),
]


@pytest.mark.parametrize(("locale", "text", "expected"), GONE, ids=[t for _l, t, _e in GONE])
def test_a_day_gone_is_read(locale: str, text: str, expected: Moment) -> None:
    assert understand(text, NOW, locale) == expected


@pytest.mark.parametrize(("locale", "text", "expected"), GONE, ids=[t for _l, t, _e in GONE])
def test_it_is_read_by_someone_who_reads_the_other_language(
    locale: str, text: str, expected: Moment
) -> None:
    """Anna writes "Christmas Eve", Bo "julafton"."""
    assert understand(text, NOW, "en" if locale == "sv" else "sv") == expected


@pytest.mark.parametrize(
    ("text", "locale", "said"),
    [
        ("för en vecka sedan", "sv", "omkring 27 november"),
        ("för två veckor sedan", "sv", "omkring 20 november"),
        ("julafton", "sv", "24 december 2025"),
        ("den 25", "sv", "25 november"),
        ("a week ago", "en", "around 27 November"),
        ("Christmas Eve", "en", "24 December 2025"),
        ("the 25th", "en", "25 November"),
    ],
)
def test_said_back_as_other_days_are_and_read_back_the_same(
    text: str, locale: str, said: str
) -> None:
    """A day counted back in weeks is said as about that day ("omkring 27 november"): a
    date she did not give; read back, it is the same day."""
    moment = understand(text, NOW, locale)
    assert moment is not None and describe(moment, NOW, locale) == said
    again = understand(said, NOW, locale)
    assert again is not None and replace(again, about=moment.about) == moment


def test_on_the_day_itself_it_is_today_unless_its_time_has_not_come() -> None:
    julafton = datetime(2026, 12, 24, 17, 0, tzinfo=DISPLAY_TZ)
    assert understand("julafton", julafton, "sv") == Moment(date(2026, 12, 24))
    assert understand("julafton kl 15", julafton, "sv") == at(date(2026, 12, 24), 15)
    assert understand("julafton kl 22", julafton, "sv") == at(date(2025, 12, 24), 22)
    assert understand("den 4", NOW, "sv") == Moment(TODAY)
    assert understand("den 4 kl 22", NOW, "sv") == at(date(2026, 11, 4), 22)


def test_after_new_year_the_christmas_just_gone_is_meant() -> None:
    january = datetime(2027, 1, 3, 12, 0, tzinfo=DISPLAY_TZ)
    assert understand("julafton", january, "sv") == Moment(date(2026, 12, 24))
    assert understand("nyårsafton", january, "sv") == Moment(date(2026, 12, 31))
    assert understand("den 28", january, "sv") == Moment(date(2026, 12, 28))
    assert describe(Moment(date(2026, 12, 24)), january, "sv") == "24 december 2026"


COMING = [
    ("sv", "julafton", date(2026, 12, 24)),
    ("sv", "nyårsdagen", date(2027, 1, 1)),
    ("sv", "midsommarafton", date(2027, 6, 25)),
    ("en", "Christmas Eve", date(2026, 12, 24)),
    ("en", "New Year's Day", date(2027, 1, 1)),
    ("sv", "den 5", date(2026, 12, 5)),
    ("sv", "den 1", date(2027, 1, 1)),  # was 1 December, gone
    ("sv", "3:e", date(2027, 1, 3)),
    ("sv", "den 4", TODAY),
    ("en", "the 1st", date(2027, 1, 1)),
    ("en", "on the 15th", date(2026, 12, 15)),
]


@pytest.mark.parametrize(("locale", "text", "day"), COMING, ids=[t for _l, t, _d in COMING])
def test_a_day_to_plan_is_the_next_one(locale: str, text: str, day: date) -> None:
    assert coming(text, NOW, locale) == Moment(day)
    assert coming_day(text, NOW, locale) == day


def test_a_day_to_plan_keeps_its_time() -> None:
    assert coming("den 1 kl 10", NOW, "sv") == at(date(2027, 1, 1), 10)
    assert coming("julafton 14:00", NOW, "sv") == at(date(2026, 12, 24), 14)
    assert coming("the 1st at 2 pm", NOW, "en") == at(date(2027, 1, 1), 14)


def test_a_day_counted_back_is_gone_for_a_day_to_plan() -> None:
    """Returned as read, so that booking says it has been."""
    assert coming("för en vecka sedan", NOW, "sv") == Moment(date(2026, 11, 27))
    assert coming_day("för en vecka sedan", NOW, "sv") is None


@pytest.mark.parametrize(
    ("text", "locale"),
    [
        ("förra veckan", "sv"),
        ("last week", "en"),
        ("han ringde för 5:e gången", "sv"),
        ("på 5:e våningen", "sv"),
        ("jag är 1:a vice ordförande", "sv"),
        ("utanför Storgatan 5a", "sv"),  # a house, not the 5th
        ("the 5th time he called", "en"),
        ("den 32", "sv"),
        ("den andra mannen", "sv"),  # an ordinal that is no day
        ("andra advent", "sv"),
        ("the first time he called", "en"),
    ],
)
def test_no_day_in_them(text: str, locale: str) -> None:
    assert understand(text, NOW, locale) is None
    assert coming(text, NOW, locale) is None


def test_a_month_said_with_the_day_is_that_date() -> None:
    """ "den 25 december" is no day of the month alone: the date, as before."""
    assert understand("den 3 december", NOW, "sv") == Moment(date(2026, 12, 3))
    assert understand("den 3:e december", NOW, "sv") == Moment(date(2026, 12, 3))
    assert understand("the 3rd of December", NOW, "en") == Moment(date(2026, 12, 3))
    assert understand("December 3rd", NOW, "en") == Moment(date(2026, 12, 3))
    assert understand("den 3/12", NOW, "sv") == Moment(date(2026, 12, 3))
