"""Files in replies, as Telegram sends them: the kept original, byte for byte.

Every file goes as a document (sendDocument), a voice message as a voice (sendVoice, kept
as received): sendPhoto would recompress a photo, and the SHA-256 in the caption would no
longer match what the reader downloads. Telegram still shows an image document's preview.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Bot, InputFile

from conversations.events import Reply

CAPTION_LIMIT = 1024  # Telegram: a caption has at most 1024 characters
FILE_METHODS = {"voice": "send_voice"}  # every other kind: send_document


def caption_fits(reply: Reply) -> bool:
    """Whether the reply's text fits in the file's caption (else it goes as a message)."""
    return len(reply.text.strip()) <= CAPTION_LIMIT


def file_request(bot: Bot, chat_id: int, reply: Reply) -> Callable[[], Awaitable[Any]]:
    """The Bot API call that sends a reply's file (its bytes filled in at send time)."""
    file = reply.file
    if file is None or file.content is None:
        raise ValueError("a file reply without its bytes")
    upload = InputFile(file.content, filename=file.name or "file")
    caption = reply.text.strip() if caption_fits(reply) and reply.text.strip() else None
    method = FILE_METHODS.get(file.kind, "send_document")
    if method == "send_voice":
        return functools.partial(bot.send_voice, chat_id, upload, caption=caption)
    return functools.partial(bot.send_document, chat_id, upload, caption=caption)
