"""When she moves her /akut alert from her party to the unit, the contacts it reached are
told whose alert was taken back, in their own language, and never why: the threat may come
from inside their party. In Swedish, read whole:
tests/transcripts/akut_inside_after_party_alert_sv.txt."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from bot.app import App
from storage.models import Person
from tests.golden import delivered


async def test_pia_reading_english_is_told_whose_alert_was_taken_back(
    chat: Any, demo_app: App
) -> None:
    anna, pia = chat("anna"), chat("pia")
    for contact in (pia, chat("per"), chat("sara")):
        await contact.say("/hjalp")  # their chats are known, so pushes reach them
    async with demo_app.db.unit_of_work() as session:
        person = await session.scalar(select(Person).where(Person.handle == "pia"))
        assert person is not None
        person.locale = "en"
    await anna.say("/akut")
    await anna.say("1")  # Larma Pia Lind
    await delivered(demo_app)
    await anna.say("det är Per Ek som hotar mig")
    told = [text for address, text in await delivered(demo_app) if address == pia.address]
    assert told == [
        "Anna Berg has taken back the Trygg alert you got today 23:00.\n"
        "You don't need to do anything more."
    ], told
