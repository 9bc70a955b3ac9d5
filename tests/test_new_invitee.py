"""A newly invited person before and while giving a name: "1" or a single character at the
name question is not a name and is told so in one line, not with the whole greeting again;
on Signal, where the platform gives her number, an /akut before any name still gives her
contact a number to call and never shows an internal handle as her name."""

from __future__ import annotations

from bot.app import App
from storage.models import Role
from tests.conftest import Chat
from tests.test_trust import invite

ASKED = "Vad heter du? Skriv för- och efternamn"
WANTED = "Här behöver jag ditt namn: skriv för- och efternamn, till exempel Anna Andersson."


async def test_a_number_or_one_letter_at_the_name_question_asks_for_the_name_in_one_line(
    demo_app: App,
) -> None:
    code = await invite(demo_app, Role.OFFICIAL, party="gp")
    ivy = Chat(demo_app, "ivy")
    await ivy.say(f"/start {code}")
    assert ASKED in await ivy.say("1")  # "1" presses "svenska": the language is chosen
    for typed in ("1", "1", "7", "x", "?", "jag heter."):
        said = await ivy.say(typed)  # on Signal "1" presses the old "svenska" again
        assert said == WANTED, (typed, said)
    said = await ivy.say("Ivy Lund")
    assert said.startswith("Tack, Ivy Lund.")


async def test_a_number_typed_as_text_is_not_taken_as_a_name(demo_app: App) -> None:
    """As on Telegram, where "1" with no buttons showing is text."""
    code = await invite(demo_app, Role.OFFICIAL, party="gp")
    ivy = Chat(demo_app, "ivy")
    await ivy.say(f"/start {code}")
    await ivy.press("lang:sv")
    ivy.keyboard, ivy.last = None, []  # nothing to press: typed words are text
    for typed in ("1", "12", "5."):
        assert await ivy.say(typed) == WANTED, typed
    assert "Tack, 1" not in await ivy.say("Ivy Lund")
