"""Coming back to a chat with nothing in progress is short. Lisa, newly invited, gave her
name and number and read how her data is handled, with the menu; opening `trygg chat --as
lisa` again she read "Välkommen tillbaka. Här var vi:" and the whole privacy text once more.
With nothing in progress (the welcome, the menu) she is now greeted in two lines with the
menu; a question still open (her name, /akut's "larma?") is shown again as before."""

from __future__ import annotations

from bot.app import App
from storage.models import Role
from tests.conftest import FakeClock
from tests.golden import Transcript
from tests.test_alert_on_return import resumed
from tests.test_trust import invite

SHORT = "Välkommen tillbaka.\nVad vill du göra?"
WHERE = "Välkommen tillbaka. Här var vi:"
PRIVACY = "Så hanteras dina uppgifter:"


def menu_of(replies: list) -> list[str]:  # type: ignore[type-arg]
    return [b.id for reply in replies for row in reply.buttons for b in row]


async def test_back_with_nothing_in_progress_is_the_menu_sv(
    demo_app: App, clock: FakeClock
) -> None:
    t = Transcript("return_to_menu_sv", demo_app)
    code = await invite(demo_app, Role.OFFICIAL, party="gp")
    lisa = t.person("lisa")
    t.note("Lisa opens the invitation and chooses Swedish")
    await t.say(lisa, f"/start {code}")
    await t.say(lisa, "svenska")
    t.note("she closes the chat at the name question, and opens it again")
    clock.advance(hours=1)
    again = await resumed(t, "lisa")
    assert again[0].text == WHERE, again
    assert "Vad heter du?" in again[1].text, again  # a question open: shown again
    await t.say(lisa, "Lisa Ek")
    welcomed = await t.say(lisa, "Hoppa över")
    assert PRIVACY in welcomed, welcomed
    t.note("the next day she opens the chat again")
    clock.advance(hours=20)
    again = await resumed(t, "lisa")
    shown = "\n".join(reply.text for reply in again)
    assert shown == SHORT, shown  # not the privacy text again
    assert menu_of(again)[0] == "cmd:akut", again
    t.note("'1' is still 'Jag behöver hjälp nu'")
    helped = await t.say(lisa, "1")
    assert "Är du i fara just nu? Ring 112." in helped, helped
    t.note("she leaves at /akut's question; back, it is where she was")
    clock.advance(hours=1)
    again = await resumed(t, "lisa")
    assert again[0].text == WHERE, again
    assert "Är du i fara just nu?" in again[1].text, again
    t.note("she asks for the menu, leaves, and comes back twice: short each time")
    await t.say(lisa, "/meny")
    for _time in range(2):
        clock.advance(hours=3)
        again = await resumed(t, "lisa")
        assert "\n".join(reply.text for reply in again) == SHORT, again
    t.check()


async def test_back_after_the_welcome_of_an_org_file_person(demo_app: App) -> None:
    """Anna, from the organisation's list: her first welcome is whole, her return short."""
    t = Transcript("return_to_menu_anna", demo_app)
    first = await t.say(t.person("anna"), "/start")
    assert first.startswith("Välkommen till Trygg, Anna Berg."), first
    assert PRIVACY in first, first
    again = await resumed(t, "anna")
    assert "\n".join(reply.text for reply in again) == SHORT, again
    assert PRIVACY not in "\n".join(reply.text for reply in again)


async def test_back_after_the_welcome_in_english(demo_app: App) -> None:
    """Bo speaks English: his return is in English."""
    t = Transcript("return_to_menu_bo", demo_app)
    await t.say(t.person("bo"), "/start")
    again = await resumed(t, "bo")
    assert "\n".join(reply.text for reply in again) == "Welcome back.\nWhat do you want to do?"
