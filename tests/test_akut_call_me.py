"""Asking to be called ("kan du ringa mig?", "ring mig", "kan någon ringa mig?", "can someone
call me?"), as a frightened official writes it at night: Trygg cannot call, but can alert her
contact to call her, and says so in the first line; 112 comes first when her words tell of
danger. Telling of calls ("han ringer mig hela tiden") and asking someone named ("Pia, kan du
ringa mig?") are not requests to Trygg: they are kept as told."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from bot.app import App
from conversations.call_words import asks_a_call, asks_only_a_call, asks_to_be_called
from storage.models import Person
from tests.conftest import Chat
from tests.test_akut_call_contact import asked_at_night
from tests.test_core import alert_count
from tests.test_report import answers, reports
from tests.test_transcripts import alerts

ANNAS = frozenset({"pia", "lind", "per", "ek", "sara", "strand"})
ASK_PIA = "Jag kan inte ringa själv, men jag kan be Pia Lind ringa dig."
WAY_OUT = "Är du i fara just nu? Ring 112.\nInte akut: polisen på 114 14."


@pytest.mark.parametrize(
    "typed",
    [
        "kan du ringa mig?",
        "ring mig",
        "kan någon ringa mig?",
        "snälla ring mig nu",
        "kan du ringa upp mig?",
        "hej, kan du ringa mig?",
        "skulle någon kunna ringa mig?",
        "ringer du mig?",
        "can someone call me?",
        "please call me",
        "someone call me",
        "could you call me back?",
        "can you contact me?",
        "kan Pia ringa mig?",
    ],
)
def test_asking_to_be_called(typed: str) -> None:
    assert asks_to_be_called(typed, ANNAS)
    assert asks_a_call(typed, ANNAS)
    assert asks_only_a_call(typed, ANNAS)  # nothing more to keep


@pytest.mark.parametrize(
    "typed",
    [
        "Pia, kan du ringa mig?",  # to Pia, not to Trygg
        "pia kan du ringa mig",
        "Kalle, kan du ringa mig?",
        "han ringer mig hela tiden",
        "he keeps calling me",
        "Per won't stop trying to contact me",
        "ring mig i morgon",
        "ring mig inte",
        "kan jag ringa Pia?",
        "kan Per ringa Pia?",  # asks whether Per may, not Trygg to call
    ],
)
def test_telling_of_calls_or_asking_someone_named_is_no_request(typed: str) -> None:
    assert not asks_to_be_called(typed, ANNAS)
    assert not asks_a_call(typed, ANNAS)


@pytest.mark.parametrize(
    "typed", ["kan du ringa mig?", "ring mig", "kan någon ringa mig?", "snälla ring mig nu"]
)
async def test_asking_to_be_called_offers_her_contact(chat: Any, demo_app: App, typed: str) -> None:
    """ "kan du ringa mig?" and "ring mig" got the menu: her request was never answered."""
    anna: Chat = chat("anna")
    await anna.say("/hjalp")
    said = await anna.say(typed)
    assert said.startswith(f"{ASK_PIA}\n{WAY_OUT}"), said
    assert "ringa åt dig" not in said  # she asked to be called, not for a call for her
    assert "Jag kan larma Pia Lind nu" not in said  # said once, in the first line
    assert [i for i, _l, _t in anna.buttons][:2] == ["akut:alert", "akut:unit"]
    assert await reports(demo_app, "anna") == []  # a request: nothing to keep
    assert await alert_count(demo_app) == 0  # offered, not raised: she chooses
    pressed = await anna.press("akut:alert")
    assert "Jag har larmat Pia Lind och bett om ett samtal till dig nu." in pressed


@pytest.mark.parametrize("typed", ["can someone call me?", "please call me", "call me"])
async def test_in_english(chat: Any, demo_app: App, typed: str) -> None:
    bo: Chat = chat("bo")
    await bo.say("/help")
    said = await bo.say(typed)
    first = "I cannot call anyone myself, but I can ask Britt Holm to call you."
    assert said.startswith(f"{first}\nAre you in danger right now? Call 112."), said
    assert "for you." not in said.split("\n")[0]
    assert next(label for _i, label, _t in bo.buttons) == "Alert Britt Holm"
    assert await reports(demo_app, "bo") == []
    assert "I have alerted Britt Holm and asked for a call to you" in await bo.press("akut:alert")


@pytest.mark.parametrize(
    ("handle", "typed", "first"),
    [
        ("anna", "kan någon ringa mig, han står utanför dörren", "Är du i fara just nu? Ring 112."),
        ("bo", "someone call me, he is outside my door", "Are you in danger right now? Call 112."),
    ],
)
async def test_danger_first_then_the_answer_and_her_words_kept(
    chat: Any, demo_app: App, handle: str, typed: str, first: str
) -> None:
    person: Chat = chat(handle)
    await person.say("/start")
    said = await person.say(typed)
    lines = said.split("\n")
    assert lines[0] == first, said  # the way out before anything else
    answer = "but I can ask Britt Holm to call you" if handle == "bo" else "be Pia Lind ringa dig"
    assert answer in lines[2], said
    assert (await answers(demo_app, handle))["what"]["text"] == typed  # told: kept


async def test_without_her_number_nobody_is_promised_to_call(chat: Any, demo_app: App) -> None:
    async with demo_app.db.unit_of_work() as session:
        row = (await session.scalars(select(Person).where(Person.handle == "anna"))).one()
        row.phone = None
    anna: Chat = chat("anna")
    await anna.say("/hjalp")
    said = await anna.say("ring mig")
    assert said.startswith("Jag kan inte ringa själv.\n"), said
    assert "Jag kan larma Pia Lind nu." in said and "ringa dig" not in said


@pytest.mark.parametrize(
    ("handle", "typed", "kept"),
    [
        ("anna", "Pia, kan du ringa mig?", "Jag sparade det du skrev"),
        ("anna", "han ringer mig hela tiden", "Jag sparade det du skrev"),
        ("anna", "han ringer mig", "Jag sparade det du skrev"),
        ("bo", "he keeps calling me", "I kept what you wrote"),
    ],
)
async def test_calls_told_are_kept_not_answered(
    chat: Any, demo_app: App, handle: str, typed: str, kept: str
) -> None:
    """ "he keeps calling me" (four words) got the menu and was thrown away."""
    person: Chat = chat(handle)
    await person.say("/start")
    said = await person.say(typed)
    assert "ringa själv" not in said and "call anyone" not in said, said
    assert kept in said
    assert (await answers(demo_app, handle))["what"]["text"] == typed


async def test_at_the_guidance_asking_to_be_called_points_to_the_alert(
    chat: Any, demo_app: App
) -> None:
    """At /akut, "kan du ringa mig?" was kept as the start of a report, unanswered."""
    anna: Chat = chat("anna")
    await anna.say("/akut")
    said = await anna.say("kan du ringa mig?")
    assert said == (
        f"{ASK_PIA}\nI fara nu: ring 112.\nSka jag larma Pia Lind nu?\n[1] Larma Pia Lind"
    )
    assert await reports(demo_app, "anna") == [] and await alert_count(demo_app) == 0


async def test_asking_to_be_called_then_alerting(demo_app: App) -> None:
    await asked_at_night(
        demo_app,
        "akut_call_me_sv",
        "anna",
        "kan någon ringa mig?",
        "Larma Pia Lind",
        asks="asks to be called",
    )
    await asked_at_night(
        demo_app,
        "akut_call_me_en",
        "bo",
        "can someone call me?",
        "Alert Britt Holm",
        asks="asks to be called",
    )
    assert [h for h, _s in await alerts(demo_app)] == ["pia", "britt"]
    assert await reports(demo_app, "anna") == await reports(demo_app, "bo") == []
