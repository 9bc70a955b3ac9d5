"""An unknown /command ("/checklista" typed from memory) says so and points to /hjalp: at
/akut it showed the whole emergency screen again; now the menu with the alert still on it,
and she stays at the guidance. Inside a report the question is asked again."""

from __future__ import annotations

from typing import Any

import pytest

from bot.app import App
from tests.conftest import Chat
from tests.golden import Transcript
from tests.test_core import alert_count


async def test_at_akut_the_menu_with_the_alert_not_the_whole_screen(
    chat: Any, demo_app: App
) -> None:
    anna: Chat = chat("anna")
    await anna.say("/akut")
    said = await anna.say("/checklista")
    assert said == (
        "I fara nu: ring 112.\n"
        "Jag känner inte igen kommandot /checklista. Alla kommandon finns under /hjalp.\n"
        "Vad vill du göra?\n"
        "[1] Larma Pia Lind  [2] Larma säkerhetsenheten  [3] Rapportera en händelse  "
        "[4] Mina kontakter  [5] Vad kan Trygg göra?"
    ), said
    assert "Jag har larmat Pia Lind" in await anna.press("akut:alert")
    assert await alert_count(demo_app) == 1


async def test_at_akut_words_after_it_are_still_for_the_guidance(chat: Any) -> None:
    anna: Chat = chat("anna")
    await anna.say("/akut")
    await anna.say("/checklista")
    assert "Jag har larmat Pia Lind" in await anna.say("larma")


async def test_in_english_it_points_to_help(chat: Any) -> None:
    bo: Chat = chat("bo")
    await bo.say("/akut")
    said = await bo.say("/checklist")
    assert said.startswith(
        "In danger now: call 112.\n"
        "I don't know the command /checklist. All commands are under /help.\n"
        "What do you want to do?\n[1] Alert Britt Holm"
    ), said
    assert "Don't stay alone" not in said


async def test_at_the_menu_the_menu(chat: Any) -> None:
    said = await chat("anna").say("/checklista")
    assert said.startswith(
        "Jag känner inte igen kommandot /checklista. Alla kommandon finns under /hjalp.\n"
        "Det här kan jag hjälpa dig med:"
    ), said


async def test_inside_a_report_the_question_again(chat: Any) -> None:
    anna: Chat = chat("anna")
    await anna.say("/rapportera")
    said = await anna.say("/checklista")
    assert said.startswith("Jag känner inte igen kommandot /checklista."), said
    assert "Vem gäller det?" in said and "Larma" not in said, said


@pytest.mark.parametrize(
    ("handle", "lang", "typed"), [("anna", "sv", "/checklista"), ("bo", "en", "/checklist")]
)
async def test_transcript(demo_app: App, handle: str, lang: str, typed: str) -> None:
    t = Transcript(f"unknown_command_at_akut_{lang}", demo_app)
    t.note("a command typed from memory at /akut, then at the menu")
    person = t.person(handle)
    await t.say(person, "/akut")
    await t.say(person, typed)
    await t.say(person, "/meny" if lang == "sv" else "/menu")
    await t.say(person, typed)
    t.check()
