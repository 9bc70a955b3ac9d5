"""A button pressed twice at once (shaking hands, a slow network) is one press: the second
says nothing, not "that button belongs to an earlier message" and the question again; on
Telegram its spinner still stops. It holds across a restart: what she pressed last is kept
with her conversation. Another old button is still refused as before."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from storage.models import OutboxMessage
from tests.conftest import Chat, FakeClock
from tests.fakebotapi import FakeBotApi, fake_bot_api_fixture  # noqa: F401
from tests.telegram_harness import (  # noqa: F401
    TelegramHarness,
    eventually,
    outbox_count,
    telegram_app_fixture,
    telegram_fixture,
)

SQLITE = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)

ANNA = 1001
EARLIER = "Den knappen hör till ett tidigare meddelande, så jag gjorde ingenting med den."
ME = "Det hände mig"
SOMEONE_ELSE = "Jag rapporterar för någon annan"
NEXT = "Vilket uppdrag har du?"


async def _report_keyboard(tg: TelegramHarness) -> tuple[int, dict[str, str]]:
    """Anna opens /rapportera: its first message with buttons, and their data by label."""
    await tg.bind("anna", ANNA)
    await tg.say(ANNA, "/rapportera")
    message = tg.keyboard_message(ANNA)["message_id"]
    return message, dict(tg.fake.buttons(ANNA, message))


async def _answered(fake: FakeBotApi, presses: int) -> None:
    """Wait until ``presses`` button presses were answered (their spinners stopped)."""
    calls = lambda: fake.calls("answerCallbackQuery")  # noqa: E731
    await eventually(lambda: len(calls()) >= presses, f"{presses} presses answered")
    assert all(call.status == 200 for call in calls())


@SQLITE
async def test_a_double_tap_on_telegram_asks_the_next_question_once(
    tg: TelegramHarness,
) -> None:
    fake = tg.fake
    message, data = await _report_keyboard(tg)
    mark = tg.mark(ANNA)
    first = fake.press(ANNA, message, data[ME])
    second = fake.press(ANNA, message, data[ME])  # back to back, before any answer
    await tg.handled(first)
    await tg.handled(second)
    await _answered(fake, 2)

    said = tg.since(ANNA, mark)
    assert [t for t in said if NEXT in t] == [said[-1]], said  # asked once
    assert EARLIER not in said
    [pressed] = [m for m in fake.sent(ANNA) if m["message_id"] == message]
    assert pressed["text"].endswith(f"\n\n→ {ME}"), pressed["text"]  # marked once
    assert "reply_markup" not in pressed

    # another button of that old message is still refused, as before
    replies = await tg.press_data(ANNA, message, data[SOMEONE_ELSE])
    assert replies[0] == EARLIER
    assert NEXT in replies[-1]


@SQLITE
async def test_a_double_tap_across_a_restart_is_still_one_press(tg: TelegramHarness) -> None:
    fake = tg.fake
    message, data = await _report_keyboard(tg)
    replies = await tg.press_data(ANNA, message, data[ME])
    assert NEXT in replies[-1]

    await tg.restart()  # what she pressed last is read from the database, not memory
    assert await tg.press_data(ANNA, message, data[ME]) == []
    await _answered(fake, 2)
    assert await outbox_count(tg.app) == 0


# --------------------------------------------------------------------------- the core


async def test_a_number_typed_twice_is_answered_twice(chat, clock: FakeClock) -> None:  # type: ignore[no-untyped-def]
    """Where a press is a typed number (the console, Signal), the same number again is meant:
    it is answered (not silence, which would leave her waiting), and applied once."""
    anna: Chat = chat("anna")
    await anna.say("/akut")
    [(alert, _label, token)] = [b for b in anna.buttons if b[0] == "akut:alert"]
    first = await anna.press(alert, token)
    assert "Jag har larmat Pia Lind" in first

    clock.advance(seconds=3)
    again = await anna.press(alert, token)
    assert "Jag larmade Pia Lind" in again, again  # said, not sent again
    async with anna.app.db.unit_of_work() as session:
        alerts = await session.scalar(select(func.count()).select_from(OutboxMessage))
    assert alerts == 1


async def test_the_same_press_much_later_is_refused_as_before(chat, clock: FakeClock) -> None:  # type: ignore[no-untyped-def]
    anna: Chat = chat("anna")
    await anna.say("/rapportera")
    [(me, _label, token)] = [b for b in anna.buttons if b[1] == ME]
    assert NEXT in await anna.press(me, token)

    clock.advance(minutes=10)  # not a double tap: she went back to an old message
    again = await anna.press(me, token)
    assert again.startswith(EARLIER)
    assert NEXT in again


async def test_the_same_press_after_another_answer_is_refused_as_before(chat) -> None:  # type: ignore[no-untyped-def]
    anna: Chat = chat("anna")
    await anna.say("/rapportera")
    [(me, _label, token)] = [b for b in anna.buttons if b[1] == ME]
    assert NEXT in await anna.press(me, token)
    await anna.say("hej")  # something was said since: the old button is an old button

    assert (await anna.press(me, token)).startswith(EARLIER)
