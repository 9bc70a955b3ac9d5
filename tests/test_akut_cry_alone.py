"""Anna writes only "hjälp" at night. The guidance came, and with it "Jag sparade det du skrev i
en rapport", a report whose "Vad hände" was the word "hjälp". A cry alone tells nothing to
keep; words that tell what happened still are kept."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import Chat

KEPT = "Jag sparade det du skrev i en rapport"


@pytest.mark.parametrize("cry", ["hjälp", "Hjälp!", "hjälp mig nu", "HJÄLP", "sos"])
async def test_a_cry_alone_opens_the_guidance_and_keeps_nothing(chat: Any, cry: str) -> None:
    anna: Chat = chat("anna")
    said = await anna.say(cry)
    assert said.startswith("Är du i fara just nu? Ring 112."), said
    assert KEPT not in said, said


async def test_words_that_tell_what_happened_are_kept(chat: Any) -> None:
    anna: Chat = chat("anna")
    said = await anna.say("hjälp jag har blivit hotad")
    assert KEPT in said, said
