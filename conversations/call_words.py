"""Asking Trygg itself to call someone: the police, 112, or her security contact by name
("ring Pia") or as her contact ("ring min kontakt"); asked ("kan du ringa Pia?"), not told
("jag ska ringa Pia i morgon", "Pia ringde mig i går"). Trygg cannot call: it says so."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from conversations.events import words_of
from conversations.words import POLITE
from storage.directory import Contacts, DirectoryRepo
from storage.viewer import Viewer

POLICE = frozenset({"polisen", "polis", "112", "police", "ambulans", "ambulansen", "ambulance"})
"""Whom she may ask Trygg itself to call, besides her contacts."""
CONTACT = frozenset(
    {
        *("kontakt", "kontakten", "kontakter", "kontaktperson", "kontaktpersonen"),
        *("säkerhetskontakt", "säkerhetskontakten", "säkerhetsansvarig", "säkerhetsansvariga"),
        *("säkerhetsansvarige", "contact", "contacts", "security"),
    }
)
"""Words that name her security contact by role ("min kontakt", "säkerhetskontakten", "my
security contact")."""
CALL = frozenset({"ring", "ringa", "ringer", "call", "phone", "kontakta", "contact"})
ASKING_CALL = frozenset({"ringer", "kontaktar"})
"""A call that asks only as a question to her ("ringer du Pia?"; "ringer Pia snart?" asks
whether Pia calls)."""
ASKING_YOU = frozenset({"kan", "kunde", "skulle", "can", "could", "will", "would"})
"""A word before "du"/"you" that makes a question of what follows ("kan du ringa …?")."""
YOU = frozenset({"du", "ni", "you"})
MAY = frozenset({"kunna"})
"""Between "du" and the call ("skulle du kunna ringa Pia?")."""
BEFORE_WHOM = frozenset(
    {
        *("till", "upp", "min", "mina", "vår", "våra", "den", "partiets"),
        *("to", "up", "the", "my", "our", "party", "party's"),
    }
)
"""Words between the call and whom it is to ("ring till Pia", "call my contact")."""
AROUND = frozenset({"åt", "mig", "nu", "och", "for", "me", "now", "and"})
"""Words around a request to call that tell nothing ("kan du ringa Pia åt mig nu")."""
ONLY_ASKING = (
    CALL | ASKING_CALL | POLICE | CONTACT | ASKING_YOU | YOU | MAY | BEFORE_WHOM | AROUND | POLITE
)
"""The words of a request to call and nothing more: there is nothing to keep."""
LATER = frozenset(
    {
        *("imorgon", "morgon", "senare", "sen", "nästa", "kl", "klockan", "efter"),
        *("måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag"),
        *("tomorrow", "later", "next", "after", "monday", "tuesday", "wednesday"),
        *("thursday", "friday", "saturday", "sunday"),
    }
)
"""Words that put the call later: a note of what to do ("ring Per i morgon om ärendet"),
not a request for a call now."""


def _call_at(said: list[str]) -> int | None:
    """Where the word that asks for a call stands: first ("ring …", "call …", "ringer du
    …?"; not "ringer Pia snart?") or after "kan du" ("kan du ringa …?", "skulle du kunna
    ringa …?"); None if the words ask for no call."""
    if said and said[0] in ASKING_CALL:  # "ringer du Pia?": whom comes after "du"
        return 1 if len(said) > 1 and said[1] in YOU else None
    if said and said[0] in CALL:
        return 0
    for i in range(len(said) - 2):
        if said[i] in ASKING_YOU and said[i + 1] in YOU:
            at = i + 3 if said[i + 2] in MAY else i + 2
            if at < len(said) and said[at] in CALL:
                return at
    return None


def may_ask_a_call(text: str) -> bool:
    """Whether the words have the shape of a request to call someone, whomever it is to."""
    return _call_at([w for w in words_of(text) if w not in POLITE]) is not None


def asked_to_call(text: str) -> str:
    """The word that says whom she asks Trygg itself to call ("polisen" in "kan du ringa
    polisen åt mig?", "pia" in "ring till Pia", "contact" in "call my contact"); "" if she
    asks for no call ("jag ska ringa polisen i morgon", "Pia ringde mig i går", "ring Per i
    morgon om ärendet")."""
    said = [w for w in words_of(text) if w not in POLITE]
    at = _call_at(said)
    if at is None or LATER & set(said[at + 1 :]):
        return ""
    return next((w for w in said[at + 1 :] if w not in BEFORE_WHOM), "")


def asks_a_call(text: str, names: frozenset[str] = frozenset()) -> bool:
    """Whether she asks Trygg itself to call the police, 112 or her security contact (by role,
    or by a word of ``names``): "ring polisen", "kan du ringa Pia åt mig?", "call my contact"
    (not "jag ska ringa polisen i morgon", "Pia ringde mig i går", "kan du ringa mig?")."""
    return asked_to_call(text) in POLICE | CONTACT | names


def asks_for_contact(text: str, names: frozenset[str] = frozenset()) -> bool:
    """Whether she asks Trygg itself to call her security contact ("ring Pia", "kan du ringa
    säkerhetskontakten?"), whom Trygg can alert instead."""
    return asked_to_call(text) in CONTACT | names


def asks_only_a_call(text: str, names: frozenset[str] = frozenset()) -> bool:
    """Whether the words are a request to call and tell nothing more to keep."""
    return asks_a_call(text, names) and set(words_of(text)) <= ONLY_ASKING | names


def contact_names(contacts: Contacts) -> frozenset[str]:
    """The words of the names of her security contacts, the party's and the unit's ("pia",
    "lind", "sara", "strand")."""
    cards = (*contacts.party_security, *contacts.municipal_security)
    return frozenset(w for card in cards for w in words_of(card.name) if w)


async def names_to_call(session: AsyncSession, viewer: Viewer, text: str) -> frozenset[str]:
    """The words of her contacts' names, when the words may ask Trygg to call one of them
    ("ring Pia"); none otherwise (and nothing is read)."""
    if not may_ask_a_call(text):
        return frozenset()
    return contact_names(await DirectoryRepo(session).contacts_for(viewer))
