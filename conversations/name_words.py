"""Whether a message names a person: her whole name, or a part of it alone ("Pia", "lind").
A part that is also a common word ("per dag", "en ek", "på stranden") names her only when
written as a name, with a capital ("Per", "Ek")."""

from __future__ import annotations

import re

from conversations.events import words_of

COMMON = frozenset(
    {
        *("per", "bo", "ek", "lind", "björk", "gran", "sten", "berg", "strand", "holm", "ask"),
        *("alm", "dal", "lo", "ros", "stig", "vide", "hav", "sjö", "ström", "lund", "kvist"),
        *("mark", "will", "may", "rose", "hope", "grace", "joy", "bill", "pat", "sue", "jack"),
        *("my", "young", "long", "white", "brown", "green", "king", "hill", "wood"),
    }
)
"""Parts of names that are also everyday words, in Swedish and English."""


def names(text: str, name: str) -> bool:
    """Whether ``text`` names the person called ``name`` (see the module's docstring); her
    first name followed by another surname is someone else ("Per Andersson")."""
    parts = words_of(name)
    if not parts:
        return False
    if set(parts) <= set(words_of(text)):
        return True
    return any(
        _alone(text, part, first=index == 0, capital=part in COMMON)
        for index, part in enumerate(parts)
    )


def first_name_alone(written: str, name: str, *, capital: bool = False) -> bool:
    """Whether ``written`` has the first name of ``name`` without another surname after it:
    "Per", "per från partiet", "Per, min partikamrat", not "Per Andersson". ``capital``: only
    written as a name ("Per", not "per dag")."""
    parts = words_of(name)
    return bool(parts) and _alone(written, parts[0], first=True, capital=capital)


def _alone(text: str, part: str, *, first: bool, capital: bool) -> bool:
    """Whether the part of a name is written as a word of its own (``capital``: with its
    capital), and, ``first``, not followed by a surname."""
    if capital:
        spelled = re.escape(part[0].upper()) + f"(?i:{re.escape(part[1:])})"
    else:
        spelled = f"(?i:{re.escape(part)})"
    other = r"(?!\s+[A-ZÅÄÖ])" if first else ""
    return re.search(rf"(?<!\w){spelled}(?!\w){other}", text) is not None
