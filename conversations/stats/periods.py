"""The period statistics cover: whole months, chosen by button or written in words."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime

from babel.dates import get_month_names

from conversations.i18n import DEFAULT_LOCALE, DISPLAY_TZ
from conversations.stats.months import months_named

MAX_MONTHS = 60  # five years: a longer chart reads as a bar code
THIS_YEAR, LAST_12 = "stats:this_year", "stats:last_12"
YEAR = "stats:year:"  # + the year, e.g. stats:year:2025

_MONTH = re.compile(r"\b(20\d\d)-(0[1-9]|1[0-2])\b")  # 2026-03, as the CLI takes it
_LAST_YEAR = re.compile(r"\bsenaste året\b|\bpast year\b")
_COUNT_WORDS = (  # 1, 2, 3 …
    "en ett one a|två two|tre three|fyra four|fem five|sex six|sju seven|åtta eight"
    "|nio nine|tio ten|elva eleven|tolv twelve"
)
_COUNTS = {w: n for n, said in enumerate(_COUNT_WORDS.split("|"), start=1) for w in said.split()}
_UNIT = r"(?P<months>månad\w*|mån\b|months?\b)|år(?:en)?\b|years?\b"
_LAST_N = re.compile(rf"\b(?P<n>\d{{1,2}}|{'|'.join(_COUNTS)})\s+(?:{_UNIT})")
"""The last months or years counted back ("senaste 3 månaderna", "i två år", "last 6 months")."""
_THIS_YEAR = re.compile(r"\bi år\b|\bhittills i år\b|\bthis year\b|\byear to date\b")


@dataclass(frozen=True, slots=True)
class Period:
    """From the first month to the last one, both whole (first days of months)."""

    first: date
    last: date

    @classmethod
    def of(cls, first: date, last: date) -> Period:
        return cls(first.replace(day=1), last.replace(day=1))

    @property
    def months(self) -> list[date]:
        """The first day of each month, in order."""
        count = (self.last.year - self.first.year) * 12 + self.last.month - self.first.month
        return [_add(self.first, n) for n in range(count + 1)]

    def bounds(self) -> tuple[datetime, datetime]:
        """(start, end) in UTC: from the first month's first midnight in Stockholm to the
        one after the last month."""
        end = _add(self.last, 1)
        return _midnight(self.first), _midnight(end)

    def spec(self) -> tuple[tuple[str, str], ...]:
        """The period as a file names it: (("from", "2026-01"), ("to", "2026-12"))."""
        return (("from", f"{self.first:%Y-%m}"), ("to", f"{self.last:%Y-%m}"))

    @classmethod
    def from_spec(cls, spec: dict[str, str]) -> Period | None:
        """Read a period back from its spec (None: malformed)."""
        try:
            first = month_of(spec["from"])
            last = month_of(spec["to"])
        except (KeyError, ValueError):
            return None
        return cls(first, last) if first <= last else None


def month_of(text: str) -> date:
    """Read "YYYY-MM" as its first day (ValueError if it is not one)."""
    m = re.fullmatch(r"(\d{4})-(\d{2})", text.strip())
    if m is None:
        raise ValueError("not YYYY-MM")
    return date(int(m[1]), int(m[2]), 1)


def _add(month: date, months: int) -> date:
    index = month.year * 12 + month.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=DISPLAY_TZ).astimezone(UTC)


def _this_month(now: datetime) -> date:
    return now.astimezone(DISPLAY_TZ).date().replace(day=1)


def this_year(now: datetime) -> Period:
    month = _this_month(now)
    return Period(month.replace(month=1), month)


def last_12(now: datetime) -> Period:
    return last_months(12, now)


def last_months(count: int, now: datetime) -> Period:
    """The last ``count`` months, this one included (at most MAX_MONTHS)."""
    month = _this_month(now)
    return Period(_add(month, -(min(max(count, 1), MAX_MONTHS) - 1)), month)


def whole_year(year: int, now: datetime) -> Period:
    """A calendar year; this year only up to this month."""
    month = _this_month(now)
    last = min(date(year, 12, 1), month)
    return Period(date(year, 1, 1), last)


def from_button(button: str, now: datetime) -> Period | None:
    """The period a button stands for (None: not a period button)."""
    if button == THIS_YEAR:
        return this_year(now)
    if button == LAST_12:
        return last_12(now)
    if button.startswith(YEAR) and button[len(YEAR) :].isdigit():
        year = int(button[len(YEAR) :])
        if 2000 <= year <= _this_month(now).year:
            return whole_year(year, now)
    return None


def read(text: str, now: datetime, locale: str) -> Period | None:
    """Read a period from what a person wrote ("2025", "i år", "mars–juni 2026", "senaste
    3 månaderna", "2026-01 till 2026-06"); None if it names none or only months to come."""
    said = text.casefold().strip()
    this_month = _this_month(now)
    if _LAST_YEAR.search(said):
        return last_12(now)
    if counted := _LAST_N.search(said):
        n = counted["n"]
        count = int(n) if n.isdigit() else _COUNTS[n]
        return last_months(count if counted["months"] else count * 12, now)
    if _THIS_YEAR.search(said):
        return this_year(now)
    found = [date(int(y), int(m), 1) for y, m in _MONTH.findall(said)]
    if found:
        first, last = found[0], found[-1]
    else:
        named = months_named(said, now, locale)
        if not named:
            return None
        (first, kind_first), (last, kind_last) = named[0], named[-1]
        if kind_last == "year":
            last = last.replace(month=12)
        if first > last and kind_first == "month":
            first = first.replace(year=first.year - 1)  # "november till februari"
    if first > last:
        first, last = last, first
    if first > this_month:
        return None
    last = min(last, this_month)
    if (last.year - first.year) * 12 + last.month - first.month >= MAX_MONTHS:
        first = _add(last, -(MAX_MONTHS - 1))
    return Period(first, last)


def within(period: Period, now: datetime) -> Period | None:
    """The period as far as it can be counted: not past this month, at most MAX_MONTHS
    long (its last months kept); None if it starts after this month."""
    this_month = _this_month(now)
    if period.first > this_month or period.first > period.last:
        return None
    last = min(period.last, this_month)
    first = max(period.first, _add(last, -(MAX_MONTHS - 1)))
    return Period(first, last)


def say(period: Period, locale: str) -> str:
    """The period in words: "2025", "mars 2026", "januari–juni 2026", "november 2025–mars
    2026"."""
    names = get_month_names("wide", locale=locale or DEFAULT_LOCALE)
    first, last = period.first, period.last
    if first.month == 1 and last.month == 12 and first.year == last.year:
        return str(first.year)
    if first == last:
        return f"{names[first.month]} {first.year}"
    if first.year == last.year:
        return f"{names[first.month]}–{names[last.month]} {last.year}"
    return f"{names[first.month]} {first.year}–{names[last.month]} {last.year}"


def month_label(month: date, locale: str, first: bool = False) -> str:
    """A month on the chart's axis: "jan." / "Jan", with the year under January and under
    the first month shown."""
    name = get_month_names("abbreviated", locale=locale or DEFAULT_LOCALE)[month.month]
    return f"{name}\n{month.year}" if month.month == 1 or first else name
