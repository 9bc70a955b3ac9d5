"""Days named without their year or month: a holiday ("julafton", "Christmas Eve") or a day
of the month ("den 5", "5:e", "the 5th"). Which one is meant depends on what is asked: of
something that happened, the latest one that has come; of a day to plan, the next one from
today on. The holidays are the ones Trygg knows as days off (conversations/schedule.py),
by the names the holidays package gives them and the forms people write them in.
"""

from __future__ import annotations

import re
from datetime import date
from functools import cache

from babel.dates import get_month_names

from conversations.schedule import holidays_in

_ALSO = {  # what people call a holiday beside the name the package gives it
    "trettondedag jul": ("trettondagen", "trettondag jul", "trettondedagen"),
    "kristi himmelsfärdsdag": ("kristi himmelfärdsdag", "kristi himmelsfärd"),
    "second day of christmas": ("boxing day",),
    "easter sunday": ("easter day",),
    "pentecost": ("whit sunday", "whitsunday"),
    "julafton": ("julas", "i jul", "på jul", "över jul", "under julen", "julhelgen"),  # "i julas"
    "nyårsafton": ("nyår", "nyårsnatten", "nyårskvällen"),  # "i nyår", "på nyår"
    "christmas eve": ("christmas", "xmas"),  # "at Christmas", "last Christmas"
    "new year's eve": ("new year", "new years"),  # "at New Year"
}
_BOUNDARY = re.compile(
    r"\b(?:efter|före|innan|tills|sedan|after|before|until|since)\s+$", re.IGNORECASE
)
"""A word before a holiday that makes it a bound, not the day ("vill höras efter nyår")."""
_YEARS = range(-2, 2)  # the years around this one a holiday is looked for in

_DAY_OF_MONTH = {
    "sv": re.compile(
        r"\bden\s+(?P<d>\d{1,2})(?::?[ea])?\b(?![./:-]\d)|(?<![\d./:-])\b(?P<o>\d{1,2}):[ea]\b"
    ),
    "en": re.compile(
        r"\b(?:on\s+)?(?:the\s+)?(?<![\d./:-])(?P<d>\d{1,2})(?:st|nd|rd|th)\b"
        r"|\bon\s+the\s+(?P<o>\d{1,2})\b(?![./:-]?\d)"
    ),
}
"""A day of the month said alone: "den 5", "5:e", "den 21:a" (not "5a", a house); "the 5th",
"on the 21st"."""


def recurring_day(text: str, locale: str, today: date, ahead: bool) -> tuple[list[date], str]:
    """Return the days a holiday or a day of the month named in ``text`` can mean, and the
    rest of the text with its words blanked: the next one from ``today`` on when ``ahead``;
    else the latest one that has come, and the one before it when that is today (a time
    said with it may not have come yet)."""
    days, rest = _holiday(text, locale, today)
    if not days:
        days, rest = _day_of_month(text, locale, today)
    if not days:
        return [], text
    if ahead:
        return sorted(day for day in days if day >= today)[:1], rest
    gone = sorted((day for day in days if day <= today), reverse=True)
    return gone[:2] if gone[:1] == [today] else gone[:1], rest


def _holiday(text: str, locale: str, today: date) -> tuple[list[date], str]:
    """Return the dates of the holiday named first in the text, around this year."""
    words = _holiday_words(locale, today.year)
    found = [
        (m, name)
        for name, said in words
        if (m := said.search(text)) and not _BOUNDARY.search(text, 0, m.start())
    ]
    if not found:
        return [], text
    m, name = min(found, key=lambda f: (f[0].start(), -len(f[0].group())))
    days = [day for year in _YEARS for day in _named_in(today.year + year, locale).get(name, ())]
    return days, _cut(text, m)


def _day_of_month(text: str, locale: str, today: date) -> tuple[list[date], str]:
    """Return the dates a day of the month said alone can be, in the months around this
    one; nothing when a month is said beside it ("den 5 december" is a date)."""
    pattern = _DAY_OF_MONTH.get(locale)
    after, before = _months()
    for m in pattern.finditer(text) if pattern else ():
        if after.match(text, m.end()) or before.search(text, 0, m.start()):
            continue
        day = int(m["d"] or m["o"])
        if not 1 <= day <= 31:
            continue
        days = []
        for back in range(-13, 14):
            month = today.month - 1 + back
            try:
                days.append(date(today.year + month // 12, month % 12 + 1, day))
            except ValueError:  # no 31st in November
                continue
        return days, _cut(text, m)
    return [], text


def _cut(text: str, match: re.Match[str]) -> str:
    return text[: match.start()] + " " + text[match.end() :]


@cache
def _named_in(year: int, locale: str) -> dict[str, tuple[date, ...]]:
    """The holidays of ``year`` by their names in ``locale``, casefolded."""
    named: dict[str, list[date]] = {}
    for day, names in holidays_in(year, locale).items():
        for name in names.split(";"):
            named.setdefault(name.strip().casefold(), []).append(day)
    return {name: tuple(days) for name, days in named.items()}


@cache
def _holiday_words(locale: str, year: int) -> tuple[tuple[str, re.Pattern[str]], ...]:
    """Each holiday's name in ``locale``, with a pattern for the forms it is written in:
    "julafton", "julaftonen"; "juldagen", "på juldag"; "New Year's Eve", "new years eve"."""
    names = {name for back in _YEARS for name in _named_in(year + back, locale)}
    words = []
    for name in sorted(names):
        forms = "|".join(_form(said) for said in (name, *_ALSO.get(name, ())))
        words.append((name, re.compile(rf"\b(?:{forms})\b")))
    return tuple(words)


def _form(name: str) -> str:
    """A pattern for a holiday's name: any space between its words, an apostrophe or none,
    and "dagen" or "dag", "afton" or "aftonen" at its end."""
    words = [re.escape(word) for word in name.split()]
    if words[-1].endswith("dagen"):
        words[-1] = words[-1].removesuffix("en") + "(?:en)?"
    elif words[-1].endswith("afton"):
        words[-1] += "(?:en)?"
    return r"\s+".join(words).replace("'", "['’]?")


@cache
def month_names() -> str:
    """A pattern for a month's name in either language, in full or shortened ("dec.")."""
    names = {
        name.casefold().rstrip(".")
        for locale in ("sv", "en")
        for width in ("wide", "abbreviated")
        for name in get_month_names(width, locale=locale).values()
    }
    return rf"(?:{'|'.join(sorted(names, key=len, reverse=True))})\.?"


@cache
def _months() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """A month named right after a day ("den 5 december", "the 5th of May") and right
    before it ("December 5th"), in either language, in full or shortened."""
    month = month_names() + r"(?!\w)"
    return re.compile(rf"\s*(?:of\s+)?{month}"), re.compile(rf"(?<!\w){month}\s*$")
