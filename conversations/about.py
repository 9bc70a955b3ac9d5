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


MINE = frozenset(("min", "mitt", "mina", "vår", "vårt", "våra", "my", "our"))
"""Words that make a word for someone close hers ("min man", "our son")."""
WHEN_WORDS = frozenset(
    (
        *("igår", "idag", "imorse", "ikväll", "inatt", "imorgon", "förrgår"),
        *("måndag", "tisdag", "onsdag", "torsdag", "fredag", "lördag", "söndag"),
        *("januari", "februari", "mars", "april", "maj", "juni", "juli", "augusti"),
        *("september", "oktober", "november", "december"),
        *("yesterday", "today", "tonight", "tomorrow"),
        *("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"),
        *("january", "february", "march", "may", "june", "july", "august", "october"),
    )
)
"""Days and months, capitalised at the start of a sentence or in English: never a name."""
HERSELF = frozenset(("jag", "mig", "mej", "me", "myself"))
"""Words that speak of herself (and "I", unless Swedish "I går", "I Malmö")."""
AFTER_SWEDISH_I = frozenset(("går", "dag", "kväll", "morse", "natt", "morgon", "helgen"))


def _speaks_of_herself(words: list[str]) -> bool:
    for i, word in enumerate(words):
        if word.casefold() in HERSELF:
            return True
        after = words[i + 1] if i + 1 < len(words) else ""
        if word == "I" and not after[:1].isupper() and after.casefold() not in AFTER_SWEDISH_I:
            return True
    return False


def close_named(text: str, own: str = "") -> tuple[str, str] | None:
    """Someone close to her, by name, in a sentence that tells more ("Igår blev min man Erik
    hotad av en granne"): the words that say it ("min man Erik") and the name ("Erik").
    Only a word of hers for someone close with capitalised words right after it, one such
    name in the sentence, and nothing said of herself ("min man Erik hotade mig"); a day, a
    month or a place ("min man i Malmö") is never a name."""
    found = list(_TOKEN.finditer(text))
    words = [m.group() for m in found]
    if _speaks_of_herself(words):
        return None
    not_names = NOT_A_NAME | NOT_A_NAME_ALONE | WHEN_WORDS
    mine = set(own.casefold().split())
    named: dict[str, str] = {}
    for i in range(len(words) - 2):
        if words[i].casefold() not in MINE or words[i + 1].casefold() not in CLOSE:
            continue
        end = i + 3 if words[i + 2] == "," else i + 2
        start = end
        while (
            end < len(words) and words[end][:1].isupper() and words[end].casefold() not in not_names
        ):
            end += 1
        run = words[start:end]
        if run and not {w.casefold() for w in run} <= mine:
            named.setdefault(" ".join(run), text[found[i].start() : found[end - 1].end()])
    if len(named) != 1:
        return None  # nobody named, or several: not clear whom it is about
    ((name, said),) = named.items()
    return (said, name) if len(name) <= 40 else None
