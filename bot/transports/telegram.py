"""The Telegram transport (python-telegram-bot 22).

It turns Bot API updates into InboundEvents and Replies into Bot API calls — nothing
else. Conversation logic stays in ``conversations``; ordering, units of work and the
outbox are shared with every other transport.

Updates are acknowledged to Telegram only after their unit of work has ended: with long
polling the offset never moves past an update still being handled, and in webhook mode
the HTTP answer waits for the commit. A crash therefore means redelivery, which the
handled-event table makes harmless; replies committed but not sent are sent again at
start, before polling (see bot.dispatcher).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import signal
import warnings
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import replace
from typing import Any, TypeVar

from telegram import Bot, BotCommand, BotCommandScopeChat
from telegram.constants import ChatType
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.request import HTTPXRequest
from telegram.warnings import PTBUserWarning

from bot.app import App, settle_heap
from bot.dispatcher import Dispatcher, log_failure
from bot.health import Health
from bot.runtime import Channel, Runtime, run
from bot.throttle import Throttle
from bot.transports.base import DeliveryFailed
from bot.transports.telegram_files import caption_fits, file_request
from bot.transports.telegram_http import AiohttpRequest
from bot.transports.telegram_updates import (
    CAPABILITIES,
    CHANNEL,
    DOWNLOAD_LIMIT,
    JSON,
    TEXT_LIMIT,
    callback_data,
    event_for,
    json_at,
    json_dict,
    json_int,
    json_str,
    update_chat,
    update_user,
)
from bot.transports.telegram_webhook import ALLOWED_UPDATES, Webhook
from conversations.events import Attachment, Delivery, Reply
from conversations.i18n import SUPPORTED, Catalogs
from conversations.menu import commands_for
from storage.outbox import CONVERSATION

log = logging.getLogger(__name__)
T = TypeVar("T")
POLL_TIMEOUT = 30
MAX_ATTEMPTS = 5
# Bot API calls out at once, and the connections kept for them (aiohttp's default). At
# Telegram's 30 messages/s a handful are busy; more wait in the Throttle, by priority.
CONNECTIONS = 100
# While updates are in flight, poll again when the oldest is done, but at most every
# POLL_INTERVAL and at least every PROGRESS_WAIT seconds: each answer repeats every
# unconfirmed update, so polling on every completion would cost more than the updates.
POLL_INTERVAL = 0.05
PROGRESS_WAIT = 0.25
MAX_CLEAR = 1000  # at most this many message ids are deleted by "clear the chat"


def split_text(text: str, limit: int = TEXT_LIMIT) -> list[str]:
    """Split text into Telegram-sized pieces, preferring paragraph, then line boundaries."""
    text = text.strip() or "…"
    pieces: list[str] = []
    while len(text) > limit:
        # a boundary may start right at `limit`: the piece before it still fits
        cut = text.rfind("\n\n", 0, limit + 2)
        if cut <= 0:
            cut = text.rfind("\n", 0, limit + 1)
        if cut <= 0:
            cut = text.rfind(" ", 0, limit + 1)
        if cut <= 0:
            cut = limit
        pieces.append(text[:cut].rstrip())
        text = text[cut:].lstrip("\n ")
    pieces.append(text)
    return [p for p in pieces if p]


def keyboard(reply: Reply) -> dict[str, Any] | None:
    """The Bot API's InlineKeyboardMarkup for a reply's buttons (None: no keyboard)."""
    if not reply.buttons:
        return None
    return {
        "inline_keyboard": [
            [{"text": b.label[:64], "callback_data": callback_data(reply.token, b.id)} for b in row]
            for row in reply.buttons
        ]
    }


class TelegramTransport:
    """Sends replies as Telegram messages with inline keyboards, within the rate limits."""

    channel = CHANNEL
    capabilities = CAPABILITIES

    def __init__(self, bot: Bot, catalogs: Catalogs, throttle: Throttle) -> None:
        self.bot = bot
        self.catalogs = catalogs
        self.throttle = throttle
        quiet_raw_calls()

    async def send(
        self, address: str, replies: Sequence[Reply], priority: int = CONVERSATION
    ) -> None:
        """Send replies in order; long texts are split, the keyboard goes on the last piece;
        a file goes as itself, with its text as the caption."""
        chat_id = int(address)
        for reply in replies:
            if reply.file is not None and reply.file.content is not None:
                if not caption_fits(reply):
                    await self.send(address, [replace(reply, file=None)], priority)
                request = file_request(self.bot, chat_id, reply)
                await self.call(address, priority, request)
                continue
            pieces = split_text(reply.text)
            for index, piece in enumerate(pieces):
                markup = keyboard(reply) if index == len(pieces) - 1 else None
                params: dict[str, Any] = {"chat_id": chat_id, "text": piece}
                if markup is not None:
                    params["reply_markup"] = markup
                await self.call(
                    address, priority, functools.partial(self._raw, "sendMessage", params)
                )

    async def _raw(self, method: str, params: dict[str, Any]) -> Any:
        """Call a Bot API method and return its result as JSON: the bot never reads the
        sent message back, so building a Message object for every answer is wasted."""
        return await self.bot.do_api_request(method, api_kwargs=params)

    async def call(
        self,
        chat: str,
        priority: int,
        request: Callable[[], Awaitable[Any]],
        *,
        new_message: bool = True,
    ) -> Any:
        """Make one Bot API call under the rate limits; honour 429; retry network errors."""
        attempt = 0
        while True:
            backoff = 0.0
            async with self.throttle.slot(chat, priority, spacing=new_message):
                try:
                    return await request()
                except RetryAfter as exc:
                    seconds = exc.retry_after
                    delay = seconds if isinstance(seconds, int) else seconds.total_seconds()
                    log.warning("Telegram asked to retry after %s s", delay)
                    self.throttle.pause(float(delay))
                except Forbidden as exc:
                    raise DeliveryFailed("forbidden", permanent=True) from exc
                except BadRequest as exc:  # the request itself is wrong: retrying won't help
                    raise DeliveryFailed(_bad_request_reason(exc), permanent=True) from exc
                except NetworkError as exc:  # includes TimedOut
                    attempt += 1
                    if attempt >= MAX_ATTEMPTS:
                        raise DeliveryFailed(type(exc).__name__) from exc
                    backoff = min(0.5 * 2**attempt, 10)
            if backoff:  # waited out of the slot: other calls go meanwhile
                await asyncio.sleep(backoff)

    async def answer_press(self, query: JSON) -> None:
        """Answer a button press at once (Telegram shows a spinner until we do)."""
        query_id = json_str(query.get("id"))
        if not query_id:
            return
        chat_id = json_int(json_at(query, "message", "chat", "id"))
        chat = "" if chat_id is None else str(chat_id)
        with contextlib.suppress(TelegramError, DeliveryFailed):
            await self.call(
                chat, 0, lambda: self.bot.answer_callback_query(query_id), new_message=False
            )

    async def settle_press(self, query: JSON, accepted: bool) -> None:
        """Take the keyboard off the pressed message; mark the choice if it was applied."""
        message = json_dict(query.get("message")) or {}
        markup = json_dict(message.get("reply_markup"))
        chat_id = json_int(json_at(message, "chat", "id"))
        message_id = json_int(message.get("message_id"))
        if markup is None or chat_id is None or message_id is None:
            return  # an inaccessible (old) message, or one without a keyboard
        data = query.get("data")
        rows = markup.get("inline_keyboard")
        label = next(
            (
                json_str(button.get("text"))
                for row in (rows if isinstance(rows, list) else ())
                for button in (row if isinstance(row, list) else ())
                if isinstance(button, Mapping) and button.get("callback_data") == data
            ),
            None,
        )
        text = json_str(message.get("text")) or ""
        target: dict[str, Any] = {"chat_id": chat_id, "message_id": message_id}
        if accepted and label and text and len(text) + len(label) + 4 <= TEXT_LIMIT:
            method, params = "editMessageText", {**target, "text": f"{text}\n\n→ {label}"}
        else:
            method, params = "editMessageReplyMarkup", target
        with contextlib.suppress(TelegramError, DeliveryFailed):
            await self.call(
                str(chat_id),
                CONVERSATION,
                lambda: self._raw(method, params),
                new_message=False,
            )

    async def refuse_group(self, update: JSON) -> None:
        """Explain in a group or channel that Trygg works only in private chats, then leave."""
        chat = update_chat(update)
        chat_id = json_int(chat.get("id")) if chat is not None else None
        if chat is None or chat_id is None:
            return
        user = update_user(update) or {}
        _ = self.catalogs.gettext(self.catalogs.pick(json_str(user.get("language_code"))))
        text = _(
            "Trygg works only in a private chat with you, so that what you tell it stays "
            "between you and the people who help you. Write to me directly instead."
        )
        with contextlib.suppress(TelegramError, DeliveryFailed):
            if chat.get("type") != ChatType.CHANNEL:
                await self.call(
                    str(chat_id), CONVERSATION, lambda: self.bot.send_message(chat_id, text)
                )
            await self.call(
                str(chat_id), CONVERSATION, lambda: self.bot.leave_chat(chat_id), new_message=False
            )

    async def fetch(self, attachment: Attachment) -> Attachment:
        """Download an attachment's bytes (outside any transaction); None if that fails."""
        if not attachment.file_ref or (attachment.size or 0) > DOWNLOAD_LIMIT:
            return attachment
        try:
            file = await self.bot.get_file(attachment.file_ref)
            content = bytes(await file.download_as_bytearray())
        except TelegramError as exc:
            log.warning("downloading a file failed: %s", type(exc).__name__)
            return attachment
        return replace(attachment, content=content, size=len(content))

    async def clear(self, address: str, first: int, last: int) -> None:
        """Delete messages first..last of a private chat (Telegram skips ones it can't)."""
        ids = list(range(max(first, 1), last + 1))[-MAX_CLEAR:]
        for start in range(0, len(ids), 100):
            chunk = ids[start : start + 100]

            async def delete(chunk: list[int] = chunk) -> bool:
                return await self.bot.delete_messages(int(address), chunk)

            with contextlib.suppress(TelegramError, DeliveryFailed):
                await self.call(address, CONVERSATION, delete, new_message=False)


RAW_METHODS = ("getUpdates", "sendMessage", "editMessageText", "editMessageReplyMarkup")


RAW_CALL_WARNING = rf"Please use 'Bot\.({'|'.join(RAW_METHODS)})'"


def quiet_raw_calls() -> None:
    """The transport calls these methods through ``Bot.do_api_request`` on purpose (their
    answers stay JSON); PTB would suggest its typed methods each time."""
    if not any(f[1] is not None and f[1].pattern == RAW_CALL_WARNING for f in warnings.filters):
        warnings.filterwarnings("ignore", message=RAW_CALL_WARNING, category=PTBUserWarning)


def _bad_request_reason(exc: BadRequest) -> str:
    message = str(exc).lower()
    for known in ("chat not found", "user is deactivated", "message is too long"):
        if known in message:
            return known
    return "bad request"


def command_menu(catalogs: Catalogs, role: str, locale: str) -> list[BotCommand]:
    """The command menu of a role, in a language."""
    _ = catalogs.gettext(locale)
    return [BotCommand(command, _(what)) for command, what in commands_for(role, locale)]


async def register_commands(bot: Bot, catalogs: Catalogs) -> None:
    """The menu for people Trygg does not know yet, per language; Swedish is the default.
    Everyone else gets their role's menu in their chat (see TelegramBot._reply)."""
    for locale in (None, *SUPPORTED):
        menu = command_menu(catalogs, "official", locale or catalogs.default)
        await bot.set_my_commands(menu, language_code=locale)


class UpdateHandler:
    """Turns one update into platform side effects and a dispatched event; awaits its commit."""

    def __init__(self, transport: TelegramTransport, dispatcher: Dispatcher) -> None:
        self.transport = transport
        self.dispatcher = dispatcher

    async def __call__(self, update: JSON) -> None:
        chat = update_chat(update)
        if chat is not None and chat.get("type") != ChatType.PRIVATE:
            if json_dict(update.get("message")) or json_dict(update.get("channel_post")):
                await self.transport.refuse_group(update)
            return
        query = json_dict(update.get("callback_query"))
        if query is not None:
            asyncio.create_task(self.transport.answer_press(query))  # noqa: RUF006
        event = event_for(update)
        if event is None:
            return
        if event.attachment is not None:
            event = replace(event, attachment=await self.transport.fetch(event.attachment))
        delivery = await self.dispatcher.submit(event)
        if query is not None and not (delivery is not None and delivery.retry):
            accepted = delivery is not None and delivery.accepted
            asyncio.create_task(self.transport.settle_press(query, accepted))  # noqa: RUF006


class Poller:
    """Long polling that acknowledges an update only after it has been handled."""

    def __init__(self, bot: Bot, handle: Callable[[JSON], Awaitable[None]]) -> None:
        self.bot = bot
        self.handle = handle
        self._pending: dict[int, asyncio.Task[None]] = {}
        self._highest = -1
        self._polled_at = 0.0
        quiet_raw_calls()

    @property
    def offset(self) -> int | None:
        if self._pending:
            return min(self._pending)
        return self._highest + 1 if self._highest >= 0 else None

    async def run(self, stop: asyncio.Event, poll_seconds: int = POLL_TIMEOUT) -> None:
        backoff = 1.0
        while not stop.is_set():
            try:
                self._polled_at = asyncio.get_running_loop().time()
                polled = await _unless_stopped(stop, self._poll(poll_seconds))
                backoff = 1.0
            except RetryAfter as exc:
                seconds = exc.retry_after
                await _sleep_or_stop(stop, seconds if isinstance(seconds, int) else 5)
                continue
            except (NetworkError, TelegramError) as exc:
                log.warning("getUpdates failed: %s", type(exc).__name__)
                await _sleep_or_stop(stop, backoff)
                backoff = min(backoff * 2, 30)
                continue
            if polled is None:  # stopped during the long poll: its updates stay unconfirmed
                break
            fresh: dict[int, dict[str, Any]] = {}  # by id: the same update twice is handled once
            for raw in polled if isinstance(polled, list) else ():
                update_id = raw.get("update_id") if isinstance(raw, dict) else None
                if (
                    isinstance(update_id, int)
                    and update_id not in self._pending
                    and update_id > self._highest
                ):
                    fresh[update_id] = raw
            for update_id, raw in fresh.items():
                self._pending[update_id] = asyncio.create_task(self._one(update_id, raw))
            if self._pending:
                # Updates in flight come back in every answer until the offset passes them,
                # so polling again right away would return them at once and mostly them:
                # wait until the oldest is done (or a little while) first.
                await self._progress(stop)
        await self.drain()
        if self.offset is not None:  # confirm what was handled, so a restart starts after it
            with contextlib.suppress(TelegramError):
                await self.bot.get_updates(
                    offset=self.offset, timeout=0, limit=1, allowed_updates=ALLOWED_UPDATES
                )

    async def _poll(self, poll_seconds: int) -> Any:
        """getUpdates, unparsed: updates still in flight come back in every answer (they are
        unconfirmed), and parsing them again each time would cost more than handling them."""
        return await self.bot.do_api_request(
            "getUpdates",
            api_kwargs={
                "offset": self.offset,
                "timeout": poll_seconds,
                "allowed_updates": ALLOWED_UPDATES,
            },
            read_timeout=poll_seconds + POLL_TIMEOUT,
        )

    async def _one(self, update_id: int, raw: dict[str, Any]) -> None:
        try:
            await self.handle(raw)
        except Exception as exc:
            log_failure("handling a Telegram update", exc)
        finally:
            self._pending.pop(update_id, None)
            self._highest = max(self._highest, update_id)

    async def _progress(self, stop: asyncio.Event) -> None:
        """Wait until the oldest in-flight update is done (the offset can move on), but
        POLL_INTERVAL at least and PROGRESS_WAIT at most since the last poll (new updates
        may be waiting behind a slow one); return early on stop.

        Telegram returns unconfirmed updates at once, so polling again right away would
        spin, and a long fixed pause would delay every update that arrives meanwhile.
        """
        loop = asyncio.get_running_loop()
        stopped = asyncio.ensure_future(stop.wait())
        waits: set[asyncio.Future[Any]] = {stopped}
        oldest = self._pending[min(self._pending)] if self._pending else None
        if oldest is not None:
            waits.add(oldest)
        try:
            most = self._polled_at + PROGRESS_WAIT - loop.time()
            await asyncio.wait(waits, timeout=max(most, 0), return_when=asyncio.FIRST_COMPLETED)
            if oldest is not None and oldest.done() and not self._pending:
                return  # all caught up: poll now (each answer would otherwise wait)
            least = self._polled_at + POLL_INTERVAL - loop.time()
            if least > 0 and not stop.is_set():
                await asyncio.wait({stopped}, timeout=least)
        finally:
            stopped.cancel()

    async def drain(self) -> None:
        while self._pending:
            await asyncio.gather(*list(self._pending.values()), return_exceptions=True)


async def _unless_stopped(stop: asyncio.Event, call: Awaitable[T]) -> T | None:
    """Await ``call`` unless ``stop`` is set first; then cancel it and return None.

    A long poll lasts up to POLL_TIMEOUT seconds: without this, stopping the bot (SIGTERM)
    would wait for it, longer than a container's stop grace period.
    """
    task = asyncio.ensure_future(call)
    stopped = asyncio.ensure_future(stop.wait())
    try:
        await asyncio.wait({task, stopped}, return_when=asyncio.FIRST_COMPLETED)
    except asyncio.CancelledError:
        task.cancel()
        raise
    finally:
        stopped.cancel()
    if task.done():
        return task.result()
    task.cancel()
    await asyncio.wait({task})  # let the request unwind; what it got is redelivered later
    if not task.cancelled():
        task.exception()  # mark a last-moment failure as retrieved: it no longer matters
    return None


async def _sleep_or_stop(stop: asyncio.Event, seconds: float) -> None:
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(stop.wait(), timeout=seconds)


def build_bot(app: App) -> Bot:
    """Create the Bot API client, pointed at Telegram or a self-hosted/fake server."""
    settings = app.settings
    token = settings.telegram_bot_token
    if not token:
        raise ValueError("TELEGRAM_BOT_TOKEN is not set")
    kwargs: dict[str, Any] = {
        "request": AiohttpRequest(CONNECTIONS, read_timeout=15),
        "get_updates_request": HTTPXRequest(read_timeout=POLL_TIMEOUT + 10),
    }
    if settings.telegram_api_base_url:
        kwargs["base_url"] = settings.telegram_api_base_url
    if settings.telegram_file_base_url:
        kwargs["base_file_url"] = settings.telegram_file_base_url
    return Bot(token, **kwargs)


class TelegramBot:
    """The running Telegram bot: client, transport and intake, on a runtime of its own or
    on one it shares with other transports (see bot.run_all)."""

    def __init__(
        self,
        app: App,
        bot: Bot | None = None,
        throttle: Throttle | None = None,
        runtime: Runtime | None = None,
    ):
        self.app = app
        self.bot = bot or build_bot(app)
        throttle = throttle or Throttle(in_flight=CONNECTIONS)
        self.transport = TelegramTransport(self.bot, app.catalogs, throttle)
        self.channel = Channel(self.transport, self._reply)
        self.runtime = runtime or Runtime(app)
        self.runtime.add(self.channel)
        self.dispatcher = self.runtime.dispatcher
        self.timers = self.runtime.timers
        self.stop = self.runtime.stop
        self.handle = UpdateHandler(self.transport, self.dispatcher)
        self.webhook: Webhook | None = None  # None: long polling

    async def _reply(self, delivery: Delivery) -> None:
        if delivery.clear_range is not None:
            await self.transport.clear(delivery.address, *delivery.clear_range)
        await self.transport.send(delivery.address, delivery.replies)
        if delivery.menu is not None:
            role, locale = delivery.menu
            menu = command_menu(self.app.catalogs, role, locale)
            with contextlib.suppress(TelegramError):  # a menu is a convenience, never a failure
                await self.bot.set_my_commands(
                    menu, scope=BotCommandScopeChat(int(delivery.address))
                )

    async def open(self) -> None:
        """Initialise the client and the command menus."""
        await self.bot.initialize()
        await register_commands(self.bot, self.app.catalogs)

    async def receive(self) -> None:
        """Read updates (long polling, or the webhook if one is set) until ``stop``."""
        if self.webhook is None:
            with contextlib.suppress(TelegramError):
                await self.bot.delete_webhook()
            await Poller(self.bot, self.handle).run(self.stop)
        else:
            await self.webhook.serve(self.bot, self.handle, self.stop)

    async def close(self) -> None:
        await self.transport.throttle.close()
        with contextlib.suppress(TelegramError):
            await self.bot.shutdown()

    async def run_polling(self) -> None:
        """Run alone until ``stop`` is set: poll for updates and deliver the outbox."""
        self.webhook = None
        await run(self.runtime, [self])

    async def run_webhook(self, url: str, listen: str, port: int, secret: str | None) -> None:
        """Run alone, serving Telegram's webhook calls; each is answered only after its
        update is handled."""
        health = Health.of(self.app, self.runtime.ready)
        self.webhook = Webhook(url, listen, port, secret, health)
        await run(self.runtime, [self])


async def run_telegram(app: App, webhook: str | None = None) -> None:
    """Run the Telegram bot until SIGINT/SIGTERM."""
    telegram_bot = TelegramBot(app)
    settle_heap()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, telegram_bot.stop.set)
    settings = app.settings
    url = webhook or settings.telegram_webhook_url
    if url:
        await telegram_bot.run_webhook(
            url, settings.webhook_listen, settings.webhook_port, settings.telegram_webhook_secret
        )
    else:
        await telegram_bot.run_polling()
