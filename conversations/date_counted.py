"""Days and times counted from now, as people say them: back ("för en vecka sedan", "two
days ago", "för en timme sedan") and ahead ("om två veckor", "in a month", "nästa vecka").

A span counted back is a day gone: "för en vecka sedan" is the day a week before today,
"för en månad sedan" the same date a month before (or that month's last day), "för ett par
veckor sedan" two weeks before and "a few days ago" three days. Hours and minutes back are
a time of day as well.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from datetime import time as Clock

from conversations.i18n import DISPLAY_TZ

COUNT = {
    **dict.fromkeys(("en", "ett", "an", "a", "one"), 1),
    **dict.fromkeys(("två", "two"), 2),
    **dict.fromkeys(("tre", "three"), 3),
    **dict.fromkeys(("fyra", "four"), 4),
    **dict.fromkeys(("fem", "five"), 5),
    **dict.fromkeys(("sex", "six"), 6),
    **dict.fromkeys(("sju", "seven"), 7),
    **dict.fromkeys(("åtta", "eight"), 8),
    **dict.fromkeys(("nio", "nine"), 9),
    **dict.fromkeys(("tio", "ten"), 10),
    **dict.fromkeys(("elva", "eleven"), 11),
    **dict.fromkeys(("tolv", "twelve"), 12),
}
"""A number written as a word, in Swedish and English."""

FEW = {
    **dict.fromkeys(("ett par", "par", "a couple of", "couple of", "a couple"), 2),
    **dict.fromkeys(("några", "a few", "few", "flera", "several"), 3),
}
"""A count said vaguely ("för ett par veckor sedan", "a few days ago"): the count most
often meant by it."""

_N = "|".join(sorted(COUNT, key=len, reverse=True))
_VAGUE = "|".join(word.replace(" ", r"\s+") for word in sorted(FEW, key=len, reverse=True))
_GONE = r"(?:sedan|sen|ago|tillbaka|back)"

_HOURS_BACK = re.compile(
    rf"\b(?:för\s+)?(?P<n>\d{{1,3}}|{_N}|half\s+an)\s+"
    r"(?P<unit>timm(?:e|ar)|minut(?:er)?|hours?|minutes?)\s+"
    rf"{_GONE}\b"
    rf"|\b(?:för\s+)?en\s+(?P<half>halvtimme)\s+{_GONE}\b"
)
_DAYS_BACK = re.compile(
    rf"\b(?:för\s+)?(?P<n>\d{{1,3}}|{_VAGUE}|{_N})\s+"
    r"(?P<unit>dag(?:ar)?|dygn|veck(?:a|or)|månad(?:er)?|days?|weeks?|months?)\s+"
    rf"{_GONE}\b"
)
_AHEAD = re.compile(
    rf"\b(?:om|in)\s+(?P<n>\d{{1,2}}|{_N})\s+"
    r"(?P<unit>dag(?:ar)?|veck(?:a|or)|månad(?:er)?|days?|weeks?|months?)\b"
    r"|\b(?:nästa|next)\s+(?P<next>vecka|week|månad|month)\b"
)
"""A day counted from today: "om två veckor", "in 3 days", "om en månad", "nästa vecka"."""


def _count(said: str) -> int:
    return COUNT.get(said) or FEW.get(re.sub(r"\s+", " ", said)) or int(said)


def time_back(text: str, now: datetime) -> tuple[date, Clock] | None:
    """ "för en timme sedan", "20 minutes ago": the day and time that long before now."""
    m = _HOURS_BACK.search(text)
    if m is None:
        return None
    if m["half"] or (m["n"] or "").startswith("half"):
        back = timedelta(minutes=30)
    else:
        hours = m["unit"].startswith(("timm", "hour"))
        back = timedelta(hours=_count(m["n"])) if hours else timedelta(minutes=_count(m["n"]))
    then = (now - back).astimezone(DISPLAY_TZ)
    return then.date(), then.time().replace(second=0, microsecond=0)


def day_back(text: str, today: date) -> tuple[date | None, str]:
    """Return the day "för en vecka sedan", "two days ago" or "för en månad sen" names, and
    the rest of the text with those words blanked."""
    m = _DAYS_BACK.search(text)
    if m is None:
        return None, text
    return _moved(today, -_count(m["n"]), m["unit"]), text[: m.start()] + " " + text[m.end() :]


def roughly_back(text: str) -> bool:
    """Whether the day counted back is rough: a vague count ("för ett par veckor sedan", "a
    few days ago") or weeks and months ("för en månad sedan"), not "för två dagar sedan"."""
    m = _DAYS_BACK.search(text)
    if m is None:
        return False
    vague = re.sub(r"\s+", " ", m["n"]) in FEW
    return vague or m["unit"].startswith(("veck", "week", "månad", "month"))


def day_ahead(text: str, today: date) -> tuple[date | None, str]:
    """Return the day "om två veckor", "in 3 days", "om en månad" or "nästa vecka" names,
    and the rest of the text with those words blanked."""
    m = _AHEAD.search(text)
    if m is None:
        return None, text
    n, unit = (1, m["next"]) if m["next"] else (_count(m["n"]), m["unit"])
    return _moved(today, n, unit), text[: m.start()] + " " + text[m.end() :]


def _moved(today: date, n: int, unit: str) -> date:
    """Return the day ``n`` days, weeks or months from ``today`` (negative: before it)."""
    if unit.startswith(("dag", "day", "dygn")):
        return today + timedelta(days=n)
    if unit.startswith(("veck", "week")):
        return today + timedelta(weeks=n)
    month = today.month - 1 + n  # a month on: the same date, or the month's last day
    year, month = today.year + month // 12, month % 12 + 1
    last = (date(year + month // 12, month % 12 + 1, 1) - timedelta(days=1)).day
    return date(year, month, min(today.day, last))
