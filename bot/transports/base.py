"""The narrow interface every transport offers to the rest of the bot."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from conversations.capabilities import Capabilities
from conversations.events import Reply
from storage.outbox import CONVERSATION

GONE = "gone"  # the address no longer exists on the platform (Signal: unregistered)
IDENTITY = "identity"  # the address's identity changed (Signal: a new safety number)


class DeliveryFailed(Exception):
    """Sending failed. ``permanent`` means retrying will not help (e.g. the bot is blocked);
    ``kind`` says what it means for the address (GONE, IDENTITY; "" for nothing), so that
    the bot can mark it without knowing the platform."""

    def __init__(
        self, reason: str, *, permanent: bool = False, retry_after: float = 0, kind: str = ""
    ) -> None:
        super().__init__(reason)
        self.permanent = permanent
        self.retry_after = retry_after
        self.kind = kind


class Transport(Protocol):
    """Sends replies to an address on one channel (a Telegram chat, a console)."""

    channel: str
    capabilities: Capabilities  # its limits and features, which the flows read

    async def send(
        self, address: str, replies: Sequence[Reply], priority: int = CONVERSATION
    ) -> None:
        """Deliver replies in order; raise DeliveryFailed if they could not be sent.

        A transport with a length limit splits long texts itself (flows know no limits).
        A reply with a ``file`` (its bytes filled in by bot.outfiles before sending) goes
        as that file with the text as its caption where the platform can send files
        (Telegram: sendDocument; the console: an owner-only file and its path); a
        transport that cannot sends the text alone."""
        ...
