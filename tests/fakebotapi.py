"""A fake Telegram Bot API server for tests, plus a validator built from the Bot API schema.

The real python-telegram-bot stack talks HTTP to `FakeBotApi` on 127.0.0.1 (point PTB at it
with `base_url` / `base_file_url`). Every request is recorded and validated against
../shared/telegram-bot-api/api.json; `assert_valid()` (called by the `fake_bot_api` fixture at
teardown) fails the test on any violation. Tests inject updates (`send_text`, `press`, ...),
which the bot receives through getUpdates, and inspect what the bot sent (`sent`,
`messages_to`, `requests`, `wait_for`). Faults: `fail_next`, `reset_next`, `block`,
`forget_chat`, `set_delay`.

The server runs in the test's own event loop; use it from that loop only.
Self-contained on purpose: it imports neither the bot's packages nor python-telegram-bot.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import functools
import html
import itertools
import json
import os
import re
import socket
import struct
import time
from collections import defaultdict, deque
from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from http import HTTPStatus
from pathlib import Path
from typing import Any, TypedDict, Unpack
from urllib.parse import parse_qsl, unquote, urlsplit

import pytest
from tornado.httputil import HTTPFile, parse_body_arguments

JSONDict = dict[str, Any]

DEFAULT_TOKEN = "123456789:AAFakeTokenForTryggTests"
DOWNLOAD_LIMIT = 20 * 1024 * 1024  # what the public Bot API lets bots download
MAX_TEXT, MAX_CAPTION, MAX_CALLBACK_ANSWER, MAX_CALLBACK_DATA = 4096, 1024, 200, 64
DELETE_WINDOW = 48 * 3600
NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup "
    "are exactly the same as a current content and reply markup of the message"
)
# Update kinds getUpdates leaves out unless asked for by allowed_updates.
OPT_IN_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
FAKE_JPEG = b"\xff\xd8\xff\xe0" + b"fake jpeg" + b"\xff\xd9"


def api_json_path() -> Path:
    """api.json: $TRYGG_BOT_API_JSON, else ../shared/telegram-bot-api/api.json beside the repo,
    else the copy vendored in tests/botapi/ (a checkout with no ../shared beside it)."""
    override = os.environ.get("TRYGG_BOT_API_JSON")
    if override:
        return Path(override)
    shared = Path(__file__).resolve().parents[2] / "shared" / "telegram-bot-api" / "api.json"
    return shared if shared.exists() else Path(__file__).resolve().parent / "botapi" / "api.json"


# --------------------------------------------------------------------------- schema


@dataclass(frozen=True)
class UploadedFile:
    """A file part of a multipart request."""

    filename: str
    content_type: str
    body: bytes


def _kind(value: object) -> str:
    if isinstance(value, UploadedFile):
        return "file"
    if isinstance(value, bool):
        return "bool"
    for kind, cls in (("int", int), ("float", float), ("str", str), ("list", list)):
        if isinstance(value, cls):
            return kind
    return "dict" if isinstance(value, dict) else type(value).__name__


_PRIMITIVE_KINDS = {
    "Integer": {"int"},
    "Float": {"int", "float"},
    "String": {"str"},
    "Boolean": {"bool"},
    "True": {"bool"},
    "InputFile": {"file"},
}
_TAG_DESCRIPTION = re.compile(r'(?:always|must be) "?([a-z_]+)"?\s*$')
_COMMAND = re.compile(r"[a-z0-9_]{1,32}")
# Fields of InlineKeyboardButton that are not its action; exactly one other field is needed.
_BUTTON_DECORATIONS = {"text", "icon_custom_emoji_id", "style"}


class ApiSchema:
    """The Bot API as data: validates a method call's parameters and any value against a type."""

    def __init__(self, data: Mapping[str, Any]) -> None:
        self.version: str = data["version"]
        self.methods: dict[str, dict[str, JSONDict]] = {
            name: {f["name"]: f for f in spec.get("fields", [])}
            for name, spec in data["methods"].items()
        }
        self.types: dict[str, JSONDict] = dict(data["types"])
        self._canonical = {name.lower(): name for name in self.methods}
        # For subtypes of unions: the field and literal that identify them, e.g. type="chat".
        self._tags: dict[str, tuple[str, str]] = {}
        for name, spec in self.types.items():
            for f in spec.get("fields", []):
                match = _TAG_DESCRIPTION.search(f["description"])
                if f["required"] and f["types"] == ["String"] and match:
                    self._tags[name] = (f["name"], match.group(1))

    @classmethod
    def load(cls, path: Path | None = None) -> ApiSchema:
        return _load_schema(str(path or api_json_path()))

    def canonical(self, method: str) -> str | None:
        """Bot API method names are case-insensitive; this gives the documented spelling."""
        return self._canonical.get(method.lower())

    def validate(self, method: str, params: Mapping[str, Any]) -> list[str]:
        """Violations of one call, params as sent (form strings or JSON values)."""
        return self.decode(method, params)[1]

    def decode(self, method: str, params: Mapping[str, Any]) -> tuple[JSONDict, list[str]]:
        """Params with JSON-encoded form values parsed, and the call's violations."""
        fields = self.methods.get(method)
        if fields is None:
            return dict(params), [f"{method}: unknown method"]
        decoded = {
            k: self._decode(fields[k]["types"], v) if k in fields else v
            for k, v in params.items()
            if v is not None
        }
        errors = [
            f"{method}: missing required field {name!r}"
            for name, spec in fields.items()
            if spec["required"] and name not in decoded
        ]
        for name, value in decoded.items():
            if name not in fields:
                errors.append(f"{method}: unknown field {name!r}")
            else:
                errors += self.check_any(fields[name]["types"], value, f"{method}.{name}")
        return decoded, errors + _method_limits(method, decoded)

    def check(self, type_expr: str, value: object, path: str = "value") -> list[str]:
        """Violations of a JSON value against a type expression such as "Array of Update"."""
        return self.check_any([type_expr], value, path)

    def check_any(self, types: Sequence[str], value: object, path: str) -> list[str]:
        kind = _kind(value)
        matching = [t for t in types if kind in self._kinds(t)]
        if not matching:
            return [f"{path}: expected {' or '.join(types)}, got {kind} {_short(value)}"]
        return min((self._check(t, value, path) for t in matching), key=len)

    def _decode(self, types: Sequence[str], value: object) -> object:
        """A form field holds JSON for non-string values ("123", "true", "{...}"): parse it."""
        if not isinstance(value, str) or all(self._kinds(t) == {"str"} for t in types):
            return value
        try:
            decoded = json.loads(value)
        except ValueError:
            return value
        fits = any(_kind(decoded) in self._kinds(t) for t in types)
        return decoded if fits and not isinstance(decoded, str) else value

    def _kinds(self, type_expr: str) -> set[str]:
        if type_expr.startswith("Array of "):
            return {"list"}
        if type_expr in _PRIMITIVE_KINDS:
            return _PRIMITIVE_KINDS[type_expr]
        subtypes = self.types.get(type_expr, {}).get("subtypes")
        if subtypes:
            return set().union(*(self._kinds(t) for t in subtypes))
        return {"dict"}

    def _check(self, type_expr: str, value: Any, path: str) -> list[str]:
        """Violations of a value whose JSON kind already fits type_expr."""
        if type_expr.startswith("Array of "):
            inner = [type_expr.removeprefix("Array of ")]
            return [
                e
                for i, item in enumerate(value)
                for e in self.check_any(inner, item, f"{path}[{i}]")
            ]
        if type_expr == "True" and value is not True:
            return [f"{path}: must be true"]
        if type_expr in _PRIMITIVE_KINDS:
            return []
        spec = self.types.get(type_expr)
        if spec is None:
            return [f"{path}: type {type_expr} is not in the schema"]
        if spec.get("subtypes"):
            return self._check_union(type_expr, spec["subtypes"], value, path)
        fields = {f["name"]: f for f in spec.get("fields", [])}
        errors = [
            f"{path}: missing required field {name!r} of {type_expr}"
            for name, f in fields.items()
            if f["required"] and name not in value
        ]
        for name, item in value.items():
            if name not in fields:
                errors.append(f"{path}: unknown field {name!r} for {type_expr}")
            else:
                errors += self.check_any(fields[name]["types"], item, f"{path}.{name}")
        return errors + _object_limits(type_expr, value, path)

    def _check_union(self, union: str, subtypes: list[str], value: Any, path: str) -> list[str]:
        candidates = subtypes
        if isinstance(value, dict):
            tagged = [t for t in subtypes if t in self._tags]
            tag_field = self._tags[tagged[0]][0] if tagged else None
            if tag_field and tag_field in value:
                candidates = [t for t in tagged if value[tag_field] == self._tags[t][1]]
                if not candidates:
                    allowed = sorted(self._tags[t][1] for t in tagged)
                    return [f"{path}: {tag_field}={value[tag_field]!r} is no {union} ({allowed})"]
        return self.check_any(candidates, value, path)


@functools.cache
def _load_schema(path: str) -> ApiSchema:
    return ApiSchema(json.loads(Path(path).read_text(encoding="utf-8")))


def _short(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


_HTML_TAGS = re.compile(
    r"b|strong|i|em|u|ins|s|strike|del|span|tg-spoiler|a|tg-emoji|tg-time|code|pre|blockquote"
)
_HTML_TOKEN = re.compile(r"<(/?)([a-zA-Z][\w-]*)(?:\s[^<>]*)?>|<")


def parse_html(text: str) -> tuple[str, str | None]:
    """Text as Telegram shows it for parse_mode=HTML, and the parse error Telegram would give."""
    plain, stack, pos = [], [], 0
    for match in _HTML_TOKEN.finditer(text):
        plain.append(text[pos : match.start()])
        pos = match.end()
        closing, name = match.group(1), (match.group(2) or "").lower()
        if not _HTML_TAGS.fullmatch(name):
            return "", f"unsupported start tag {match.group(0)!r} at offset {match.start()}"
        if not closing:
            stack.append(name)
        elif not stack or stack.pop() != name:
            return "", f"unexpected end tag {match.group(0)!r} at offset {match.start()}"
    if stack:
        return "", f"can't find end tag corresponding to start tag {stack[-1]!r}"
    plain.append(text[pos:])
    return html.unescape("".join(plain)), None


def _visible(text: str, parse_mode: object) -> tuple[str, str | None]:
    if isinstance(parse_mode, str) and parse_mode.lower() == "html":
        return parse_html(text)
    return text, None  # Markdown is measured raw: slightly conservative


def _method_limits(method: str, p: JSONDict) -> list[str]:
    errors = []
    parse_mode = p.get("parse_mode")
    if isinstance(parse_mode, str) and parse_mode.lower() not in {"html", "markdown", "markdownv2"}:
        errors.append(f"{method}.parse_mode: unsupported parse mode {parse_mode!r}")
    for name, low, high in (("text", 1, MAX_TEXT), ("caption", 0, MAX_CAPTION)):
        value = p.get(name)
        if method == "answerCallbackQuery" or not isinstance(value, str):
            continue
        shown, error = _visible(value, parse_mode)
        if error:
            errors.append(f"{method}.{name}: can't parse entities: {error}")
        elif len(shown.strip()) < low or len(shown) > high:
            errors.append(f"{method}.{name}: {len(shown)} characters, must be {low}-{high}")
    answer = p.get("text") if method == "answerCallbackQuery" else None
    if isinstance(answer, str) and len(answer) > MAX_CALLBACK_ANSWER:
        errors.append(f"{method}.text: over {MAX_CALLBACK_ANSWER} characters")
    if method == "setMyCommands":
        if isinstance(p.get("commands"), list) and len(p["commands"]) > 100:
            errors.append(f"{method}.commands: more than 100 commands")
        if not re.fullmatch(r"([a-z]{2})?", str(p.get("language_code", ""))):
            errors.append(f"{method}.language_code: must be empty or a two-letter ISO 639-1 code")
    return errors


def _object_limits(type_name: str, value: JSONDict, path: str) -> list[str]:
    errors = []
    if type_name == "InlineKeyboardButton":
        data = value.get("callback_data")
        if isinstance(data, str) and not 1 <= len(data.encode()) <= MAX_CALLBACK_DATA:
            errors.append(f"{path}.callback_data: {len(data.encode())} bytes, must be 1-64")
        actions = sorted(set(value) - _BUTTON_DECORATIONS)
        if len(actions) != 1:
            errors.append(f"{path}: needs exactly one action field besides text, has {actions}")
    if type_name == "BotCommand":
        if isinstance(value.get("command"), str) and not _COMMAND.fullmatch(value["command"]):
            errors.append(f"{path}.command: must be 1-32 of a-z, 0-9 and _")
        if isinstance(value.get("description"), str) and not 1 <= len(value["description"]) <= 256:
            errors.append(f"{path}.description: must be 1-256 characters")
    return errors


# --------------------------------------------------------------------------- server


@dataclass
class Recorded:
    """One request the bot made: the canonical method, decoded params and violations."""

    method: str
    params: JSONDict
    violations: list[str]
    files: dict[str, UploadedFile] = field(default_factory=dict)  # attach:// parts
    status: int | None = None  # HTTP status answered; None while pending, 0 if reset


@dataclass
class StoredFile:
    file_id: str
    file_unique_id: str
    file_path: str
    file_size: int
    content: bytes

    def as_file(self) -> JSONDict:
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": self.file_size,
            "file_path": self.file_path,
        }


@dataclass
class _Fault:
    status: int
    description: str
    parameters: JSONDict | None = None
    reset: bool = False


class ApiError(Exception):
    """An error answer of the Bot API ({"ok": false, ...})."""

    def __init__(self, status: int, description: str, parameters: JSONDict | None = None) -> None:
        super().__init__(description)
        self.status, self.description, self.parameters = status, description, parameters

    def body(self) -> JSONDict:
        body: JSONDict = {"ok": False, "error_code": self.status, "description": self.description}
        if self.parameters:
            body["parameters"] = self.parameters
        return body


_API_PATH = re.compile(r"/bot(?P<token>[^/]+)/(?P<method>[A-Za-z]+)")
_FILE_PATH = re.compile(r"/file/bot(?P<token>[^/]+)/(?P<path>.+)")


class Sender(TypedDict, total=False):
    """Who sends an injected message; see FakeBotApi's "injecting updates" section."""

    user_id: int | None
    language_code: str | None
    chat_type: str
    extra: Mapping[str, Any] | None


def _user(user_id: int, language_code: str | None) -> JSONDict:
    user: JSONDict = {"id": user_id, "is_bot": False, "first_name": f"User{user_id}"}
    if language_code:
        user["language_code"] = language_code
    return user


class FakeBotApi:
    """A Bot API HTTP server on 127.0.0.1 with a tiny model of chats, messages and files."""

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        *,
        schema: ApiSchema | None = None,
        delays: Mapping[str, float] | None = None,
        download_limit: int | None = DOWNLOAD_LIMIT,
        now: Callable[[], float] = time.time,
    ) -> None:
        self.token = token
        self.schema = schema or ApiSchema.load()
        self.download_limit = download_limit
        self.now = now
        self.requests: list[Recorded] = []
        self.errors: list[str] = []  # internal failures of the fake itself
        self.downloads: list[str] = []  # file_ids whose content the bot fetched
        self.bot_user: JSONDict = {
            "id": int(token.split(":")[0]),
            "is_bot": True,
            "first_name": "Trygg",
            "username": "trygg_test_bot",
            "can_join_groups": False,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }
        self.commands: dict[tuple[str, str], list[JSONDict]] = {}  # (scope json, lang) -> list
        self.webhook: JSONDict = {}
        self._delays = dict(delays or {})
        self._faults: dict[str, deque[_Fault]] = defaultdict(deque)
        self._blocked: set[int] = set()
        self._left: set[int] = set()
        self._chats: dict[int, JSONDict] = {}
        self._messages: dict[int, dict[int, JSONDict]] = defaultdict(dict)
        self._message_ids: dict[int, itertools.count[int]] = defaultdict(lambda: itertools.count(1))
        self._files: dict[str, StoredFile] = {}
        self._callbacks: dict[str, JSONDict] = {}
        self._updates: list[JSONDict] = []
        self._update_ids = itertools.count(100_000_001)
        self._ids = itertools.count(1)
        self._allowed_updates: set[str] | None = None
        self._poll_generation = 0
        self._wake: asyncio.Event | None = None
        self._server: asyncio.Server | None = None
        self._connections: dict[asyncio.Task[None], asyncio.StreamWriter] = {}
        self._closing = False

    # ----------------------------------------------------------------- lifecycle

    async def start(self, host: str = "127.0.0.1") -> FakeBotApi:
        """Serve on ``host`` (another, e.g. 0.0.0.0, for a bot in a container), a free port."""
        self._wake = asyncio.Event()
        self._server = await asyncio.start_server(self._serve, host, 0)
        return self

    async def stop(self) -> None:
        self._closing = True
        if self._wake:
            self._wake.set()
        if self._server:
            self._server.close()
        for writer in self._connections.values():
            writer.transport.abort()
        if self._connections:  # handlers end at EOF; only a sleeping `delay` needs cancelling
            _, pending = await asyncio.wait(list(self._connections), timeout=0.5)
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)
        if self._server:
            await self._server.wait_closed()
            self._server = None

    async def __aenter__(self) -> FakeBotApi:
        return await self.start()

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    @property
    def port(self) -> int:
        assert self._server, "FakeBotApi is not started"
        return int(self._server.sockets[0].getsockname()[1])

    @property
    def base_url(self) -> str:
        """For PTB's base_url: PTB appends the token, then "/method"."""
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        """For PTB's base_file_url: PTB appends the token, then "/file_path"."""
        return f"http://127.0.0.1:{self.port}/file/bot"

    # ----------------------------------------------------------------- assertions

    def violations(self) -> list[str]:
        return self.errors + [v for r in self.requests for v in r.violations]

    def assert_valid(self) -> None:
        if problems := self.violations():
            raise AssertionError("Bot API violations:\n  " + "\n  ".join(problems))

    @property
    def pending_updates(self) -> list[JSONDict]:
        """Queued updates the bot has not confirmed yet (via getUpdates' offset)."""
        return copy.deepcopy(self._updates)

    def calls(self, method: str) -> list[Recorded]:
        return [r for r in self.requests if r.method == method]

    async def wait_for(
        self,
        predicate: Callable[[Recorded], bool] | str,
        timeout: float = 5.0,
        *,
        after: int = 0,
        answered: bool = True,
    ) -> Recorded:
        """The first request from index `after` matching predicate (or a method name).

        By default only answered requests count, so the fake's state already reflects them;
        answered=False also matches requests still in flight (a pending long poll, a delay).
        """
        test = (lambda r: r.method == predicate) if isinstance(predicate, str) else predicate
        deadline = time.monotonic() + timeout
        while True:
            for recorded in self.requests[after:]:
                if (recorded.status is not None or not answered) and test(recorded):
                    return recorded
            if time.monotonic() >= deadline:
                seen = ", ".join(r.method for r in self.requests[after:]) or "nothing"
                raise AssertionError(f"no matching request within {timeout}s; saw {seen}")
            await asyncio.sleep(0.01)

    def sent(self, chat_id: int) -> list[JSONDict]:
        """The bot's messages currently in a chat (edited, not deleted), oldest first."""
        return [m for m in self.history(chat_id) if self._is_bots(m)]

    def messages_to(self, chat_id: int) -> list[str]:
        """Texts (or captions) of the bot's messages currently in a chat, as the user sees them."""
        return [str(m.get("text", m.get("caption", ""))) for m in self.sent(chat_id)]

    def history(self, chat_id: int) -> list[JSONDict]:
        """Every message currently in a chat, from both sides, oldest first."""
        return [copy.deepcopy(m) for _, m in sorted(self._messages[chat_id].items())]

    def buttons(self, chat_id: int, message_id: int | None = None) -> list[tuple[str, str]]:
        """(label, callback_data) of a message's inline keyboard; default the latest keyboard."""
        with_keyboard = [m for m in self.sent(chat_id) if "reply_markup" in m]
        if message_id is not None:
            with_keyboard = [m for m in with_keyboard if m["message_id"] == message_id]
        if not with_keyboard:
            return []
        rows = with_keyboard[-1]["reply_markup"]["inline_keyboard"]
        return [(b["text"], b.get("callback_data", "")) for row in rows for b in row]

    # ----------------------------------------------------------------- faults

    def fail_next(
        self,
        method: str,
        status: int = 429,
        retry_after: int | None = None,
        *,
        description: str | None = None,
        times: int = 1,
    ) -> None:
        """The next `times` calls of method ("*" for any) fail with this error."""
        parameters = None
        if status == 429:
            retry_after = 1 if retry_after is None else retry_after
            description = description or f"Too Many Requests: retry after {retry_after}"
            parameters = {"retry_after": retry_after}
        description = description or HTTPStatus(status).phrase
        for _ in range(times):
            self._faults[method].append(_Fault(status, description, parameters))

    def reset_next(self, method: str, times: int = 1) -> None:
        """The next `times` calls of method ("*" for any) get their connection reset."""
        for _ in range(times):
            self._faults[method].append(_Fault(0, "connection reset", reset=True))

    def set_delay(self, method: str, seconds: float) -> None:
        """Answer method ("*" for all) only after `seconds`, like a slow round trip."""
        self._delays[method] = seconds

    def block(self, chat_id: int) -> None:
        self._blocked.add(chat_id)

    def unblock(self, chat_id: int) -> None:
        self._blocked.discard(chat_id)

    def forget_chat(self, chat_id: int) -> None:
        """Calls naming this chat get 400 "chat not found" (as do chats never seen)."""
        self._chats.pop(chat_id, None)

    # ----------------------------------------------------------------- injecting updates
    # Each returns the update_id. **sender: user_id (default: the chat id), language_code
    # ("sv"; None for none), chat_type ("private", "group", "supergroup", "channel") and
    # extra (more Message fields, e.g. forward_origin).

    def add_chat(self, chat_id: int, chat_type: str = "private") -> JSONDict:
        """Make a chat known (as a user's /start would) without queueing an update."""
        if chat_id not in self._chats:
            chat: JSONDict = {"id": chat_id, "type": chat_type}
            if chat_type == "private":
                chat |= {"first_name": f"User{chat_id}", "username": f"user{chat_id}"}
            else:
                chat["title"] = f"{chat_type.title()} {chat_id}"
            self._chats[chat_id] = chat
        return self._chats[chat_id]

    def add_file(
        self,
        content: bytes,
        size: int | None = None,
        file_id: str | None = None,
        path: str = "documents/file_{}",
    ) -> JSONDict:
        """Register a file for getFile and download; size may exceed len(content)."""
        n = next(self._ids)
        stored = StoredFile(
            file_id=file_id or f"AgACAgQAAx{n:08d}",
            file_unique_id=f"AQAD{n:08d}",
            file_path=path.format(n),
            file_size=len(content) if size is None else size,
            content=content,
        )
        self._files[stored.file_id] = stored
        return {"file_id": stored.file_id, "file_unique_id": stored.file_unique_id,
                "file_size": stored.file_size}  # fmt: skip

    def raw_update(self, update: JSONDict) -> int:
        """Queue any update dict; an update_id is assigned unless it has one."""
        update = copy.deepcopy(update)
        update.setdefault("update_id", next(self._update_ids))
        self._updates.append(update)
        if self._wake:
            self._wake.set()
        return int(update["update_id"])

    def send_text(
        self,
        chat_id: int,
        text: str,
        user_id: int | None = None,
        language_code: str | None = "sv",
        chat_type: str = "private",
        *,
        extra: Mapping[str, Any] | None = None,
    ) -> int:
        """A text message; "/cmd ..." gets a bot_command entity, as Telegram adds."""
        content: JSONDict = {"text": text}
        if text.startswith("/"):
            length = _utf16_len(text.split(maxsplit=1)[0])
            content["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
        sender = Sender(user_id=user_id, language_code=language_code, chat_type=chat_type)
        return self._from_user(chat_id, content | dict(extra or {}), sender)

    def send_photo(
        self,
        chat_id: int,
        file_id: str | None = None,
        file_size: int | None = None,
        content: bytes = FAKE_JPEG,
        caption: str | None = None,
        **sender: Unpack[Sender],
    ) -> int:
        """A photo as Telegram sends it: a thumbnail and the full size (largest last)."""
        thumb = self.add_file(content[:16], path="photos/file_{}.jpg")
        full = self.add_file(content, file_size, file_id, "photos/file_{}.jpg")
        sizes = [thumb | {"width": 90, "height": 68}, full | {"width": 1280, "height": 960}]
        return self._from_user(chat_id, {"photo": sizes} | _caption(caption), sender)

    def send_document(
        self,
        chat_id: int,
        file_id: str | None = None,
        file_size: int | None = None,
        content: bytes = b"%PDF-1.4 fake",
        caption: str | None = None,
        file_name: str = "report.pdf",
        mime_type: str = "application/pdf",
        **sender: Unpack[Sender],
    ) -> int:
        document = self.add_file(content, file_size, file_id, "documents/file_{}.pdf")
        document |= {"file_name": file_name, "mime_type": mime_type}
        return self._from_user(chat_id, {"document": document} | _caption(caption), sender)

    def send_voice(
        self,
        chat_id: int,
        file_id: str | None = None,
        file_size: int | None = None,
        content: bytes = b"OggS fake",
        **sender: Unpack[Sender],
    ) -> int:
        voice = self.add_file(content, file_size, file_id, "voice/file_{}.oga")
        voice |= {"duration": 3, "mime_type": "audio/ogg"}
        return self._from_user(chat_id, {"voice": voice}, sender)

    def send_video(
        self,
        chat_id: int,
        file_id: str | None = None,
        file_size: int | None = None,
        content: bytes = b"\x00\x00\x00\x18ftypmp42 fake",
        caption: str | None = None,
        **sender: Unpack[Sender],
    ) -> int:
        video = self.add_file(content, file_size, file_id, "videos/file_{}.mp4")
        video |= {"width": 1280, "height": 720, "duration": 5, "mime_type": "video/mp4"}
        return self._from_user(chat_id, {"video": video} | _caption(caption), sender)

    def send_sticker(
        self, chat_id: int, file_id: str | None = None, emoji: str = "🙂", **sender: Unpack[Sender]
    ) -> int:
        sticker = self.add_file(b"RIFF fake webp", None, file_id, "stickers/file_{}.webp")
        sticker |= {"type": "regular", "width": 512, "height": 512, "emoji": emoji,
                    "is_animated": False, "is_video": False}  # fmt: skip
        return self._from_user(chat_id, {"sticker": sticker}, sender)

    def send_location(
        self,
        chat_id: int,
        latitude: float = 59.3293,
        longitude: float = 18.0686,
        **sender: Unpack[Sender],
    ) -> int:
        location = {"latitude": latitude, "longitude": longitude}
        return self._from_user(chat_id, {"location": location}, sender)

    def edit_text(self, chat_id: int, message_id: int, new_text: str) -> int:
        """The user edits one of their text messages: an edited_message update."""
        message = self._messages[chat_id].get(message_id)
        if message is None or "text" not in message or self._is_bots(message):
            raise KeyError(f"no user text message {message_id} in chat {chat_id}")
        message |= {"text": new_text, "edit_date": int(self.now())}
        message.pop("entities", None)
        channel = self._chats[chat_id]["type"] == "channel"
        return self.raw_update({"edited_channel_post" if channel else "edited_message": message})

    def press(
        self,
        chat_id: int,
        message_id: int,
        callback_data: str,
        user_id: int | None = None,
        language_code: str | None = "sv",
    ) -> int:
        """The user presses an inline button of a message (any callback_data: forged too)."""
        chat = self.add_chat(chat_id)
        message = self._messages[chat_id].get(message_id)
        if message is None:  # deleted or never existed: an InaccessibleMessage
            message = {"chat": chat, "message_id": message_id, "date": 0}
        query_id = str(4_000_000_000_000_000 + next(self._ids))
        self._callbacks[query_id] = {
            "id": query_id,
            "from": _user(user_id or abs(chat_id), language_code),
            "chat_instance": f"{abs(chat_id)}7919",
            "data": callback_data,
            "message": message,
        }
        return self.raw_update({"callback_query": self._callbacks[query_id]})

    def press_button(self, chat_id: int, label: str, user_id: int | None = None) -> int:
        """Press the button labelled `label` on the latest keyboard the bot sent to the chat."""
        keyboards = [m for m in self.sent(chat_id) if "reply_markup" in m]
        for row in keyboards[-1]["reply_markup"]["inline_keyboard"] if keyboards else []:
            for button in row:
                if button["text"] == label:
                    message_id = keyboards[-1]["message_id"]
                    return self.press(chat_id, message_id, button["callback_data"], user_id)
        raise KeyError(f"no button {label!r} in chat {chat_id}; have {self.buttons(chat_id)}")

    def _from_user(self, chat_id: int, content: JSONDict, sender: Sender) -> int:
        chat = self.add_chat(chat_id, sender.get("chat_type", "private"))
        message = self._store(chat, content | dict(sender.get("extra") or {}))
        if chat["type"] == "channel":
            message["sender_chat"] = chat
            return self.raw_update({"channel_post": message})
        user_id = sender.get("user_id") or abs(chat_id)
        message["from"] = _user(user_id, sender.get("language_code", "sv"))
        return self.raw_update({"message": message})

    def _store(self, chat: JSONDict, content: JSONDict) -> JSONDict:
        message_id = next(self._message_ids[chat["id"]])
        message = {"message_id": message_id, "date": int(self.now()), "chat": chat} | content
        self._messages[chat["id"]][message_id] = message
        return message

    def _is_bots(self, message: JSONDict) -> bool:
        return bool(message.get("from", {}).get("id") == self.bot_user["id"])

    # ----------------------------------------------------------------- HTTP

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._connections[task] = writer
        try:
            while not self._closing:
                request = await _read_request(reader)
                if request is None:
                    break
                answer = await self._answer(*request)
                if answer is None:  # connection reset
                    sock = writer.get_extra_info("socket")
                    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                    writer.transport.abort()
                    break
                writer.write(answer)
                await writer.drain()
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            pass
        except asyncio.CancelledError:  # by stop(); ending quietly keeps asyncio from logging it
            pass
        finally:
            self._connections.pop(task, None)
            writer.close()

    async def _answer(self, target: str, headers: dict[str, str], body: bytes) -> bytes | None:
        url = urlsplit(target)
        path = unquote(url.path)
        if match := _FILE_PATH.fullmatch(path):
            stored = next((f for f in self._files.values() if f.file_path == match["path"]), None)
            if match["token"] != self.token or stored is None:
                return _http(404, ApiError(404, "Not Found").body())
            self.downloads.append(stored.file_id)
            return _http(200, stored.content, "application/octet-stream")
        match = _API_PATH.fullmatch(path)
        if match is None:
            return _http(404, ApiError(404, "Not Found").body())
        if match["token"] != self.token:
            return _http(401, ApiError(401, "Unauthorized").body())
        try:
            raw, files = _parse_params(url.query, headers.get("content-type", ""), body)
        except ValueError as exc:
            return _http(400, ApiError(400, f"Bad Request: {exc}").body())
        method = self.schema.canonical(match["method"]) or match["method"]
        fields = self.schema.methods.get(method, {})
        raw |= {name: files.pop(name) for name in list(files) if name in fields}
        params, violations = self.schema.decode(method, raw)
        recorded = Recorded(method, params, violations, files)
        self.requests.append(recorded)
        delay = self._delays.get(method, self._delays.get("*", 0.0))
        if delay:
            await asyncio.sleep(delay)
        try:
            result = await self._call(method, params, violations)
        except ApiError as error:
            recorded.status = error.status
            return _http(error.status, error.body())
        except _Reset:
            recorded.status = 0
            return None
        except Exception as exc:  # a bug in the fake: report it, don't hang the bot
            self.errors.append(f"FakeBotApi failed on {method}: {exc!r}")
            recorded.status = 500
            return _http(500, ApiError(500, "Internal Server Error").body())
        recorded.status = 200
        return _http(200, {"ok": True, "result": result})

    async def _call(self, method: str, params: JSONDict, violations: list[str]) -> Any:
        for key in (method, "*"):
            if self._faults[key]:
                fault = self._faults[key].popleft()
                if fault.reset:
                    raise _Reset
                raise ApiError(fault.status, fault.description, fault.parameters)
        if any(v.endswith(": unknown method") for v in violations):
            raise ApiError(404, "Not Found")
        if violations:
            raise ApiError(400, f"Bad Request: {violations[0]}")
        handler = getattr(self, "_api_" + re.sub(r"(?<!^)(?=[A-Z])", "_", method).lower(), None)
        if handler is None:
            violations.append(f"{method}: not implemented by FakeBotApi (extend it)")
            raise ApiError(400, f"Bad Request: FakeBotApi does not implement {method}")
        if "chat_id" in params:
            self._check_chat(params["chat_id"])
        return await handler(params)

    def _check_chat(self, chat_id: object) -> None:
        if not isinstance(chat_id, int) or chat_id not in self._chats:
            raise ApiError(400, "Bad Request: chat not found")
        if chat_id in self._blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        if chat_id in self._left:
            raise ApiError(403, "Forbidden: bot is not a member of the group chat")

    # ----------------------------------------------------------------- methods
    # _api_<method in snake case>(params) answers a Bot API method; add one to extend the fake.

    async def _api_send_chat_action(self, p: JSONDict) -> bool:
        return True

    async def _api_close(self, p: JSONDict) -> bool:
        return True

    async def _api_log_out(self, p: JSONDict) -> bool:
        return True

    async def _api_get_me(self, p: JSONDict) -> JSONDict:
        return dict(self.bot_user)

    async def _api_get_updates(self, p: JSONDict) -> list[JSONDict]:
        if self.webhook.get("url"):
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset = p.get("offset")
        if offset is not None and offset < 0:
            self._updates = self._updates[offset:]
        elif offset is not None:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        if "allowed_updates" in p:
            self._allowed_updates = set(p["allowed_updates"]) or None
        limit = min(max(p.get("limit") or 100, 1), 100)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + max(p.get("timeout") or 0, 0)
        self._poll_generation += 1
        generation = self._poll_generation
        assert self._wake is not None
        self._wake.set()  # an earlier long poll is terminated by this one, as on Telegram
        while True:
            if generation != self._poll_generation:
                raise ApiError(
                    409,
                    "Conflict: terminated by other getUpdates request; make sure "
                    "that only one bot instance is running",
                )
            ready = [u for u in self._updates if self._wanted(u)][:limit]
            remaining = deadline - loop.time()
            if ready or self._closing or remaining <= 0:
                return copy.deepcopy(ready)
            self._wake.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), remaining)

    def _wanted(self, update: JSONDict) -> bool:
        kind = next(k for k in update if k != "update_id")
        if self._allowed_updates is None:
            return kind not in OPT_IN_UPDATES
        return kind in self._allowed_updates

    async def _api_set_webhook(self, p: JSONDict) -> bool:
        if p.get("drop_pending_updates"):
            self._updates.clear()
        self.webhook = dict(p) if p.get("url") else {}
        return True

    async def _api_delete_webhook(self, p: JSONDict) -> bool:
        if p.get("drop_pending_updates"):
            self._updates.clear()
        self.webhook = {}
        return True

    async def _api_get_webhook_info(self, p: JSONDict) -> JSONDict:
        return {
            "url": self.webhook.get("url", ""),
            "has_custom_certificate": False,
            "pending_update_count": len(self._updates),
        }

    def _commands_key(self, p: JSONDict) -> tuple[str, str]:
        scope = p.get("scope") or {"type": "default"}
        return json.dumps(scope, sort_keys=True), p.get("language_code", "")

    async def _api_set_my_commands(self, p: JSONDict) -> bool:
        self.commands[self._commands_key(p)] = p["commands"]
        return True

    async def _api_get_my_commands(self, p: JSONDict) -> list[JSONDict]:
        return self.commands.get(self._commands_key(p), [])

    async def _api_delete_my_commands(self, p: JSONDict) -> bool:
        self.commands.pop(self._commands_key(p), None)
        return True

    async def _api_send_message(self, p: JSONDict) -> JSONDict:
        chat = self._chats[p["chat_id"]]
        text, _ = _visible(p["text"], p.get("parse_mode"))
        sender = {k: self.bot_user[k] for k in ("id", "is_bot", "first_name", "username")}
        content: JSONDict = {"from": sender, "text": text.strip()}
        if "inline_keyboard" in (markup := p.get("reply_markup") or {}):
            content["reply_markup"] = markup
        if reply := p.get("reply_parameters"):
            replied = self._messages[chat["id"]].get(reply["message_id"])
            if replied:
                content["reply_to_message"] = copy.deepcopy(replied)
            elif not reply.get("allow_sending_without_reply"):
                raise ApiError(400, "Bad Request: message to be replied not found")
        return copy.deepcopy(self._store(chat, content))

    def _bot_message(self, p: JSONDict, content: JSONDict) -> JSONDict:
        """Store a message the bot sent (its caption and keyboard as Telegram keeps them)."""
        chat = self._chats[p["chat_id"]]
        sender = {k: self.bot_user[k] for k in ("id", "is_bot", "first_name", "username")}
        content = {"from": sender} | content
        if isinstance(p.get("caption"), str) and p["caption"].strip():
            content["caption"] = _visible(p["caption"], p.get("parse_mode"))[0].strip()
        if "inline_keyboard" in (markup := p.get("reply_markup") or {}):
            content["reply_markup"] = markup
        return copy.deepcopy(self._store(chat, content))

    def _upload(self, value: object, path: str) -> tuple[StoredFile, UploadedFile | None]:
        """A file the bot sends: a multipart upload (kept, with a new file_id) or the
        file_id of a file Telegram already has."""
        if isinstance(value, UploadedFile):
            if not value.body:
                raise ApiError(400, "Bad Request: file must be non-empty")
            found = self.add_file(value.body, path=path)
            return self._files[found["file_id"]], value
        stored = self._files.get(str(value))
        if stored is None:
            raise ApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")
        return stored, None

    def file_content(self, file_id: str) -> bytes:
        """The bytes of a file the fake holds (e.g. one the bot uploaded)."""
        return self._files[file_id].content

    async def _api_send_document(self, p: JSONDict) -> JSONDict:
        stored, upload = self._upload(p["document"], "documents/file_{}")
        document: JSONDict = {"file_id": stored.file_id, "file_unique_id": stored.file_unique_id,
                              "file_size": stored.file_size}  # fmt: skip
        if upload is not None:
            document["file_name"] = upload.filename or "document"
            document["mime_type"] = upload.content_type or "application/octet-stream"
        return self._bot_message(p, {"document": document})

    async def _api_send_photo(self, p: JSONDict) -> JSONDict:
        stored, _upload = self._upload(p["photo"], "photos/file_{}.jpg")
        full = {"file_id": stored.file_id, "file_unique_id": stored.file_unique_id,
                "file_size": stored.file_size, "width": 1280, "height": 960}  # fmt: skip
        return self._bot_message(p, {"photo": [full]})

    async def _api_send_voice(self, p: JSONDict) -> JSONDict:
        stored, _upload = self._upload(p["voice"], "voice/file_{}.oga")
        voice = {"file_id": stored.file_id, "file_unique_id": stored.file_unique_id,
                 "file_size": stored.file_size, "duration": int(p.get("duration") or 1),
                 "mime_type": "audio/ogg"}  # fmt: skip
        return self._bot_message(p, {"voice": voice})

    def _own_message(self, p: JSONDict, action: str) -> JSONDict:
        if "inline_message_id" in p:
            raise ApiError(400, "Bad Request: FakeBotApi has no inline messages")
        message = self._messages[p["chat_id"]].get(p["message_id"])
        if message is None:
            raise ApiError(400, f"Bad Request: message to {action} not found")
        if not self._is_bots(message):
            raise ApiError(400, "Bad Request: message can't be edited")
        return message

    async def _api_edit_message_text(self, p: JSONDict) -> JSONDict:
        message = self._own_message(p, "edit")
        text = _visible(p["text"], p.get("parse_mode"))[0].strip()
        return self._edit(message, text, p.get("reply_markup"))

    async def _api_edit_message_reply_markup(self, p: JSONDict) -> JSONDict:
        message = self._own_message(p, "edit")
        return self._edit(message, message.get("text"), p.get("reply_markup"))

    def _edit(self, message: JSONDict, text: str | None, markup: JSONDict | None) -> JSONDict:
        """Telegram drops the inline keyboard of an edit that doesn't repeat it."""
        if markup and not markup.get("inline_keyboard"):
            markup = None
        if message.get("text") == text and message.get("reply_markup") == markup:
            raise ApiError(400, NOT_MODIFIED)
        if text is not None:
            message["text"] = text
        message.pop("reply_markup", None)
        if markup:
            message["reply_markup"] = markup
        message["edit_date"] = int(self.now())
        return copy.deepcopy(message)

    async def _api_answer_callback_query(self, p: JSONDict) -> bool:
        if p["callback_query_id"] not in self._callbacks:
            raise ApiError(
                400,
                "Bad Request: query is too old and response timeout expired or query ID is invalid",
            )
        return True

    async def _api_get_file(self, p: JSONDict) -> JSONDict:
        stored = self._files.get(p["file_id"])
        if stored is None:
            raise ApiError(400, "Bad Request: invalid file_id")
        if self.download_limit is not None and stored.file_size > self.download_limit:
            raise ApiError(400, "Bad Request: file is too big")
        return stored.as_file()

    async def _api_delete_message(self, p: JSONDict) -> bool:
        message = self._messages[p["chat_id"]].get(p["message_id"])
        if message is None:
            raise ApiError(400, "Bad Request: message to delete not found")
        if self.now() - message["date"] > DELETE_WINDOW:
            raise ApiError(400, "Bad Request: message can't be deleted for everyone")
        del self._messages[p["chat_id"]][p["message_id"]]
        return True

    async def _api_delete_messages(self, p: JSONDict) -> bool:
        """Missing messages are skipped, as on Telegram."""
        if not 1 <= len(p["message_ids"]) <= 100:
            raise ApiError(400, "Bad Request: too many message identifiers specified")
        chat = self._messages[p["chat_id"]]
        for message_id in p["message_ids"]:
            message = chat.get(message_id)
            if message and self.now() - message["date"] <= DELETE_WINDOW:
                del chat[message_id]
        return True

    async def _api_leave_chat(self, p: JSONDict) -> bool:
        self._left.add(p["chat_id"])
        return True


class _Reset(Exception):
    pass


def _caption(caption: str | None) -> JSONDict:
    return {} if caption is None else {"caption": caption}


def _utf16_len(text: str) -> int:
    """Telegram's entity offsets and lengths count UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def _http(status: int, body: JSONDict | bytes, content_type: str = "application/json") -> bytes:
    if isinstance(body, dict):
        body = json.dumps(body, ensure_ascii=False).encode()
    head = (
        f"HTTP/1.1 {status} {HTTPStatus(status).phrase}\r\nContent-Type: {content_type}\r\n"
        f"Content-Length: {len(body)}\r\nConnection: keep-alive\r\n\r\n"
    )
    return head.encode("latin-1") + body


async def _read_request(reader: asyncio.StreamReader) -> tuple[str, dict[str, str], bytes] | None:
    """One HTTP/1.1 request: (target, lower-cased headers, body); None at end of stream."""
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError:
        return None
    request_line, *lines = head.decode("latin-1").rstrip("\r\n").split("\r\n")
    target = request_line.split(" ")[1]
    headers = {}
    for line in lines:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    if headers.get("transfer-encoding", "").lower() == "chunked":
        chunks = []
        while size := int((await reader.readuntil(b"\r\n")).split(b";")[0], 16):
            chunks.append(await reader.readexactly(size + 2))
        await reader.readuntil(b"\r\n")
        return target, headers, b"".join(c[:-2] for c in chunks)
    return target, headers, await reader.readexactly(int(headers.get("content-length", 0)))


def _parse_params(
    query: str, content_type: str, body: bytes
) -> tuple[JSONDict, dict[str, UploadedFile]]:
    """Params from the query string and a JSON, url-encoded or multipart body."""
    params: JSONDict = dict(parse_qsl(query, keep_blank_values=True))
    files: dict[str, UploadedFile] = {}
    if content_type.startswith("application/json"):
        decoded = json.loads(body or b"{}")
        if not isinstance(decoded, dict):
            raise ValueError("JSON body must be an object")
        params.update(decoded)
    elif content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        arguments: dict[str, list[bytes]] = {}
        parts: dict[str, list[HTTPFile]] = {}
        parse_body_arguments(content_type, body, arguments, parts)
        params.update({k: v[-1].decode() for k, v in arguments.items()})
        for name, (part, *_) in parts.items():
            files[name] = UploadedFile(part.filename, part.content_type, part.body)
    return params, files


@pytest.fixture(name="fake_bot_api")
async def fake_bot_api_fixture() -> AsyncIterator[FakeBotApi]:
    """A started FakeBotApi; any Bot API violation fails the test at teardown.

    Use it from a conftest or test module with
    `from tests.fakebotapi import fake_bot_api_fixture  # noqa: F401`.
    """
    async with FakeBotApi() as api:
        yield api
    api.assert_valid()
