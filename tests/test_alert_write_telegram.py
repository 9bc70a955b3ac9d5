"""On Telegram: Pia takes Anna's /akut alert when Trygg has no number for Anna, writes to
her with "Skriv till Anna Berg", Anna gets it in her chat and answers, and Pia is told."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from bot.app import App
from storage.models import Person
from tests.fakebotapi import fake_bot_api_fixture  # noqa: F401
from tests.telegram_harness import (  # noqa: F401
    TelegramHarness,
    telegram_app_fixture,
    telegram_fixture,
    wait_text,
)

ANNA, PIA = 1001, 1002
SQLITE = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)


@SQLITE
async def test_pia_writes_to_anna_who_has_no_number_and_reads_her_answer(
    tg: TelegramHarness, tg_app: App
) -> None:
    await tg.bind("anna", ANNA)
    await tg.bind("pia", PIA)
    async with tg_app.db.unit_of_work() as session:
        await session.execute(update(Person).where(Person.handle == "anna").values(phone=None))
    await tg.say(PIA, "/hjalp")
    await tg.say(ANNA, "/akut")
    await tg.press(ANNA, "Larma Pia Lind")
    await wait_text(tg.fake, PIA, "BRÅDSKANDE")
    push = tg.keyboard_message(PIA)
    labels = [label for label, _data in tg.fake.buttons(PIA, push["message_id"])]
    assert labels == ["Jag tar det", "Skriv till Anna Berg"]  # no number: nothing to call
    taken = await tg.press(PIA, "Jag tar det", message_id=push["message_id"])
    assert any("Det finns inget telefonnummer till Anna Berg." in text for text in taken), taken
    asked = await tg.press(PIA, "Skriv till Anna Berg")
    assert any(text.startswith("Vad vill du skriva till Anna Berg?") for text in asked), asked
    sent = await tg.say(PIA, "Är du i säkerhet? Jag ringer polisen.")
    assert any(text.startswith("Skickat till Anna Berg.") for text in sent), sent
    await wait_text(tg.fake, ANNA, "Pia Lind skriver till dig:\nÄr du i säkerhet?")
    await tg.say(ANNA, "ja")
    await wait_text(tg.fake, PIA, "Anna Berg har skrivit till dig efter larmet.")
    read = await tg.press(PIA, "Läs vad Anna Berg skrev")
    assert any("du skrev: Är du i säkerhet?" in text for text in read), read
    assert any("Anna Berg skrev: ja" in text for text in read), read
