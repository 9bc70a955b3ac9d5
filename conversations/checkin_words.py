"""A check-in's answer typed instead of pressed: "ja, ring mig", "nej tack", "sluta fråga".
Only a message that is the answer alone counts (with courtesy words anywhere in it: "ja ring
mig gärna", "nej det är lugnt nu"); anything longer is her own words."""

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
        "no i'm ok",
        "no im ok",
        "no i am ok",
        "ring mig inte",
        "nej ring mig inte",
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
        "lugnt",
        "det är lugnt",
        "nej det är lugnt",
        "allt är lugnt",
        "nej allt är lugnt",
        "calm",
        "it's calm",
        "no it's calm",
        "all calm",
        "no all calm",
    ),
    "unclear": ("ok", "okej", "okay", "okey"),  # fine, or yes to "Vill du att någon ringer?"
    "stop": (
        "sluta",
        "sluta fråga",
        "sluta fråga mig",
        "sluta höra av dig",
        "stopp",
        "stop",
        "stop asking",
        "please stop asking",
        "jag vill inte ha fler",
        "jag vill inte ha fler frågor",
        "jag vill inte ha fler avstämningar",
        "vill inte ha fler",
        "inga fler",
        "inga fler frågor",
        "inga fler avstämningar",
        "sluta skicka",
        "sluta skriva",
        "sluta fråga hur jag mår",
        "sluta med avstämningarna",
        "fråga inte mer",
        "fråga inte igen",
        "no more",
        "no more questions",
        "no more check-ins",
        "no more check ins",
        "i don't want any more",
        "i dont want any more",
        "i don't want any more check-ins",
        "don't ask again",
        "dont ask again",
        "don't ask me again",
        "stop the check-ins",
        "stop checking in",
        "stop writing",
    ),
}
_CALL = (
    "kan någon ringa mig",
    "kan ni ringa mig",
    "kan du ringa mig",
    "någon ringa mig",
    "vill att någon ringer",
    "vill att ni ringer",
    "vill att du ringer",
    "vill bli uppringd",
    "prata med någon",
    "snälla ring mig",
    "can someone call me",
    "could someone call me",
    "can you call me",
    "could you call me",
    "someone call me",
    "someone to call me",
    "please call me",
    "talk to someone",
    "someone to talk to",
)
"""Words asking for a call wherever they stand ("kan någon ringa mig?", "jag vill prata med
någon", "I want to talk to someone"); "ring mig" and "call me" only where they begin (not
"han slutar inte ringa mig", "he said he would call me")."""
_CALL_FIRST = ("ring mig", "call me")
_NOT = frozenset(("inte", "ej", "not", "don't", "dont", "no", "nej", "never", "aldrig"))

_BY_PHRASE = {phrase: answer for answer, phrases in _ANSWERS.items() for phrase in phrases}
_ASIDE = frozenset(("gärna", "nu", "now", "just", "då", "ju", "bara", "really"))
"""Words that change no answer wherever they stand ("ja ring mig gärna", "lugnt nu")."""


def checkin_answer(text: str) -> str | None:
    """The answer ("yes", "no", "stop") a message gives to a check-in on its own, or None;
    courtesy words after it change nothing ("nej tack", "sluta fråga tack", "okay thanks")."""
    words = phrase_of(text.replace("’", "'")).split()
    while len(words) > 1 and words[-1] in POLITE | {"thank", "you"}:
        words.pop()
    exact = _BY_PHRASE.get(" ".join(words))
    if exact is not None or len(words) < 2:
        return exact  # "gärna" alone says yes
    kept = [w for w in words if w not in _ASIDE | POLITE]  # "ja snälla ring mig gärna"
    return _BY_PHRASE.get(" ".join(kept)) if kept else None


_AGAIN = (
    "fråga igen",
    "fråga mig igen",
    "börja fråga igen",
    "höra av dig igen",
    "hör av dig igen",
    "avstämningar igen",
    "avstämningarna igen",
    "ask again",
    "ask me again",
    "start asking again",
    "check in again",
    "check-ins again",
    "check ins again",
)
"""Words asking Trygg to start the check-ins she stopped again ("du får gärna fråga igen
hur jag mår", "you can check in again"), wherever they stand."""


def asks_again(text: str) -> bool:
    """Whether the words ask for the check-ins again, and say no "not"."""
    phrase = " " + phrase_of(text.replace("’", "'")) + " "
    if set(phrase.split()) & _NOT:
        return False
    return any(f" {again} " in phrase for again in _AGAIN)


def asks_for_call(text: str) -> bool:
    """Whether the words ask for someone to call or talk with her, and say no "not"."""
    phrase = " " + phrase_of(text.replace("’", "'")) + " "
    words = set(phrase.split())
    if words & _NOT:
        return False
    return phrase.lstrip().startswith(_CALL_FIRST) or any(f" {asked} " in phrase for asked in _CALL)
