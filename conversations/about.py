"""Whom a report is about, read from its stored answers.

Below conversations.report, so that the notices (which the report's own modules import)
can ask it too. The keys are the stored names of the report's steps (ReportStep values).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

WHO = "who"  # ReportStep.WHO: "self" or "other"
TARGET = "target"  # ReportStep.TARGET: "Eva Ek, kulturnämnden"


def about_someone_else(answers: Mapping[str, Any]) -> bool:
    """Whether the report is about someone other than the person writing it."""
    who = answers.get(WHO)
    return isinstance(who, dict) and who.get("choice") == "other"


NOT_A_NAME = frozenset(
    (
        "hon",
        "han",
        "hen",
        "den",
        "det",
        "de",
        "min",
        "mitt",
        "mina",
        "vår",
        "vårt",
        "våra",
        "en",
        "ett",
        "jag",
        "vi",
        "she",
        "he",
        "they",
        "it",
        "my",
        "our",
        "a",
        "an",
        "the",
        "i",
        "we",
    )
)
"""First words that begin a description, not a name ("hon är ledamot i socialnämnden",
"min man Olle")."""
SHORT_NAME = 3  # words: a first clause this short, in small letters, is taken as the name


def named_target(answers: Mapping[str, Any]) -> str | None:
    """The targeted person's name as the reporter wrote it, if she wrote one: the first
    words in capitals ("Lena Ek, socialnämnden", "min man Olle"), or a short first clause
    typed in small letters ("lena ek"); None for a description ("hon är ledamot i KS")."""
    target = answers.get(TARGET)
    text = str(target.get("text", "")) if isinstance(target, dict) else ""
    words = text.replace("\n", ",").split(",")[0].split()
    start = 0
    while start < len(words) and words[start].casefold() in NOT_A_NAME:
        start += 1
    capitals = [i for i in range(start, len(words)) if words[i][:1].isupper()]
    if capitals:
        run = [words[capitals[0]]]
        for word in words[capitals[0] + 1 :]:
            if not word[:1].isupper():
                break
            run.append(word)
        name = " ".join(run)
    elif start == 0 and 0 < len(words) <= SHORT_NAME:
        name = " ".join(words)
    else:
        return None
    return name if len(name) <= 40 else None


CLOSE_SV = (
    *("man", "fru", "make", "maka", "sambo", "partner", "pojkvän", "flickvän", "son", "dotter"),
    *("mamma", "pappa", "mor", "far", "bror", "syster", "vän", "kollega"),
)
CLOSE_EN = (
    *("husband", "wife", "partner", "boyfriend", "girlfriend", "son", "daughter", "mother"),
    *("father", "brother", "sister", "friend", "colleague"),
)
CLOSE = frozenset((*CLOSE_SV, *CLOSE_EN))
"""Who someone is to the person reporting ("min man Erik"): a name after it is theirs."""
SOMEONE_CLOSE = (*(f"min {word}" for word in CLOSE_SV), *(f"my {word}" for word in CLOSE_EN))
"""Words that say the report is about someone close to her, not herself ("min man")."""
NOT_A_NAME_ALONE = frozenset(
    ("hej", "hejsan", "hallå", "tja", "ja", "nej", "ok", "okej", "hi", "hello", "hey", "yes", "no")
)
"""Capitalised words at the start of a message that greet or answer, never a name."""
_TOKEN = re.compile(r"[^\W\d_][\w'-]*|[^\w\s]")
_STOPS = frozenset(".!?")


def name_in(text: str, own: str = "") -> str | None:
    """The name of someone else in a reporter's own words ("min man Erik", "Erik Berg, min
    man", "it was my husband Erik"): capitalised words after a word for who they are to her,
    else capitalised words that are more than the first word of a sentence; never her own
    name (``own``), nor a word that only starts a sentence ("Igår blev min man hotad")."""
    tokens = _TOKEN.findall(text)
    mine = set(own.casefold().split())
    runs: list[tuple[bool, list[str]]] = []  # (after a word for someone close, the words)
    i = 0
    while i < len(tokens):
        word = tokens[i]
        if not word[:1].isupper() or word.casefold() in NOT_A_NAME | NOT_A_NAME_ALONE:
            i += 1
            continue
        start = i
        while i < len(tokens) and tokens[i][:1].isupper():
            i += 1
        run = tokens[start:i]
        before = [t.casefold() for t in tokens[max(0, start - 2) : start] if t != ","]
        first = start == 0 or tokens[start - 1] in _STOPS
        alone = i == len(tokens) or not tokens[i][:1].isalpha()
        if (not first or alone or len(run) > 1) and not {w.casefold() for w in run} <= mine:
            runs.append((bool(before) and before[-1] in CLOSE, run))
    runs.sort(key=lambda found: not found[0])  # stable: after "min man" first, else in order
    name = " ".join(runs[0][1]) if runs else ""
    return name if 0 < len(name) <= 40 else None
