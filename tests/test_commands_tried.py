"""Commands as people type them: Anna typed "/larm" at 23:00 and read "Jag känner inte igen
kommandot /larm."; "/ärenden" and "/rapport" were unknown too."""

from __future__ import annotations

from typing import Any

import pytest

GUIDANCE = "Är du i fara just nu? Ring 112."


@pytest.mark.parametrize(
    "typed", ["/larm", "/LARM", "/sos", "/112", "/nödläge", "/alarm", "/emergency", "/hotad"]
)
async def test_a_cry_for_help_as_a_command_opens_the_guidance(chat: Any, typed: str) -> None:
    said = await chat("anna").say(typed)
    assert said.startswith(GUIDANCE), said
    assert "känner inte igen" not in said, said


@pytest.mark.parametrize(
    ("handle", "typed", "shown"),
    [
        ("anna", "/rapport", "Vem gäller det?"),
        ("pia", "/ärenden", "Du har inga öppna ärenden."),
        ("anna", "/kontakt", "Pia Lind, +46 70 174 06 11"),
        ("anna", "/hjälp", "/akut – "),
    ],
)
async def test_a_command_as_people_spell_it_is_the_command(
    chat: Any, handle: str, typed: str, shown: str
) -> None:
    said = await chat(handle).say(typed)
    assert shown in said and "känner inte igen" not in said, said


async def test_an_unknown_command_is_still_said_to_be_unknown(chat: Any) -> None:
    said = await chat("anna").say("/foo")
    assert said.startswith("Jag känner inte igen kommandot /foo."), said


async def test_after_the_welcome_an_unknown_command_shows_the_menu_not_the_welcome(
    chat: Any,
) -> None:
    """Bo typed "/foo" right after the welcome and read its whole privacy text again."""
    bo = chat("bo")
    welcome = await bo.say("/start")
    assert "How your data is handled:" in welcome, welcome
    said = await bo.say("/foo")
    assert said.startswith("I don't know the command /foo."), said
    assert "How your data is handled:" not in said, said
    assert "This is what I can help you with:" in said, said
