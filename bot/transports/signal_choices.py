"""Buttons on a channel without buttons: numbered choices in the text, pressed by typing.

A reply's buttons are written under its text as ``1 Ja · 2 Nej · 3 Tillbaka``; the last
message with buttons sent to an address decides what a typed number or an exact label
presses, as the console does (bot.transports.console), kept per address for many people at
once. Messages without buttons leave it (like a Telegram keyboard, it stays usable: "Saved
as evidence" does not take the summary's "Send" away); whether a press still counts is the
conversation's call (its step token), which answers a stale one and asks again.
"""

from __future__ import annotations

from dataclasses import dataclass

from conversations.events import Button, Reply

SEPARATOR = " · "
MAX_ADDRESSES = 100_000  # beyond this the oldest are forgotten (a number then stays text)


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
    """Per address, the buttons of the last message sent there."""

    def __init__(self) -> None:
        self._offered: dict[str, Offered] = {}

    def sent(self, address: str, reply: Reply) -> None:
        """Remember what a message just sent offers, if it has buttons."""
        buttons = tuple(b for row in reply.buttons for b in row)
        if buttons:
            self._offered.pop(address, None)
            if len(self._offered) >= MAX_ADDRESSES:
                self._offered.pop(next(iter(self._offered)))
            self._offered[address] = Offered(buttons, reply.token)

    def press(self, address: str, typed: str) -> tuple[str, str] | None:
        """(button id, token) if ``typed`` is a number or an exact label offered; else None."""
        offered = self._offered.get(address)
        text = typed.strip()
        if offered is None or not text:
            return None
        if text.isdigit() and len(text) <= 3:
            number = int(text)
            if 0 < number <= len(offered.buttons):
                return offered.buttons[number - 1].id, offered.token
            return None
        for button in offered.buttons:
            if text.casefold() == button.label.casefold():
                return button.id, offered.token
        return None
