"""The cap on Bot API calls out at once: the most urgent waiter gets the next free one, and
no slot is lost to a caller that gave up, a failed call or a retry."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

from telegram import Bot

from bot.app import App
from bot.settings import Settings
from bot.throttle import Throttle
from bot.transports.telegram import CONNECTIONS, TelegramBot, TelegramTransport, build_bot
from bot.transports.telegram_http import AiohttpRequest
from conversations.events import Reply
from conversations.i18n import Catalogs
from storage.outbox import CONVERSATION, ROUTINE, URGENT
from tests.conftest import TEST_KEYS
from tests.fakebotapi import FakeBotApi, fake_bot_api_fixture  # noqa: F401


def capped(calls: int) -> Throttle:
    """No rate limits worth the name: only the calls out at once are counted."""
    return Throttle(per_second=10_000, per_chat_interval=0, in_flight=calls)


async def test_a_call_beyond_the_cap_waits_and_the_most_urgent_goes_next() -> None:
    throttle = capped(2)
    ends = [asyncio.Event(), asyncio.Event()]
    granted: list[str] = []

    async def call(name: str, priority: int, end: asyncio.Event | None = None) -> None:
        async with throttle.slot(name, priority):
            granted.append(name)
            if end is not None:
                await end.wait()

    out = [asyncio.create_task(call(f"out{i}", CONVERSATION, ends[i])) for i in range(2)]
    await asyncio.sleep(0.05)
    waiting = [asyncio.create_task(call("nudge", ROUTINE)), asyncio.create_task(call("reply", 1))]
    waiting.append(asyncio.create_task(call("alert", URGENT)))
    await asyncio.sleep(0.05)
    assert granted == ["out0", "out1"]  # two out at once, the rest wait

    ends[0].set()  # one call ends: its slot goes to the alert, though it came last
    await asyncio.wait_for(asyncio.gather(*waiting), 2)
    assert granted[2:] == ["alert", "reply", "nudge"]
    ends[1].set()
    await asyncio.gather(*out)
    await throttle.close()


async def test_a_caller_that_gives_up_keeps_no_slot() -> None:
    throttle = capped(1)
    await throttle.acquire("a", CONVERSATION)  # the one slot is out
    gives_up = asyncio.create_task(throttle.acquire("b", CONVERSATION))
    granted_then_cancelled = asyncio.create_task(throttle.acquire("c", URGENT))
    await asyncio.sleep(0.01)
    gives_up.cancel()  # still waiting: it leaves the queue
    throttle.release()  # "a" is over: the slot goes to "c" ...
    await asyncio.sleep(0)
    assert not granted_then_cancelled.done()
    granted_then_cancelled.cancel()  # ... which is cancelled before it could use it
    results = await asyncio.gather(gives_up, granted_then_cancelled, return_exceptions=True)
    assert all(isinstance(r, asyncio.CancelledError) for r in results)

    # neither kept the one slot: a new call gets it at once
    await asyncio.wait_for(throttle.acquire("d", CONVERSATION), 0.5)
    throttle.release()
    await throttle.close()


async def send_all(fake: FakeBotApi, chats: list[int], calls: int) -> float:
    """Send one message to each chat at once through a transport capped at ``calls``."""
    for chat in chats:
        fake.add_chat(chat)
    async with Bot(fake.token, base_url=fake.base_url, base_file_url=fake.base_file_url) as bot:
        transport = TelegramTransport(bot, Catalogs(), capped(calls))
        started = time.monotonic()
        sends = (transport.send(str(chat), [Reply(f"hej {chat}")]) for chat in chats)
        await asyncio.wait_for(asyncio.gather(*sends), 20)
        took = time.monotonic() - started
        await transport.throttle.close()
    for chat in chats:
        assert fake.messages_to(chat) == [f"hej {chat}"]
    return took


async def test_the_transport_keeps_its_calls_under_the_cap(fake_bot_api: FakeBotApi) -> None:
    fake_bot_api.set_delay("sendMessage", 0.2)
    took = await send_all(fake_bot_api, list(range(3001, 3007)), calls=2)
    assert took >= 3 * 0.2  # six slow calls, two at a time: three round trips at least


async def test_a_failed_call_frees_its_slot_for_the_others(fake_bot_api: FakeBotApi) -> None:
    fake_bot_api.reset_next("sendMessage")  # the first call's connection is reset: retried
    await send_all(fake_bot_api, [3101, 3102, 3103], calls=1)


async def test_the_bot_keeps_as_many_calls_out_as_it_has_connections(tmp_path: Path) -> None:
    settings = Settings(
        DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path}/t.db",
        TRYGG_DATA_DIR=tmp_path,
        TRYGG_KEYS=TEST_KEYS,
        TELEGRAM_BOT_TOKEN="123:abc",
    )
    app = App.create(settings)
    try:
        telegram = TelegramBot(app)
        assert telegram.transport.throttle.in_flight == CONNECTIONS
        request = build_bot(app).request
        assert isinstance(request, AiohttpRequest)
        assert request.connections == CONNECTIONS
    finally:
        await app.close()
