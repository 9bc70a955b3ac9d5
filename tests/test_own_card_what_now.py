"""Bo, back at his case card the morning after, asks "What do I do now?". His question was
kept as a note in his case ("I kept what you wrote with your case") and Britt was told he had
written. It now gets the plans' advice, as the button after sending did; his card has that
button too."""

from __future__ import annotations

from typing import Any

from bot.app import App
from tests.conftest import Chat, FakeClock
from tests.test_case import MONDAY_10, submit_report


async def test_asking_what_to_do_at_her_card_gets_the_advice(
    chat: Any, demo_app: App, clock: FakeClock
) -> None:
    clock.now = MONDAY_10
    case = await submit_report(chat)
    anna: Chat = chat("anna")
    card = await anna.say(f"/arende {case.ref}")
    assert "Vad gör jag nu?" in card, card
    said = await anna.say("vad ska jag göra nu?")
    assert "Gör så här nu:" in said, said
    assert "sparat det du skrev" not in said, said
    again = await anna.say(f"/arende {case.ref}")
    assert "vad ska jag göra nu?" not in again, again  # not kept as her words to the case


async def test_words_that_tell_something_are_still_kept(
    chat: Any, demo_app: App, clock: FakeClock
) -> None:
    clock.now = MONDAY_10
    case = await submit_report(chat)
    anna: Chat = chat("anna")
    await anna.say(f"/arende {case.ref}")
    said = await anna.say("Han ringde igen i morse")
    assert "Jag har sparat det du skrev i ditt ärende" in said, said
