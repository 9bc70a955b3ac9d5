"""Typed at the menu, harmless sentences that only look like danger opened the urgent
guidance: "jag vet vad jag ska göra" (a question of what to do, though she says she knows),
"vi åt krossade tomater" (a word of damage about food), "tack för hjälpen" (a cry's word,
thanked for). Now they do not, while every sentence about danger still does: at 23:00 a
missed cry is worse than a needless guidance."""

from __future__ import annotations

from typing import Any

import pytest

from conversations.akut_words import tells_danger
from conversations.registry import WORDS
from tests.conftest import Chat

GUIDANCE = "Är du i fara just nu? Ring 112."
GUIDANCE_EN = "Are you in danger right now? Call 112."

DANGER = [
    # asking what to do, in any form, doubted or asked of someone
    "jag vet inte vad jag ska göra",
    "vet inte vad jag ska göra",
    "jag vet inte riktigt vad jag ska göra",
    "jag vet ärligt talat inte vad jag ska göra",
    "vet du vad jag ska göra?",
    "vet någon vad jag ska göra",
    "jag vet vad jag ska göra?",
    "om jag bara visste vad jag ska göra",
    "hej, vad ska jag göra nu?",
    "tack, men vad ska jag göra nu",
    "I don't know what to do",
    "I dont know what to do",
    "do you know what to do?",
    "I wish I knew what to do",
    "what should I do now",
    # damage done, crushed things that are not food
    "någon krossade min ruta",
    "de krossade rutan på min bil",
    "han krossade min bärbara dator",
    "någon har krossat fönstret",
    "krossade tomater på bilen och rutan är krossad",
    "han hotar att krossa mig",
    "someone smashed my window",
    "they smashed the car",
    "smashed glass everywhere, someone broke in",
    # thanks, and then a cry
    "tack för hjälpen, hjälp han är tillbaka",
    "thanks for the help. help he is here again",
    "tack, hjälp",
    "tack hjälp mig",
    "hej, jag blir hotad",
    "hej hej jag är rädd",
    "thank you, someone is threatening me",
]
HARMLESS = [
    "jag vet vad jag ska göra",
    "nu vet jag vad jag ska göra",
    "tack, nu vet jag vad jag ska göra",
    "jag vet exakt vad jag ska göra",
    "vi vet vad vi ska göra",
    "jag förstår vad jag ska göra nu",
    "I know what to do",
    "now I know what to do",
    "I know exactly what to do",
    "we know what to do now",
    "vi åt krossade tomater",
    "jag köpte krossade tomater",
    "en burk krossade tomater",
    "krossade färska tomater till pastan",
    "krossade körsbärstomater",
    "krossad vitlök och lite is",
    "smashed avocado on toast",
    "we had smashed potatoes",
    "tack för hjälpen",
    "tack så mycket för all hjälp",
    "stort tack för hjälpen",
    "tack för din hjälp",
    "thanks for the help",
    "thank you for your help",
    "thank you so much for all your help",
    "thanks for all the help",
]


@pytest.mark.parametrize("typed", DANGER)
def test_words_of_danger_still_open_the_guidance(typed: str) -> None:
    assert WORDS.means_command(typed, in_flow=False), typed


@pytest.mark.parametrize("typed", HARMLESS)
def test_harmless_words_open_nothing(typed: str) -> None:
    assert not WORDS.means_command(typed, in_flow=False), typed


@pytest.mark.parametrize("typed", ["tack för hjälpen", "thank you for all your help"])
def test_thanks_written_to_a_case_asks_nobody_to_read_it_now(typed: str) -> None:
    assert not tells_danger(typed)
    assert tells_danger("tack för hjälpen, hjälp han är tillbaka")


async def test_at_the_menu_harmless_words_get_no_guidance(chat: Any) -> None:
    anna: Chat = chat("anna")
    await anna.say("/meny")
    for typed in ("jag vet vad jag ska göra", "vi åt krossade tomater", "tack för hjälpen"):
        said = await anna.say(typed)
        assert not said.startswith(GUIDANCE), (typed, said)
    said = await anna.say("jag vet inte vad jag ska göra")
    assert said.startswith(GUIDANCE), said
    bo: Chat = chat("bo")
    await bo.say("/menu")
    said = await bo.say("I know what to do")
    assert not said.startswith(GUIDANCE_EN), said
    said = await bo.say("I don't know what to do")
    assert said.startswith(GUIDANCE_EN), said
