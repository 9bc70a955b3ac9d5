"""Words that tell of violence against property, the form's "Våld, skadegörelse": a window
smashed, a stone thrown through it, a car vandalised. Like words of threat, they open /akut
from a message that opens no flow. Damage found ("någon har skurit sönder mina däck igen")
tells of no danger now by itself, so a report of it in calm words may wait for the morning;
a stone thrown does."""

from __future__ import annotations

from collections.abc import Sequence

DAMAGE = (
    "krossa",
    "skadegör",
    "skadegj",
    "vandal",
    "sönderslag",
    "sönderskur",
    "söndersparka",
    "sönderkross",
    "söndertras",
    "sönderstuck",
    "smash",
    "trashed",
)
"""Beginnings of words that tell of damage done ("krossade", "krossat", "skadegörelse",
"skadegjorde", "vandaliserade", "vandalised", "sönderslagen", "smashed"); "sönder" alone
is not one of them: "telefonen gick sönder" is no damage done."""
NOT_DAMAGE = ("vandalorum",)  # the art museum in Värnamo
"""Words that begin like one of DAMAGE and tell of none."""

THROWN = frozenset(
    {
        *("kasta", "kastar", "kastade", "kastat", "kastats", "kastades"),
        *("slänga", "slänger", "slängde", "slängt"),
        *("throw", "throws", "threw", "thrown", "throwing", "hurl", "hurled", "hurling"),
    }
)
STONES = frozenset(
    {
        *("sten", "stenen", "stenar", "stenarna", "gatsten", "gatstenar", "tegelsten"),
        *("tegelstenar", "rock", "rocks", "stone", "stones", "brick", "bricks"),
    }
)
"""A stone, whole words only ("Stenberg", "stenhård" and "rocket" are none)."""
THROUGH = frozenset({"genom", "igenom", "through"})
SMASHING = frozenset(
    {
        *("slagit", "slagits", "slogs", "skar", "skurit", "skurits", "stack", "stuckit"),
        *("bröt", "brutit", "brutits", "rev", "rivit", "hackade", "hackat", "högg", "huggit"),
        *("trampade", "trampat"),
    }
)
"""Verbs that, with "sönder" after them, tell of damage done ("har slagit sönder rutan",
"skar sönder däcken"); "gick sönder" does not."""
BROKE = frozenset({"broke", "kicked", "keyed", "slashed", "shattered", "punctured"})
THINGS = frozenset(
    {
        *("window", "windows", "windscreen", "windshield", "door", "doors", "car"),
        *("tyre", "tyres", "tire", "tires", "glass"),
    }
)
"""What is broken in English ("they broke my window", "someone keyed my car")."""
BROKEN = frozenset({"kicked", "keyed", "slashed", "shattered", "punctured"})
"""Said after the thing ("my tyres were slashed"; not "broken": "the car is broken")."""
GLASS = frozenset({"window", "windows", "windscreen", "windshield", "glass"})
"""What "broken" before it tells of damage ("broken window"; not "broken car")."""

Pair = tuple[frozenset[str], frozenset[str]]
THROWN_AT: tuple[Pair, ...] = (
    (THROWN, STONES),  # "någon har kastat sten", "they threw a rock"
    (STONES, THROUGH),  # "en sten genom fönstret", "a rock through my window"
)
"""Two words that together tell of a stone thrown: an attack now."""
DAMAGED: tuple[Pair, ...] = (
    (SMASHING, frozenset({"sönder"})),  # "har slagit sönder rutan"
    (BROKE, THINGS),  # "someone broke my window", "kicked in the door"
    (THINGS, BROKEN),  # "my tyres were slashed", "the car was keyed"
    (frozenset({"broken"}), GLASS),  # "a broken window"
)
"""Two words that together tell of damage done."""
NEAR = 3  # words: the second of a pair at most this many after the first


def paired(said: Sequence[str], at: int, pairs: tuple[Pair, ...]) -> bool:
    """Whether the word at ``at`` in ``said`` (a message's words, casefolded) begins one of
    ``pairs``: its first word there, its second at most NEAR words after."""
    after = set(said[at + 1 : at + 1 + NEAR])
    return any(said[at] in first and second & after for first, second in pairs)
