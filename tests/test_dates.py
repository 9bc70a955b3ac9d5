"""Issue 17, item 5: dates and times written the way Swedes (and the English) write them.

Unless a test says otherwise it is Friday 4 December 2026, 17.40 in Stockholm. A reading
that is open ("22.40", "fredag", "halv elva") means the most recent past one.
"""

from __future__ import annotations

import logging
import re
from datetime import UTC, date, datetime, time, timedelta

import pytest

from conversations.dates import Moment, Part, coming, describe, is_future, understand
from conversations.i18n import DISPLAY_TZ, format_when
from conversations.stats.months import months_named

NOW = datetime(2026, 12, 4, 17, 40, tzinfo=DISPLAY_TZ)
TODAY, YESTERDAY, WEDNESDAY = date(2026, 12, 4), date(2026, 12, 3), date(2026, 12, 2)
LAST_FRIDAY, MONDAY = date(2026, 11, 27), date(2026, 11, 30)


def at(day: date, hour: int, minute: int = 0) -> Moment:
    return Moment(day, time(hour, minute))


SWEDISH = [
    # the day
    ("i dag", Moment(TODAY)),
    ("idag", Moment(TODAY)),
    ("i går", Moment(YESTERDAY)),
    ("igår", Moment(YESTERDAY)),
    ("i förrgår", Moment(WEDNESDAY)),
    ("förrgår", Moment(WEDNESDAY)),
    ("för två dagar sedan", Moment(WEDNESDAY)),
    ("för 2 dagar sedan", Moment(WEDNESDAY)),
    ("fredag", Moment(TODAY)),
    ("i fredags", Moment(LAST_FRIDAY)),
    ("förra fredagen", Moment(LAST_FRIDAY)),
    ("måndag", Moment(MONDAY)),
    ("i måndags", Moment(MONDAY)),
    ("3/12", Moment(YESTERDAY)),
    ("12/1", Moment(date(2026, 1, 12))),  # day and month, as Swedes write them
    ("för en timme sedan", at(TODAY, 16, 40)),
    ("han ringde för 10 minuter sen", at(TODAY, 17, 30)),
    ("för en halvtimme sedan", at(TODAY, 17, 10)),
    ("den 3/12", Moment(YESTERDAY)),
    ("3/12 2026", Moment(YESTERDAY)),
    ("3.12.2026", Moment(YESTERDAY)),
    ("2026-12-03", Moment(YESTERDAY)),
    ("3 december", Moment(YESTERDAY)),
    ("den 3:e december", Moment(YESTERDAY)),
    ("fredag 27 november", Moment(LAST_FRIDAY)),
    ("1 december 2025", Moment(date(2025, 12, 1))),
    ("i morgon", Moment(date(2026, 12, 5))),  # understood, and is_future says so
    # a part of the day
    ("i kväll", Moment(TODAY, None, Part.EVENING)),
    ("ikväll", Moment(TODAY, None, Part.EVENING)),
    ("i morse", Moment(TODAY, None, Part.MORNING)),
    ("i förmiddags", Moment(TODAY, None, Part.FORENOON)),
    ("i eftermiddags", Moment(TODAY, None, Part.AFTERNOON)),
    ("i natt", Moment(YESTERDAY, None, Part.NIGHT)),  # the night that began yesterday
    ("inatt", Moment(YESTERDAY, None, Part.NIGHT)),
    ("i går kväll", Moment(YESTERDAY, None, Part.EVENING)),
    ("igår morse", Moment(YESTERDAY, None, Part.MORNING)),
    ("i fredags kväll", Moment(LAST_FRIDAY, None, Part.EVENING)),
    # the time of day
    ("22.40", at(YESTERDAY, 22, 40)),  # 22.40 today has not come yet: the latest 22.40
    ("22:40", at(YESTERDAY, 22, 40)),
    ("ca 22.40", at(YESTERDAY, 22, 40)),
    ("kl 16", at(TODAY, 16)),
    ("kl 22", at(YESTERDAY, 22)),
    ("kl. 22", at(YESTERDAY, 22)),
    ("klockan 22", at(YESTERDAY, 22)),
    ("vid 22-tiden i går", at(YESTERDAY, 22)),
    ("halv elva", at(TODAY, 10, 30)),  # 10.30 or 22.30: the latest that has been
    ("i går kl 22.40", at(YESTERDAY, 22, 40)),
    ("den 3 december kl 22", at(YESTERDAY, 22)),
    ("3/12 kl. 22.40", at(YESTERDAY, 22, 40)),
    ("fredag kl 22", at(LAST_FRIDAY, 22)),  # tonight's 22.00 has not come yet
    ("i natt kl 3", at(TODAY, 3)),
    ("i natt kl 23", at(YESTERDAY, 23)),
    ("i kväll kl 10", at(TODAY, 22)),
    ("kvart i tio i går kväll", at(YESTERDAY, 21, 45)),
    # a whole hour after "vid", "runt", "ca": the time is kept with the part of the day
    ("igår kväll vid 22", at(YESTERDAY, 22)),
    ("i går kväll runt 10", at(YESTERDAY, 22)),
    ("i går omkring 14", at(YESTERDAY, 14)),
    ("strax efter 21 i går", at(YESTERDAY, 21)),
    ("ca kl 22 i går", at(YESTERDAY, 22)),
    ("vid 3/12", Moment(YESTERDAY)),  # a date, not three o'clock
    ("natten till i går", Moment(WEDNESDAY, None, Part.NIGHT)),  # began the day before
    ("natten till fredag", Moment(YESTERDAY, None, Part.NIGHT)),
    ("i eftermiddags kvart över tre", at(TODAY, 15, 15)),
    # inside what people write
    ("Hemma i kväll ca 22.40", at(TODAY, 22, 40)),
    ("det var i går kväll vid halv elva", at(YESTERDAY, 22, 30)),
    # the hour in words, as people say it: "i går kväll" alone had been read
    ("igår kväll vid tiotiden, hemma", at(YESTERDAY, 22)),
    ("i går vid elvatiden", at(YESTERDAY, 23)),  # 11.00 today has not come: the latest
    ("i går kväll runt tio", at(YESTERDAY, 22)),
    ("i natt vid ettiden", at(TODAY, 1)),
    ("i går kväll vid tio-tiden", at(YESTERDAY, 22)),
    ("i går, runt tio personer stod utanför", Moment(YESTERDAY)),  # people, not an hour
    ("Han stod utanför huset i förrgår, kanske vid 19.15.", at(WEDNESDAY, 19, 15)),
    ("Mejlet kom i måndags på morgonen", Moment(MONDAY, None, Part.MORNING)),
]

ENGLISH = [
    ("today", Moment(TODAY)),
    ("yesterday", Moment(YESTERDAY)),
    ("the day before yesterday", Moment(WEDNESDAY)),
    ("2 days ago", Moment(WEDNESDAY)),
    ("Friday", Moment(TODAY)),
    ("on Monday", Moment(MONDAY)),
    ("last Friday", Moment(LAST_FRIDAY)),
    ("3 December", Moment(YESTERDAY)),
    ("3/12", Moment(YESTERDAY)),  # day first, as in Sweden and the UK
    ("2026-12-03", Moment(YESTERDAY)),
    ("tonight", Moment(TODAY, None, Part.EVENING)),
    ("this morning", Moment(TODAY, None, Part.MORNING)),
    ("this afternoon", Moment(TODAY, None, Part.AFTERNOON)),
    ("last night", Moment(YESTERDAY, None, Part.NIGHT)),
    ("yesterday evening", Moment(YESTERDAY, None, Part.EVENING)),
    ("22:40", at(YESTERDAY, 22, 40)),
    ("10:40 pm", at(YESTERDAY, 22, 40)),
    ("10.40am", at(TODAY, 10, 40)),
    ("yesterday at 10:40 pm", at(YESTERDAY, 22, 40)),
    ("3 December 22:40", at(YESTERDAY, 22, 40)),
    ("Friday evening at 9pm", at(LAST_FRIDAY, 21)),
    ("I was at home last night, around 11 pm", at(YESTERDAY, 23)),
    ("last night around 10", at(YESTERDAY, 22)),
    ("yesterday at 22", at(YESTERDAY, 22)),
    ("yesterday at 10", at(YESTERDAY, 22)),  # 10.00 or 22.00: the latest, said back to her
    ("last evening", Moment(YESTERDAY, None, Part.EVENING)),
    ("11/20", Moment(date(2026, 11, 20))),  # no month 20: month first (it was "November 2020")
    ("11/20 at 18:00", at(date(2026, 11, 20), 18)),
    ("12/1 21:00", at(date(2026, 12, 1), 21)),  # 1 December or 12 January: the latest
    ("an hour ago", at(TODAY, 16, 40)),  # it was asked as a day, and the hour was lost
    ("20 minutes ago", at(TODAY, 17, 20)),
    ("half an hour ago", at(TODAY, 17, 10)),
]

NOTHING = [
    "",
    "   ",
    "hej",
    "asdf",
    "99/99",
    "31/02",
    "24:00",
    "förra veckan",  # a week, not a day: the person is asked for the day
    "i november",
    "Det var två män, ca 30 år gamla",
    "en man i svart jacka",
    "Han sa att han visste var jag bor",
    "😡😡😡",
]


@pytest.mark.parametrize(("text", "expected"), SWEDISH, ids=[t for t, _ in SWEDISH])
def test_swedish(text: str, expected: Moment) -> None:
    assert understand(text, NOW, "sv") == expected


@pytest.mark.parametrize(("text", "expected"), ENGLISH, ids=[t for t, _ in ENGLISH])
def test_english(text: str, expected: Moment) -> None:
    assert understand(text, NOW, "en") == expected


@pytest.mark.parametrize("text", [*NOTHING, "hello", "two men", "last week"])
@pytest.mark.parametrize("locale", ["sv", "en"])
def test_no_day_is_none(text: str, locale: str) -> None:
    assert understand(text, NOW, locale) is None


def test_now_in_utc_reads_the_day_in_stockholm() -> None:
    """At 00.10 in Stockholm it is still yesterday in UTC; "i går" is the Stockholm one."""
    now = datetime(2026, 12, 4, 23, 10, tzinfo=UTC)  # Saturday 5 December, 00.10
    assert understand("i går", now, "sv") == Moment(TODAY)
    assert understand("i dag", now, "sv") == Moment(date(2026, 12, 5))
    assert understand("22.40", now, "sv") == at(TODAY, 22, 40)
    assert understand("i natt", now, "sv") == Moment(TODAY, None, Part.NIGHT)  # this one
    assert understand("i kväll", now, "sv") == Moment(TODAY, None, Part.EVENING)  # just gone
    assert understand("fredag", now, "sv") == Moment(TODAY)


def test_night_at_ten_pm_is_the_one_beginning() -> None:
    now = datetime(2026, 12, 4, 23, 30, tzinfo=DISPLAY_TZ)
    assert understand("i natt", now, "sv") == Moment(TODAY, None, Part.NIGHT)
    assert understand("i natt kl 23", now, "sv") == at(TODAY, 23)
    assert understand("i natt kl 3", now, "sv") == at(TODAY, 3)  # not tomorrow's 03.00
    assert describe(Moment(TODAY, None, Part.NIGHT), now, "sv") == "i natt"
    assert describe(Moment(TODAY, None, Part.NIGHT), now, "en") == "tonight"


def test_last_night_typed_late_in_the_evening_is_the_night_before() -> None:
    """At 23.00 "last night" is not tonight, which began an hour ago."""
    now = datetime(2026, 12, 4, 23, 0, tzinfo=DISPLAY_TZ)
    last_night = understand("last night", now, "en")
    assert last_night == Moment(YESTERDAY, None, Part.NIGHT)
    assert describe(last_night, now, "en") == "last night"
    assert describe(last_night, now, "sv") == "natten till i dag"  # "i natt" is tonight now
    assert understand("last night around 10", now, "en") == at(YESTERDAY, 22)
    assert understand("last evening", now, "en") == Moment(YESTERDAY, None, Part.EVENING)
    assert understand("igår kväll vid 22", now, "sv") == at(YESTERDAY, 22)
    after_midnight = datetime(2026, 12, 5, 0, 30, tzinfo=DISPLAY_TZ)
    assert understand("last night at 3", after_midnight, "en") == at(TODAY, 3)  # not 03.00 to come
    assert understand("last night at 3", now, "en") == at(TODAY, 3)


@pytest.mark.parametrize(
    ("now", "text", "expected"),
    [
        # clocks go forward on 29 March 2026: 02.00 becomes 03.00
        (datetime(2026, 3, 29, 1, 30, tzinfo=UTC), "i går", Moment(date(2026, 3, 28))),
        (datetime(2026, 3, 29, 1, 30, tzinfo=UTC), "i natt kl 1", at(date(2026, 3, 29), 1)),
        (datetime(2026, 3, 29, 1, 30, tzinfo=UTC), "kl 3.20", at(date(2026, 3, 29), 3, 20)),
        (datetime(2026, 3, 29, 22, 30, tzinfo=UTC), "i dag", Moment(date(2026, 3, 30))),
        # clocks go back on 25 October 2026: 03.00 becomes 02.00
        (datetime(2026, 10, 25, 0, 30, tzinfo=UTC), "kl 2.45", at(date(2026, 10, 25), 2, 45)),
        (datetime(2026, 10, 24, 23, 30, tzinfo=UTC), "kl 3", at(date(2026, 10, 24), 3)),
        (datetime(2026, 10, 25, 22, 30, tzinfo=UTC), "i går", Moment(date(2026, 10, 24))),
        # the year boundary: dates without a year are the most recent past one
        (datetime(2027, 1, 2, 10, 0, tzinfo=DISPLAY_TZ), "3/12", Moment(date(2026, 12, 3))),
        (datetime(2027, 1, 2, 10, 0, tzinfo=DISPLAY_TZ), "2/1", Moment(date(2027, 1, 2))),
        (datetime(2027, 1, 2, 10, 0, tzinfo=DISPLAY_TZ), "3/1", Moment(date(2026, 1, 3))),
        (datetime(2027, 1, 1, 0, 10, tzinfo=DISPLAY_TZ), "i går", Moment(date(2026, 12, 31))),
        (datetime(2027, 1, 1, 0, 10, tzinfo=DISPLAY_TZ), "23.50", at(date(2026, 12, 31), 23, 50)),
    ],
)
def test_clock_changes_and_new_year(now: datetime, text: str, expected: Moment) -> None:
    assert understand(text, now, "sv") == expected


def test_long_text_is_read_without_blocking_for_long() -> None:
    story = "Jag hörde någon vid dörren i går kväll vid halv elva. " + "Han skrek. " * 500
    assert understand(story, NOW, "sv") == at(YESTERDAY, 22, 30)


def test_a_failing_parser_logs_nothing_and_crashes_nothing(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """dateparser logs the words it failed to read; they must not reach any log."""

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("broken")

    caplog.set_level(logging.DEBUG)
    monkeypatch.setattr("dateparser.date.DateDataParser.get_date_data", broken)
    secret = "i går hos Kvarnbacken 7 ZEBRA-FJORD kl 22.40"
    assert understand(secret, NOW, "sv") == at(YESTERDAY, 22, 40)  # the time is still read
    assert "ZEBRA" not in caplog.text and "kvarnbacken" not in caplog.text.casefold()


def test_an_unknown_locale_reads_swedish() -> None:
    assert understand("i går kväll", NOW, "de") == Moment(YESTERDAY, None, Part.EVENING)


# --- is_future -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "future"),
    [
        (Moment(TODAY), False),
        (Moment(date(2026, 12, 5)), True),
        (at(TODAY, 17, 40), False),
        (at(TODAY, 17, 50), False),  # "ca 17.50" typed at 17.40, or a clock a little ahead
        (at(TODAY, 18, 0), True),
        (at(TODAY, 22, 40), True),  # "i kväll ca 22.40", typed at 17.40
        (Moment(TODAY, None, Part.EVENING), False),  # "i kväll" at 17.40: earlier this evening
        (Moment(TODAY, None, Part.AFTERNOON), False),
        (Moment(TODAY, None, Part.NIGHT), True),  # tonight's night begins at 22.00
        (Moment(YESTERDAY, None, Part.NIGHT), False),
    ],
)
def test_is_future(moment: Moment, future: bool) -> None:
    assert is_future(moment, NOW) is future


def test_i_kvall_said_in_the_afternoon_is_future() -> None:
    afternoon = datetime(2026, 12, 4, 14, 0, tzinfo=DISPLAY_TZ)
    moment = understand("i kväll", afternoon, "sv")
    assert moment is not None and is_future(moment, afternoon)


# --- describe --------------------------------------------------------------------------------

DESCRIBED = [
    (at(TODAY, 22, 40), "i dag kl. 22.40", "today 22:40"),
    (at(YESTERDAY, 22, 40), "i går kl. 22.40", "yesterday 22:40"),
    (at(YESTERDAY, 9, 5), "i går kl. 09.05", "yesterday 09:05"),
    (at(LAST_FRIDAY, 22, 40), "fredag 27 november kl. 22.40", "Friday 27 November, 22:40"),
    (
        at(date(2025, 12, 4), 8, 0),
        "torsdag 4 december 2025 kl. 08.00",
        "Thursday 4 December 2025, 08:00",
    ),
    (Moment(TODAY), "i dag", "today"),
    (Moment(YESTERDAY), "i går", "yesterday"),
    (Moment(LAST_FRIDAY), "fredag 27 november", "Friday 27 November"),
    (Moment(date(2026, 11, 3)), "3 november", "3 November"),
    (Moment(date(2025, 12, 4)), "4 december 2025", "4 December 2025"),
    (Moment(TODAY, None, Part.EVENING), "i kväll", "this evening"),
    (Moment(TODAY, None, Part.MORNING), "i morse", "this morning"),
    (Moment(TODAY, None, Part.FORENOON), "i förmiddags", "this morning"),
    (Moment(TODAY, None, Part.AFTERNOON), "i eftermiddags", "this afternoon"),
    (Moment(YESTERDAY, None, Part.NIGHT), "i natt", "last night"),
    (Moment(YESTERDAY, None, Part.EVENING), "i går kväll", "yesterday evening"),
    (Moment(WEDNESDAY, None, Part.NIGHT), "natten till i går", "the night before last"),
    (
        Moment(LAST_FRIDAY, None, Part.EVENING),
        "fredag 27 november på kvällen",
        "the evening of Friday 27 November",
    ),
    (
        Moment(LAST_FRIDAY, None, Part.NIGHT),
        "natten till lördag 28 november",
        "the night of Friday 27 November",
    ),
]


@pytest.mark.parametrize(
    ("moment", "swedish", "english"), DESCRIBED, ids=[s for _, s, _ in DESCRIBED]
)
def test_describe(moment: Moment, swedish: str, english: str) -> None:
    assert describe(moment, NOW, "sv") == swedish
    assert describe(moment, NOW, "en") == english


@pytest.mark.parametrize("text", [t for t, _ in SWEDISH] + [t for t, _ in ENGLISH])
def test_described_without_iso_utc_seconds_or_this_year(text: str) -> None:
    for locale in ("sv", "en"):
        moment = understand(text, NOW, locale)
        if moment is None:
            continue
        said = describe(moment, NOW, locale)
        assert not re.search(r"\d{4}-\d\d|\d[.:]\d\d[.:]\d\d|UTC|\+0\d|\b2026\b", said), said


def test_what_was_understood_reads_back_the_same() -> None:
    """The echo, typed back, is understood as the same moment (so a correction is easy)."""
    for text, _ in SWEDISH:
        moment = understand(text, NOW, "sv")
        assert moment is not None
        if not is_future(moment, NOW):
            assert understand(describe(moment, NOW, "sv"), NOW, "sv") == moment, text
    for text, _ in ENGLISH:
        moment = understand(text, NOW, "en")
        assert moment is not None
        if not is_future(moment, NOW) and moment.part is not Part.NIGHT:
            assert understand(describe(moment, NOW, "en"), NOW, "en") == moment, text


@pytest.mark.parametrize(
    ("moment", "sv", "en"),
    [
        (datetime(2026, 12, 4, 16, 5, tzinfo=UTC), "i dag kl. 17.05", "today 17:05"),
        (datetime(2026, 12, 3, 21, 40, tzinfo=UTC), "i går kl. 22.40", "yesterday 22:40"),
        (datetime(2026, 12, 5, 9, 0, tzinfo=DISPLAY_TZ), "i morgon kl. 09.00", "tomorrow 09:00"),
        (
            datetime(2026, 11, 27, 22, 40, tzinfo=DISPLAY_TZ),
            "fredag 27 november kl. 22.40",
            "Friday 27 November, 22:40",
        ),
        (
            datetime(2025, 12, 31, 23, 59, 59, tzinfo=DISPLAY_TZ),
            "onsdag 31 december 2025 kl. 23.59",
            "Wednesday 31 December 2025, 23:59",
        ),
    ],
)
def test_a_moment_is_said_as_language_md_writes_it(moment: datetime, sv: str, en: str) -> None:
    # in Stockholm's time, no seconds, no ISO, the year only when it is not this one
    assert format_when(moment, "sv", NOW) == sv
    assert format_when(moment, "en", NOW) == en


def test_a_document_gives_every_moment_its_weekday_date_and_year() -> None:
    # a PDF is read long after: "i dag" would be wrong by then
    moment = datetime(2026, 12, 4, 16, 5, tzinfo=UTC)
    assert format_when(moment, "sv") == "fredag 4 december 2026 kl. 17.05"
    assert format_when(moment, "en") == "Friday 4 December 2026, 17:05"


@pytest.mark.parametrize(
    ("text", "locale", "expected"),
    [
        ("imorn kl 18", "sv", at(date(2026, 12, 5), 18)),  # typed on a phone
        ("imorrn", "sv", Moment(date(2026, 12, 5))),
        ("om en vecka", "sv", Moment(date(2026, 12, 11))),
        ("nästa vecka", "sv", Moment(date(2026, 12, 11))),
        ("next week", "en", Moment(date(2026, 12, 11))),
        ("fredag kväll", "sv", Moment(TODAY, None, Part.EVENING)),  # this evening
        # a date said with its weekday is that date, not the coming weekday (9 December)
        ("onsdag 16 december kl 13.30", "sv", at(date(2026, 12, 16), 13, 30)),
        ("Wednesday 16 December 1:30 pm", "en", at(date(2026, 12, 16), 13, 30)),
        ("onsdag 16/12", "sv", Moment(date(2026, 12, 16))),
        # counted from today (were not understood: the buttons worked, the words did not)
        ("om två veckor", "sv", Moment(date(2026, 12, 18))),
        ("om 3 dagar", "sv", Moment(date(2026, 12, 7))),
        ("om tre veckor kl 10", "sv", at(date(2026, 12, 25), 10)),
        ("om en månad", "sv", Moment(date(2027, 1, 4))),
        ("in two weeks", "en", Moment(date(2026, 12, 18))),
        ("in a month", "en", Moment(date(2027, 1, 4))),
    ],
)
def test_a_coming_day_as_people_type_it(text: str, locale: str, expected: Moment) -> None:
    """Moving a check-in: "imorn 18", "om en vecka" and "nästa vecka" were not understood."""
    assert coming(text, NOW, locale) == expected


def test_a_month_on_from_the_31st_is_the_months_last_day() -> None:
    assert coming("om en månad", datetime(2027, 1, 31, 12, tzinfo=DISPLAY_TZ), "sv") == Moment(
        date(2027, 2, 28)
    )


@pytest.mark.parametrize(
    ("text", "locale"),
    [
        ("just nu, utanför mitt hus på Storgatan 5", "sv"),
        ("Nu!", "sv"),
        ("nu, utanför mitt hus", "sv"),
        ("nyss, vid bilen", "sv"),
        ("right now, at home", "en"),
    ],
)
def test_now_is_the_moment_she_writes(text: str, locale: str) -> None:
    """ "just nu" at "När och var" was asked again ("Vilken dag hände det?"), then read as
    today with no time, though the form's own button says "Just nu"."""
    local = NOW.astimezone(DISPLAY_TZ)
    assert understand(text, NOW, locale) == Moment(local.date(), time(local.hour, local.minute))


def test_now_in_passing_is_no_moment() -> None:
    assert understand("han kom nu igen", NOW, "sv") is None
    assert understand("just nu, men det började i går kväll", NOW, "sv") == Moment(
        TODAY - timedelta(days=1), None, Part.EVENING
    )


# A day written as two numbers is read in her own language's order: "12/1" is 12 January to
# someone who reads Swedish, 1 December to someone who reads English.
HER_OWN_FIRST = {"12/1", "12/1 21:00"}


@pytest.mark.parametrize(
    ("text", "expected", "reader"),
    [(t, e, "en") for t, e in SWEDISH if t not in HER_OWN_FIRST]
    + [(t, e, "sv") for t, e in ENGLISH if t not in HER_OWN_FIRST],
    ids=[f"{t}-en" for t, _ in SWEDISH if t not in HER_OWN_FIRST]
    + [f"{t}-sv" for t, _ in ENGLISH if t not in HER_OWN_FIRST],
)
def test_a_day_written_in_the_other_language_is_read(
    text: str, expected: Moment, reader: str
) -> None:
    """Bo reads Trygg in English and writes "igår 22.40"; Anna writes "last Friday"."""
    assert understand(text, NOW, reader) == expected


def test_a_day_to_come_and_a_month_in_the_other_language_are_read() -> None:
    assert coming("tisdag kl 14", NOW, "en") == at(date(2026, 12, 8), 14)
    assert coming("next Tuesday at 2 pm", NOW, "sv") is not None
    assert months_named("mars 2026", NOW, "en") == [(date(2026, 3, 1), "month")]
    assert months_named("March 2026", NOW, "sv") == [(date(2026, 3, 1), "month")]
