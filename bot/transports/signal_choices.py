"""Buttons on a channel without buttons: numbered choices in the text, pressed by typing.

A reply's buttons are written under its text as ``1 Ja · 2 Nej · 3 Tillbaka``; the last
message with buttons sent to an address decides what a typed number or an exact label
presses, as the console does (bot.transports.console), kept per address for many people at
once. Messages without buttons leave it (like a Telegram keyboard, it stays usable: "Saved
as evidence" does not take the summary's "Send" away); whether a press still counts is the
conversation's call (its step token), which answers a stale one and asks again.

Memory holds them for speed; the transport writes each new offer through to the database
(storage.offered_choices) and reads an address's on its first message after a restart, so
that "1" still presses the right button after a crash.
"""

from __future__ import annotations

from dataclasses import dataclass

from conversations.events import Button, Reply

SEPARATOR = " · "
MAX_ADDRESSES = 100_000  # beyond this the oldest are forgotten (read again from the database)


def numbered(reply: Reply) -> str:
    """The reply's text with its buttons as numbered choices on a line of their own."""
    buttons = [b for row in reply.buttons for b in row]
    text = reply.text.strip()
    if not buttons:
        return text
    line = SEPARATOR.join(f"{n} {b.label}" for n, b in enumerate(buttons, 1))
    return f"{text}\n\n{line}" if text else line


@dataclass(frozen=True, slots=True)
class Offered:
    """The buttons last offered to an address, and their reply's token."""

    buttons: tuple[Button, ...]
    token: str


class Choices:
    """Per address, the buttons of the last message sent there (None: known to be none)."""

    def __init__(self) -> None:
        self._offered: dict[str, Offered | None] = {}

    def _put(self, address: str, offered: Offered | None) -> None:
        self._offered.pop(address, None)
        if len(self._offered) >= MAX_ADDRESSES:
            self._offered.pop(next(iter(self._offered)))
        self._offered[address] = offered

    def sent(self, address: str, reply: Reply) -> Offered | None:
        """Remember what a message just sent offers; the offer if it is new (to be kept)."""
        buttons = tuple(b for row in reply.buttons for b in row)
        if not buttons:
            return None
        offered = Offered(buttons, reply.token)
        if self._offered.get(address) == offered:
            return None
        self._put(address, offered)
        return offered

    def current(self, address: str) -> Offered | None:
        """What the address is offered now (None: nothing, or not known)."""
        return self._offered.get(address)

    def restore(self, address: str, offered: Offered | None) -> None:
        """Offer again what was offered before a message that could not be sent."""
        self._put(address, offered)

    def known(self, address: str) -> bool:
        """Whether memory knows what this address was offered (maybe nothing)."""
        return address in self._offered

    def load(self, address: str, offered: Offered | None) -> None:
        """Take an address's offer as read from the database (None: nothing offered)."""
        if address not in self._offered:
            self._put(address, offered)

    def press(self, address: str, typed: str) -> tuple[str, str] | None:
        """(button id, token) if ``typed`` is a number or an exact label offered; else None.
        A number with choices offered but none of that number presses nothing ("", token),
        as on the console: the conversation says there is no such choice, and it is not
        kept as an answer ("7" at a question of two choices)."""
        offered = self._offered.get(address)
        text = typed.strip()
        if offered is None or not text:
            return None
        if text.isdigit() and len(text) <= 3:
            number = int(text)
            if 0 < number <= len(offered.buttons):
                return offered.buttons[number - 1].id, offered.token
            return "", offered.token
        for button in offered.buttons:
            if text.casefold() == button.label.casefold():
                return button.id, offered.token
        return None
