"""Understand when something happened, written as people write it, and say it back.

Days ("i går", "3/12", "fredag 27 november") are read by dateparser; a small layer in front
of it reads what dateparser does not know: times of day ("22.40", "kl 22", "halv elva",
"10:40 pm"), parts of the day ("i kväll", "i natt", "last night"), weekdays ("fredag" is
today or the latest Friday, "i fredags" the latest one before today), days counted from now
("för en vecka sedan", "om två veckor": conversations/date_counted.py) and days named without
a date ("julafton", "den 5": conversations/date_recurring.py). When a reading is open, the
most recent past one is meant, or for a day to come the next one. Everything is
Europe/Stockholm. Words that count, measure, age or repeat ("en dag", "två gånger", "i två
dagar") are no day (conversations/date_noise.py).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from datetime import time as Clock
from enum import StrEnum
from typing import TypeVar

from babel.dates import get_day_names
from dateparser.search import search_dates  # type: ignore[import-untyped]

from conversations.date_counted import day_ahead, day_back, roughly_back, time_back
from conversations.date_noise import is_day_in_digits, quiet, unquiet
from conversations.date_ordinals import ordinals_as_digits
from conversations.date_recurring import recurring_day
from conversations.i18n import DEFAULT_LOCALE, DISPLAY_TZ, NEAR_DAYS, format_day, format_when

SLACK = timedelta(minutes=15)  # a clock a little ahead, or "ca 17.45" typed at 17.40
T = TypeVar("T")
TONIGHT_GONE = Clock(10)  # until then "tonight", as "i natt", is the night just gone
SCAN_LIMIT = 500  # characters read; dateparser is slow on long text and blocks the loop

# dateparser logs the words it failed to read: what a person wrote never goes to a log
logging.getLogger("dateparser").setLevel(logging.CRITICAL + 1)


class Part(StrEnum):
    """A part of the day, said when the time itself was not."""

    MORNING = "morning"
    FORENOON = "forenoon"
    AFTERNOON = "afternoon"
    EVENING = "evening"
    NIGHT = "night"  # belongs to the day it begins on: 22.00 until the next morning


STARTS = {
    Part.MORNING: Clock(5),
    Part.FORENOON: Clock(9),
    Part.AFTERNOON: Clock(12),
    Part.EVENING: Clock(17),
    Part.NIGHT: Clock(22),
}


@dataclass(frozen=True)
class Moment:
    """A day, with the time of day or the part of the day when the person said it."""

    day: date
    time: Clock | None = None
    part: Part | None = None
    about: bool = False  # counted back roughly ("för ett par veckor sedan"): said as "omkring"


# --- the Swedish and English words dateparser does not read ---------------------------------

_HHMM = r"(?<![\d./:-])([01]?\d|2[0-3])[.:]([0-5]\d)(?![.:/-]?\d)"
_SV_NUMBERS = "ett|två|tre|fyra|fem|sex|sju|åtta|nio|tio|elva|tolv"
_SV_NEAR = r"vid|runt|omkring|kring|ca\.?|cirka|strax\s+(?:före|innan|efter)|sedan|från"  # "vid 22"
_NO_SPAN = r"(?!\s*(?:min|sek|sec|tim|hour)\w*\b)"  # "sedan 10 min", "about 20 minutes": no hour
_NO_TALLY = r"(?!\s*(?:min|sek|tim|veck|dag|månad|år|person|st\b)\w*)"  # "runt tio personer"
_EN_NEAR = r"at|around|about|approx\.?|approximately|circa|just\s+(?:before|after)|since|from"


@dataclass(frozen=True)
class _Words:
    hour: re.Pattern[str]  # a whole hour: "kl 22", "22-tiden", "vid 22", "around 10"; one
    # under 12 may be on a 12-hour dial ("at 10", "vid 5-tiden": 10 or 22, 5 or 17) unless
    # said with "kl" (group "dial"), as Swedes write the 24-hour clock
    spoken: re.Pattern[str] | None  # "halv elva", "kvart i tio", "klockan tio"
    meridiem: re.Pattern[str] | None  # "10:40 pm"
    part: re.Pattern[str]  # a group per Part; group "this" marks the latest ("i kväll", "last")
    weekday: str  # pattern around {names}; group "before" marks "the one before today"
    day_words: tuple[str, ...]  # a day match without a digit must contain one of these
    night_to: str | None = None  # "natten till fredag": the night that ends on the day read


WORDS = {
    "sv": _Words(
        hour=re.compile(
            r"\b(?:kl\.?|klockan)\s*(?P<dial>[01]?\d|2[0-3])\b(?![.:]\d)|\b(\d{1,2})-?tiden"
            rf"|\b(?:{_SV_NEAR})\s+(?:ca\.?\s+|kl\.?\s*)?([01]?\d|2[0-3])\b(?![.:/-]?\d){_NO_SPAN}"
        ),
        spoken=re.compile(  # also "vid tio", and "tiotiden", "ettiden" as one word
            rf"\b(halv|kvart i|kvart över|kl\.?|klockan|vid|runt|kring|omkring|cirka|ca\.?)"
            rf"\s+({_SV_NUMBERS})\b{_NO_TALLY}|\b()({_SV_NUMBERS})-?t?iden\b"
        ),
        meridiem=None,
        part=re.compile(
            r"\b(?:(?P<this>i)\s?)?(?:(?P<morning>morse|morgon(?:en)?)|(?P<evening>kväll(?:en)?)"
            r"|(?P<forenoon>förmiddag(?:en|s)?)|(?P<afternoon>eftermiddag(?:en|s)?)"
            r"|(?P<night>natt(?:en)?))\b"
        ),
        weekday=r"\b(?:(?P<before>förra)\s+|i\s+)?(?P<name>{names})(?P<s>s|en)?\b",
        day_words=("dag", "går", "morgon"),
        night_to=r"\bnatten\s+(?:till|mot)\b",
    ),
    "en": _Words(
        hour=re.compile(
            rf"\b(?:{_EN_NEAR})\s+(?:about\s+|around\s+)?([01]?\d|2[0-3])"
            rf"(?:\s*(?:o'?clock|h)\b|\b(?![.:/-]?\d){_NO_SPAN})"
        ),
        spoken=None,
        # with a hedge before it ("around 11pm"), read with it, as "runt 23" is
        meridiem=re.compile(
            rf"(?:\b(?:{_EN_NEAR})\s+)?\b(1[0-2]|0?[1-9])(?:[:.]([0-5]\d))?\s*([ap])\.?m\b\.?"
        ),
        part=re.compile(
            r"\b(?:(?P<this>this|last|to)\s*)?(?:(?P<morning>morning)|(?P<afternoon>afternoon)"
            r"|(?P<evening>evening)|(?P<night>night))\b"
        ),
        weekday=r"\b(?:(?P<before>last)\s+|on\s+)?(?P<name>{names})\b",
        day_words=("day", "yesterday", "tomorrow"),
    ),
}


def _cut(text: str, match: re.Match[str]) -> str:
    """Blank out what a pattern read, so dateparser does not read it again."""
    return text[: match.start()] + " " + text[match.end() :]


def _read_clock(text: str, words: _Words) -> tuple[Clock | None, bool, str]:
    """Return the time of day, whether it was said on a 12-hour dial, and the rest."""
    if words.meridiem and (m := words.meridiem.search(text)):
        hour = int(m[1]) % 12 + (12 if m[3] == "p" else 0)
        return Clock(hour, int(m[2] or 0)), False, _cut(text, m)
    if m := re.search(_HHMM, text):
        return Clock(int(m[1]), int(m[2])), False, _cut(text, m)
    if m := words.hour.search(text):
        hour = int(next(group for group in m.groups() if group))
        if hour >= 24:
            return None, False, text
        return Clock(hour), m.groupdict().get("dial") is None and 0 < hour < 12, _cut(text, m)
    if words.spoken and (m := words.spoken.search(text)):
        said, number = m[1] or m[3] or "", m[2] or m[4]
        hour = _SV_NUMBERS.split("|").index(number) + 1
        hour, minute = {"halv": (hour - 1, 30), "kvart i": (hour - 1, 45)}.get(said, (hour, 0))
        minute = 15 if said == "kvart över" else minute
        return Clock(hour % 12, minute), True, _cut(text, m)
    return None, False, text


def _read_part(text: str, words: _Words) -> tuple[Part | None, str, str]:
    """Return the part of the day, which one was meant ("i kväll", "this evening": "this";
    "last night": "last"; "tonight": "to"; else ""), and the rest."""
    for m in words.part.finditer(text):
        if m["this"] == "i" and (m["morning"] or "").startswith("morgon"):
            continue  # "i morgon" is tomorrow, for dateparser
        part = Part.EVENING if m["this"] == "to" else next(p for p in Part if m.groupdict().get(p))
        which = m["this"] if m["this"] in ("last", "to") else "this" if m["this"] else ""
        return part, which, _cut(text, m)
    return None, "", text


_LAST_WEEK = {"sv": r"\b(?:i\s+)?förra\s+veckan?\b", "en": r"\b(?:of\s+)?last\s+week\b"}
"""Words that put a weekday in the week before this one ("tisdag förra veckan")."""


def _read_weekday(text: str, words: _Words, locale: str, today: date) -> tuple[list[date], str]:
    """Return the days a weekday can mean ("i fredags": only before today), and the rest."""
    names = {name.casefold(): n for n, name in get_day_names("wide", locale=locale).items()}
    m = re.search(words.weekday.format(names="|".join(names)), text)
    if m is None:
        return [], text
    rest = _cut(text, m)
    week = re.search(_LAST_WEEK.get(locale, r"$^"), rest)
    if week is not None:  # "i tisdags förra veckan": that day of the week before this one
        day = today - timedelta(days=today.weekday() + 7 - names[m["name"]])
        return [day], _cut(rest, week)
    back = (today.weekday() - names[m["name"]]) % 7
    before = m["before"] is not None or m.groupdict().get("s") == "s"
    day = today - timedelta(days=back or (7 if before else 0))
    return [day, day - timedelta(days=7)] if day == today else [day], rest


def dates_in(
    text: str, locale: str, local: datetime, prefer: str, ngram: bool = True
) -> list[tuple[str, datetime, str]]:
    """Return what dateparser finds in ``text`` (what was said, when, and the period it
    names), days before months, relative to ``local``, preferring the ``prefer`` ("past" or
    "future"); no day in digits not written as one ("1, 13" is not 1 December 2013); nothing
    on a fault in the parser, which must not end the conversation."""
    settings = {
        "PREFER_DATES_FROM": prefer,
        "RELATIVE_BASE": local.replace(tzinfo=None),
        "DATE_ORDER": "DMY",
        "RETURN_TIME_AS_PERIOD": True,
    }
    strategy = {"strategy": "ngram"} if ngram else {}
    try:
        found = search_dates(
            text[:SCAN_LIMIT], languages=[locale], settings=settings, add_period=True, **strategy
        )
    except Exception:
        return []
    return [f for f in found or () if f[2] != "day" or is_day_in_digits(f[0])]


def _could_name_day(text: str, words: _Words) -> bool:
    """Whether ``text`` has a digit or a day word, as a day read in it must."""
    return re.search(r"\d", text) is not None or any(word in text for word in words.day_words)


def _read_day(text: str, words: _Words, locale: str, local: datetime) -> tuple[date | None, str]:
    """Return the day dateparser finds in the text, ignoring weeks, months and stray words,
    and the rest. A day found is kept only when what was said has a digit or a day word, so
    a text with neither is not searched (dateparser's search is the costliest step of a
    typed story)."""
    if not _could_name_day(text, words):
        return None, text
    found = dates_in(text, locale, local, "past")
    for said, when, period in found:
        plain = _could_name_day(said, words)
        if period == "day" and plain and isinstance(when, datetime):
            return when.date(), text.replace(said, " ", 1)
    return None, text


_NUMERIC_DAY = re.compile(r"(?<![\d./:-])(\d{1,2})/(\d{1,2})(?![\d/])")
"""A day written as two numbers ("3/12", "11/20"): day and month, or month and day."""


def _read_numeric_day(text: str, today: date, locale: str) -> tuple[date | None, str]:
    """Read "3/12" as 3 December and "11/20" (there is no month 20) as 20 November; where
    both readings are days, the latest one not to come ("12/1" on 4 December: 1 December,
    not 12 January) in English; in Swedish day and month, as Swedes write them. dateparser
    had read "11/20" as November 2020."""
    m = _NUMERIC_DAY.search(text)
    if m is None:
        return None, text
    a, b = int(m.group(1)), int(m.group(2))
    found = []
    readings: tuple[tuple[int, int], ...] = ((a, b), (b, a))
    if locale == "sv" and a <= 31 and b <= 12:  # "12/1" is 12 January in Swedish
        readings = ((a, b),)
    for day, month in readings:
        for year in (today.year, today.year - 1):
            try:
                candidate = date(year, month, day)
            except ValueError:
                continue
            if candidate <= today:
                found.append(candidate)
                break
    if not found:
        return None, text
    return max(found), _cut(text, m)


def _today_of(part: Part, local: datetime) -> date:
    """Return the day of "i kväll", "i natt", "this morning": the latest one begun."""
    if part is Part.NIGHT:
        return local.date() - timedelta(days=0 if local.time() >= STARTS[Part.NIGHT] else 1)
    return (local - timedelta(hours=5)).date()  # until 05.00, "i kväll" is the one just gone


def _fit(clock: Clock, part: Part | None) -> Clock:
    """Put an hour under 12 in the afternoon when the part of the day says so."""
    evening = part in (Part.AFTERNOON, Part.EVENING) or (part is Part.NIGHT and clock.hour >= 6)
    return clock.replace(hour=clock.hour + 12) if evening and clock.hour < 12 else clock


def _latest(moments: list[Moment], now: datetime) -> Moment:
    """Return the most recent moment that is not in the future, else the earliest."""
    past = [m for m in moments if not is_future(m, now)]
    return max(past, key=starts_at) if past else min(moments, key=starts_at)


# As people type them on a phone: "imorn", "igår", "idag" (dateparser reads "i morgon").
_SPOKEN = (
    (re.compile(r"\bi\s?(?:morgon|morn|morrn|mårn)\b(?!en)"), "i morgon"),
    (re.compile(r"\bigår\b"), "i går"),
    (re.compile(r"\bidag\b"), "i dag"),
)


def _written(text: str) -> str:
    """The text casefolded, with the spoken spellings of days as dateparser reads them and
    days in ordinal words in digits ("den tredje december": "den 3:e december")."""
    said = text.casefold()[:SCAN_LIMIT]
    for spoken, written in _SPOKEN:
        said = spoken.sub(written, said)
    return ordinals_as_digits(said)


_NOW = re.compile(
    r"\b(just nu|precis nu|alldeles nu|pågår nu|alldeles nyss|nyss|right now|just now)\b"
    r"|\bhappening now\b|^\s*(nu|now)\s*([,.!:;–-]|$)"
)
"""Said of what is happening as she writes: the day and time of now."""


def in_either_language(
    read: Callable[[str, datetime, str], tuple[T, int]], text: str, now: datetime, locale: str
) -> T:
    """Read ``text`` in her language and in the other one, and keep the reading that named
    the most (a day, a part of it, a clock): "igår kväll 22.40" from someone who reads
    English, "last Friday" from someone who reads Swedish. Her own wins a tie."""
    first = locale if locale in WORDS else DEFAULT_LOCALE
    found, named = read(text, now, first)
    for other in WORDS.keys() - {first}:
        theirs, more = read(text, now, other)
        if more > named:
            found, named = theirs, more
    return found


def understand(text: str, now: datetime, locale: str) -> Moment | None:
    """Read when something happened from what a person wrote; None when it says no day."""
    return understood(text, now, locale)[0]


def understood(text: str, now: datetime, locale: str) -> tuple[Moment | None, str]:
    """Read when something happened, as :func:`understand`, and return the words left once
    the day and time are read ("hemma" of "hemma i går 22.40"), casefolded."""
    return in_either_language(_understand, text, now, locale)


def _understand(text: str, now: datetime, locale: str) -> tuple[tuple[Moment | None, str], int]:
    moment, rest = _understood(text, now, locale)
    return (moment, rest), len(_written(text)) - len(rest) if moment is not None else 0


def _understood(text: str, now: datetime, locale: str) -> tuple[Moment | None, str]:
    said, blanked = quiet(_written(text))  # "en dag", "i två dagar", "2 st": not when
    moment, rest = _read_when(said, text, now, locale)
    return moment, unquiet(rest, blanked)


def _read_when(rest: str, text: str, now: datetime, locale: str) -> tuple[Moment | None, str]:
    moment, left, counted = _read_when_counted(rest, text, now, locale)
    if moment is not None and counted and roughly_back(rest):
        moment = replace(moment, about=True)  # the day is a rough count: say so
    return moment, left


def _read_when_counted(
    rest: str, text: str, now: datetime, locale: str
) -> tuple[Moment | None, str, bool]:
    """Read the moment, the words left, and whether its day is the one counted back."""
    words, local = WORDS[locale], now.astimezone(DISPLAY_TZ)
    ago = time_back(rest, now)
    if ago is not None:  # "för en timme sedan": nothing else said is a day
        return Moment(*ago), "", False
    back, rest = day_back(rest, local.date())  # "för en vecka sedan", before "sedan 23"
    clock, twelve_hour, rest = _read_clock(rest, words)
    part, which, rest = _read_part(rest, words)
    if which == "to":  # "tonight" typed in the morning: the night just gone, as "i natt"
        part, which = (Part.NIGHT if local.time() < TONIGHT_GONE else part), "this"
    named, rest = recurring_day(rest, locale, local.date(), ahead=False)  # "julafton", "den 5"
    weekdays, rest = _read_weekday(rest, words, locale, local.date())
    found, rest = _read_numeric_day(rest, local.date(), locale)
    if found is None:
        found, rest = _read_day(rest, words, locale, local)
    days = [found] if found else [back] if back else named or weekdays
    counted = found is None and back is not None
    if part is Part.NIGHT and words.night_to and re.search(words.night_to, text.casefold()):
        days = [day - timedelta(days=1) for day in days]  # a night belongs to its first day
    if not days and part is not None and which:
        days = [_today_of(part, local) if which == "this" else local.date() - timedelta(days=1)]
        if part is Part.NIGHT and clock is not None:
            # "i natt kl 3" at 23.00 is this morning; "last night at 3" at 00.30, yesterday's
            days.append(days[0] - timedelta(days=1))
    if clock is None and not days and _NOW.search(f" {text.casefold()} "):  # "just nu, här"
        return Moment(local.date(), local.time().replace(second=0, microsecond=0)), rest, False
    if clock is None:
        moment = _latest([Moment(day, None, part) for day in days], now) if days else None
        return moment, rest, counted
    readings = [clock]
    if part is not None:
        readings = [_fit(clock, part)]
    elif twelve_hour:  # "halv elva" with no part of the day: 10.30 or 22.30
        readings.append(clock.replace(hour=clock.hour + 12))
    days = days or [local.date(), local.date() - timedelta(days=1)]
    after = timedelta(days=1 if part is Part.NIGHT else 0)  # "i natt kl 3": the morning after
    moments = [Moment(d + after if r.hour < 12 else d, r) for d in days for r in readings]
    return _latest(moments, now), rest, counted


def starts_at(moment: Moment) -> datetime:
    """Return the earliest instant the person can have meant, in Europe/Stockholm."""
    clock = moment.time or (STARTS[moment.part] if moment.part is not None else Clock(0))
    return datetime.combine(moment.day, clock, DISPLAY_TZ)


def is_future(moment: Moment, now: datetime) -> bool:
    """Tell whether the moment cannot have begun yet, allowing SLACK for clocks and "ca"."""
    return starts_at(moment).astimezone(UTC) > now.astimezone(UTC) + SLACK


# --- saying it back, in language.md's formats ----------------------------------------------


@dataclass(frozen=True)
class _Say:
    this: dict[Part, str]  # the latest one: "i kväll", "i natt"
    last: dict[Part, str]  # yesterday's: "i går kväll", "natten till i går"
    tonight: str  # the night begun today: "i natt" said at 23.00
    last_night: str  # the night before it, said once tonight has begun
    other: dict[Part, str]  # {day}: the day it began on; {next}: the morning after
    about: str  # {when}: a day counted back roughly ("omkring 23 november")


def _by_part(said: str) -> dict[Part, str]:
    """Pair "|"-separated phrases with the parts of the day, in Part's order."""
    return dict(zip(Part, said.split("|"), strict=True))


SAY = {
    "sv": _Say(
        this=_by_part("i morse|i förmiddags|i eftermiddags|i kväll|i natt"),
        last=_by_part(
            "i går morse|i går förmiddag|i går eftermiddag|i går kväll|natten till i går"
        ),
        other=_by_part(
            "{day} på morgonen|{day} på förmiddagen|{day} på eftermiddagen|{day} på kvällen"
            "|natten till {next}"
        ),
        tonight="i natt",
        last_night="natten till i dag",
        about="omkring {when}",
    ),
    "en": _Say(
        this=_by_part("this morning|this morning|this afternoon|this evening|last night"),
        last=_by_part(
            "yesterday morning|yesterday morning|yesterday afternoon|yesterday evening"
            "|the night before last"
        ),
        other=_by_part(
            "the morning of {day}|the morning of {day}|the afternoon of {day}"
            "|the evening of {day}|the night of {day}"
        ),
        tonight="tonight",
        last_night="last night",
        about="around {when}",
    ),
}


def describe(moment: Moment, now: datetime | None, locale: str) -> str:
    """Say in one short phrase what was understood: "i går kl. 22.40", "yesterday evening";
    without ``now`` (a document read long after), by its date: "torsdag 3 december 2026"."""
    locale = locale if locale in SAY else DEFAULT_LOCALE
    if moment.about:  # "för ett par veckor sedan": a date, but not one she gave
        return SAY[locale].about.format(when=_roughly(moment, now, locale))
    if now is None:
        return _dated(moment, locale)
    say, today = SAY[locale], now.astimezone(DISPLAY_TZ).date()
    ago = (today - moment.day).days
    if moment.time is None and moment.part is Part.NIGHT and ago in (0, 1):
        late = now.astimezone(DISPLAY_TZ).time() >= STARTS[Part.NIGHT]  # tonight has begun
        if ago == 0 or late:
            return say.tonight if ago == 0 else say.last_night
    if moment.time is None and moment.part is not None:
        ends = ago - 1 if moment.part is Part.NIGHT else ago  # "i natt" began yesterday
        if ends in (0, 1):
            return (say.this if ends == 0 else say.last)[moment.part]
        after = format_day(moment.day + timedelta(days=1), today, locale)
        return say.other[moment.part].format(day=format_day(moment.day, today, locale), next=after)
    if moment.time is not None:
        return format_when(datetime.combine(moment.day, moment.time, DISPLAY_TZ), locale, now)
    label = NEAR_DAYS[locale].get(-ago) if ago in (0, 1) else None
    return label or format_day(moment.day, today, locale, weekday=0 < ago <= 7)


def _roughly(moment: Moment, now: datetime | None, locale: str) -> str:
    """A day counted back roughly, without its weekday ("23 november på kvällen")."""
    if moment.time is not None:
        return describe(replace(moment, about=False), now, locale)
    today = now.astimezone(DISPLAY_TZ).date() if now is not None else None
    day = format_day(moment.day, today, locale, weekday=False)
    if moment.part is None:
        return day
    after = format_day(moment.day + timedelta(days=1), today, locale, weekday=False)
    return SAY[locale].other[moment.part].format(day=day, next=after)


def _dated(moment: Moment, locale: str) -> str:
    """The moment by its date alone, with weekday and year: no "i går" that goes stale."""
    if moment.time is not None:
        return format_when(datetime.combine(moment.day, moment.time, DISPLAY_TZ), locale)
    if moment.part is not None:
        after = format_day(moment.day + timedelta(days=1), None, locale)
        day = format_day(moment.day, None, locale)
        return SAY[locale].other[moment.part].format(day=day, next=after)
    return format_day(moment.day, None, locale)


def coming_day(text: str, now: datetime, locale: str) -> date | None:
    """Read a day still to come, as for booking a call ('20/12', 'måndag', '3 januari'):
    the next such day from today on; None if none is named."""
    return in_either_language(_coming_day, text, now, locale)


def _coming_day(text: str, now: datetime, locale: str) -> tuple[date | None, int]:
    local = now.astimezone(DISPLAY_TZ)
    written = quiet(_written(text))[0]
    named, rest = recurring_day(written, locale, local.date(), ahead=True)  # "julafton", "den 5"
    if named:
        return named[0], len(written) - len(rest)
    found = dates_in(quiet(text)[0], locale, local, "future")
    for said, when, period in found:
        if period == "day" and isinstance(when, datetime) and when.date() >= local.date():
            return when.date(), len(said)
    return None, 0


# --- days to come: booking a call, moving a check-in ----------------------------------------

_YEAR = re.compile(r"\b20\d\d\b")


def _coming_weekday(
    text: str, words: _Words, locale: str, local: datetime
) -> tuple[date | None, str]:
    """Return the next such weekday from today on ("tisdag": the coming Tuesday), and the rest."""
    names = {name.casefold(): n for n, name in get_day_names("wide", locale=locale).items()}
    m = re.search(words.weekday.format(names="|".join(names)), text)
    if m is None:
        return None, text
    ahead = (names[m["name"]] - local.weekday()) % 7
    if m["before"] is not None or m.groupdict().get("s") == "s":
        ahead -= 7  # "i tisdags", "last Tuesday": gone
    return local.date() + timedelta(days=ahead), _cut(text, m)


def coming(text: str, now: datetime, locale: str) -> Moment | None:
    """Read a day, and a time if one is said, for something still to happen ("tisdag 14:00",
    "8/12 kl 10", "i morgon kl. 9"). A day named that has gone ("i går", "1/12" on 4/12) is
    returned as read, so the caller can say so; None if no day is named."""
    return in_either_language(_coming, text, now, locale)


def _coming(text: str, now: datetime, locale: str) -> tuple[Moment | None, int]:
    moment, rest = _to_come(text, now, locale)
    return moment, len(_written(text)) - len(rest) if moment is not None else 0


def _to_come(text: str, now: datetime, locale: str) -> tuple[Moment | None, str]:
    words, local = WORDS[locale], now.astimezone(DISPLAY_TZ)
    rest = quiet(_written(text))[0]
    ago = time_back(rest, now)
    if ago is not None:  # "för en timme sedan": nothing else said is a day
        return Moment(*ago), ""
    back, rest = day_back(rest, local.date())  # gone: returned as read, for the caller to say
    clock, twelve_hour, rest = _read_clock(rest, words)
    part, _this, rest = _read_part(rest, words)
    if clock is not None and part is not None:
        clock = _fit(clock, part)
    elif clock is not None and twelve_hour and clock.hour < 7:
        clock = clock.replace(hour=clock.hour + 12)  # "halv tre": in the afternoon
    named, rest = recurring_day(rest, locale, local.date(), ahead=True)  # the next julafton
    weekday, rest = _coming_weekday(rest, words, locale, local)
    year = _YEAR.search(rest)
    day, rest = _read_day(rest, words, locale, local)  # a date said with it wins: "onsdag 16/12"
    if day is not None and day < local.date() - timedelta(days=180) and not year:
        day = day.replace(year=day.year + 1)  # "3 januari" written in December
    day = day or back or next(iter(named), None) or weekday
    if day is None:
        day, rest = day_ahead(rest, local.date())  # "om två veckor"
    if day is None and clock is not None:
        day = local.date()  # "kl 14": today
    if day is None:
        return None, rest
    return Moment(day, clock, part if clock is None else None), rest


def say_day(day: date, now: datetime, locale: str, weekday: bool = False) -> str:
    """Say a day as language.md writes it: "8 december", with the year when not this one."""
    locale = locale if locale in SAY else DEFAULT_LOCALE
    return format_day(day, now.astimezone(DISPLAY_TZ).date(), locale, weekday)
