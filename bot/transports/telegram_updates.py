"""Read Bot API updates (parsed JSON) as Trygg's InboundEvents."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from telegram.constants import ChatType, MessageEntityType

from conversations.capabilities import Capabilities
from conversations.events import Attachment, EventKind, InboundEvent
from conversations.invite_code import invite_code

JSON = Mapping[str, Any]
"""An update or message as the Bot API sends it (parsed JSON): the transport reads these
directly instead of building python-telegram-bot objects for every update and answer."""

CHANNEL = "telegram"
TEXT_LIMIT = 4096  # characters in one message
DOWNLOAD_LIMIT = 20 * 1024 * 1024  # bots may download at most 20 MB per file (public Bot API)
CAPABILITIES = Capabilities(
    max_download_bytes=DOWNLOAD_LIMIT,
    max_text_length=TEXT_LIMIT,
    delete_window=timedelta(hours=47),  # a bot may delete messages for 48 hours; an hour's margin
    deletes_incoming=True,  # in a private chat a bot deletes the person's messages too
    has_buttons=True,
    taps=True,  # a double tap, or a slow network's, sends the same press twice
    can_send_files=True,
)
SEPARATOR = "|"
CALLBACK_LIMIT = 64
UNSUPPORTED_CONTENT = (
    "sticker",
    "animation",
    "location",
    "venue",
    "contact",
    "poll",
    "dice",
    "game",
    "story",
    "invoice",
)


def callback_data(token: str, button_id: str) -> str:
    """Encode a button press; Telegram allows 1–64 bytes."""
    data = f"{token}{SEPARATOR}{button_id}"
    if not 1 <= len(data.encode()) <= CALLBACK_LIMIT:
        raise ValueError("button id too long for Telegram callback_data")
    return data


def parse_callback(data: str | None) -> tuple[str, str]:
    """Return (token, button id); forged or malformed data gives ('', '')."""
    if not data or SEPARATOR not in data or len(data.encode()) > CALLBACK_LIMIT:
        return "", ""
    token, _, button = data.partition(SEPARATOR)
    if not token.isdigit() and not token.startswith("n"):
        return "", ""
    return token, button


def json_dict(value: Any) -> JSON | None:
    # parsed JSON is a dict: the cheap check first (Mapping's is an ABC's)
    return value if type(value) is dict or isinstance(value, Mapping) else None


def json_str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def json_int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def json_at(value: Any, *keys: str) -> Any:
    """The value at a path of keys in parsed JSON; None where a step is missing."""
    for key in keys:
        if type(value) is not dict and not isinstance(value, Mapping):
            return None
        value = value.get(key)
    return value


def update_chat(update: JSON) -> JSON | None:
    """The chat an update belongs to (Update.effective_chat)."""
    for key in ("message", "edited_message", "channel_post", "edited_channel_post"):
        message = json_dict(update.get(key))
        if message is not None:
            return json_dict(message.get("chat"))
    if json_dict(update.get("callback_query")) is not None:
        return json_dict(json_at(update, "callback_query", "message", "chat"))
    return json_dict(json_at(update, "my_chat_member", "chat"))


def update_user(update: JSON) -> JSON | None:
    """The person who sent an update (Update.effective_user)."""
    for key in ("message", "edited_message", "callback_query", "my_chat_member"):
        part = json_dict(update.get(key))
        if part is not None:
            return json_dict(part.get("from"))
    return None


def _name(party: Any) -> str:
    """A user's or chat's name as Telegram shows it, with its @username if it has one."""
    part = json_dict(party) or {}
    names = [json_str(part.get(key)) for key in ("title", "first_name", "last_name")]
    name = " ".join(n for n in names if n)
    username = json_str(part.get("username"))
    return f"{name} (@{username})".strip() if username else name


def origin_of(message: JSON) -> tuple[str, datetime | None]:
    """Who first sent a forwarded message, and when, as far as Telegram tells (MessageOrigin:
    user, hidden_user, chat or channel; a hidden user's name only, as they chose it)."""
    origin = json_dict(message.get("forward_origin")) or {}
    who = _name(origin.get("sender_user") or origin.get("sender_chat") or origin.get("chat"))
    who = who or json_str(origin.get("sender_user_name")) or ""
    signature = json_str(origin.get("author_signature"))
    if signature:
        who = f"{signature}, {who}" if who else signature
    sent = json_int(origin.get("date"))
    return who, None if not sent else datetime.fromtimestamp(sent, UTC)


def _attachment(message: JSON) -> Attachment | None:
    forwarded = message.get("forward_origin") is not None
    origin, origin_at = origin_of(message) if forwarded else ("", None)
    album = json_str(message.get("media_group_id")) or ""
    photos = message.get("photo")
    if isinstance(photos, list) and photos and (photo := json_dict(photos[-1])):  # the largest
        return Attachment(
            "photo",
            json_str(photo.get("file_id")) or "",
            json_int(photo.get("file_size")),
            "image/jpeg",
            None,
            forwarded,
            origin=origin,
            origin_at=origin_at,
            album=album,
        )
    for kind in ("document", "voice", "video", "audio", "video_note"):
        media = json_dict(message.get(kind))
        if media is not None:
            return Attachment(
                kind,
                json_str(media.get("file_id")) or "",
                json_int(media.get("file_size")),
                json_str(media.get("mime_type")),
                json_str(media.get("file_name")),
                forwarded,
                origin=origin,
                origin_at=origin_at,
                album=album,
            )
    if forwarded:
        return Attachment(
            "forward", "", None, "text/plain", None, True, origin=origin, origin_at=origin_at
        )
    return None


def _command(text: str, entities: Any) -> tuple[str, int] | None:
    """(name, length) of a bot command at the very start of a text, if there is one."""
    for raw in entities if isinstance(entities, list) else ():
        entity = json_dict(raw) or {}
        if entity.get("offset") == 0 and entity.get("type") == MessageEntityType.BOT_COMMAND:
            length = json_int(entity.get("length")) or 0
            return text[1:length].split("@")[0].lower(), length
    return None


def event_for(update: JSON) -> InboundEvent | None:
    """Translate a private-chat update into an InboundEvent (None: nothing for the core)."""
    chat = update_chat(update)
    user = update_user(update) or {}
    update_id = json_int(update.get("update_id"))
    chat_id = json_int(chat.get("id")) if chat is not None else None
    if chat is None or chat.get("type") != ChatType.PRIVATE or chat_id is None or update_id is None:
        return None
    common: dict[str, Any] = {
        "event_id": f"tg:{update_id}",
        "channel": CHANNEL,
        "address": str(chat_id),
        "locale_hint": json_str(user.get("language_code")),
    }
    query = json_dict(update.get("callback_query"))
    if query is not None:
        token, button = parse_callback(json_str(query.get("data")))
        pressed = json_int(json_at(query, "message", "message_id"))
        return InboundEvent(
            kind=EventKind.BUTTON,
            button=button,
            token=token,
            ref="" if pressed is None else str(pressed),
            **common,
        )
    edited = json_dict(update.get("edited_message"))
    if edited is not None:
        return InboundEvent(
            kind=EventKind.EDIT,
            text=json_str(edited.get("text")) or json_str(edited.get("caption")) or "",
            ref=str(json_int(edited.get("message_id")) or ""),
            **common,
        )
    message = json_dict(update.get("message"))
    if message is None:
        return None
    sent = json_int(message.get("date"))
    common["sent_at"] = None if sent is None else datetime.fromtimestamp(sent, UTC)
    ref = str(json_int(message.get("message_id")) or "")
    text = json_str(message.get("text"))
    attachment = _attachment(message)
    if attachment is not None:
        return InboundEvent(
            kind=EventKind.ATTACHMENT,
            text=text or json_str(message.get("caption")) or "",
            attachment=attachment,
            ref=ref,
            **common,
        )
    if text is not None:
        code = invite_code(text)  # typed, not from a link: "start abcd efgh jklm"
        if code is not None:
            return InboundEvent(
                kind=EventKind.COMMAND, command="start", text=code, ref=ref, **common
            )
        command = _command(text, message.get("entities"))
        if command is not None:
            name, length = command
            return InboundEvent(
                kind=EventKind.COMMAND,
                command=name,
                text=text[length:].strip(),
                ref=ref,
                **common,
            )
        return InboundEvent(kind=EventKind.TEXT, text=text, ref=ref, **common)
    if any(message.get(kind) for kind in UNSUPPORTED_CONTENT):
        return InboundEvent(kind=EventKind.UNSUPPORTED, ref=ref, **common)
    return None
