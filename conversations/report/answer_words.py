"""Words typed for the report's common answers: yes, no, don't know, and "nobody knows who"."""

from __future__ import annotations

import re

from conversations.i18n import N_

YES_NO_UNKNOWN = (("yes", N_("Yes")), ("no", N_("No")), ("unknown", N_("Don't know")))
YES_NO_WORDS = {
    "yes": ("ja", "japp", "yes", "jo"),
    "no": ("nej", "no", "nope", "inte"),
    "unknown": (
        *("vet inte", "vet ej", "jag vet inte", "vet inte riktigt", "vet inte vem", "vet ej vem"),
        *("ingen aning", "osäker", "inte säker", "jag är osäker", "oklart"),
        *("don't know", "dont know", "i don't know", "i dont know", "don't know who"),
        *("i don't know who", "no idea", "not sure", "i'm not sure", "unsure", "unknown"),
    ),
}
UNKNOWN_WHO = (
    *("okänd", "okänt", "vet inte", "vet inte vem", "vet inte vem det är"),
    *("vet inte vem det var", "ingen aning", "nej", "en okänd", "okänd person"),
    *("unknown", "no idea", "don't know", "i don't know", "don't know who"),
    *("i don't know who", "i don't know who it was", "no", "someone unknown"),
)
"""Typed at "Who did it?": nobody knows ("vet inte vem det var", "nej")."""
KNOWN_WHO = (
    *("ja", "jo", "japp", "jag vet", "jag vet vem", "jag vet vem det är", "vet vem det är"),
    *("jag vet vem det var", "yes", "yeah", "i know", "i know who", "i know who it is"),
    "i know who it was",
)
"""Typed at "Who did it?": she knows who ("ja", read as "do you know who?", as "nej" is)."""

UNDECIDED = re.compile(
    r"(?<!\w)(?:(?:not|t|havent|hasnt|didnt|dont|never|inte|ej|aldrig|inget|nothing)\s+"
    r"(?:\w+\s+){0,2}(?:decided|bestämt|bestämd|beslutat|sure|säker)|undecided|obestämt|"
    r"osäker|unsure|don t know|dont know|vet inte|vet ej|thinking|considering|funderar|"
    r"maybe|might|perhaps|kanske|eventuellt)(?!\w)"
)


def undecided(typed: str) -> bool:
    """Whether words say a thing is not decided yet ("I haven't decided about the police
    yet", "funderar på att polisanmäla"): what they name is not chosen."""
    words = " ".join(re.findall(r"\w+", typed.casefold()))  # "haven't" reads "haven t"
    return UNDECIDED.search(words) is not None
