"""Where choices are numbered text (Signal), nobody is told to press a button or that a
button did nothing: the same console conversations, on a channel declared without buttons,
say "choice" and ask for a number. Signal itself: tests/test_signal_typed_choices.py."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

import pytest

from bot.app import App
from bot.transports.console import CHANNEL, ConsoleTransport
from tests.conftest import Chat, FakeClock
from tests.test_case_older_card import card_of, press_on, write_note
from tests.test_case_typed import in_the_unit_case
from tests.test_caselist import close

PRESSING = re.compile(r"\b(knapp\w*|tryck\w*|press\w*|tap|buttons?)\b", re.IGNORECASE)


@pytest.fixture(autouse=True)
def numbered(demo_app: App) -> None:
    """The console, declared as a channel without buttons (as Signal is)."""
    plain = replace(ConsoleTransport.capabilities, has_buttons=False)
    demo_app.core.capabilities[CHANNEL] = plain


async def test_a_choice_from_an_earlier_message_is_called_a_choice(chat: Any) -> None:
    anna: Chat = chat("anna")
    await anna.say("/rapportera")
    old = dict((i, t) for i, _, t in anna.buttons)["opt:other"]
    await anna.press("opt:self", token=old)  # on to the next question
    said = await anna.press("opt:other", token=old)
    assert "Det valet hör till ett tidigare meddelande, så jag gjorde ingenting med det." in said
    assert not PRESSING.search(said), said


async def test_a_closed_case_and_one_she_lost_say_choice_not_button(
    chat: Any, demo_app: App, clock: FakeClock
) -> None:
    case, pia, card = await card_of(chat, clock, "pia")
    await write_note(pia, "Ringde Anna")
    await close(demo_app, "pia", case, clock.now)
    said = await press_on(pia, card, "case:note")
    assert said.startswith(f"Ärende {case.ref} är avslutat, så jag gjorde ingenting med det valet.")
    assert not PRESSING.search(said), said


async def test_words_at_the_case_view_that_cannot_be_kept_ask_for_a_number(
    chat: Any, clock: FakeClock
) -> None:
    _case, kent = await in_the_unit_case(chat, clock, "kent")
    await kent.say("Jag har pratat med polisen, de utreder")
    await kent.press("check:yes")
    await kent.press("case:view")
    view = await kent.say("Inget mer att göra här")
    assert "Här kan jag inte spara text från dig. Svara med en av siffrorna nedan." in view, view
    assert not PRESSING.search(view), view
