"""Asking Trygg to call her security contact ("kan du ringa Pia åt mig?", "ring min kontakt",
"can you call my contact?"), as a frightened person writes it at night: she is told Trygg
cannot call, and offered what it can do, alert the contact now, with the contact's number;
a request alone is not kept as a report, anything told with it is. Telling of a call ("Pia
ringde mig i går") is not asking for one."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from bot.app import App
from conversations.call_words import asks_a_call, asks_for_contact, asks_only_a_call
from storage.models import Person
from tests.conftest import Chat
from tests.golden import Transcript
from tests.test_core import alert_count
from tests.test_report import answers, reports
from tests.test_transcripts import alerts

ANNAS = frozenset({"pia", "lind", "per", "ek", "sara", "strand"})
CANNOT = "Jag kan inte ringa åt dig.\nÄr du i fara just nu? Ring 112."
OFFER = "Jag kan larma Pia Lind nu och be om ett samtal till dig."


@pytest.mark.parametrize(
    ("typed", "whom"),
    [
        ("kan du ringa pia åt mig", True),
        ("ring Pia", True),
        ("kan du ringa Pia Lind?", True),
        ("snälla ring till Pia nu", True),
        ("skulle du kunna ringa Per?", True),
        ("ringer du Pia åt mig?", True),
        ("ring min kontakt", True),
        ("kan du ringa säkerhetskontakten?", True),
        ("call my security contact", True),
        ("ring polisen", False),
        ("kan du ringa polisen åt mig?", False),
    ],
)
def test_a_request_to_call_names_whom(typed: str, whom: bool) -> None:
    assert asks_a_call(typed, ANNAS)
    assert asks_only_a_call(typed, ANNAS)
    assert asks_for_contact(typed, ANNAS) is whom


@pytest.mark.parametrize(
    "typed",
    [
        "Pia ringde mig i går",
        "jag ska ringa Pia i morgon",
        "Pia, kan du ringa mig?",  # to Pia; "kan du ringa mig?" asks: test_akut_call_me
        "kan jag ringa Pia?",
        "ringer Pia snart?",
        "ring Per i morgon om Annas ärende",  # a note of what to do, not a call now
        "ring polisen på måndag",
        "call Britt tomorrow about the letter",
        "Per won't stop trying to contact me",
        "ring Pia",  # not hers: Bo's contact is Britt
    ],
)
def test_telling_of_a_call_or_naming_no_contact_asks_for_none(typed: str) -> None:
    names = ANNAS if typed != "ring Pia" else frozenset({"britt", "holm", "sara", "strand"})
    assert not asks_a_call(typed, names)


@pytest.mark.parametrize(
    "typed",
    [
        "kan du ringa pia åt mig",
        "ring Pia",
        "kan du ringa Pia Lind?",
        "ring min kontakt",
        "kan du ringa säkerhetskontakten?",
        "snälla ring till Pia nu",
    ],
)
async def test_asking_trygg_to_call_her_contact_offers_the_alert(
    chat: Any, demo_app: App, typed: str
) -> None:
    """At the menu "kan du ringa pia åt mig" was kept as the start of a report ("Jag sparade
    det du skrev …") and "ring min kontakt" got the menu: her request was never answered."""
    anna: Chat = chat("anna")
    await anna.say("/hjalp")
    said = await anna.say(typed)
    assert said.startswith(CANNOT), said
    assert "• Pia Lind, +46 70 174 06 11" in said  # her number, to call herself
    assert OFFER in said
    assert next(i for i, _l, _t in anna.buttons) == "akut:alert"
    assert "Jag sparade" not in said and await reports(demo_app, "anna") == []  # a request
    assert await alert_count(demo_app) == 0  # offered, not raised: she chooses
    assert "Jag har larmat Pia Lind" in await anna.press("akut:alert")


@pytest.mark.parametrize(
    "typed",
    [
        "can you call my contact?",
        "call Britt",
        "Could you call Britt Holm for me?",
        "call security",
    ],
)
async def test_in_english(chat: Any, demo_app: App, typed: str) -> None:
    bo: Chat = chat("bo")
    await bo.say("/help")
    said = await bo.say(typed)
    assert said.startswith("I cannot call anyone for you.\nAre you in danger right now?"), said
    assert "• Britt Holm, +46 70 174 06 21" in said
    assert "I can alert Britt Holm now and ask for a call to you." in said
    assert next(label for _i, label, _t in bo.buttons) == "Alert Britt Holm"
    assert await reports(demo_app, "bo") == []
    assert "I have alerted Britt Holm" in await bo.press("akut:alert")


async def test_what_she_tells_with_the_request_is_kept(chat: Any, demo_app: App) -> None:
    anna: Chat = chat("anna")
    await anna.say("/hjalp")
    typed = "kan du ringa Pia, han har skrivit till mig igen"
    said = await anna.say(typed)
    assert said.startswith(CANNOT), said
    assert "Jag sparade det du skrev i en rapport" in said
    assert (await answers(demo_app, "anna"))["what"]["text"] == typed


@pytest.mark.parametrize(
    ("handle", "typed"),
    [
        ("anna", "Pia ringde mig i går"),
        ("anna", "jag ska ringa Pia i morgon om brevet"),
        ("bo", "Britt called me yesterday about it"),
        ("bo", "call Pia"),  # Pia is Anna's contact, not his
        ("pia", "ring Per i morgon om Annas ärende"),  # her note: not her own alarm
    ],
)
async def test_telling_of_a_call_is_not_asking_for_one(
    chat: Any, demo_app: App, handle: str, typed: str
) -> None:
    person: Chat = chat(handle)
    await person.say("/start")
    said = await person.say(typed)
    assert "kan inte ringa" not in said and "cannot call" not in said, said
    assert "akut:alert" not in [i for i, _l, _t in person.buttons]


async def test_without_her_number_the_contact_is_not_promised_to_call(
    chat: Any, demo_app: App
) -> None:
    async with demo_app.db.unit_of_work() as session:
        anna = (await session.scalars(select(Person).where(Person.handle == "anna"))).one()
        anna.phone = None
    chat_anna: Chat = chat("anna")
    await chat_anna.say("/hjalp")
    said = await chat_anna.say("ring Pia")
    assert said.startswith(CANNOT), said
    assert "Jag kan larma Pia Lind nu." in said and "be om ett samtal" not in said


async def test_at_the_guidance_asking_for_her_contact_points_to_the_alert(
    chat: Any, demo_app: App
) -> None:
    """ "kan du kontakta Pia Lind?" at /akut took Pia for the threat: her party's alert gave
    way to the unit's."""
    anna: Chat = chat("anna")
    await anna.say("/akut")
    for typed in ("ring min kontakt", "kan du kontakta Pia Lind?"):
        said = await anna.say(typed)
        assert said.startswith("Jag kan inte ringa åt dig.\nI fara nu: ring 112."), said
        assert said.endswith("Ska jag larma Pia Lind nu?\n[1] Larma Pia Lind")
    assert await alert_count(demo_app) == 0
    assert await reports(demo_app, "anna") == []
    assert "Jag har larmat Pia Lind" in await anna.press("akut:alert")


async def asked_at_night(
    app: App,
    name: str,
    handle: str,
    typed: str,
    label: str,
    asks: str = "asks Trygg to call her contact",
) -> None:
    """At 23:00 she asks Trygg for a call, then presses to alert her contact; they take it."""
    t = Transcript(name, app)
    person, contact = t.person(handle), t.person("pia" if handle == "anna" else "britt")
    await contact.say("/hjalp")  # the contact's chat exists, so the alert reaches it
    t.note(f"it is 23:00; she is frightened and {asks}")
    await t.say(person, typed)
    await t.press(person, "akut:alert", label)
    await t.deliver()
    await t.say(contact, "Jag tar det")
    await t.deliver()
    t.check()


async def test_asking_for_a_call_then_alerting(demo_app: App) -> None:
    await asked_at_night(
        demo_app, "akut_call_contact_sv", "anna", "kan du ringa pia åt mig", "Larma Pia Lind"
    )
    await asked_at_night(
        demo_app, "akut_call_contact_en", "bo", "can you call my contact?", "Alert Britt Holm"
    )
    assert [h for h, _s in await alerts(demo_app)] == ["pia", "britt"]
    assert await reports(demo_app, "anna") == await reports(demo_app, "bo") == []
