"""Typed "klar" right after skipping a question (nothing saved for it) read "Ditt svar är
sparat. Här är nästa fråga:" and the same question again; now it says there is nothing to
save here yet and asks the question plainly, with the number to skip it where choices are
numbered."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from bot.app import App
from bot.transports.console import CHANNEL, ConsoleTransport
from tests.conftest import Chat
from tests.golden import Transcript
from tests.test_report import answers, told


async def skipped_to_when(anna: Chat) -> None:
    """Tell the story, then skip what it was: at "När och var hände det?"."""
    await told(anna, "Han skrev att han vet var jag bor.")
    assert "När och var hände det?" in await anna.press("nav:skip")


async def test_done_after_skipping_says_nothing_is_saved(chat: Any, demo_app: App) -> None:
    anna: Chat = chat("anna")
    await skipped_to_when(anna)
    said = await anna.say("klar")
    assert said.startswith(
        "Det finns inget svar att spara här ännu. Svara på frågan nedan, eller välj "
        "”Hoppa över”.\nNär och var hände det?"
    ), said
    assert "Ditt svar är sparat" not in said
    assert "when" not in (await answers(demo_app, "anna"))


async def test_in_english(chat: Any) -> None:
    bo: Chat = chat("bo")
    await told(bo, "He wrote that he knows where I live.", command="/report")
    await bo.press("nav:skip")
    said = await bo.say("done")
    assert said.startswith(
        "There is no answer to save here yet. Answer the question below, or choose “Skip”.\n"
    ), said


async def test_on_numbered_choices_the_number_of_skip(chat: Any, demo_app: App) -> None:
    demo_app.core.capabilities[CHANNEL] = replace(ConsoleTransport.capabilities, has_buttons=False)
    anna: Chat = chat("anna")
    await skipped_to_when(anna)
    said = await anna.say("klar")
    number = [i for i, _label, _token in anna.buttons].index("nav:skip") + 1
    assert said.startswith(
        "Det finns inget svar att spara här ännu. Svara på frågan nedan, eller svara med "
        f"siffran {number} för att hoppa över den.\n"
    ), said
    assert f"[{number}] Hoppa över" in said, said


async def test_done_after_an_answer_still_says_it_is_saved(chat: Any) -> None:
    anna: Chat = chat("anna")
    await told(anna, "Han skrev att han vet var jag bor.")
    await anna.say("hot, sms")
    said = await anna.say("klar")
    assert said.startswith("Ditt svar är sparat. Här är nästa fråga:"), said


async def test_transcript(demo_app: App) -> None:
    for handle, lang, story, done in (
        ("anna", "sv", "Han skrev att han vet var jag bor.", "klar"),
        ("bo", "en", "He wrote that he knows where I live.", "done"),
    ):
        t = Transcript(f"done_after_skip_{lang}", demo_app)
        t.note("the story told, the kinds skipped, then the word for Done")
        person = t.person(handle)
        await t.say(person, "/rapportera" if lang == "sv" else "/report")
        await t.say(person, "1")
        await t.say(person, "Hoppa över" if lang == "sv" else "Skip")
        await t.say(person, "2")
        await t.say(person, story)
        await t.say(person, "Hoppa över" if lang == "sv" else "Skip")
        await t.say(person, done)
        await t.say(
            person, "i går kl. 22.40, hemma" if lang == "sv" else "yesterday 22:40, at home"
        )
        t.check()
