"""Keep words that say how long, how many, how old or how often from being read as when.

"en dag kom han", "två gånger", "i två dagar", "2 st", "ca 10 personer", "han är runt 20",
"för 5:e gången": none of them says a day or a time of day, but the date reader took them
for one ("i går", 2 December, 10.00). They are blanked out before the readers look, one mark
per character so that what was read keeps its length, and put back in the words left over.
"""

from __future__ import annotations

import re

MASK = "|"  # not a word, not a space, and never taken into what dateparser reads

_ONE = (
    r"\d{1,3}(?:,\d+)?"  # 2, 1,5 (a decimal comma)
    r"|en|ett|två|tre|fyra|fem|sex|sju|åtta|nio|tio|elva|tolv|femton|tjugo|trettio"
    r"|a|an|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty"
    r"|thirty"
)
_FEW = (
    r"(?:ett\s+)?par|några|flera|många|(?:en\s+)?massa"
    r"|(?:a\s+)?couple\s+of|(?:a\s+)?few|several|many|some|lots\s+of"
)
_TO = r"\s*[-–]\s*|\s+(?:och|till|eller|and|to|or)\s+"
_NUMBER = rf"(?:(?:{_ONE})(?:{_TO})(?:{_ONE})|{_ONE}|{_FEW})"
"""A number, a range ("2-3", "fem till sex", "two or three") or a vague count ("flera")."""

_SPAN = (
    r"dag(?:ar(?:na)?|en)?|dygn(?:en)?|nätter(?:na)?|kvällar(?:na)?|morgnar(?:na)?"
    r"|veck(?:a|an|or(?:na)?)|månad(?:en|er(?:na)?)?|år(?:en)?|timm(?:e|en|ar(?:na)?)"
    r"|minut(?:en|er(?:na)?)?|days?|nights|evenings|mornings|weeks?|months?|years?|hours?"
    r"|minutes?"
)
_COUNTED = (
    r"gång(?:en|er(?:na)?)?|ggr|times?|st\.?|stycken|styck"
    r"|personer|pers|män|kvinnor|killar|tjejer|människor|ungdomar|brev|sms|mms|mejl|mail"
    r"|e-?post|samtal|meddelanden|kommentarer|inlägg|bilder|foton|hot|tillfällen|people"
    r"|persons|women|guys|boys|girls|letters|texts|messages|e-?mails|calls|comments"
    r"|posts|pictures|photos|threats|occasions"
)
_ABOUT = (
    r"(?:runt|omkring|kring|ca\.?|cirka|ungefär|kanske|drygt|knappt"
    r"|about|around|maybe|roughly|approximately|nearly|almost|over|under)\s+"
)
_WHO = (
    r"han|hon|hen|de|dom|båda|mannen|kvinnan|killen|tjejen|personen|gärningsmannen"
    r"|he|she|they|both|the\s+(?:man|woman|guy)"
)
_IS = (
    r"är|var|verkade\s+vara|såg\s+ut\s+att\s+vara|ser\s+ut\s+att\s+vara|kan\s+vara"
    r"|is|was|were|are|looked|looks|seemed|seems|might\s+be"
)
_CLOCK_AFTER = r"(?!\s*(?:[ap]\.?m\b|o'?clock|h\b|[.:]\d|-?tiden))"

_NOISE = re.compile(
    rf"\b(?P<span>{_NUMBER})\s+(?:{_SPAN})\b"  # "i två dagar", "en dag", "for weeks"
    rf"|\b{_NUMBER}\s+(?:{_COUNTED})(?!\w)"  # "två gånger", "2 st", "ca 10 personer"
    r"|\b(?:\d*[02-9]|\d*1\d)st\b"  # "2st" (and not "1st", "21st": the English 1st, 21st)
    r"|\b\d{1,3}\s*-?\s*år(?:ig|ing|s)\w*|\b\d{1,3}[\s-]*years?[\s-]*old\b"  # "45-årig"
    r"|\b\d0'?s\b"  # "in his 40s"
    r"|\b\d{1,2}(?::?[ea]|st|nd|rd|th)\s+"  # an ordinal that is no day: "5:e gången", "1:a vice"
    r"(?:gång(?:en)?|våning(?:en)?|vice|advent|times?|floor)\b"
    r"|\b7-?eleven\b"  # the shop, not 7 November at 11
    rf"|\b(?:{_WHO})\s+(?:{_IS})\s+(?:{_ABOUT})?\d{{1,3}}\b{_CLOCK_AFTER}"  # "han är runt 20"
    rf"|\b(?:åldern|ålder|age|aged)\s+(?:{_ABOUT})?\d{{1,3}}(?:\s*[-–]\s*\d{{1,3}})?\b",
    re.IGNORECASE,
)
_AHEAD = re.compile(r"\b(?:om|in)\s+$", re.IGNORECASE)  # "om två dagar": a day to come
_AGO = re.compile(r"\s+(?:sedan|sen|ago|tillbaka|back)\b", re.IGNORECASE)  # a day gone


def quiet(text: str) -> tuple[str, list[str]]:
    """Return the text with what counts, measures, ages or repeats blanked out, and the
    words blanked, in order. A span counted from now is kept: "för två dagar sedan",
    "om en vecka", "2 days ago" say a day."""
    text = text.replace(MASK, " ")  # a mark she typed is no blank to fill
    blanked: list[str] = []

    def blank(m: re.Match[str]) -> str:
        if m["span"] and (_AHEAD.search(text, 0, m.start()) or _AGO.match(text, m.end())):
            return m.group()
        blanked.append(m.group())
        return MASK * len(m.group())

    return _NOISE.sub(blank, text), blanked


_BLANK = re.compile(f"{re.escape(MASK)}+")


def unquiet(rest: str, blanked: list[str]) -> str:
    """Put the words :func:`quiet` blanked back into what was left once the day was read."""
    waiting = iter(blanked)

    def back(m: re.Match[str]) -> str:
        words = ""
        while len(words) < len(m.group()) and (piece := next(waiting, None)) is not None:
            words += piece
        return words if len(words) == len(m.group()) else " "

    return _BLANK.sub(back, rest)


_DIGITS_DAY = re.compile(r"\d{1,4}([./-])\d{1,2}\1\d{1,4}|\d{1,2}[./]\d{1,2}(?:\s+\d{4})?")
_JOINS = re.compile(r"\b(?:och|till|eller|and|to|or)\b", re.IGNORECASE)


def is_day_in_digits(said: str) -> bool:
    """Tell whether digits the date reader took for a day are written as a day is ("3/12",
    "3.12.2026", "2026-12-03"), not as a range or a list ("1, 13", "30-40", "10 and 11"),
    which it read with a year (2013, 1940). Words with letters are not judged here."""
    bare = _JOINS.sub(" ", said)
    if re.search(r"[^\W\d_]", bare):
        return True
    return _DIGITS_DAY.fullmatch(bare.strip(" ,.;:!?()")) is not None
