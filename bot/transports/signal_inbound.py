"""Read a signal-cli message (bot.transports.signal_envelopes.Incoming) as an InboundEvent.

The address is the sender's ACI, never the number. Signal has no commands or buttons, so:
a message starting with ``/`` is a command; a known command word alone (``akut``) is one
too, and so is an invitation code however typed (``start abcd efgh jklm``, ``ABCDEFGHJKLM``:
conversations.invite_code), the first message of an invited person. A command word
followed by more text without the slash stays text: it is typed text (``Start of it
was…``), never thrown away. A number or an exact label of the last message's choices
presses that button (bot.transports.signal_choices).
An edited message is an EDIT event whose ``ref`` is the edited message's timestamp.
"""

from __future__ import annotations

import hashlib
from collections.abc import Collection
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.transports.signal_choices import Choices
from bot.transports.signal_envelopes import Incoming
from conversations.capabilities import Capabilities
from conversations.events import Attachment, EventKind, InboundEvent
from conversations.invite_code import invite_code

CHANNEL = "signal"
DOWNLOAD_LIMIT = 20 * 1024 * 1024  # what Trygg keeps per file (signal-cli itself takes 150 MiB)
CAPABILITIES = Capabilities(
    max_download_bytes=DOWNLOAD_LIMIT,
    max_text_length=None,  # signal-cli sends long texts whole (folded into an attachment)
    # remoteDelete, for the bot's own messages only. Signal's delete-for-everyone limit is
    # not in signal-cli's reference; receiving apps enforced 3 hours for years (newer ones
    # allow more), so stay under the oldest limit with a margin.
    delete_window=timedelta(hours=2, minutes=45),
    deletes_incoming=False,  # the person's own messages stay: /rensa tells them how to
    disappearing_messages=True,  # a chat setting the person can turn on
    has_buttons=False,  # choices are numbered in the text; the number or the label presses
    can_send_files=True,  # as a data URI attachment, the text its caption
    address_is_handle=False,  # the address is the person's ACI
)


def event_id(incoming: Incoming) -> str:
    """A stable id per message: the same message delivered twice is handled once."""
    digest = hashlib.sha256(incoming.source_aci.encode()).hexdigest()[:16]
    return f"si-{digest}-{incoming.timestamp}"


def attachment_kind(content_type: str | None) -> str:
    """The evidence kind of a file by its MIME type."""
    mime = (content_type or "").lower()
    if mime.startswith("image/"):
        return "photo"
    if mime.startswith("video/"):
        return "video"
    if mime.startswith("audio/"):
        return "voice"
    return "document"


def event_for(incoming: Incoming, choices: Choices, commands: Collection[str]) -> InboundEvent:
    """The event for one incoming message (its first file; SignalBot splits several)."""
    address = incoming.source_aci
    common: dict[str, Any] = {
        "event_id": event_id(incoming),
        "channel": CHANNEL,
        "address": address,
        "ref": str(incoming.timestamp),
        "sent_at": datetime.fromtimestamp(incoming.timestamp / 1000, UTC),
        "phone": incoming.source_number,
    }
    text = incoming.text or ""
    if incoming.unsupported:
        return InboundEvent(kind=EventKind.UNSUPPORTED, **common)
    if incoming.edit_of is not None:
        common["ref"] = str(incoming.edit_of)
        return InboundEvent(kind=EventKind.EDIT, text=text, **common)
    if incoming.attachments:
        first = incoming.attachments[0]
        attachment = Attachment(
            attachment_kind(first.content_type),
            first.id,
            first.size,
            first.content_type,
            first.filename,
            False,
        )
        return InboundEvent(kind=EventKind.ATTACHMENT, text=text, attachment=attachment, **common)
    stripped = text.strip()
    code = invite_code(stripped)
    if code is not None:
        return InboundEvent(kind=EventKind.COMMAND, command="start", text=code, **common)
    first_word, _, rest = stripped.partition(" ")
    rest = rest.strip()
    if stripped.startswith("/") and len(stripped) > 1:
        return InboundEvent(
            kind=EventKind.COMMAND, command=first_word[1:].lower(), text=rest, **common
        )
    word = first_word.lower()
    if word in commands and not rest:
        return InboundEvent(kind=EventKind.COMMAND, command=word, text=rest, **common)
    pressed = choices.press(address, stripped)
    if pressed is not None:
        button, token = pressed
        return InboundEvent(kind=EventKind.BUTTON, button=button, token=token, **common)
    return InboundEvent(kind=EventKind.TEXT, text=text, **common)
