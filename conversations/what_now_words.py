"""A question of what to do now ("vad ska jag göra?", "vad gör jag nu", "what should I do?"),
alone or after words of what happened: in a message that opens no flow, /akut answers it."""

from __future__ import annotations

import re

from conversations.events import words_of
from conversations.words import COURTESY, POLITE

WHAT = frozenset({"vad", "va"})
HOW = frozenset({"hur"})
SHALL = frozenset({"ska", "skall", "bör", "borde", "kan", "måste"})
WHO = frozenset({"jag", "ja", "vi", "man"})
DO = frozenset({"göra", "gora"})
DOES = frozenset({"gör", "gor"})
TOLD_WHAT = (WHAT, WHO, SHALL, DO)  # "jag vet inte vad jag ska göra"
TOLD_WHAT_EN = (frozenset({"what"}), frozenset({"to"}), frozenset({"do"}))  # "what to do"
ASKED: tuple[tuple[frozenset[str], ...], ...] = (
    (WHAT, SHALL, WHO, DO),  # "vad ska jag göra", "vad kan vi göra"
    (WHAT, DOES, WHO),  # "vad gör jag nu"
    (HOW, SHALL, WHO, DO),  # "hur ska jag göra"
    (HOW, DOES, WHO),  # "hur gör vi nu"
    TOLD_WHAT,
    (WHAT, SHALL, WHO, frozenset({"ta"}), frozenset({"mig", "oss"}), frozenset({"till"})),
    (WHAT, frozenset({"nu"})),  # "vad nu?"
    (
        frozenset({"what"}),
        frozenset({"should", "shall", "can", "do", "must"}),
        frozenset({"i", "we"}),
        frozenset({"do"}),
    ),  # "what should I do", "what do we do"
    TOLD_WHAT_EN,  # "I don't know what to do"
    (frozenset({"what"}), frozenset({"now"})),
)
"""A question of what to do, word by word (each word one of its set), that ends a clause:
"vad ska jag göra med skärmdumparna?" asks something else."""
KNOW = frozenset({"vet", "visste", "förstår", "know", "knows", "knew", "understand"})
DOUBT = frozenset(
    {
        *("inte", "ej", "icke", "aldrig", "om", "hoppas", "önskar", "kanske", "osäker"),
        *("not", "don't", "dont", "doesn't", "doesnt", "didn't", "didnt", "never", "no"),
        *("if", "whether", "wish", "hope", "maybe", "unsure"),
    }
)
"""Words that leave her not knowing ("jag vet inte vad jag ska göra", "I wish I knew what to
do"): the words around the question still ask it."""
ASKED_OF = frozenset({"du", "ni", "någon", "nån", "you", "anyone", "anybody", "someone"})
"""Said right after (or, in English, before) "vet" it asks Trygg or anyone ("vet du vad jag
ska göra?", "do you know what to do?")."""
AFTER = frozenset({"nu", "då", "now", "then", "ikväll", "tonight"})
"""Words after the question that change nothing ("vad ska jag göra nu?")."""
NOTHING_TOLD = (
    COURTESY
    | POLITE
    | {"hjälp", "hjalp", "help", "och", "men", "så", "and", "but", "so", "nu", "now"}
    | {"jag", "vet", "inte", "i", "don't", "dont", "do", "not", "know"}
)
"""Words around the question that tell nothing of what happened ("hej, hjälp, jag vet inte
vad jag ska göra"): nothing to keep."""
CLAUSE = re.compile(r"[.,!?;:…\n]+")


def _asking(clause: list[str], marked: bool = False) -> int:
    """How many words at the end of a clause ask what to do, the words after the question
    included ("vad gör jag nu": 4); 0 if it asks nothing (``marked``: the message has a
    question mark, so even "jag vet vad jag ska göra?" asks)."""
    after = len(clause)
    while after and clause[after - 1] in AFTER:
        after -= 1
    for asked in ASKED:
        end = clause[max(0, after - len(asked)) : after]
        if len(end) == len(asked) and all(w in s for w, s in zip(end, asked, strict=True)):
            if not marked and _knows(clause[: after - len(asked)], asked):
                return 0  # "jag vet vad jag ska göra": told, not asked
            return len(asked) + len(clause) - after
    return 0


def _knows(before: list[str], asked: tuple[frozenset[str], ...]) -> bool:
    """Whether the words before an indirect question say she knows the answer ("jag vet vad
    jag ska göra", "now I know what to do"): not asked, not doubted, not asked of someone."""
    if asked not in (TOLD_WHAT, TOLD_WHAT_EN) or DOUBT & set(before):
        return False
    for i, word in enumerate(before):
        next_word = before[i + 1] if i + 1 < len(before) else ""
        prev_word = before[i - 1] if i else ""
        if word in KNOW and i and next_word not in ASKED_OF and prev_word not in ASKED_OF:
            return True
    return False


def _clauses(text: str) -> list[list[str]]:
    """The words of each clause of a message, split where punctuation ends one."""
    return [words for part in CLAUSE.split(text) if (words := words_of(part))]


def asks_what_to_do(text: str) -> bool:
    """Whether the words ask what to do now, alone or after what happened ("någon krossade
    min ruta, vad ska jag göra")."""
    return any(_asking(clause, "?" in text) for clause in _clauses(text))


def only_asks_what_to_do(text: str) -> bool:
    """Whether the words ask what to do and tell nothing besides ("hej, vad ska jag göra
    nu?"): there is nothing to keep."""
    asking = [(clause, _asking(clause, "?" in text)) for clause in _clauses(text)]
    rest = {w for clause, n in asking for w in clause[: len(clause) - n]}
    return any(n for _clause, n in asking) and rest <= NOTHING_TOLD
