"""What a channel can do: the limits its transport declares, which the flows read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta


@dataclass(frozen=True, slots=True)
class Capabilities:
    """One channel's limits and features, declared by its transport (flows never test a
    channel's name or hold a platform's numbers)."""

    max_download_bytes: int | None = None  # the largest file the bot can receive (None: any)
    max_text_length: int | None = None  # the longest message; the transport splits longer
    delete_window: timedelta | None = None  # how long the bot may delete its messages (None: never)
    deletes_incoming: bool = False  # clearing the chat takes the person's messages too
    disappearing_messages: bool = False  # the person can make the chat's messages disappear
    has_buttons: bool = True  # False: choices are shown and answered as numbered text
    taps: bool = False  # a press is a tap on a button (a shaking hand doubles it), not typed
    can_send_files: bool = True  # False: a reply's file goes as its text alone
    address_is_handle: bool = False  # the address names a directory person (a server console)


UNDECLARED = Capabilities()
"""For a channel no transport declared: no limits known, nothing special."""
