"""Thanks, a greeting or goodbye typed at the menu ("Tack", "hej hej", "god natt", "ok",
"thank you") got the menu back with no word to it, and "tack för hjälpen" the urgent
guidance. A real person answers kindly: "Varsågod. Skriv när du behöver mig igen.", "Hej! Vad
vill du göra?", with the menu. Never for an answer to a question, never for words of danger."""

from __future__ import annotations

from typing import Any

import pytest

from bot.app import App
from conversations.courtesy import Courtesy, courtesy_of
from tests.conftest import Chat
from tests.golden import Transcript
from tests.test_report import reports

MENU_SV = "[1] Jag behöver hjälp nu"
GUIDANCE = "Är du i fara just nu? Ring 112."

SV = {
    "Tack": "Varsågod. Skriv när du behöver mig igen.",
    "tack så mycket": "Varsågod. Skriv när du behöver mig igen.",
    "tack!": "Varsågod. Skriv när du behöver mig igen.",
    "tack för hjälpen": "Varsågod. Skriv när du behöver mig igen.",
    "Hej": "Hej! Vad vill du göra?",
    "hej hej": "Hej! Vad vill du göra?",
    "god morgon": "Hej! Vad vill du göra?",
    "god natt": "Ta hand om dig. Skriv när du behöver mig igen.",
    "hej då": "Ta hand om dig. Skriv när du behöver mig igen.",
    "ok": "Okej. Skriv när du behöver mig.",
}
EN = {
    "Thanks": "You're welcome. Write whenever you need me again.",
    "thank you": "You're welcome. Write whenever you need me again.",
    "thank you very much for your help": "You're welcome. Write whenever you need me again.",
    "hi": "Hi! What do you want to do?",
    "hello": "Hi! What do you want to do?",
    "good night": "Take care. Write whenever you need me again.",
    "ok": "Okay. Write whenever you need me.",
}


@pytest.mark.parametrize(
    ("typed", "kind"),
    [
        ("tack och god natt", Courtesy.THANKS),
        ("ok tack", Courtesy.THANKS),
        ("tusen tack 🙏", Courtesy.THANKS),
        ("hej då", Courtesy.PARTING),
        ("vi ses", Courtesy.PARTING),
        ("hejsan", Courtesy.GREETING),
        ("okej", Courtesy.OK),
        ("hej, jag blir hotad", None),
        ("hej hjälp", None),
        ("tack, hjälp", None),
        ("jag mår bra", None),
        ("tack men han står utanför", None),
        ("good", None),
    ],
)
def test_only_courtesy_is_courtesy(typed: str, kind: Courtesy | None) -> None:
    assert courtesy_of(typed) is kind


@pytest.mark.parametrize(("handle", "words"), [("anna", SV), ("bo", EN)])
async def test_courtesy_at_the_menu_gets_a_kind_word_and_the_menu(
    chat: Any, demo_app: App, handle: str, words: dict[str, str]
) -> None:
    person: Chat = chat(handle)
    await person.say("/meny")
    for typed, answer in words.items():
        said = await person.say(typed)
        assert said.startswith(answer + "\n"), (typed, said)
        assert person.last_buttons[0] == "cmd:akut", typed  # the menu, "I need help now" first
    assert await reports(demo_app, handle) == []  # nothing kept as a report


async def test_a_greeting_with_danger_still_gets_the_guidance(chat: Any) -> None:
    anna: Chat = chat("anna")
    await anna.say("/meny")
    said = await anna.say("hej, jag blir hotad")
    assert said.startswith(GUIDANCE), said


async def test_thanks_typed_at_a_question_is_the_question_s(chat: Any) -> None:
    anna: Chat = chat("anna")
    await anna.say("/rapportera")
    said = await anna.say("tack")
    assert "Varsågod" not in said, said
    assert "Vem gäller det?" in said, said


@pytest.mark.parametrize(
    ("name", "handle", "typed"),
    [
        ("courtesy_at_menu_sv", "anna", ["hej", "Hej", "tack så mycket", "ok", "god natt"]),
        ("courtesy_at_menu_en", "bo", ["hi", "hello", "thank you", "ok", "good night"]),
    ],
)
async def test_courtesy_after_the_welcome(
    demo_app: App, name: str, handle: str, typed: list[str]
) -> None:
    t = Transcript(name, demo_app)
    person = t.person(handle)
    t.note("23:00, the welcome read: she greets, thanks and says goodnight")
    for words in typed:
        await t.say(person, words)
    t.note("a greeting with danger in it is danger")
    said = await t.say(person, "hej, jag blir hotad" if handle == "anna" else "hi, I am threatened")
    assert said.startswith(GUIDANCE if handle == "anna" else "Are you in danger"), said
    t.check()
