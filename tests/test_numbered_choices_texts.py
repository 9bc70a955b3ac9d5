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
from tests.test_alerts import ack, raise_akut, submit_report
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


async def test_her_other_alerts_join_the_thanks_each_named_by_its_time(
    chat: Any, clock: FakeClock
) -> None:
    """Numbered choices count only in the newest message: the offers to take her other
    alerts come in the "Tack" message, after its own, each choice named by its time."""
    await raise_akut(chat, "bo")
    clock.advance(minutes=2)
    await submit_report(chat, "bo", "party")
    clock.advance(minutes=2)
    case = await submit_report(chat, "bo", "party")
    britt: Chat = chat("britt")
    taken = await ack(britt, case.alert_id)
    assert len(britt.last) == 1, taken  # one message: its numbers are all still good
    labels = [label for _i, label, _t in britt.buttons]
    assert labels[0] == f"Öppna ärende {case.ref}", labels
    assert [label for label in labels if label.startswith("Ta larmet från i dag kl.")] == [
        "Ta larmet från i dag kl. 23.00",
        "Ta larmet från i dag kl. 23.02",
    ], labels
