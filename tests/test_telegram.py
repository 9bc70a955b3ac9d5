"""The Telegram transport end to end: python-telegram-bot against the fake Bot API.

Every request the bot makes is validated against the Bot API schema by the fake; any
violation fails the test at teardown (see tests/fakebotapi.py). The harness is in
tests/telegram_harness.py; most tests run on SQLite, the ones that lean on the database
(outbox claims, state across a restart, handled events) on PostgreSQL too.
"""

from __future__ import annotations

import asyncio
import json
import random
import string
import time
import types
from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import func, select
from telegram import Bot

import bot.throttle as throttle_module
from bot.app import App
from bot.throttle import Throttle
from bot.transports.telegram import TEXT_LIMIT, TelegramTransport, split_text
from bot.transports.telegram_updates import CALLBACK_LIMIT, callback_data, parse_callback
from conversations.events import Button, EventKind, Reply
from conversations.i18n import Catalogs
from storage.models import Conversation, OutboxMessage, OutboxStatus, Person
from storage.outbox import CONVERSATION, ROUTINE, URGENT
from tests.fakebotapi import FAKE_JPEG, FakeBotApi, fake_bot_api_fixture  # noqa: F401
from tests.telegram_harness import (  # noqa: F401
    JSONDict,
    TelegramHarness,
    bindings_for,
    eventually,
    fast_throttle,
    outbox_count,
    telegram_app_fixture,
    telegram_fixture,
    wait_text,
)

SQLITE = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
BOTH = pytest.mark.parametrize("database_url", ["sqlite", "postgresql"], indirect=True)

ANNA, PIA = 1001, 1002
ALERT_LABEL = "Larma Pia Lind"
EARLIER = "Den knappen hör till ett tidigare meddelande, så jag gjorde ingenting med den."
NO_SUCH = "Det finns inget sådant val här."
HELP_SV = "Trygg hjälper förtroendevalda"
MB = 1024 * 1024


async def count(app: App, model: type[object]) -> int:
    async with app.db.unit_of_work() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


# --------------------------------------------------------------------------- /start, menu


@SQLITE
async def test_start_offers_languages_and_the_choice_beats_the_telegram_hint(
    tg: TelegramHarness,
) -> None:
    fake, chat = tg.fake, 2001  # an unbound chat: an unregistered person
    [welcome] = await tg.say(chat, "/start", language_code="en")
    assert welcome.startswith("Welcome to Trygg.")
    assert "Which language do you want?" in welcome
    assert [label for label, _ in fake.buttons(chat)] == ["svenska", "English"]
    pressed_id = tg.keyboard_message(chat)["message_id"]

    replies = await tg.press(chat, "svenska", language_code="en")
    assert replies[0].startswith("Jag pratar svenska med dig.")
    [answer] = fake.calls("answerCallbackQuery")
    assert answer.status == 200
    [pressed] = [m for m in fake.sent(chat) if m["message_id"] == pressed_id]
    assert "reply_markup" not in pressed  # the stale keyboard is gone
    assert pressed["text"].endswith("→ svenska")

    [help_text] = await tg.say(chat, "/hjalp", language_code="en")
    assert HELP_SV in help_text  # the stored choice, not the Telegram language


@SQLITE
async def test_command_menu_is_registered_per_language(tg: TelegramHarness) -> None:
    registered = {lang: commands for (_, lang), commands in tg.fake.commands.items()}
    assert set(registered) == {"", "sv", "en"}  # default, Swedish, English
    swedish = ["akut", "rapportera", "arenden", "kontakter", "glom", "start", "hjalp"]
    english = ["akut", "report", "cases", "contacts", "forget", "start", "help"]
    for lang, commands in registered.items():  # people it does not know yet: an official's
        assert [c["command"] for c in commands] == (english if lang == "en" else swedish)
    akut = {lang: commands[0]["description"] for lang, commands in registered.items()}
    assert akut["en"] == "what to do right now, and alert your security contact"
    assert akut["sv"] == akut[""] == "vad du ska göra nu, och larma din säkerhetsansvariga"
    assert {r.params.get("language_code") for r in tg.fake.calls("setMyCommands")} == {
        None,
        "sv",
        "en",
    }


@SQLITE
async def test_each_person_gets_their_roles_command_menu_in_their_language(
    tg: TelegramHarness,
) -> None:
    await tg.bind("anna", ANNA)
    await tg.bind("pia", PIA)
    await tg.say(ANNA, "/start")
    await tg.say(PIA, "/hjalp")

    def parsed(value: Any) -> Any:
        return json.loads(value) if isinstance(value, str) else value

    menus = {
        parsed(r.params["scope"])["chat_id"]: parsed(r.params["commands"])
        for r in tg.fake.calls("setMyCommands")
        if "chat_id" in (parsed(r.params.get("scope")) or {})
    }
    assert [c["command"] for c in menus[ANNA]][:3] == ["akut", "rapportera", "arenden"]
    assert [c["command"] for c in menus[PIA]][:2] == ["arenden", "arende"]
    assert "logg" not in [c["command"] for c in menus[PIA]]  # the unit's, not a contact's
    assert menus[ANNA][0]["description"] == "vad du ska göra nu, och larma din säkerhetsansvariga"


# --------------------------------------------------------------------------- /akut


@BOTH
async def test_akut_alert_reaches_the_security_contacts_chat(tg: TelegramHarness) -> None:
    await tg.bind("anna", ANNA)
    await tg.bind("pia", PIA)
    await tg.say(PIA, "/start")  # pia has talked to the bot, so Telegram knows her chat

    [guidance] = await tg.say(ANNA, "/akut")
    assert "Pia Lind" in guidance
    assert "Per Ek" in guidance
    replies = await tg.press(ANNA, ALERT_LABEL)
    assert "Jag har larmat Pia Lind" in replies[0]

    alert = await wait_text(tg.fake, PIA, "BRÅDSKANDE")
    assert "Anna Berg" in alert
    assert "+46 70 174 06 10" in alert

    async def to_pia() -> list[OutboxStatus]:
        async with tg.app.db.unit_of_work() as session:
            rows = await session.scalars(
                select(OutboxMessage.status)
                .join(Person, OutboxMessage.recipient_id == Person.id)
                .where(Person.handle == "pia")
            )
            return list(rows)

    deadline = time.monotonic() + 5
    while OutboxStatus.SENT not in await to_pia() and time.monotonic() < deadline:
        await asyncio.sleep(0.02)
    assert OutboxStatus.SENT in await to_pia()  # marked sent once Telegram took it


# --------------------------------------------------------------------------- files


@SQLITE
async def test_photo_becomes_an_attachment_and_large_files_are_explained(
    tg: TelegramHarness,
) -> None:
    fake = tg.fake
    await tg.bind("anna", ANNA)
    events = tg.events

    replies = await tg.act(ANNA, lambda: fake.send_photo(ANNA, file_id="photo-full"))
    assert replies[0].splitlines()[1] == (  # kept, never thrown away: a report begins with it
        "Jag har sparat det du skickade som bevis i en ny rapport: foto, 1 kB."
    )
    [event] = events
    assert event.kind is EventKind.ATTACHMENT
    assert event.attachment is not None
    assert event.attachment.kind == "photo"
    assert event.attachment.content == FAKE_JPEG  # the largest size, downloaded
    assert [r.params["file_id"] for r in fake.calls("getFile")] == ["photo-full"]
    assert fake.downloads == ["photo-full"]

    replies = await tg.act(
        ANNA,
        lambda: fake.send_document(ANNA, file_id="big-pdf", file_size=25 * MB, content=b"tiny"),
    )
    assert "20 MB" in replies[0]
    assert events[-1].attachment is not None
    assert events[-1].attachment.content is None
    assert fake.downloads == ["photo-full"]  # nothing fetched: not even tried
    assert len(fake.calls("getFile")) == 1


@SQLITE
async def test_sticker_is_kindly_declined(tg: TelegramHarness) -> None:
    await tg.bind("anna", ANNA)
    replies = await tg.act(ANNA, lambda: tg.fake.send_sticker(ANNA))
    assert replies[0] == "Det kan jag inte använda här – skriv, eller skicka en bild."


# --------------------------------------------------------------------------- limits, faults


@SQLITE
async def test_429_is_honoured_and_nothing_is_dropped(tg: TelegramHarness) -> None:
    await tg.bind("anna", ANNA)
    tg.fake.fail_next("sendMessage", 429, retry_after=1)
    started = time.monotonic()
    [help_text] = await tg.say(ANNA, "/hjalp")
    assert HELP_SV in help_text
    sends = tg.fake.calls("sendMessage")
    assert [r.status for r in sends] == [429, 200]
    assert sends[0].params["text"] == sends[1].params["text"]
    assert time.monotonic() - started >= 0.9  # retry_after=1 was waited out


@SQLITE
async def test_group_chat_is_refused_left_and_leaves_no_trace(tg: TelegramHarness) -> None:
    fake, app = tg.fake, tg.app
    people, conversations = await count(app, Person), await count(app, Conversation)
    group, member = -100_555, 3001

    start = len(fake.requests)
    fake.send_text(group, "Jag blir hotad", user_id=member, language_code="en", chat_type="group")
    leave = await fake.wait_for("leaveChat", after=start)
    assert leave.params["chat_id"] == group
    [refusal] = fake.messages_to(group)
    assert refusal.startswith("Trygg works only in a private chat with you")

    channel = -100_777
    start = len(fake.requests)
    fake.send_text(channel, "Ett inlägg", chat_type="channel")
    leave = await fake.wait_for("leaveChat", after=start)
    assert leave.params["chat_id"] == channel
    assert fake.messages_to(channel) == []  # nothing is posted in a channel

    for address in (group, member, channel):
        assert await bindings_for(app, str(address)) == []
    assert await count(app, Person) == people
    assert await count(app, Conversation) == conversations


# --------------------------------------------------------------------------- buttons


@SQLITE
async def test_forged_callback_data_is_refused_without_effect(tg: TelegramHarness) -> None:
    await tg.bind("anna", ANNA)
    await tg.say(ANNA, "/akut")
    message_id = tg.keyboard_message(ANNA)["message_id"]
    rng = random.Random(20261122)
    forged = [
        "garbage",
        "999|akut:alert",
        "".join(rng.choices(string.ascii_letters + string.digits + "|:", k=CALLBACK_LIMIT)),
        bytes(rng.getrandbits(8) for _ in range(CALLBACK_LIMIT)).decode("latin-1"),
    ]
    for data in forged:
        replies = await tg.press_data(ANNA, message_id, data)
        assert replies
        assert replies[0] in (NO_SUCH, EARLIER), (data, replies)
    # a press on a message that is gone (an InaccessibleMessage in the update)
    replies = await tg.press_data(ANNA, 9_999, "0|akut:alert")
    assert replies[0] == EARLIER

    assert await outbox_count(tg.app) == 0
    [help_text] = await tg.say(ANNA, "/hjalp")  # the bot is fine
    assert HELP_SV in help_text


@SQLITE
async def test_old_keyboard_is_never_applied_to_the_current_step(tg: TelegramHarness) -> None:
    fake = tg.fake
    await tg.bind("anna", ANNA)
    await tg.say(ANNA, "/rapportera")
    old = tg.keyboard_message(ANNA)["message_id"]
    [other] = [
        d for label, d in fake.buttons(ANNA, old) if label == "Jag rapporterar för någon annan"
    ]
    await tg.say(ANNA, "Det hände mig")
    assert tg.keyboard_message(ANNA)["message_id"] != old  # a newer keyboard

    replies = await tg.press_data(ANNA, old, other)
    assert replies[0] == EARLIER
    assert "Vem är du?" not in "\n".join(replies)  # not applied to "Vilket uppdrag har du?"


async def test_an_older_alert_button_still_alerts(tg: TelegramHarness) -> None:
    """Scrolling back in panic to "Larma Pia Lind" after moving on still alerts her."""
    fake = tg.fake
    await tg.bind("anna", ANNA)
    await tg.say(ANNA, "/akut")
    old = tg.keyboard_message(ANNA)["message_id"]
    [data] = [d for label, d in fake.buttons(ANNA, old) if label == ALERT_LABEL]
    await tg.say(ANNA, "/kontakter")
    assert tg.keyboard_message(ANNA)["message_id"] != old  # a newer keyboard

    replies = await tg.press_data(ANNA, old, data)
    assert replies[0].startswith("I fara nu: ring 112.\nJag har larmat Pia Lind"), replies
    assert await outbox_count(tg.app) == 1


# --------------------------------------------------------------------------- long texts


@pytest.fixture
async def transport(fake_bot_api: FakeBotApi) -> AsyncIterator[TelegramTransport]:
    """A TelegramTransport on its own PTB Bot, without the rest of the bot."""
    bot = Bot(
        fake_bot_api.token,
        base_url=fake_bot_api.base_url,
        base_file_url=fake_bot_api.base_file_url,
    )
    async with bot:
        transport = TelegramTransport(bot, Catalogs(), fast_throttle())
        yield transport
        await transport.throttle.close()


async def test_long_reply_is_split_on_a_paragraph_boundary(
    fake_bot_api: FakeBotApi, transport: TelegramTransport
) -> None:
    fake_bot_api.add_chat(ANNA)
    paragraphs = [f"Stycke {i}. " + " ".join(["ord"] * 248) for i in range(5)]
    text = "\n\n".join(paragraphs)
    assert 5000 <= len(text) <= 2 * TEXT_LIMIT
    reply = Reply(text, ((Button("cmd:akut", "Jag behöver hjälp nu"),),), token="4")

    await transport.send(str(ANNA), [reply])

    first, second = (r.params for r in fake_bot_api.calls("sendMessage"))
    assert len(first["text"]) <= TEXT_LIMIT
    assert len(second["text"]) <= TEXT_LIMIT
    assert first["text"] == "\n\n".join(paragraphs[:4])
    assert second["text"] == paragraphs[4]
    assert "reply_markup" not in first
    [[button]] = second["reply_markup"]["inline_keyboard"]
    assert button == {"text": "Jag behöver hjälp nu", "callback_data": "4|cmd:akut"}


def test_split_text() -> None:
    assert split_text("Hej") == ["Hej"]
    assert split_text("  \n ") == ["…"]  # Telegram refuses empty messages
    assert split_text("a\n\nb\nc", limit=5) == ["a", "b\nc"]
    assert split_text("aaa\nbbb ccc", limit=8) == ["aaa", "bbb ccc"]  # lines next
    assert split_text("aaa bbb ccc", limit=7) == ["aaa bbb", "ccc"]  # then words
    assert split_text("x" * 10_000) == ["x" * 4096, "x" * 4096, "x" * 1808]  # then hard cuts

    lines = "\n".join(" ".join(f"w{j}" for j in range(i, i + 10)) for i in range(0, 3000, 10))
    pieces = split_text(lines)
    assert len(pieces) > 1
    assert all(0 < len(p) <= TEXT_LIMIT for p in pieces)
    assert "\n".join(pieces) == lines  # cut only at line boundaries, nothing lost


def test_callback_data_round_trip_and_limit() -> None:
    assert callback_data("12", "akut:alert") == "12|akut:alert"
    assert parse_callback(callback_data("12", "akut:alert")) == ("12", "akut:alert")
    assert parse_callback("5|a|b") == ("5", "a|b")

    exactly = callback_data("1", "b" * 62)
    assert len(exactly.encode()) == CALLBACK_LIMIT
    assert parse_callback(exactly) == ("1", "b" * 62)
    assert len(callback_data("1", "å" * 31).encode()) == CALLBACK_LIMIT  # bytes, not characters
    for too_long in ("b" * 63, "å" * 32):
        with pytest.raises(ValueError):
            callback_data("1", too_long)

    for forged in (None, "", "garbage", "abc|akut:alert", "|akut:alert", "1|" + "x" * 63):
        assert parse_callback(forged) == ("", ""), forged


# --------------------------------------------------------------------------- rate limits


class VirtualTime:
    """A monotonic clock that moves only when the throttle sleeps: no real waiting."""

    def __init__(self) -> None:
        self.now = 1_000.0
        self.slept = 0.0

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        await REAL_SLEEP(0)  # let tasks woken before this sleep run at the current time
        seconds = max(seconds, 0.0)
        self.now += seconds
        self.slept += seconds


REAL_SLEEP = asyncio.sleep


@pytest.fixture
def virtual_time(monkeypatch: pytest.MonkeyPatch) -> VirtualTime:
    """Make bot.throttle sleep in virtual time (only that module's asyncio.sleep changes)."""
    clock = VirtualTime()
    shim = types.SimpleNamespace(
        **{name: getattr(asyncio, name) for name in dir(asyncio) if not name.startswith("__")}
    )
    shim.sleep = clock.sleep
    monkeypatch.setattr(throttle_module, "asyncio", shim)
    return clock


async def test_throttle_lets_a_short_burst_through_then_one_message_a_second(
    virtual_time: VirtualTime,
) -> None:
    throttle = Throttle(clock=virtual_time)  # the defaults: 30/s overall, bursts of 3 per chat
    start = virtual_time.now
    granted = []
    for _ in range(6):
        await throttle.acquire("1001", CONVERSATION)
        granted.append(virtual_time.now - start)
    assert granted == [0.0, 0.0, 0.0, 1.0, 2.0, 3.0]

    before = virtual_time.now
    await throttle.acquire("1002", CONVERSATION)  # another chat is not held back
    await throttle.acquire("1001", URGENT, spacing=False)  # nor an edit or press answer
    assert virtual_time.now == before

    virtual_time.now += 10  # a quiet chat earns its burst back, and no more than that
    again = virtual_time.now
    for _ in range(4):
        await throttle.acquire("1001", CONVERSATION)
    assert virtual_time.now - again == 1.0
    await throttle.close()


async def test_throttle_counts_a_chat_from_when_its_message_left_the_queue(
    virtual_time: VirtualTime,
) -> None:
    throttle = Throttle(clock=virtual_time)
    start = virtual_time.now
    throttle.pause(5)  # the first message waits 5 s in the queue; the wait earns no tokens
    granted = []
    for _ in range(4):
        await throttle.acquire("1001", CONVERSATION)
        granted.append(virtual_time.now - start)
    assert granted == [5.0, 5.0, 5.0, 6.0]  # never four messages to one chat at once
    await throttle.close()


async def test_transport_sends_five_replies_to_one_chat_three_at_once_then_one_a_second(
    fake_bot_api: FakeBotApi, virtual_time: VirtualTime
) -> None:
    fake_bot_api.add_chat(ANNA)
    async with Bot(
        fake_bot_api.token, base_url=fake_bot_api.base_url, base_file_url=fake_bot_api.base_file_url
    ) as bot:
        transport = TelegramTransport(bot, Catalogs(), Throttle(clock=virtual_time))
        started = time.monotonic()
        texts = ["ett", "två", "tre", "fyra", "fem"]
        await transport.send(str(ANNA), [Reply(t) for t in texts])
        await transport.throttle.close()
    assert fake_bot_api.messages_to(ANNA) == texts
    assert virtual_time.slept == 2.0
    assert time.monotonic() - started < 2.0  # virtual seconds, not real ones


async def test_throttle_grants_urgent_before_routine_when_saturated(
    virtual_time: VirtualTime,
) -> None:
    throttle = Throttle(per_second=2, per_chat_interval=0, clock=virtual_time)
    start = virtual_time.now
    await throttle.acquire("a", CONVERSATION)
    await throttle.acquire("b", CONVERSATION)  # this second's budget is used up
    granted: list[tuple[str, float]] = []

    async def send(name: str, priority: int) -> None:
        await throttle.acquire(name, priority)
        granted.append((name, virtual_time.now - start))

    routine = [asyncio.create_task(send(f"nudge{i}", ROUTINE)) for i in range(3)]
    urgent = [asyncio.create_task(send(f"alert{i}", URGENT)) for i in range(2)]
    await asyncio.gather(*routine, *urgent)
    await throttle.close()

    assert [name for name, _ in granted] == ["alert0", "alert1", "nudge0", "nudge1", "nudge2"]
    # never more than 2 a second, and routine nudges only 1 of them (80% of 2, rounded down)
    assert [at for _, at in granted] == [1.0, 1.0, 2.0, 3.0, 4.0]


async def test_throttle_keeps_a_fifth_of_each_second_free_for_alerts_and_replies() -> None:
    throttle = Throttle(per_second=30, per_chat_interval=0)  # real time, about a second
    started = time.monotonic()
    nudges = [asyncio.create_task(throttle.acquire(f"n{i}", ROUTINE)) for i in range(100)]
    await REAL_SLEEP(0.3)  # nudges are flowing and queued
    assert sum(task.done() for task in nudges) <= 12  # spread over the second, not a burst
    await asyncio.wait_for(throttle.acquire("alert", URGENT), timeout=0.3)  # not held back
    await asyncio.wait_for(throttle.acquire("reply", CONVERSATION), timeout=0.3)
    await REAL_SLEEP(max(0.0, 1.0 - (time.monotonic() - started)))
    assert sum(task.done() for task in nudges) <= 25  # 80% of 30 a second, spread out
    for task in nudges:
        task.cancel()
    await throttle.close()


async def test_throttle_pause_holds_everything(virtual_time: VirtualTime) -> None:
    throttle = Throttle(clock=virtual_time)
    throttle.pause(3)
    before = virtual_time.now
    await throttle.acquire("1001", URGENT, spacing=False)
    assert virtual_time.now - before >= 3
    await throttle.close()


# --------------------------------------------------------------------------- edits


@SQLITE
async def test_edited_message_outside_a_report_is_explained(tg: TelegramHarness) -> None:
    await tg.bind("anna", ANNA)
    events = tg.events
    await tg.say(ANNA, "hej")
    [mine] = tg.user_messages(ANNA)
    replies = await tg.act(ANNA, lambda: tg.fake.edit_text(ANNA, mine["message_id"], "hej igen"))
    assert replies[0].startswith("Du ändrade ett tidigare meddelande.")
    assert events[-1].kind is EventKind.EDIT
    assert events[-1].ref == str(mine["message_id"])


# --------------------------------------------------------------------------- restarts


@BOTH
async def test_a_new_bot_continues_where_the_stopped_one_was(tg: TelegramHarness) -> None:
    await tg.bind("anna", ANNA)
    [welcome] = await tg.say(ANNA, "/start")
    assert welcome.startswith("Välkommen till Trygg, Anna Berg.")

    started = time.monotonic()
    await tg.stop()  # in the middle of a 30 s long poll: stopping must not wait for it
    assert time.monotonic() - started < 2.0
    await tg.start()  # a new TelegramBot: nothing survives in memory
    replies = await tg.press(ANNA, "English")
    assert replies[0].startswith("I will speak English with you.")


@BOTH
async def test_redelivered_update_is_applied_once(tg: TelegramHarness) -> None:
    fake = tg.fake
    await tg.bind("anna", ANNA)

    def twice_in_one_batch() -> int:
        update_id = fake.send_text(ANNA, "/hjalp")
        [update] = [u for u in fake.pending_updates if u["update_id"] == update_id]
        fake.raw_update(update)
        return update_id

    replies = await tg.act(ANNA, twice_in_one_batch)
    await eventually(lambda: not fake.pending_updates, "the updates to be confirmed")
    assert len(replies) == 1
    assert [t for t in fake.messages_to(ANNA) if HELP_SV in t] == replies

    kept: list[JSONDict] = []

    def keep(update_id: int) -> int:
        kept.extend(u for u in fake.pending_updates if u["update_id"] == update_id)
        return update_id

    [contacts] = await tg.act(ANNA, lambda: keep(fake.send_text(ANNA, "/kontakter")))
    assert "Pia Lind" in contacts
    await eventually(lambda: not fake.pending_updates, "the update to be confirmed")

    # The bot committed and replied, then died before Telegram heard it: Telegram sends
    # the same update again to the next process.
    await tg.restart()
    assert await tg.act(ANNA, lambda: fake.raw_update(kept[0])) == []
    assert [t for t in fake.messages_to(ANNA) if "Pia Lind" in t] == [contacts]
    [help_text] = await tg.say(ANNA, "/hjalp")
    assert HELP_SV in help_text
