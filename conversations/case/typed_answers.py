"""Read a Ja / Nej / Inte aktuellt checklist item answered in words, as staff type it."""

from __future__ import annotations

import re
import unicodedata
from datetime import datetime, timedelta

from conversations.dates import Moment, describe, is_future, understood
from conversations.i18n import DISPLAY_TZ
from conversations.report.typed import normalised

TYPED = {  # a Ja / Nej / Inte aktuellt question answered in words
    "ja": "yes",
    "yes": "yes",
    "nej": "no",
    "no": "no",
    "inte aktuellt": "na",
    "ej aktuellt": "na",
    "not applicable": "na",
    "n/a": "na",
}

GOES_ON = {  # words after "nej" / "no" without a comma that keep it an answer
    "no": ("not", "one", "nothing", "nobody"),
    "nej": ("inte", "ej", "ingen", "inget", "inga", "än", "ännu", "hon", "han", "de", "det"),
    "ja": ("hon", "han", "de", "det", "vi", "jag", "nu", "redan", "i"),
    "yes": ("she", "he", "they", "it", "we", "i", "already", "done"),
}
""""Nej inte än, gör det i morgon" answers Nej; "no idea" is no answer."""

DONE = ("klart", "klar", "gjort", "gjord", "fixat", "fixad", "ordnat", "ordnad", "done")
"""Words that say the item is done ("Klart", "Gjort igår"): Ja, unless a day to come follows
("klart i morgon" is not done yet)."""

NOT_APPLICABLE = ("inte aktuellt", "ej aktuellt", "not applicable", "n/a")
"""After "nej" / "no" ("Nej, inte aktuellt"): the answer is Inte aktuellt, not Nej."""

RECENT = timedelta(days=60)  # a day typed alone further back is not read as when it was done
_CLOCK = re.compile(r"\b(?:kl\.?|klockan|at)?\s*\d{1,2}(?:[.:]\d{2})?\b", re.IGNORECASE)
_ANSWER_WORDS = frozenset(w for words in (*TYPED, *DONE) for w in words.split())


def read_typed(
    typed: str, now: datetime | None = None, locale: str = "sv"
) -> tuple[str, str | None]:
    """Typed words at a Ja / Nej / Inte aktuellt item: (the answer or "", the words to keep
    as its comment). "Nej." answers; "Nej, inte än" (or "nej inte än") answers and is kept
    whole as the comment; "Klart", "gjort igår" and, with ``now``, a day gone ("6/12",
    "i går") answer Ja; "Nej, inte aktuellt" is Inte aktuellt; other words ("no idea") are
    only kept. A day said in the words is kept by its date ("gjort igår (söndag 6 december
    2026)"), so the comment does not go stale."""
    text = normalised(typed)
    said = unicodedata.normalize("NFC", typed).casefold()
    answer, comment = _answer(text, said, typed)
    if text.split(" ", 1)[0] in DONE and now is not None and _to_come(typed, now, locale):
        return "", typed  # "klart i morgon": not done yet
    if not answer and now is not None and _day_alone(typed, now, locale) is not None:
        answer, comment = "yes", typed
    if answer and comment and now is not None:
        comment = dated(comment, now, locale)
    return answer, comment


def _answer(text: str, said: str, typed: str) -> tuple[str, str | None]:
    if text in TYPED:
        return TYPED[text], None
    if text in DONE:
        return "yes", None
    for no in ("nej", "no"):  # "Nej, inte aktuellt": the item does not apply
        rest = text.removeprefix(no + " ")
        if rest != text and any(rest == na or rest.startswith(na + " ") for na in NOT_APPLICABLE):
            return "na", (None if rest in NOT_APPLICABLE else typed)
    for words in sorted(TYPED, key=len, reverse=True):
        # the answer set off from the rest ("Nej, inte än"), so "no idea" is no answer
        if text.startswith(words + " ") and re.match(rf"\W*{re.escape(words)}\s*[,.;:!–-]", said):
            return TYPED[words], typed
        following = text.removeprefix(words + " ").split(" ", 1)[0]
        if text.startswith(words + " ") and following in (*GOES_ON.get(words, ()), *DONE):
            return TYPED[words], typed
    if text.split(" ", 1)[0] in DONE:  # "gjort igår", "klart, anmäld"
        return "yes", typed
    return "", typed or None


def _to_come(typed: str, now: datetime, locale: str) -> bool:
    """Whether the words name a day still to come ("i morgon", "på fredag")."""
    moment, _rest = understood(typed, now, locale)
    return moment is not None and is_future(moment, now)


def _day_alone(typed: str, now: datetime, locale: str) -> Moment | None:
    """The recent day gone that the words name, when they are only that and answer words
    ("6/12", "i går", "ja igår", "gjort i fredags"); not a clock alone ("kl 14")."""
    moment, rest = understood(typed, now, locale)
    if moment is None or is_future(moment, now):
        return None
    if moment.time is not None and understood(_CLOCK.sub(" ", typed), now, locale)[0] is None:
        return None
    if now.astimezone(DISPLAY_TZ).date() - moment.day > RECENT:
        return None
    if not all(word in _ANSWER_WORDS for word in normalised(rest).split()):
        return None  # a sentence: kept as written
    return moment


def dated(comment: str, now: datetime, locale: str) -> str:
    """The comment with the day it names by its date, when it is only an answer and a day
    ("gjort igår" → "gjort igår (söndag 6 december 2026)"), so it does not go stale."""
    moment = _day_alone(comment, now, locale)
    return comment if moment is None else f"{comment} ({describe(moment, None, locale)})"
