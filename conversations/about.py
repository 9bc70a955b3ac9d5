"""Whom a report is about, read from its stored answers.

Below conversations.report, so that the notices (which the report's own modules import)
can ask it too. The keys are the stored names of the report's steps (ReportStep values).
"""

from __future__ import annotations

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
