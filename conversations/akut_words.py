"""What words typed around /akut say: asking for the alert, for the unit, that the threat
comes from inside her party (then no party contact is alerted or reads her words), or that
she may be in danger now."""

from __future__ import annotations

from conversations.call_words import asks_a_call, for_a_case
from conversations.damage_words import DAMAGE, DAMAGED, NOT_DAMAGE, THROWN_AT, paired
from conversations.events import EventKind, InboundEvent, words_of
from conversations.harmless_words import harmless
from conversations.name_words import names
from conversations.what_now_words import asks_what_to_do, only_asks_what_to_do
from conversations.words import Words
from storage.directory import ContactCard, Contacts
from storage.viewer import Viewer

CALLS = frozenset({"akut", "larm", "sos"})
"""Words that open /akut from anywhere: the call itself, not words to keep with a report."""

ASKS = frozenset(
    {"larma", "alert", "ja", "jo", "japp", "yes", "please", "snälla", "hjälp", "hjalp", "help"}
)
"""Typed at the guidance, these ask for the alert the button offers ("larma pia snälla")."""
YES = frozenset({"ja", "jo", "japp", "yes"})
"""A bare yes: after the guidance's last question ("from inside your party?") it may say
yes to that, not to the first button."""
CALLING = frozenset({"larma", "alert"})
"""Typed anywhere, these ask for the alert itself: no guidance first."""
REQUEST = CALLING | {"call", "ring", "ringa"}
"""Said with a contact's name, these ask for her ("ring Pia"), not name her as the threat."""
UNIT = frozenset(
    {"unit", "municipality", "kommunen", "kommun", "säkerhetsenheten", "enheten", "strateg"}
)
"""Words that ask for the municipality's security unit instead of the party."""
NOT = frozenset({"inte", "ej", "nej", "not", "no", "don't", "dont"})
THANKS = frozenset(
    {"ok", "okej", "okay", "tack", "thanks", "thank", "you", "så", "mycket", "bra", "fint"}
)
"""A message of these words only ("ok tack") answers the guidance: nothing to keep."""
ASIDES = frozenset({"call", "ring", "ringa", "me", "mig", "nu", "now", "till", "to", "and", "och"})
"""Words around a request for the alert ("ring Pia nu") that tell nothing to keep."""
INSIDE = (
    "inifrån",
    "inom partiet",
    "i partiet",
    "från partiet",
    "egna partiet",
    "eget parti",
    "mitt parti",
    "partikamrat",
    "partikollega",
    "inside",
    "within",
    "my party",
    "own party",
    "party colleague",
)
"""Words that say the threat comes from inside her party: the unit, not the party, is alerted,
and her words are not kept where the party's contacts read them."""
CRYING = ("hjälp", "hjalp", "help")
"""A message that starts with one of these is a cry ("hjälp han står utanför dörren nu")."""
THREAT = (
    "hot",
    "rädd",
    "livrädd",
    "förfölj",
    "trakasser",
    "attacker",
    "misshand",
    "slagen",
    "slog",
    "slår",
    "sparka",
    "stryp",
    "knivhugg",
    "inbrott",
    "fara",
    "död",
    "mord",
    "mörda",
    "bankar",
    "brinner",
    "blöder",
    "threat",
    "attack",
    "harass",
    "scared",
    "afraid",
    "danger",
    "kill",
    "murder",
    "bleeding",
    "beat",
    "punch",
    "stab",
    "strangl",
    "burglar",
    "kula",
    "kulor",
    "bullet",
    "bränn",
    "burn",
)
"""Beginnings of words that tell of a threat or of harm ("hotar", "rädd", "förföljer",
"döda", "dödshot", "jag är i fara", "han bankar på dörren", "threatened", "kill")."""
WEAPONS = (
    "kniv",
    "vapen",
    "vapn",
    "skjutvapen",
    "pistol",
    "gevär",
    "yxa",
    "yxan",
    "knife",
    "knive",
    "weapon",
)
"""Beginnings of words that name a weapon."""
CRIES = ("akut", "larm", "sos", *CRYING, *THREAT, *WEAPONS)
"""Beginnings of words that, in a message that opens no flow, open /akut ("hjälp jag har blivit
hotad", "han ska döda mig", "han har en kniv")."""
OPENING = (*CRIES, *DAMAGE)
"""Beginnings of words that, in a message that opens no flow, open /akut: the cries, and
damage done ("någon krossade min ruta", "bilen är vandaliserad")."""
HERE = ("utanför", "dörr", "outside", "door")
"""Beginnings of words that say someone is at her door ("han står utanför", "vid dörren"): new
danger in words written to a case, though too common to open /akut by themselves."""
NOT_THREAT = (
    "hotell",
    "hotspot",
    "helper",
    "dörrkod",
    "larmknapp",  # "jag råkade trycka på larmknappen": the button, not a cry
    "hjälpa",  # "kan du hjälpa mig med polisanmälan?": a question, not a cry
    "hjälper",
    "hjälpt",
    "helped",
    "helpful",
    "helping",
    "burnout",
    *NOT_DAMAGE,
)
DENIED = frozenset(
    (
        "inga",
        "inget",
        "ingen",
        "inte",
        "ej",
        "utan",
        "slipper",
        "no",
        "not",
        "without",
        "nobody",
        "nothing",
    )
)
"""A word of danger right after one of these says there is none ("inga nya hot")."""
_DANGER = Words(
    command="danger",
    first=(*CRIES, *HERE),
    not_first=NOT_THREAT,
    denied=DENIED,
    harmless=harmless,
)
SHORT = 3  # words: a message this short that names the contact asks for her ("Pia nu")


def telling(event: InboundEvent) -> bool:
    """True if the person wrote something to keep, not only "akut" (or "larm", "sos") nor
    only asked what to do ("vad ska jag göra?")."""
    text = event.text.strip().strip(".,!?:;\"'()").casefold()
    told = bool(text) and text not in CALLS and not only_asks_what_to_do(text)
    cry_only = set(words_of(text)) <= {*CALLS, *CRYING, *CRY_ASIDES}  # "hjälp!", "help me"
    return event.kind is EventKind.TEXT and told and not cry_only


CRY_ASIDES = frozenset({"mig", "mej", "me", "nu", "now", "snälla", "please", "oss", "us"})
"""Words beside a cry that tell nothing to keep ("hjälp mig nu")."""
WITHIN = ("rädd", "kniv", "vapen")
"""Parts of compound words that tell of danger wherever they stand in the word ("jätterädd",
"fickkniven"): they open /akut from anywhere, as the cries do."""
WITHIN_HERE = ("dörr", "fönst")
"""Parts of compound words that say someone is at her door or window ("altandörren",
"köksfönstret"): danger in words written to a case, too common to open /akut alone."""
PHRASES = (
    "ta sig in",
    "tar sig in",
    "tog sig in",
    "bryta sig in",
    "bryter sig in",
    "bröt sig in",
    "följt efter",
    "följer efter",
    "följde efter",
    "get in",
    "break in",
    "breaking in",
    "broke in",
    "following me",
    "followed me",
    "vet var jag bor",
    "vet vart jag bor",
    "vet var du bor",
    "vet vart du bor",
    "vet var dina barn",
    "know where i live",
    "knows where i live",
    "know where you live",
    "knows where you live",
    "sätta eld",
    "sätter eld",
    "satte eld",
    "tända eld",
    "tänder eld",
    "set fire",
    "sets fire",
)
"""Phrases that tell of danger now ("han försöker ta sig in", "he is following me", "de
vet var jag bor": a threat without a threatening word)."""
_PHRASES_BY_FIRST: dict[str, tuple[list[str], ...]] = {
    first: tuple(p.split() for p in PHRASES if p.split()[0] == first)
    for first in {p.split()[0] for p in PHRASES}
}
"""PHRASES by their first word, each as its words: a word that starts none is passed at once."""


OUTSIDE = ("utanför", "outside")
"""Where someone stands, near one of STANDING before it, tells of danger now."""
STANDING = frozenset({"står", "väntar", "sitter", "är", "stands", "standing", "waiting", "is"})
"""Being there now ("det står en man utanför mitt hus"); "han stod utanför i går" is told, not
cried (kept with her case, its handlers asked to read it now)."""
NEAR = 4  # words: how far before "utanför" the verb may stand
SOMEONE = frozenset(
    {
        *("han", "hon", "någon", "några", "man", "män", "mannen", "kvinna", "person", "de"),
        *("he", "she", "someone", "somebody", "man", "men", "woman", "person", "they", "guy"),
    }
)
"""Someone else near "utanför" ("bilen står utanför" and "jag är utanför stan" are no one)."""


def cries_within(text: str, parts: tuple[str, ...] = WITHIN) -> bool:
    """Whether a compound or a phrase tells of danger ("jätterädd", "fickkniven", "någon
    försöker ta sig in", "det står en man utanför"), not denied just before ("inte följt
    efter"); ``parts``: the parts of compounds that count."""
    said = words_of(text)
    for i, word in enumerate(said):
        near = said[max(0, i - NEAR) : i]
        someone = STANDING & set(near) and SOMEONE & set(near)
        if word in OUTSIDE and someone and not DENIED & set(near):
            return True
        within = any(part in word for part in parts)
        if within and not any(n in word for n in NOT_THREAT) and not _denied_before(said[:i]):
            return True
        phrase = any(said[i : i + len(p)] == p for p in _PHRASES_BY_FIRST.get(word, ()))
        if (phrase or paired(said, i, THROWN_AT)) and not _denied_before(said[:i]):
            return True
    return False


def opens_akut(
    text: str, names: frozenset[str] = frozenset(), viewer: Viewer | None = None
) -> bool:
    """Whether words typed outside any question open /akut without a cry's first word: a
    compound or phrase of danger ("jätterädd", "någon försöker ta sig in", "de kastade sten"),
    damage done ("har slagit sönder rutan", "they broke my window"), asking Trygg to call the
    police or her contact (``names``: the words of her contacts' names; not, from someone
    who handles cases, a call about one: "ring Per om ärendet", see the menu), or asking
    what to do now ("vad ska jag göra?")."""
    said = words_of(text)
    damaged = any(
        paired(said, i, DAMAGED) and not _denied_before(said[:i]) for i in range(len(said))
    )
    if damaged or cries_within(text) or asks_what_to_do(text):
        return True
    return asks_a_call(text, names) and not for_a_case(text, viewer)


def tells_danger(text: str) -> bool:
    """Whether words written to a case may tell of danger now, so that those handling it are
    asked to read them at once: what opens /akut from anywhere (a cry, a threat, harm, a
    weapon), someone at her door ("han står utanför dörren"), a compound or a phrase that
    says so ("jätterädd", "han försöker ta sig in"); not "inga nya hot"."""
    return _DANGER.means_command(text, in_flow=False) or cries_within(text, (*WITHIN, *WITHIN_HERE))


def _denied_before(before: list[str]) -> bool:
    """Whether one of the two words before says there is none ("inte följt efter")."""
    return bool(DENIED & set(before[-2:]))


def says_none(text: str) -> bool:
    """Whether the words say there is nothing new ("mår bättre, inga nya hot")."""
    return bool(DENIED & set(words_of(text)))


MISTAKE = (
    "tryckte fel",
    "tryckte på fel",
    "råkade trycka",
    "råkade larma",
    "av misstag",
    "ett misstag",
    "falsklarm",
    "falskt larm",
    "avbryt larmet",
    "ta tillbaka larmet",
    "återkalla larmet",
    "by mistake",
    "by accident",
    "was a mistake",
    "false alarm",
    "cancel the alert",
    "cancel alert",
    "pressed the wrong",
    "fel knapp",
    "råkade trycka på larmknappen",
    "wrong button",
    "take back the alert",
)
"""Words that say the alert was raised by mistake, or ask to take it back."""


def says_mistake(text: str) -> bool:
    """Whether the words say the alert was a mistake ("förlåt, jag tryckte fel", "avbryt
    larmet") and tell of no danger besides ("jag tryckte fel, han har en kniv" is danger;
    the word "larmet" in "avbryt larmet" is not)."""
    said = f" {' '.join(words_of(text))} "
    found = [phrase for phrase in MISTAKE if f" {phrase} " in said]
    for phrase in found:
        said = said.replace(f" {phrase} ", " ")
    return bool(found) and not tells_danger(said)


def words(event: InboundEvent) -> set[str]:
    """The words of a typed message (none for a file)."""
    return set(words_of(event.text)) if event.kind is EventKind.TEXT else set()


def inside(event: InboundEvent) -> bool:
    """Whether the words say the threat comes from inside her party (not "det är inte
    någon i partiet")."""
    return says_inside(event.text) if event.kind is EventKind.TEXT else False


def says_inside(text: str) -> bool:
    """Whether typed words say the threat comes from inside her party; see :func:`inside`."""
    said = f" {' '.join(words_of(text))} "
    if NOT & set(said.split()):
        return False
    return any(f" {phrase} " in said for phrase in INSIDE)


def names_unit(event: InboundEvent, contacts: Contacts) -> bool:
    """Whether the words ask for the municipality's security unit ("larma kommunen", "alert
    the unit", "larma Sara"), not the party."""
    named = {w for card in contacts.municipal_security for w in name_of(card)}
    return bool(words(event) & (UNIT | named))


def named_as_threat(event: InboundEvent, contacts: Contacts) -> bool:
    """Whether the words name one of her party's security contacts other than to ask for
    them: "Pia Lind hotar mig", not "larma Pia", "ring Pia nu" or "kan du kontakta Pia?"."""
    said, names = words(event), frozenset(party_names(contacts))
    by_name = any(named_in(event, card) for card in contacts.party_security)
    named = by_name and len(said) > SHORT and not REQUEST & said
    return named and not asks_a_call(event.text, names)


def named_contacts(event: InboundEvent, contacts: Contacts) -> list[ContactCard]:
    """The party's security contacts the words name as the threat ("det är Per Ek som
    hotar mig"); none unless they are named as the threat."""
    if not named_as_threat(event, contacts):
        return []
    return [card for card in contacts.party_security if named_in(event, card)]


def named_in(event: InboundEvent, card: ContactCard) -> bool:
    """Whether typed words name the contact ("Per Ek", "Pia"; not "tio hot per dag")."""
    return event.kind is EventKind.TEXT and names(event.text, card.name)


def from_inside(event: InboundEvent, contacts: Contacts) -> bool:
    """Whether the words say, or show by naming a party contact, that the threat comes from
    inside her party."""
    return inside(event) or named_as_threat(event, contacts)


def party_names(contacts: Contacts) -> set[str]:
    """The words of the names of her party's security contacts ("pia", "lind")."""
    return {w for card in contacts.party_security for w in name_of(card)}


def first_contact(contacts: Contacts) -> ContactCard | None:
    """Whom the guidance's first button alerts: the party's first contact, else the unit's."""
    return next(iter([*contacts.party_security, *contacts.municipal_security]), None)


def asks(
    said: set[str], first: ContactCard | None, asking: frozenset[str], *, by_name: bool = True
) -> bool:
    """Whether the words ask for the alert (one of ``asking``, or, ``by_name``, the contact's
    name in a short message: "Pia nu", never "Pia Lind hotar mig") and do not say not to."""
    if first is None or NOT & said:
        return False
    named = by_name and len(said) <= SHORT and name_of(first) & said
    return bool(asking & said or named)


def name_of(card: ContactCard) -> set[str]:
    return set(card.name.casefold().split())
