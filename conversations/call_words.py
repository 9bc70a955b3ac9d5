"""Asking Trygg itself to call someone: the police, 112, her security contact by name ("ring
Pia") or as her contact ("ring min kontakt"), the municipality's security unit ("ring
kommunen"), or her ("kan någon ringa mig?"); asked ("kan du ringa Pia?"), not told ("jag ska
ringa Pia i morgon", "Pia ringde mig i går", "han ringer mig hela tiden") nor asked of
someone else ("Pia, kan du ringa mig?"). Trygg cannot call: it says so."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from conversations.events import words_of
from conversations.texts import HANDLING
from conversations.words import COURTESY, POLITE
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
UNIT = frozenset(
    {
        *("säkerhetsenheten", "säkerhetsenhet", "enheten", "kommunen", "kommun", "kommunens"),
        *("säkerhetsstrategen", "strategen", "unit", "municipality", "municipal"),
    }
)
"""Words that name the municipality's security unit ("ring säkerhetsenheten", "ring kommunen",
"call the security unit")."""
ME = frozenset({"mig", "mej", "me"})
"""Herself: she asks to be called ("ring mig", "can someone call me?")."""
CALL = frozenset({"ring", "ringa", "ringer", "call", "phone", "kontakta", "contact"})
ASKING_CALL = frozenset({"ringer", "kontaktar"})
"""A call that asks only as a question to her ("ringer du Pia?"; "ringer Pia snart?" asks
whether Pia calls)."""
ASKING_YOU = frozenset({"kan", "kunde", "skulle", "can", "could", "will", "would"})
"""A word before "du"/"you" that makes a question of what follows ("kan du ringa …?")."""
YOU = frozenset({"du", "ni", "you"})
SOMEONE = frozenset({"någon", "nån", "someone", "somebody", "anyone", "anybody"})
"""Anyone at all, asked to call ("kan någon ringa mig?", "someone call me")."""
MAY = frozenset({"kunna"})
"""Between "du" and the call ("skulle du kunna ringa Pia?")."""
BEFORE_WHOM = frozenset(
    {
        *("till", "upp", "min", "mina", "vår", "våra", "den", "partiets"),
        *("to", "up", "the", "my", "our", "party", "party's"),
    }
)
"""Words between the call and whom it is to ("ring till Pia", "call my contact")."""
AROUND = frozenset(
    {"åt", "mig", "nu", "och", "tillbaka", "for", "me", "now", "and", "back", "trygg"}
)
"""Words around a request to call that tell nothing ("kan du ringa Pia åt mig nu", "call me
back")."""
OPENING = COURTESY | POLITE | {"hjälp", "hjalp", "help", "trygg"}
"""Words before a question that do not address it to someone else ("hej, kan du ringa mig?";
"Pia, kan du ringa mig?" is to Pia)."""
ONLY_ASKING = (
    CALL | ASKING_CALL | POLICE | CONTACT | UNIT | ME | ASKING_YOU | YOU | SOMEONE | MAY
) | (BEFORE_WHOM | AROUND | OPENING)
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
NOT = frozenset({"inte", "ej", "not", "never", "aldrig"})
"""After "ring mig", these say not to ("ring mig inte")."""
ABOUT = frozenset(
    {
        *("om", "angående", "ang", "gällande", "beträffande", "rörande"),
        *("about", "regarding", "concerning", "re"),
    }
)
"""Words that say what a call is to be about ("ring Per om ärendet", "call Per about the case")."""
CASE = frozenset(
    {
        *("ärendet", "ärende", "ärenden", "ärendena", "ärendets", "fallet", "rapporten"),
        *("anmälan", "anmälningen", "polisanmälan", "larmet", "case", "cases", "report"),
        *("alert",),
    }
)
"""Words that name a case, or its report or alert ("om Annas ärende", "about the report")."""
MINE = frozenset({"mitt", "min", "mina", "my"})
"""Before the case, these make it her own ("ring Per om mitt ärende")."""
AFTER_ABOUT = 3  # words: how far after "om" the case may be named ("om Anna Bergs ärende")
VOCATIVE = 2  # words: at most this many before a question, with a comma, name whom it asks
NEAR = 2  # words: how near after whom a word of LATER puts the call later ("ring Pia i morgon")
SUBJECT = 3  # words: at most this many between "kan" and the call ("kan min kontakt ringa")
CALLED = frozenset(
    {
        *("ringer", "ringde", "ringt", "ringa", "ringat", "kontaktar", "kontaktade"),
        *("calling", "called", "calls", "phoning", "phoned", "phones", "ringing", "rang"),
    }
)
"""Calls told, not asked ("han ringer mig hela tiden", "he keeps calling me")."""


def _asked(text: str, names: frozenset[str]) -> tuple[str, str]:
    """(whom, who): the word that says whom she asks to be called ("polisen", "pia", "mig";
    "unit" in "call the security unit") and the word that says who is to call ("pia" in
    "kan Pia ringa mig?", "" or "du" for Trygg); ("", "") if she asks for no call now.
    ``names``: the words of the names of her contacts ("kan Pia ringa mig?")."""
    tokens = [(w, t) for w, t in zip(words_of(text), text.split(), strict=True) if w not in POLITE]
    said = [w for w, _t in tokens]
    found = _call_at(said, names)
    if found is None:
        return "", ""
    at, who, asked_from = found
    if _to_someone(tokens[:asked_from], names):  # "Pia, kan du ringa mig?"
        return "", ""
    after = said[at + 1 :]
    whom = _named(after)
    near = after[after.index(whom) + 1 :][:NEAR] if whom else []
    if LATER & set(near) or (whom in ME and near[:1] and near[0] in NOT):  # "ring mig inte"
        return "", ""
    if who and who not in YOU | SOMEONE and whom not in ME:  # "kan Pia ringa Per?": not asked
        return "", ""
    return whom, who


def _to_someone(before: list[tuple[str, str]], names: frozenset[str]) -> bool:
    """Whether the words before a question address it to someone else ("Pia, kan du ringa
    mig?", "Kalle, kan du …"; not "hej, kan du …" nor "jag är rädd, kan du …"); ``before``:
    (word, as typed)."""
    said = {w for w, _t in before}
    if not said or said <= OPENING:
        return False
    named = len(before) <= VOCATIVE and before[-1][1].endswith(",")
    return said <= names or (named and all(t[:1].isupper() for _w, t in before))


def _named(said: list[str]) -> str:
    """The first word that names someone ("pia" in "till Pia"; "unit" in "the security
    unit", which is the unit, not her contact)."""
    rest = [w for w in said if w not in BEFORE_WHOM][:2]
    if len(rest) == 2 and rest[0] in CONTACT and rest[1] in UNIT:
        return rest[1]
    return rest[0] if rest else ""


def _call_at(said: list[str], names: frozenset[str] | None) -> tuple[int, str, int] | None:
    """(where the word that asks for a call stands, the word that says who is to call, where
    the request begins): first ("ring …", "call …", "someone call me", "ringer du …?"; not
    "ringer Pia snart?"), or after "kan du", "kan någon", "kan Pia" ("kan du ringa …?",
    "skulle någon kunna ringa mig?"); None if the words ask for no call."""
    if said and said[0] in ASKING_CALL:  # "ringer du Pia?": whom comes after "du"
        return (1, said[1], 0) if len(said) > 1 and said[1] in YOU else None
    if said and said[0] in CALL:
        return 0, "", 0
    if len(said) > 1 and said[0] in SOMEONE and said[1] in CALL:  # "someone call me"
        return 1, said[0], 0
    callers = YOU | SOMEONE | CONTACT | UNIT | BEFORE_WHOM | (names or frozenset())
    for i, word in enumerate(said):
        if word not in ASKING_YOU:
            continue
        for n in range(1, SUBJECT + 1):
            who = said[i + 1 : i + 1 + n]
            at = i + 1 + n
            at += 1 if at < len(said) and said[at] in MAY else 0
            if at >= len(said) or said[at] not in CALL or CALL & set(who):
                continue
            if names is None or set(who) <= callers:
                return at, _named(who), i
    return None


def may_ask_a_call(text: str) -> bool:
    """Whether the words have the shape of a request to call someone, whomever it is to."""
    return _call_at([w for w in words_of(text) if w not in POLITE], None) is not None


def asked_to_call(text: str, names: frozenset[str] = frozenset()) -> str:
    """The word that says whom she asks Trygg itself to reach ("polisen" in "kan du ringa
    polisen åt mig?", "pia" in "ring till Pia" and in "kan Pia ringa mig?", "mig" in "kan
    någon ringa mig?", "unit" in "call the security unit"); "" if she asks for no call
    ("jag ska ringa polisen i morgon", "Pia ringde mig i går", "ring Per i morgon om
    ärendet", "Pia, kan du ringa mig?")."""
    whom, who = _asked(text, names)
    return who if whom in ME and who in names | CONTACT | UNIT else whom


def asks_a_call(text: str, names: frozenset[str] = frozenset()) -> bool:
    """Whether she asks Trygg itself to call the police, 112, her security contact (by role,
    or by a word of ``names``), the municipality's unit, or her: "ring polisen", "kan du
    ringa Pia åt mig?", "call my contact", "ring kommunen", "kan någon ringa mig?" (not "jag
    ska ringa polisen i morgon", "Pia ringde mig i går", "Pia, kan du ringa mig?")."""
    return asked_to_call(text, names) in POLICE | CONTACT | UNIT | ME | names


def asks_for_contact(text: str, names: frozenset[str] = frozenset()) -> bool:
    """Whether she asks Trygg itself to call her security contact ("ring Pia", "kan du ringa
    säkerhetskontakten?"), whom Trygg can alert instead."""
    return asked_to_call(text, names) in CONTACT | names


def asks_for_unit(text: str, names: frozenset[str] = frozenset()) -> bool:
    """Whether she asks Trygg itself to call the municipality's security unit ("ring
    säkerhetsenheten", "ring kommunen", "call the security unit")."""
    return asked_to_call(text, names) in UNIT


def asks_to_be_called(text: str, names: frozenset[str] = frozenset()) -> bool:
    """Whether she asks that someone call her ("ring mig", "kan någon ringa mig?", "kan Pia
    ringa mig?", "please call me"), not tells that someone does ("han ringer mig hela
    tiden") nor asks it of someone named ("Pia, kan du ringa mig?")."""
    return _asked(text, names)[0] in ME


def asks_only_a_call(text: str, names: frozenset[str] = frozenset()) -> bool:
    """Whether the words are a request to call and tell nothing more to keep."""
    return asks_a_call(text, names) and set(words_of(text)) <= ONLY_ASKING | names


def tells_of_calls(text: str) -> bool:
    """Whether the words tell of calls to her ("han ringer mig hela tiden", "he keeps calling
    me"), not ask for one: harassment, however short, to keep as told."""
    said = set(words_of(text))
    return bool(CALLED & said and ME & said) and not may_ask_a_call(text)


def about_a_case(text: str) -> bool:
    """Whether the words say what they ask is about a case, not hers by a word ("ring Per om
    ärendet", "ring Per om Annas ärende", "call Per about the case"; not "ring Per om mitt
    ärende", nor "ring mig om något händer")."""
    said = [w for w in words_of(text) if w not in POLITE]
    for i, word in enumerate(said):
        near = said[i + 1 : i + 1 + AFTER_ABOUT] if word in ABOUT else []
        at = next((j for j, w in enumerate(near) if w in CASE), None)
        if at is not None and not MINE & set(near[:at]):
            return True
    return False


def for_a_case(text: str, viewer: Viewer | None) -> bool:
    """Whether words with the shape of a request to call ("ring Per om ärendet", "ring Anna
    om ärendet") come from someone who handles cases and say they are about one: an
    instruction about someone else's matter, not her own request for a call (nor a cry)."""
    handles = viewer is not None and viewer.role in HANDLING
    return handles and may_ask_a_call(text) and about_a_case(text)


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
