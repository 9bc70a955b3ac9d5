"""Asking Trygg to call someone in particular: the municipality's security unit ("ring
säkerhetsenheten", "ring kommunen", "ring Sara", "call the security unit") is offered the
unit's alert first, as she asked; her second party contact ("ring Per") is given his number
and told truly whom the alert reaches first (the plan's order is not changed)."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from bot.app import App
from conversations.call_words import asks_a_call, asks_for_unit, asks_only_a_call
from storage.models import Person, Role
from tests.conftest import Chat
from tests.golden import Transcript
from tests.test_core import alert_count
from tests.test_report import reports
from tests.test_transcripts import alerts

ANNAS = frozenset({"pia", "lind", "per", "ek", "sara", "strand"})
CANNOT = "Jag kan inte ringa åt dig.\nÄr du i fara just nu? Ring 112."
PER = "Ring Per Ek: +46 70 174 06 12"
ORDER = "Larmet går först till Pia Lind, sedan till Per Ek om ingen tar det inom 10 minuter."


async def _set(app: App, handle: str, **values: object) -> None:
    async with app.db.unit_of_work() as session:
        row = (await session.scalars(select(Person).where(Person.handle == handle))).one()
        for key, value in values.items():
            setattr(row, key, value)


@pytest.mark.parametrize(
    "typed",
    [
        "ring säkerhetsenheten",
        "ring kommunen",
        "kan du ringa kommunens säkerhetsenhet?",
        "call the security unit",
        "could you call the municipality?",
    ],
)
def test_asking_for_the_unit(typed: str) -> None:
    assert asks_for_unit(typed, ANNAS) and asks_a_call(typed, ANNAS)
    assert asks_only_a_call(typed, ANNAS)  # "unit" was kept as the start of a report


@pytest.mark.parametrize(
    ("handle", "typed"),
    [
        ("anna", "ring säkerhetsenheten"),
        ("anna", "ring kommunen"),
        ("anna", "ring Sara"),
        ("bo", "call the security unit"),
        ("bo", "call Sara Strand"),
    ],
)
async def test_asking_trygg_to_call_the_unit_offers_the_units_alert(
    chat: Any, demo_app: App, handle: str, typed: str
) -> None:
    """ "ring säkerhetsenheten" and "ring kommunen" got the menu; "ring Sara" and "call the
    security unit" offered her party contact's alert, and kept "unit" as a report."""
    person: Chat = chat(handle)
    await person.say("/start")
    said = await person.say(typed)
    sv = handle == "anna"
    cannot = CANNOT if sv else "I cannot call anyone for you.\nAre you in danger right now?"
    assert said.startswith(cannot), said
    unit = "Säkerhetsenheten, Sjöviks kommun: +46 8 465 004 10" if sv else "+46 8 465 004 10"
    assert unit in said  # the unit's number, to call herself
    offer = "Jag kan larma Sara Strand nu" if sv else "I can alert Sara Strand now"
    assert offer in said
    assert "Kommer hotet inifrån" not in said and "from inside your party" not in said
    assert person.buttons[0][0] == "akut:unit"  # what she asked for, first
    assert await reports(demo_app, handle) == [] and await alert_count(demo_app) == 0
    pressed = await person.press("akut:unit")
    assert ("Jag har larmat Sara Strand" if sv else "I have alerted Sara Strand") in pressed
    assert [h for h, _s in await alerts(demo_app)] == ["sara"]


async def test_without_the_unit_in_trygg_its_number(chat: Any, demo_app: App) -> None:
    await _set(demo_app, "sara", role=Role.OFFICIAL)
    anna: Chat = chat("anna")
    await anna.say("/hjalp")
    said = await anna.say("ring kommunen")
    assert said.startswith(CANNOT), said
    assert "Ring kommunens säkerhetsenhet på +46 8 465 004 10." in said
    assert "Jag kan larma Pia Lind nu och be om ett samtal till dig." in said
    assert anna.buttons[0][0] == "akut:alert"


@pytest.mark.parametrize("typed", ["ring Per", "kan du ringa Per Ek?", "kan Per ringa mig?"])
async def test_her_second_contact_asked_for_says_whom_the_alert_reaches_first(
    chat: Any, demo_app: App, typed: str
) -> None:
    """ "ring Per" offered "Larma Pia Lind" as if Per would get it: the alert goes to Pia
    first, to Per only if nobody takes it."""
    anna: Chat = chat("anna")
    await anna.say("/hjalp")
    said = await anna.say(typed)
    first = "Jag kan inte ringa själv." if "mig" in typed else "Jag kan inte ringa åt dig."
    assert said.startswith(first + "\n"), said
    tail = f"{PER}\n{ORDER}\nJag kan larma Pia Lind nu och be om ett samtal till dig."
    assert tail in said
    assert anna.buttons[0][1] == "Larma Pia Lind"
    assert "Jag har larmat Pia Lind" in await anna.press("akut:alert")
    assert [h for h, _s in await alerts(demo_app)] == ["pia"]  # the plan's order stands


async def test_in_english(chat: Any, demo_app: App) -> None:
    await _set(demo_app, "anna", locale="en")
    anna: Chat = chat("anna")
    await anna.say("/help")
    said = await anna.say("call Per")
    assert said.startswith("I cannot call anyone for you.\n"), said
    assert (
        "Call Per Ek: +46 70 174 06 12\n"
        "The alert goes to Pia Lind first, then to Per Ek if nobody takes it within 10 "
        "minutes.\nI can alert Pia Lind now and ask for a call to you."
    ) in said


async def test_at_the_guidance_too(chat: Any, demo_app: App) -> None:
    anna: Chat = chat("anna")
    await anna.say("/akut")
    said = await anna.say("ring Per")
    assert said == (
        f"Jag kan inte ringa åt dig.\nI fara nu: ring 112.\n{PER}\n{ORDER}\n"
        "Ska jag larma Pia Lind nu?\n[1] Larma Pia Lind"
    )
    assert await alert_count(demo_app) == 0


async def test_her_first_contact_asked_for_needs_no_order(chat: Any, demo_app: App) -> None:
    anna: Chat = chat("anna")
    await anna.say("/hjalp")
    said = await anna.say("ring Pia")
    assert "Larmet går först" not in said and "Ring Pia Lind:" not in said


async def test_asking_for_the_unit_at_night(demo_app: App) -> None:
    for name, handle, typed, label in (
        ("akut_call_unit_sv", "anna", "ring säkerhetsenheten", "Larma säkerhetsenheten"),
        ("akut_call_unit_en", "bo", "call the security unit", "Alert the security unit"),
    ):
        t = Transcript(name, demo_app)
        person, sara = t.person(handle), t.person("sara")
        await sara.say("/hjalp")  # her chat exists, so the alert reaches it
        t.note("it is 23:00; she asks Trygg to call the municipality's security unit")
        await t.say(person, typed)
        await t.press(person, "akut:unit", label)
        await t.deliver()
        await t.say(sara, "Jag tar det")
        await t.deliver()
        t.check()
    assert [h for h, _s in await alerts(demo_app)] == ["sara", "sara"]
