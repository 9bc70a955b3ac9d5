"""Read a day of the month written out in words ("den tredje december", "tjugoförsta
november", "on the third of December", "the twenty-first") as the readers of digits do:
they become "den 3:e december", "21:a november", "on the 3rd of December", "the 21st".

An ordinal is a day only beside a month ("tredje december", "December third") or after
"den" or "the" with nothing after it but a time or the end ("den första", "the twenty-first
at 10"): "den andra mannen", "the first time" and "andra advent" say no day.
"""

from __future__ import annotations

import re
from functools import cache

from conversations.date_recurring import month_names

_SV_ONES = ("första", "andra", "tredje", "fjärde", "femte", "sjätte", "sjunde", "åttonde", "nionde")
_SV_TEENS = (
    "tionde", "elfte", "tolfte", "trettonde", "fjortonde", "femtonde", "sextonde", "sjuttonde",
    "artonde", "nittonde",
)  # fmt: skip
_EN_ONES = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth")
_EN_TEENS = (
    "tenth", "eleventh", "twelfth", "thirteenth", "fourteenth", "fifteenth", "sixteenth",
    "seventeenth", "eighteenth", "nineteenth",
)  # fmt: skip


def _days(ones: tuple[str, ...], teens: tuple[str, ...], tens: str) -> dict[str, int]:
    """Every ordinal from 1 to 31 by its word, written together: ``tens`` are "twentieth",
    "twenty", "thirtieth" and "thirty", "|"-separated; 21 is "twentyfirst"."""
    twentieth, twenty, thirtieth, thirty = tens.split("|")
    days = {word: n for n, word in enumerate((*ones, *teens), start=1)}
    days |= {twentieth: 20, thirtieth: 30}
    days |= {twenty + one: 20 + n for n, one in enumerate(ones, start=1)}
    return days | {thirty + ones[0]: 31}


_WORDS = {
    "sv": _days(_SV_ONES, _SV_TEENS, "tjugonde|tjugo|trettionde|trettio"),
    "en": _days(_EN_ONES, _EN_TEENS, "twentieth|twenty|thirtieth|thirty"),
}
_LEAD = {"sv": "den", "en": "the"}

_THEN = (
    r"(?=\s*(?:$|[,.!?;:)–-]|\d|(?:kl|klockan|vid|runt|omkring|ca|cirka|strax|på|i|när"
    r"|at|around|about|in|on|this|last|when|just)\b))"
)
"""What may follow "den tredje", "the third" for it to be a day: a time, a part of the
day, or the end."""


_NOT_MAY = r"(?!(?<=\bmay)\s+(?:be|have|not|also|well|go|come)\b)"
"""Not "may" the verb: "the first may have been"."""


def _suffix(n: int, locale: str) -> str:
    """The ending of a day in digits: "1:a", "3:e"; "1st", "2nd", "3rd", "11th"."""
    if locale == "sv":
        return ":a" if n % 10 in (1, 2) and n not in (11, 12) else ":e"
    if n in (11, 12, 13):
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")


def _spelled(word: str) -> str:
    """A pattern for an ordinal, with a space or a hyphen allowed after the tens."""
    return re.sub(r"^(tjugo|trettio|twenty|thirty)(?=\w)", r"\1[\\s-]?", word)


@cache
def _patterns() -> tuple[tuple[str, re.Pattern[str]], ...]:
    """For each language, a pattern for an ordinal written where it is a day."""
    month = month_names()
    found = []
    for locale, words in _WORDS.items():
        said = "|".join(_spelled(w) for w in sorted(words, key=len, reverse=True))
        pattern = (
            rf"\b(?P<a>{said})(?=\s+(?:of\s+)?{month}(?!\w){_NOT_MAY})"  # "third of May"
            rf"|\b{month}\s+(?:the\s+)?(?P<b>{said})\b"  # "December third"
            rf"|\b{_LEAD[locale]}\s+(?P<c>{said})\b{_THEN}"  # "den första", "the first at 10"
        )
        found.append((locale, re.compile(pattern)))
    return tuple(found)


def ordinals_as_digits(text: str) -> str:
    """Write the days of the month said as ordinal words in casefolded ``text`` in digits."""
    for locale, pattern in _patterns():

        def digits(m: re.Match[str], locale: str = locale) -> str:
            group = next(g for g in ("a", "b", "c") if m[g])
            n = _WORDS[locale][re.sub(r"[\s-]", "", m[group])]
            start, end = m.start(group) - m.start(), m.end(group) - m.start()
            said = m.group()
            return said[:start] + f"{n}{_suffix(n, locale)}" + said[end:]

        text = pattern.sub(digits, text)
    return text
