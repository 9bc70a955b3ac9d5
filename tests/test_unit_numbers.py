"""Someone not yet in Trygg writes at night. /akut and /kontakter told him to "ring kommunens
säkerhetsenhet" without the number. He is now given the published numbers of the security
units: all of them when they are few, else the one of the municipality he names
("/kontakter Sjövik")."""

from __future__ import annotations

from typing import Any

from bot.app import App
from storage.models import Municipality
from tests.conftest import Chat
from tests.golden import Transcript

SJOVIK = "• Sjöviks kommun: +46 8 465 004 10 (växel +46 8 465 004 00)"


async def test_not_yet_in_trygg_he_is_given_the_units_number(demo_app: App) -> None:
    t = Transcript("unit_numbers_unregistered_sv", demo_app)
    stranger = t.person("nyvald")
    await t.say(stranger, "svenska")
    helped = await t.say(stranger, "hjälp någon hotar mig")
    assert "Kommunens säkerhetsenhet i Trygg:\n" + SJOVIK in helped, helped
    left = await t.say(stranger, "Avbryt")  # not kept as words for a report
    assert left.startswith("I fara nu: ring 112.\nVad vill du göra?"), left
    listed = await t.say(stranger, "/kontakter")
    assert SJOVIK in listed, listed
    t.check()


async def test_a_registered_official_is_not_given_the_list(chat: Any) -> None:
    anna: Chat = chat("anna")
    shown = await anna.say("/kontakter")
    assert "Kommunens säkerhetsenhet i Trygg" not in shown, shown
    assert "Sjöviks kommuns säkerhetsenhet" in shown or "Sjöviks kommun" in shown, shown


async def test_among_many_he_names_his_municipality(demo_app: App, chat: Any) -> None:
    async with demo_app.db.unit_of_work() as session:
        for n, name in enumerate(("Åby", "Älvdal", "Öby", "Ekby", "Fjällby", "Gölby")):
            phone = f"+46 8 465 004 {20 + n}"
            session.add(Municipality(key=f"m{n}", name=f"{name} kommun", security_unit_phone=phone))
    stranger: Chat = chat("nyvald")
    await stranger.say("svenska")
    asked = await stranger.say("/kontakter")
    assert "Skriv /kontakter och din kommun, till exempel /kontakter" in asked, asked
    assert "+46 8 465 004" not in asked, asked
    named = await stranger.say("/kontakter alvdal")  # typed without ä, lower case
    assert "• Älvdal kommun: +46 8 465 004 21" in named, named
    assert "Åby" not in named and "Sjöviks" not in named, named
