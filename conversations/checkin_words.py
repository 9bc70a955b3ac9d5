"""A check-in's answer typed instead of pressed: "ja, ring mig", "nej tack", "sluta fråga".
Only a message that is the answer alone counts; anything longer is her own words."""

from __future__ import annotations

from conversations.events import phrase_of
from conversations.words import POLITE

_ANSWERS = {
    "yes": (
        "ja",
        "ja ring mig",
        "ja ring",
        "ring mig",
        "ja gärna",
        "gärna",
        "yes",
        "call me",
        "yes call me",
        "please call me",
    ),
    "no": (
        "nej",
        "nä",
        "nix",
        "nej jag klarar mig",
        "jag klarar mig",
        "klarar mig",
        "nej det är bra",
        "det är bra",
        "no",
        "nope",
        "no i'm fine",
        "i'm fine",
        "im fine",
        "i am fine",
        "no all is well",
        "all is well",
        "nej ring inte",
        "ring inte",
        "nej ring inte mig",
        "ring inte mig",
        "no don't call",
        "don't call",
        "no don't call me",
        "don't call me",
        "ok",
        "okej",
        "okay",
        "bra",
        "mår bra",
        "jag mår bra",
        "allt är bra",
        "allt bra",
        "det är okej",
        "fine",
        "i'm ok",
        "im ok",
        "i am ok",
        "all good",
        "it's ok",
        "it's fine",
    ),
    "stop": (
        "sluta",
        "sluta fråga",
        "sluta fråga mig",
        "sluta höra av dig",
        "stopp",
        "stop",
        "stop asking",
        "please stop asking",
    ),
}
_BY_PHRASE = {phrase: answer for answer, phrases in _ANSWERS.items() for phrase in phrases}


def checkin_answer(text: str) -> str | None:
    """The answer ("yes", "no", "stop") a message gives to a check-in on its own, or None;
    courtesy words after it change nothing ("nej tack", "sluta fråga tack", "okay thanks")."""
    words = phrase_of(text.replace("’", "'")).split()
    while len(words) > 1 and words[-1] in POLITE | {"thank", "you"}:
        words.pop()
    return _BY_PHRASE.get(" ".join(words))
