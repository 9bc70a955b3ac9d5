"""Words that count, measure, age or repeat are not read as when it happened.

A frightened person writes "en dag kom han hem till mig", "han har ringt två gånger", "i två
dagar" or "han är runt 20" at "När och var hände det?". They were read as "i går", the 2nd,
2 December and 20.00, and said back as if she had written that. Unless a test says otherwise
it is Friday 4 December 2026, 17.40 in Stockholm.
"""

from __future__ import annotations

from datetime import date, datetime, time

import pytest

from conversations.date_noise import quiet, unquiet
from conversations.dates import Moment, Part, coming, dates_in, understand, understood
from conversations.i18n import DISPLAY_TZ
from conversations.stats.months import months_named

NOW = datetime(2026, 12, 4, 17, 40, tzinfo=DISPLAY_TZ)
TODAY, YESTERDAY, WEDNESDAY = date(2026, 12, 4), date(2026, 12, 3), date(2026, 12, 2)
TUESDAY, MONDAY, LAST_FRIDAY = date(2026, 12, 1), date(2026, 11, 30), date(2026, 11, 27)


def at(day: date, hour: int, minute: int = 0) -> Moment:
    return Moment(day, time(hour, minute))


NOT_WHEN_SV = [
    # "one day": a story begins, no day is said
    "en dag",
    "En dag kom han hem till mig",
    # how many
    "2 st",
    "jag fick 2 st brev",
    "fick 2st brev",
    "två gånger",
    "han har ringt 3 ggr",
    "5-6 gånger",
    "flera gånger",
    "3 brev",
    "2 män",
    "ca 10 personer",
    "ca 20 meddelanden",
    "runt 10 gånger",
    "vid 12 tillfällen",
    "omkring 15 sms",
    "1, 13",
    "1,13",
    "2, 3",
    # how long
    "i två dagar",
    "han ringde i 2 dagar",
    "2 dagar",
    "2-3 dagar",
    "3 dagar i rad",
    "1-2 veckor",
    "10-15 minuter",
    "3,5 timme",
    "i flera månader",
    "hela veckan",
    # how old
    "han är runt 50 år",
    "han är runt 20",
    "han var ca 20",
    "30-40 år",
    "en 45-årig man",
    "han var i 40-årsåldern",
    # how often
    "varje dag",
    "varje natt i två veckor",
    # a span with no day in it: she is asked for the day
    "sedan i somras",
    "förra veckan",
    "sist i oktober",
    "en dag i förra veckan",
    # numbers that are not days
    "nummer 12",
    "rum 3",
    "mellan 22-23",
    "vid 7-Eleven",
]

NOT_WHEN_EN = [
    "one day",
    "One day he came to my door",
    "a day",
    "for two days",
    "he followed me for 2 days",
    "two days",
    "the last two days",
    "last 3 days",
    "2-3 days",
    "5-6 times",
    "many times",
    "twice",
    "about 10 times",
    "around 20 people",
    "every night",
    "for weeks",
    "since the summer",
    "last week",
    "one day last week",
    "he is about 50",
    "he is about 20",
    "he was around 18",
    "a 45 year old man",
    "a man in his 40s",
    "room 3",
    "number 12",
    "between 10 and 11",
]


@pytest.mark.parametrize("locale", ["sv", "en"])
@pytest.mark.parametrize("text", NOT_WHEN_SV + NOT_WHEN_EN)
def test_a_count_a_span_an_age_or_one_day_is_no_moment(text: str, locale: str) -> None:
    assert understand(text, NOW, locale) is None


@pytest.mark.parametrize("text", ["en dag", "one day", "2 st", "i två dagar", "1, 13", "3 ggr"])
def test_nor_a_day_to_come(text: str) -> None:
    """Booking a call: "i två dagar" is not the day after tomorrow, nor 2 December."""
    assert coming(text, NOW, "sv") is None and coming(text, NOW, "en") is None


WHEN_SV = [
    ("i förrgår", Moment(WEDNESDAY)),
    ("kvart över tio", at(TODAY, 10, 15)),
    ("halv elva", at(TODAY, 10, 30)),
    # "vid 5-tiden" is on a 12-hour dial, like "halv elva": the latest 05.00 or 17.00
    ("vid 5-tiden", at(TODAY, 17)),
    ("runt 5", at(TODAY, 17)),
    ("vid 5-tiden i morse", at(TODAY, 5)),
    ("kl 5", at(TODAY, 5)),  # "kl" is the 24-hour clock, as Swedes write it
    ("i förrgår vid 5-tiden", at(WEDNESDAY, 17)),
    # counted back from now: a day
    ("för två dagar sedan", Moment(WEDNESDAY)),
    ("2 dagar sedan", Moment(WEDNESDAY)),
    ("3 dagar sen", Moment(TUESDAY)),
    ("sedan i måndags", Moment(MONDAY)),  # the day it began is named
    # a count beside a day
    ("Han ringde tre gånger i går kväll", Moment(YESTERDAY, None, Part.EVENING)),
    ("i tisdags, ca 10 personer stod utanför", Moment(TUESDAY)),
    ("han är runt 50 och kom i går vid 22", at(YESTERDAY, 22)),
    ("2 st sms i går kl 22.40", at(YESTERDAY, 22, 40)),
    ("fick 5 sms igår 22.40", at(YESTERDAY, 22, 40)),
    ("i går kl. 22-23", at(YESTERDAY, 22)),
    ("en kväll i fredags", Moment(LAST_FRIDAY, None, Part.EVENING)),
    ("hela dagen igår", Moment(YESTERDAY)),
    ("den 3 december, ca 20 personer", Moment(YESTERDAY)),
    ("3.12.2026, hemma", Moment(YESTERDAY)),
]

WHEN_EN = [
    ("yesterday, 3 times", Moment(YESTERDAY)),
    ("two men around 10 last night", at(YESTERDAY, 22)),
    ("he is about 50, it was yesterday at 10 pm", at(YESTERDAY, 22)),
    ("all day yesterday", Moment(YESTERDAY)),
    ("3 days ago", Moment(TUESDAY)),
    ("1st December", Moment(TUESDAY)),
    ("the 3rd", Moment(YESTERDAY)),
    ("around 5", at(TODAY, 17)),
]


@pytest.mark.parametrize(("text", "expected"), WHEN_SV, ids=[t for t, _ in WHEN_SV])
def test_a_day_or_time_beside_them_is_read(text: str, expected: Moment) -> None:
    assert understand(text, NOW, "sv") == expected


@pytest.mark.parametrize(("text", "expected"), WHEN_EN, ids=[t for t, _ in WHEN_EN])
def test_a_day_or_time_beside_them_is_read_in_english(text: str, expected: Moment) -> None:
    assert understand(text, NOW, "en") == expected


def test_a_day_counted_ahead_is_still_a_day_to_come() -> None:
    assert coming("om två dagar", NOW, "sv") == Moment(date(2026, 12, 6))
    assert coming("in 2 days", NOW, "en") == Moment(date(2026, 12, 6))


def test_the_words_left_keep_the_count() -> None:
    """What is left once the day is read is hers: "tre gånger" is not taken as the day, so
    it is not taken as said either (a sentence with a day is not a time alone)."""
    moment, rest = understood("Han ringde tre gånger i går kväll", NOW, "sv")
    assert moment == Moment(YESTERDAY, None, Part.EVENING)
    assert rest.split() == ["han", "ringde", "tre", "gånger"]


def test_blanked_words_keep_their_place_and_come_back() -> None:
    text = "fick 2 st brev | i två dagar, han är runt 20"
    said, blanked = quiet(text)
    assert len(said) == len(text) and "2" not in said and "två" not in said
    assert blanked == ["2 st", "två dagar", "han är runt 20"]
    assert unquiet(said, blanked) == text.replace("|", " ")


def test_digits_not_written_as_a_day_are_no_day() -> None:
    """dateparser read "1, 13" as 1 December 2013 and "30-40" as 30 December 1940."""
    for text in ("1, 13", "30-40", "10 and 11", "5-6", "3 12"):
        assert [f for f in dates_in(text, "en", NOW, "past") if f[2] == "day"] == [], text
    assert [said for said, _w, _p in dates_in("3.12.2026", "sv", NOW, "past")] == ["3.12.2026"]


def test_a_span_of_months_is_no_month() -> None:
    """/statistik "i två månader" was October alone."""
    assert months_named("i två månader", NOW, "sv") == []
    assert months_named("for 3 months", NOW, "en") == []
    assert months_named("mars 2026", NOW, "sv") == [(date(2026, 3, 1), "month")]
