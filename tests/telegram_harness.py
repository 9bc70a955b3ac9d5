"""A harness for end-to-end Telegram tests: the real bot (PTB) against FakeBotApi.

Use it from a test module with

    from tests.fakebotapi import fake_bot_api_fixture  # noqa: F401
    from tests.telegram_harness import telegram_app_fixture, telegram_fixture  # noqa: F401

and take ``tg`` (a running :class:`TelegramHarness` on the demo organisation). Drive it
with ``await tg.say(chat_id, "/akut")``, ``await tg.press(chat_id, "label")`` or, for any
injection the fake offers, ``await tg.act(chat_id, lambda: tg.fake.send_photo(chat_id))``:
each waits until the bot has handled that very update (its unit of work committed and its
replies were sent) and returns the texts the bot sent to that chat meanwhile. Updates that
never reach the conversation core (group chats) are awaited with ``tg.fake.wait_for``.
``tg.events`` lists the InboundEvents the bot produced.

Demo people are linked to chats with ``await tg.bind("anna", 1001)``; an unbound chat is an
unregistered person. ``running_bot``, ``bind``, ``last_text`` and ``wait_text`` work
without the class, for tests that build their own app.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator, Callable
from typing import Any

import pytest
from sqlalchemy import func, select

from bot import orgfile
from bot.app import App
from bot.dispatcher import Dispatcher
from bot.settings import Settings
from bot.throttle import Throttle
from bot.transports.telegram import TelegramBot
from conversations.events import Delivery, InboundEvent
from storage.directory import DirectoryRepo
from storage.models import ChannelBinding, OutboxMessage
from tests.conftest import DEMO_ORG, FakeClock
from tests.fakebotapi import FakeBotApi

JSONDict = dict[str, Any]
TIMEOUT = 10.0


def telegram_settings(settings: Settings, fake: FakeBotApi) -> Settings:
    """Settings that point the bot at the fake server."""
    return settings.model_copy(
        update={
            "telegram_bot_token": fake.token,
            "telegram_api_base_url": fake.base_url,
            "telegram_file_base_url": fake.base_file_url,
        }
    )


def fast_throttle() -> Throttle:
    """No per-chat spacing and a high overall rate: tests need not wait a second per reply."""
    return Throttle(per_second=1000, per_chat_interval=0)


async def eventually(condition: Callable[[], object], what: str, timeout: float = TIMEOUT) -> None:
    """Wait (polling the event loop) until condition() is true."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() >= deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        await asyncio.sleep(0.01)


@contextlib.asynccontextmanager
async def running_bot(
    app: App,
    fake: FakeBotApi,
    throttle: Throttle | None = None,
    prepare: Callable[[TelegramBot], None] | None = None,
) -> AsyncIterator[TelegramBot]:
    """Run a TelegramBot (long polling) on ``app`` until the block ends.

    ``prepare`` sees the bot before it starts (to wrap or instrument its parts).
    """
    tbot = TelegramBot(app, throttle=throttle or fast_throttle())
    if prepare is not None:
        prepare(tbot)
    start = len(fake.requests)
    task = asyncio.create_task(tbot.run_polling())

    def polling() -> bool:
        if task.done():
            task.result()  # the bot failed to start: raise its error here
            raise AssertionError("the bot stopped before polling")
        return any(r.method == "getUpdates" for r in fake.requests[start:])

    try:
        await eventually(polling, "the bot to poll for updates")
        yield tbot
    finally:
        tbot.stop.set()
        await asyncio.wait_for(task, timeout=TIMEOUT)


async def bind(app: App, handle: str, chat_id: int) -> None:
    """Link a directory person to a Telegram chat (invite codes come later)."""
    async with app.db.unit_of_work() as session:
        repo = DirectoryRepo(session)
        person = await repo.person_by_handle(handle)
        assert person is not None, f"no person {handle!r} in the directory"
        await repo.bind("telegram", str(chat_id), person)


def last_text(fake: FakeBotApi, chat_id: int) -> str:
    """The text of the bot's latest message in a chat ('' if none)."""
    texts = fake.messages_to(chat_id)
    return texts[-1] if texts else ""


async def wait_text(fake: FakeBotApi, chat_id: int, *needles: str, timeout: float = TIMEOUT) -> str:
    """Wait until a bot message in the chat contains every needle; return its text."""
    found: list[str] = []

    def present() -> bool:
        found[:] = [t for t in fake.messages_to(chat_id) if all(n in t for n in needles)]
        return bool(found)

    await eventually(present, f"a message to {chat_id} containing {needles!r}", timeout)
    return found[-1]


async def outbox_count(app: App) -> int:
    async with app.db.unit_of_work() as session:
        return int(await session.scalar(select(func.count()).select_from(OutboxMessage)) or 0)


async def bindings_for(app: App, address: str) -> list[ChannelBinding]:
    async with app.db.unit_of_work() as session:
        rows = await session.scalars(
            select(ChannelBinding).where(
                ChannelBinding.channel == "telegram", ChannelBinding.address == address
            )
        )
        return list(rows)


class TelegramHarness:
    """A running bot, the fake Bot API it talks to, and helpers to converse through them."""

    def __init__(self, app: App, fake: FakeBotApi) -> None:
        self.app = app
        self.fake = fake
        self.throttle_factory: Callable[[], Throttle] = fast_throttle
        self._running: contextlib.AbstractAsyncContextManager[TelegramBot] | None = None
        self._bot: TelegramBot | None = None
        self.events: list[InboundEvent] = []  # every event the bot(s) submitted, in order
        self._handling: dict[str, list[asyncio.Future[Delivery | None]]] = {}
        self._senders: dict[str, tuple[Dispatcher, str, str]] = {}  # event id -> who it was from

    @property
    def bot(self) -> TelegramBot:
        assert self._bot is not None, "the bot is not running"
        return self._bot

    async def start(self) -> TelegramBot:
        assert self._running is None, "the bot is already running"
        self._running = running_bot(self.app, self.fake, self.throttle_factory(), self._watch)
        self._bot = await self._running.__aenter__()
        return self._bot

    def adopt(self, tbot: TelegramBot) -> None:
        """Converse through a bot that something else runs (e.g. a process of several
        transports on one runtime, tests/signal_harness.one_process)."""
        self._watch(tbot)
        self._bot = tbot

    def _watch(self, tbot: TelegramBot) -> None:
        """Record each event the bot submits, and when its handling (and sending) ended."""
        dispatcher = tbot.dispatcher
        submit = dispatcher.submit

        def watched(event: InboundEvent) -> asyncio.Future[Delivery | None]:
            self.events.append(event)
            done = submit(event)
            self._handling.setdefault(event.event_id, []).append(done)
            self._senders[event.event_id] = (dispatcher, event.channel, event.address)
            return done

        dispatcher.submit = watched  # type: ignore[method-assign]

    async def handled(self, update_id: int, before: int = 0, timeout: float = TIMEOUT) -> None:
        """Wait until the update's event was handled (committed, its replies sent) more than
        ``before`` times: a redelivered update counts again."""
        event_id = f"tg:{update_id}"

        def done() -> bool:
            handling = self._handling.get(event_id, [])
            if len(handling) <= before or not all(f.done() for f in handling):
                return False
            dispatcher, channel, address = self._senders[event_id]
            return not dispatcher.busy(channel, address)  # committed, and the replies went out

        await eventually(done, f"update {update_id} to be handled", timeout)

    async def stop(self) -> None:
        if self._running is not None:
            running, self._running, self._bot = self._running, None, None
            await running.__aexit__(None, None, None)

    async def restart(self) -> TelegramBot:
        """Stop the bot and start a new one on the same app and database."""
        await self.stop()
        return await self.start()

    async def bind(self, handle: str, chat_id: int) -> None:
        await bind(self.app, handle, chat_id)

    def mark(self, chat_id: int) -> int:
        """The highest message id in the chat now: pass it to ``since``."""
        return max((m["message_id"] for m in self.fake.history(chat_id)), default=0)

    def since(self, chat_id: int, mark: int) -> list[str]:
        """Texts of the bot's messages in the chat newer than ``mark``."""
        return [
            str(m.get("text", m.get("caption", "")))
            for m in self.fake.sent(chat_id)
            if m["message_id"] > mark
        ]

    async def act(self, chat_id: int, inject: Callable[[], int]) -> list[str]:
        """Inject an update into the fake (inject returns its update_id); wait until the bot
        handled it; return the texts the bot sent to chat_id meanwhile."""
        mark = self.mark(chat_id)
        update_id = inject()
        await self.handled(update_id, len(self._handling.get(f"tg:{update_id}", [])))
        return self.since(chat_id, mark)

    async def say(self, chat_id: int, text: str, language_code: str | None = "sv") -> list[str]:
        """Send a text (or /command) from a private chat; return the bot's new messages."""
        return await self.act(
            chat_id, lambda: self.fake.send_text(chat_id, text, language_code=language_code)
        )

    async def press(
        self,
        chat_id: int,
        label: str,
        *,
        message_id: int | None = None,
        language_code: str | None = "sv",
    ) -> list[str]:
        """Press a button by label (on the latest keyboard, or on message_id's).

        Waits also for the press to be settled: answered, and its message edited.
        """
        message = self.keyboard_message(chat_id, message_id)
        data = next(
            (d for text, d in self.fake.buttons(chat_id, message["message_id"]) if text == label),
            None,
        )
        assert data is not None, f"no button {label!r}: {self.fake.buttons(chat_id)}"
        return await self.press_data(chat_id, message["message_id"], data, language_code)

    async def press_data(
        self, chat_id: int, message_id: int, data: str, language_code: str | None = "sv"
    ) -> list[str]:
        """Press a button with any callback_data (forged too) on a message."""
        had_keyboard = any(
            m["message_id"] == message_id and "reply_markup" in m for m in self.fake.sent(chat_id)
        )
        start = len(self.fake.requests)
        texts = await self.act(
            chat_id,
            lambda: self.fake.press(chat_id, message_id, data, language_code=language_code),
        )
        await self.fake.wait_for("answerCallbackQuery", after=start)
        if had_keyboard:
            await self.fake.wait_for(
                lambda r: r.method in ("editMessageText", "editMessageReplyMarkup"), after=start
            )
        return texts

    def keyboard_message(self, chat_id: int, message_id: int | None = None) -> JSONDict:
        """The bot's latest message in the chat with a keyboard (or the one with message_id)."""
        candidates = [
            m
            for m in self.fake.sent(chat_id)
            if "reply_markup" in m and message_id in (None, m["message_id"])
        ]
        assert candidates, f"no keyboard in chat {chat_id}"
        return candidates[-1]

    def user_messages(self, chat_id: int) -> list[JSONDict]:
        """The person's own messages in the chat, oldest first."""
        bot_id = self.fake.bot_user["id"]
        return [m for m in self.fake.history(chat_id) if m.get("from", {}).get("id") != bot_id]


@pytest.fixture(name="tg_app")
async def telegram_app_fixture(
    settings: Settings, clock: FakeClock, fake_bot_api: FakeBotApi
) -> AsyncIterator[App]:
    """An app on the demo organisation, configured to talk to the fake Bot API."""
    app = App.create(telegram_settings(settings, fake_bot_api), clock=clock)
    async with app.db.unit_of_work() as session:
        await orgfile.apply(session, orgfile.parse(DEMO_ORG), app.keyring)
    yield app
    await app.close()


@pytest.fixture(name="tg")
async def telegram_fixture(tg_app: App, fake_bot_api: FakeBotApi) -> AsyncIterator[TelegramHarness]:
    """A running bot on the demo organisation, talking to the fake Bot API."""
    harness = TelegramHarness(tg_app, fake_bot_api)
    await harness.start()
    yield harness
    await harness.stop()


class TelegramWriter:
    """A Telegram chat as tests/reporting.py's writer: say, press by id, attach a file."""

    channel = "telegram"

    def __init__(self, tg: TelegramHarness, chat_id: int) -> None:
        self.tg = tg
        self.app = tg.app
        self.chat_id = chat_id
        self.address = str(chat_id)

    def _offered(self) -> dict[str, tuple[int, str]]:
        try:
            message = self.tg.keyboard_message(self.chat_id)["message_id"]
        except (KeyError, IndexError, AssertionError):
            return {}
        buttons = self.tg.fake.buttons(self.chat_id, message)
        return {data.partition("|")[2]: (message, data) for _label, data in buttons}

    def button_ids(self) -> list[str]:
        return list(self._offered())

    async def say(self, text: str) -> str:
        return "\n".join(await self.tg.say(self.chat_id, text))

    async def press(self, button_id: str) -> str:
        message, data = self._offered()[button_id]
        return "\n".join(await self.tg.press_data(self.chat_id, message, data))

    async def attach(self, content: bytes, *, name: str, caption: str) -> str:
        sent = await self.tg.act(
            self.chat_id,
            lambda: self.tg.fake.send_document(
                self.chat_id,
                content=content,
                caption=caption,
                file_name=name,
                mime_type="image/png",
            ),
        )
        return "\n".join(sent)
