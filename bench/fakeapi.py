"""An in-process fake of the Telegram Bot API, shared by Trygg and the PTB baseline.

Both bots get a real python-telegram-bot ``Bot`` whose request objects are
:class:`FakeRequest` (a ``telegram.request.BaseRequest``): every call is answered from
memory as JSON bytes, after ``delay/2`` on the way in and ``delay/2`` on the way out, so a
call takes one round trip and "reaches the Bot API" half-way through it.

Updates follow Telegram's rules: ``getUpdates`` returns at most ``limit`` (100) updates
with ``update_id >= offset`` and forgets the ones below ``offset``; with nothing to return
it waits up to ``timeout`` seconds (long polling).

The simulated people (bench/people.py) read what the bot sent to their chat from
:class:`Chat`: the latest message with an inline keyboard, and when each one arrived.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import time
from collections import Counter, deque
from collections.abc import Callable
from typing import Any

from telegram.request import BaseRequest, RequestData

TOKEN = "123456:bench-token"  # noqa: S105 - the fake API's, not a secret
BOT_USER = {"id": 123456, "is_bot": True, "first_name": "Trygg", "username": "trygg_bench_bot"}
JSON = dict[str, Any]

now = time.perf_counter


class Chat:
    """One private chat as the person sees it."""

    __slots__ = ("changed", "id", "kb_times", "keyboard", "next_message_id", "sent_times")

    def __init__(self, chat_id: int) -> None:
        self.id = chat_id
        self.next_message_id = 1
        self.keyboard: JSON | None = None  # the latest bot message with an inline keyboard
        self.kb_times: list[float] = []  # when each bot message with a keyboard arrived
        self.sent_times: list[float] = []  # when each bot message arrived
        self.changed = asyncio.Event()

    def message_id(self) -> int:
        self.next_message_id += 1
        return self.next_message_id - 1

    def callback_data(self, button_id: str) -> str | None:
        """The callback_data of the button ``button_id`` on the latest keyboard.

        Trygg encodes "token|id"; the baseline uses the id itself.
        """
        if self.keyboard is None:
            return None
        for row in self.keyboard["reply_markup"]["inline_keyboard"]:
            for button in row:
                data = str(button.get("callback_data", ""))
                if data == button_id or data.endswith("|" + button_id):
                    return data
        return None

    async def wait_keyboards(self, count: int, patience: float) -> float:
        """Wait until ``count`` keyboard messages arrived; return when the last one did."""
        return await self._wait(self.kb_times, count, patience)

    async def wait_messages(self, count: int, patience: float) -> float:
        """Wait until ``count`` bot messages arrived; return when the last one did."""
        return await self._wait(self.sent_times, count, patience)

    async def _wait(self, times: list[float], count: int, patience: float) -> float:
        deadline = now() + patience
        while len(times) < count:
            self.changed.clear()
            left = deadline - now()
            if left <= 0:
                raise TimeoutError
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.changed.wait(), left)
        return times[count - 1]


class FakeBotApi:
    """The Bot API in memory: an update queue for the bot, chats for the people."""

    def __init__(self, delay: float = 0.0) -> None:
        self.delay = delay
        self.chats: dict[int, Chat] = {}
        self.calls: Counter[str] = Counter()
        self.polled = asyncio.Event()  # set by the first getUpdates: the bot is ready
        self.on_message: Callable[[int, str, float], None] | None = None  # chat, text, arrival
        # set: updates are posted to a webhook (chat, update as JSON) instead of queued for
        # getUpdates (bench/cluster.py)
        self.webhook: Callable[[int, bytes], None] | None = None
        self._updates: deque[tuple[int, bytes]] = deque()
        self._update_ids = itertools.count(1)
        self._query_ids = itertools.count(1)
        self._arrived = asyncio.Event()
        self._date = int(time.time())

    def request(self) -> FakeRequest:
        return FakeRequest(self)

    def chat(self, chat_id: int) -> Chat:
        chat = self.chats.get(chat_id)
        if chat is None:
            chat = self.chats[chat_id] = Chat(chat_id)
        return chat

    # --- what people do ----------------------------------------------------------------------

    def _push(self, chat_id: int, update: JSON) -> int:
        update_id = next(self._update_ids)
        update["update_id"] = update_id
        body = json.dumps(update).encode()
        if self.webhook is not None:
            self.webhook(chat_id, body)
            return update_id
        self._updates.append((update_id, body))
        self._arrived.set()
        return update_id

    @staticmethod
    def _user(chat_id: int) -> JSON:
        return {"id": chat_id, "is_bot": False, "first_name": "P", "language_code": "en"}

    def send_text(self, chat_id: int, text: str) -> int:
        """The person writes ``text`` (a leading "/" makes it a command); return update id."""
        chat = self.chat(chat_id)
        message: JSON = {
            "message_id": chat.message_id(),
            "date": self._date,
            "chat": {"id": chat_id, "type": "private", "first_name": "P"},
            "from": self._user(chat_id),
            "text": text,
        }
        if text.startswith("/"):
            length = len(text.split()[0])
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": length}]
        return self._push(chat_id, {"message": message})

    def press(self, chat_id: int, data: str) -> int:
        """The person presses a button of the latest keyboard; return the update id."""
        chat = self.chat(chat_id)
        assert chat.keyboard is not None
        return self._push(
            chat_id,
            {
                "callback_query": {
                    "id": str(next(self._query_ids)),
                    "from": self._user(chat_id),
                    "chat_instance": str(chat_id),
                    "data": data,
                    "message": chat.keyboard,
                }
            },
        )

    # --- what the bot calls ------------------------------------------------------------------

    async def round_trip(self, method: str, params: JSON) -> tuple[int, bytes]:
        """Answer a call after ``delay/2`` on the way in and ``delay/2`` on the way out."""
        half = self.delay / 2
        if half:
            await asyncio.sleep(half)
        answer = await self.handle(method, params)
        if half:
            await asyncio.sleep(half)
        return answer

    async def handle(self, method: str, params: JSON) -> tuple[int, bytes]:
        self.calls[method] += 1
        if method == "getUpdates":
            return 200, await self._get_updates(params)
        if method == "sendMessage":
            result: Any = self._message(params)
        elif method in ("editMessageText", "editMessageReplyMarkup"):
            result = self._edited(params)
        elif method == "getMe":
            result = BOT_USER
        elif method in (
            "answerCallbackQuery",
            "setMyCommands",
            "setWebhook",
            "deleteWebhook",
            "deleteMessage",
            "deleteMessages",
            "close",
            "logOut",
        ):
            result = True
        else:
            body = {"ok": False, "error_code": 400, "description": f"Bad Request: {method}"}
            return 400, json.dumps(body).encode()
        return 200, json.dumps({"ok": True, "result": result}).encode()

    async def _get_updates(self, params: JSON) -> bytes:
        if not self.polled.is_set():
            self.polled.set()
        offset = params.get("offset")
        limit = int(params.get("limit") or 100)
        timeout = float(params.get("timeout") or 0)
        updates = self._updates
        if offset is not None:
            while updates and updates[0][0] < int(offset):
                updates.popleft()  # confirmed: Telegram forgets them
        if not updates and timeout > 0:
            self._arrived.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._arrived.wait(), timeout)
        batch = b",".join(body for _, body in itertools.islice(updates, limit))
        return b'{"ok":true,"result":[' + batch + b"]}"

    def _message(self, params: JSON) -> JSON:
        arrived = now()
        chat_id = int(params["chat_id"])
        chat = self.chat(chat_id)
        text = str(params.get("text", ""))
        message: JSON = {
            "message_id": chat.message_id(),
            "from": BOT_USER,
            "chat": {"id": chat_id, "type": "private", "first_name": "P"},
            "date": self._date,
            "text": text,
        }
        markup = params.get("reply_markup")
        if isinstance(markup, str):
            markup = json.loads(markup)
        if isinstance(markup, dict) and markup.get("inline_keyboard"):
            message["reply_markup"] = markup
            chat.keyboard = message
            chat.kb_times.append(arrived)
        chat.sent_times.append(arrived)
        chat.changed.set()
        if self.on_message is not None:
            self.on_message(chat_id, text, arrived)
        return message

    def _edited(self, params: JSON) -> JSON:
        chat_id = int(params["chat_id"])
        message: JSON = {
            "message_id": int(params["message_id"]),
            "from": BOT_USER,
            "chat": {"id": chat_id, "type": "private", "first_name": "P"},
            "date": self._date,
            "edit_date": self._date,
            "text": str(params.get("text", "…")),
        }
        return message


class FakeRequest(BaseRequest):
    """A ``BaseRequest`` that answers from :class:`FakeBotApi` after one round trip."""

    def __init__(self, api: FakeBotApi) -> None:
        self.api = api

    @property
    def read_timeout(self) -> float | None:
        return 60.0

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = None,
        write_timeout: Any = None,
        connect_timeout: Any = None,
        pool_timeout: Any = None,
    ) -> tuple[int, bytes]:
        params = request_data.parameters if request_data is not None else {}
        return await self.api.round_trip(url.rsplit("/", 1)[-1], params)
