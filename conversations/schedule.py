"""Calendar rules: quiet hours, days after an event, general elections, duty cadences.

All computations are in Europe/Stockholm wall time (so "day 2 at the same hour" survives
a daylight-saving change) and return aware datetimes; storage keeps them in UTC.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import cache

from sqlalchemy.ext.asyncio import AsyncSession

from conversations.i18n import DISPLAY_TZ
from storage.directory import DirectoryRepo

QUIET_HOURS = "21-08"  # the default; each municipality's org file may set its own
FIRST_ELECTION = 2026  # Swedish general elections: every 4 years, 2nd Sunday of September


def quiet_span(setting: str | None) -> tuple[time, time]:
    """Read an org file's quiet hours ("21-08": from 21:00 until 08:00); None: the default."""
    start, _, end = (setting or QUIET_HOURS).partition("-")
    return time(int(start)), time(int(end))


def is_quiet(moment: datetime, quiet: str | None = None) -> bool:
    """True if ``moment`` falls in the quiet hours (Stockholm wall time)."""
    start, end = quiet_span(quiet)
    clock = moment.astimezone(DISPLAY_TZ).time()
    if start <= end:  # e.g. "00-07": within one day
        return start <= clock < end
    return clock >= start or clock < end


def out_of_quiet_hours(due: datetime, quiet: str | None = None) -> datetime:
    """Move a nudge or check-in due in the quiet hours (by default 21:00–08:00, Stockholm)
    to the end of them."""
    if not is_quiet(due, quiet):
        return due.astimezone(UTC)
    _start, end = quiet_span(quiet)
    local = due.astimezone(DISPLAY_TZ)
    day = local.date() if local.time() < end else local.date() + timedelta(days=1)
    return datetime.combine(day, end, DISPLAY_TZ).astimezone(UTC)


def days_after(start: datetime, days: int, quiet: str | None = None) -> datetime:
    """The same wall-clock time ``days`` later in Stockholm, then out of quiet hours."""
    local = start.astimezone(DISPLAY_TZ)
    later = datetime.combine(local.date() + timedelta(days=days), local.time(), DISPLAY_TZ)
    return out_of_quiet_hours(later, quiet)


def morning_of(day: date, quiet: str | None = None) -> datetime:
    """The end of the quiet hours on ``day`` (by default 08:00, Stockholm), in UTC: when a
    reminder for that day comes."""
    _start, end = quiet_span(quiet)
    return on_day(day, end)


@cache
def _days_off(year: int) -> frozenset[date]:
    """Sweden's public holidays in ``year``, with midsommarafton, julafton and nyårsafton
    (days off by law and custom, though not public holidays)."""
    return frozenset(_holiday_names(year, "sv"))


def is_day_off(day: date) -> bool:
    """True on a Saturday, a Sunday or a Swedish holiday (juldagen, midsommarafton …)."""
    return day.weekday() >= 5 or day in _days_off(day.year)


def working_day(day: date) -> date:
    """The day, or the next working day if nobody works on it (a call planned "in 2 weeks"
    is not planned for a Sunday, nor for juldagen)."""
    while is_day_off(day):
        day += timedelta(days=1)
    return day


def on_working_day(due: datetime, quiet: str | None = None) -> datetime:
    """When a reminder to a contact due at ``due`` comes: out of the quiet hours and, on a
    day nobody works (a weekend, a holiday), the morning of the next working day."""
    due = out_of_quiet_hours(due, quiet)
    day = due.astimezone(DISPLAY_TZ).date()
    return morning_of(working_day(day), quiet) if is_day_off(day) else due


@cache
def _holiday_names(year: int, language: str) -> dict[date, str]:
    """The names of the days off in ``year`` (see :func:`_days_off`), in ``language``."""
    # imported when a day is first asked about, not at start-up (the package takes a while)
    from holidays import country_holidays
    from holidays.constants import DE_FACTO, PUBLIC

    days = country_holidays("SE", years=year, categories=(PUBLIC, DE_FACTO), language=language)
    return dict(days.items())


HOLIDAY_LANGUAGES = {"sv": "sv", "en": "en_US"}  # the package's names for Trygg's locales
PROPER = ("Kristi",)  # a holiday's name that starts with a name keeps its capital


def holidays_in(year: int, locale: str) -> dict[date, str]:
    """Sweden's days off in ``year`` by their names in ``locale`` ("Julafton", "Christmas
    Eve"); none in a language with no names for them."""
    language = HOLIDAY_LANGUAGES.get(locale)
    return _holiday_names(year, language) if language else {}


def holiday_name(day: date, locale: str) -> str | None:
    """The Swedish holiday ``day`` is ("julafton", "Christmas Eve"), as it reads inside a
    sentence; None on any other day, or in a language with no names for it."""
    names = holidays_in(day.year, locale).get(day)
    name = names.split(";")[0].strip() if names else None  # two on one day: the first
    if not name or locale != "sv" or name.startswith(PROPER):
        return name
    return name[:1].lower() + name[1:]  # "Julafton" reads "… är julafton."


def on_day(day: date, at: time = time(9, 0)) -> datetime:
    """A Stockholm date at a time, as an aware datetime in UTC."""
    return datetime.combine(day, at, DISPLAY_TZ).astimezone(UTC)


def election_day(year: int) -> date:
    """The second Sunday of September of ``year``."""
    first = date(year, 9, 1)
    first_sunday = first + timedelta(days=(6 - first.weekday()) % 7)
    return first_sunday + timedelta(days=7)


def next_election(after: date) -> date:
    """The next Swedish general election on or after ``after``."""
    year = FIRST_ELECTION + max(0, (after.year - FIRST_ELECTION + 3) // 4 * 4)
    while election_day(year) < after:
        year += 4
    return election_day(year)


def next_duty(cadence: str, after: datetime) -> datetime:
    """When a recurring organisation duty is next due, after ``after``.

    - half_year: training every half year: 1 February and 1 September.
    - four_per_term: the cooperation meeting, 4 times in a 4-year term: once a year, 1 March.
    - per_term: once per term, right after it starts: 1 November after each election.
    - year_before_election: plan revision, at the latest the year before the election:
      reminded on 1 September of that year.
    """
    today = after.astimezone(DISPLAY_TZ).date()
    candidates: list[date] = []
    for year in (today.year, today.year + 1):
        if cadence == "half_year":
            candidates += [date(year, 2, 1), date(year, 9, 1)]
        elif cadence == "four_per_term":
            candidates.append(date(year, 3, 1))
    if cadence == "per_term":
        election = next_election(today - timedelta(days=80))
        candidates += [date(election.year, 11, 1), date(election.year + 4, 11, 1)]
    if cadence == "year_before_election":
        election = next_election(today)
        candidates += [date(election.year - 1, 9, 1), date(election.year + 3, 9, 1)]
    upcoming = sorted(on_day(d) for d in candidates if on_day(d) > after)
    if not upcoming:
        raise ValueError(f"unknown cadence {cadence!r}")
    return upcoming[0]


async def quiet_hours_of(session: AsyncSession, municipality_id: int | None) -> str:
    """The municipality's quiet hours as its org file sets them ("21-08" by default)."""
    hours = await DirectoryRepo(session).quiet_hours(municipality_id) if municipality_id else None
    return hours or QUIET_HOURS
