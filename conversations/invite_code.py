"""Read an invitation code however a person types it, on every channel.

`trygg invite create` prints ``4W26-RQ9A-GDTQ``; people type it in lower case, with spaces
or without dashes, alone or after ``start`` or ``/start``. Transports use :func:`invite_code`
to see that a message brings a code, and the start flow uses it to read the code.
"""

from __future__ import annotations

import re

from storage.invites import CODE_ALPHABET

_CHAR = f"[{CODE_ALPHABET}]"
_PREFIX = re.compile(r"^/?start\b[\s:]*", re.IGNORECASE)
_GROUPED = re.compile(rf"^({_CHAR}{{4}})[\s\-–—.]+({_CHAR}{{4}})[\s\-–—.]+({_CHAR}{{4}})$")
_RUN = re.compile(rf"^{_CHAR}{{12}}$")


def invite_code(text: str, *, expected: bool = False) -> str | None:
    """The code a message brings, as printed (``4W26-RQ9A-GDTQ``), or None.

    Case does not matter; the three groups of four may be split by spaces or dashes or
    written in one run. Without ``start`` or a dash, the letters count only if they hold a
    digit or are typed in capitals: words ("trakasserade", "anna berg karl") are no code.
    ``expected``: the sender has no role yet, so a code is what they came with, and
    letters in the code's shape count as one even in lower case without a digit.
    """
    typed = " ".join(text.split())
    rest = _PREFIX.sub("", typed)
    upper = rest.upper()
    grouped = _GROUPED.match(upper)
    if grouped is None and not _RUN.match(upper):
        return None
    plain = rest == typed and "-" not in rest  # might be words
    if plain and not expected and not (rest.isupper() or any(c.isdigit() for c in rest)):
        return None
    letters = upper.translate({ord(c): None for c in " -–—."})
    return f"{letters[:4]}-{letters[4:8]}-{letters[8:]}"
