"""Phone numbers as the directory keeps and shows them: a Swedish number typed any usual way
("070-123 45 67", "0701234567", "+46 70 123 45 67") is written as the org file writes its
numbers, "+46 70 123 45 67", callable from abroad; a number it cannot read for sure is kept
as it was typed."""

from __future__ import annotations

import re

PHONE = re.compile(r"^\+?[0-9][0-9 \-]{5,24}$")
"""A phone number as the directory keeps it: digits, spaces, dashes, optional leading +."""

MOBILE = frozenset({"70", "72", "73", "76", "79"})  # 070, 072, 073, 076, 079
# Area codes of two digits after the 0 (Norrköping 011 … Umeå 090), and 020 (freephone); 08
# (Stockholm) has one, all others three (Oxelösund 0155). The plan has no overlaps.
TWO_DIGIT_AREAS = frozenset(
    {"11", "13", "16", "18", "19", "20", "21", "23", "26", "31", "33", "35", "36", "40", "42"}
    | {"44", "46", "54", "60", "63", "90"}
)
THREE_DIGIT_FIRST = frozenset("1234569")


def international(phone: str) -> str:
    """Write a number as the directory shows it: a Swedish one as "+46 70 123 45 67" or
    "+46 8 465 004 10" however it was typed; one abroad as typed (00 as +); one it cannot
    read for sure (too short, too long, no area code) as typed."""
    digits = re.sub(r"[ \-]", "", phone)
    if digits.startswith("+46"):
        national = digits[3:]
    elif digits.startswith("0046"):
        national = digits[4:]
    elif digits.startswith("00"):  # another country, dialled from Sweden
        return "+" + phone.lstrip()[2:].lstrip(" -")
    elif digits.startswith("0"):
        national = digits[1:]
    else:  # another country with +, or a number without its area code
        return phone
    if national.startswith("0"):  # "+46 070 …": the 0 that is left out from abroad
        national = national[1:]
    shown = _swedish(national)
    return f"+46 {shown}" if shown is not None else phone


def _swedish(national: str) -> str | None:
    """'70 123 45 67' for 701234567, '8 465 004 10' for 846500410: the area (or mobile)
    code, then the number in the usual groups; None if it is not a Swedish number."""
    if not national.isdigit() or not 7 <= len(national) <= 9:
        return None
    if national[:2] in MOBILE:
        return f"{national[:2]} {_grouped(national[2:])}" if len(national) == 9 else None
    if national[0] == "8":
        area = 1
    elif national[:2] in TWO_DIGIT_AREAS:
        area = 2
    elif national[0] in THREE_DIGIT_FIRST:
        area = 3
    else:  # 07x that is not a mobile, 077 and the like: not guessed at
        return None
    number = national[area:]
    return f"{national[:area]} {_grouped(number)}" if len(number) >= 5 else None


def _grouped(number: str) -> str:
    """'123 45', '12 34 56', '123 45 67', '123 456 78': the groups Swedish numbers are read
    in (pairs from the end, three first when it is odd)."""
    if len(number) == 8:
        return f"{number[:3]} {number[3:6]} {number[6:]}"
    head = 3 if len(number) % 2 else 2
    pairs = [number[i : i + 2] for i in range(head, len(number), 2)]
    return " ".join([number[:head], *pairs])
