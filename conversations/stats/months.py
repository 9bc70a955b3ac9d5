"""Months and years named for a period of statistics ("mars 2026", "i fjol", "January to
June")."""

from __future__ import annotations

import re
from datetime import date, datetime

from conversations.date_noise import quiet
from conversations.dates import WORDS, dates_in
from conversations.i18n import DEFAULT_LOCALE, DISPLAY_TZ

_YEAR = re.compile(r"\b20\d\d\b")

_RANGE_DASH = re.compile(r"(?<=[^\W\d_])\s*[–—-]\s*(?=[^\W\d_])")  # "mars–juni"
_RANGE_WORD = {"sv": " till ", "en": " to "}


def months_named(text: str, now: datetime, locale: str) -> list[tuple[date, str]]:
    """Read the months and years a text names ("mars 2026", "2025", "i fjol", "January to
    June"), in the order written: (the first day of it, "month" or "year"). A month without
    a year is the latest such month begun."""
    # both readings: "mars 2026" read in English finds the year alone; the one that names
    # more months wins, her own language when they name as much
    first = locale if locale in WORDS else DEFAULT_LOCALE
    readings = [_months_named(text, now, each) for each in (first, *WORDS.keys() - {first})]
    return max(readings, key=lambda named: (len(named), [p for _d, p in named].count("month")))


def _months_named(text: str, now: datetime, locale: str) -> list[tuple[date, str]]:
    local = now.astimezone(DISPLAY_TZ)
    said = quiet(text.casefold())[0]  # "i två månader" is not October
    written = _RANGE_DASH.sub(_RANGE_WORD.get(locale, " till "), said)
    found = dates_in(written, locale, local, "past", ngram=False)
    named: list[tuple[date, str]] = []
    yearless: list[int] = []  # positions of months written without a year
    for said, when, period in found:
        if not isinstance(when, datetime) or period not in ("month", "year"):
            continue
        if period == "year":
            named.append((date(when.year, 1, 1), "year"))
            continue
        day = date(when.year, when.month, 1)
        if not _YEAR.search(said):
            yearless.append(len(named))
            if day > local.date():
                day = day.replace(year=day.year - 1)  # "december" written in March
        named.append((day, "month"))
    if len(named) == 2 and yearless == [0] and named[1][1] == "month":
        # "januari till juni 2025": the first month is in the year the second one names
        first, last = named[0][0].replace(year=named[1][0].year), named[1][0]
        named[0] = (first if first <= last else first.replace(year=first.year - 1), "month")
    return named
