"""signal-cli's JSON-RPC as the fake daemon (tests/fakesignal.py) checks it: error codes,
result types, methods and their params, value shapes (from ../shared/signal-cli/protocol.md)."""

from __future__ import annotations

import asyncio
import contextlib
import json
import re
from dataclasses import dataclass, field
from typing import Any

PARSE_ERROR, INVALID_REQUEST, METHOD_NOT_FOUND, INVALID_PARAMS, INTERNAL = (
    -32700,
    -32600,
    -32601,
    -32602,
    -32603,
)
USER_ERROR, IO_ERROR, UNTRUSTED, RATE_LIMITED, CAPTCHA_REJECTED = -1, -3, -4, -5, -6

RESULT_TYPES = {
    "SUCCESS",
    "NETWORK_FAILURE",
    "UNREGISTERED_FAILURE",
    "IDENTITY_FAILURE",
    "RATE_LIMIT_FAILURE",
    "INVALID_PRE_KEY_FAILURE",
}

# Methods the daemon serves over the socket, with the param keys each one reads (camelCase
# long options; list options under their singular or plural key). protocol.md §4.
_SEND_KEYS = {
    "recipient", "recipients", "groupId", "groupIds", "username", "usernames", "noteToSelf",
    "notifySelf", "message", "attachment", "attachments", "viewOnce", "voiceNote", "sticker",
    "mention", "mentions", "textStyle", "textStyles", "quoteTimestamp", "quoteAuthor",
    "quoteMessage", "quoteMention", "quoteMentions", "quoteTextStyle", "quoteTextStyles",
    "quoteAttachment", "quoteAttachments", "previewUrl", "previewTitle", "previewDescription",
    "previewImage", "editTimestamp", "noUrgent", "endSession",
}  # fmt: skip
METHODS: dict[str, set[str]] = {
    "send": _SEND_KEYS,
    "sendReceipt": {"recipient", "recipients", "targetTimestamp", "targetTimestamps", "type"},
    "sendTyping": {"recipient", "recipients", "groupId", "groupIds", "stop"},
    "sendReaction": {"recipient", "recipients", "groupId", "groupIds", "emoji", "targetAuthor",
                     "targetTimestamp", "remove", "username", "usernames", "noteToSelf"},
    "remoteDelete": {"recipient", "recipients", "groupId", "groupIds", "targetTimestamp",
                     "username", "usernames", "noteToSelf"},
    "getAttachment": {"id", "recipient", "groupId"},
    "getUserStatus": {"recipient", "recipients", "username", "usernames"},
    "listContacts": {"recipient", "recipients", "allRecipients", "blocked", "name", "detailed"},
    "listIdentities": {"number"},
    "trust": {"recipient", "recipients", "trustAllKnownKeys", "verifiedSafetyNumber"},
    "updateProfile": {"givenName", "familyName", "about", "aboutEmoji", "avatar", "removeAvatar"},
    "submitRateLimitChallenge": {"challenge", "captcha"},
    "subscribeReceive": set(),
    "unsubscribeReceive": {"subscription"},
    "version": set(),
}  # fmt: skip
_LISTS = {
    "recipient": "recipients",
    "groupId": "groupIds",
    "username": "usernames",
    "attachment": "attachments",
    "mention": "mentions",
    "textStyle": "textStyles",
    "targetTimestamp": "targetTimestamps",
}
_TIMESTAMPS = {"quoteTimestamp", "editTimestamp", "targetTimestamp", "targetTimestamps"}
_STRINGS = {"message", "quoteAuthor", "quoteMessage", "emoji", "sticker", "type", "id",
            "challenge", "captcha", "verifiedSafetyNumber"}  # fmt: skip
_BOOLS = {"viewOnce", "voiceNote", "noteToSelf", "notifySelf", "noUrgent", "endSession",
          "stop", "remove", "trustAllKnownKeys"}  # fmt: skip
_MENTION = re.compile(r"^\d+:\d+:.+$")
_STYLE = re.compile(r"^\d+:\d+:(BOLD|ITALIC|SPOILER|STRIKETHROUGH|MONOSPACE)$")
_DATA_URI = re.compile(r"^data:([^;,]+)(?:;filename=([^;,]*))?;base64,(.*)$", re.S)
_UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")


class RpcFailure(Exception):
    """A JSON-RPC error the fake answers with."""

    def __init__(self, code: int, message: str, data: Any = None) -> None:
        super().__init__(message)
        self.code, self.message, self.data = code, message, data


@dataclass
class Person:
    """A Signal user the fake knows: their ACI, number and profile name."""

    aci: str
    number: str | None = None
    name: str | None = None


@dataclass(eq=False)
class _Conn:
    writer: asyncio.StreamWriter
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)

    async def write(self, obj: Any) -> None:
        data = (json.dumps(obj, ensure_ascii=False, separators=(",", ":")) + "\n").encode()
        async with self.lock:
            if self.writer.is_closing():
                return
            self.writer.write(data)
            with contextlib.suppress(ConnectionError):
                await self.writer.drain()


def _is_ts(v: Any) -> bool:
    return isinstance(v, int) and not isinstance(v, bool) and 10**12 <= v < 10**13


def _as_list(v: Any) -> list[Any]:
    return v if isinstance(v, list) else [v]
