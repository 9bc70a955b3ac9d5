"""A newly invited person before and while giving a name: "1" or a single character at the
name question is not a name and is told so in one line, not with the whole greeting again;
on Signal, where the platform gives her number, an /akut before any name still gives her
contact a number to call and never shows an internal handle as her name."""

from __future__ import annotations

from bot.app import App
from storage.models import Role
from tests.conftest import Chat
from tests.fakesignal import Person as FakePerson
from tests.signal_harness import (  # noqa: F401
    SignalHarness,
    fake_signal_fixture,
    signal_app_fixture,
    signal_fixture,
)
from tests.test_trust import SQLITE_ONLY, invite

ASKED = "Vad heter du? Skriv för- och efternamn"
WANTED = "Här behöver jag ditt namn: skriv för- och efternamn, till exempel Anna Andersson."


async def test_a_number_or_one_letter_at_the_name_question_asks_for_the_name_in_one_line(
    demo_app: App,
) -> None:
    code = await invite(demo_app, Role.OFFICIAL, party="gp")
    ivy = Chat(demo_app, "ivy")
    await ivy.say(f"/start {code}")
    assert ASKED in await ivy.say("1")  # "1" presses "svenska": the language is chosen
    for typed in ("1", "1", "7", "x", "?", "jag heter.", "hej", "ok tack"):
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


NUMBER = "+46701740699"  # as Signal gives it (sourceNumber)
SHOWN = "+46 70 174 06 99"


async def _invited_on_signal(
    sg: SignalHarness, sg_app: App, number: str | None = NUMBER
) -> tuple[FakePerson, FakePerson]:
    """A new person invited to Gröna partiet writes the code from Signal and picks Swedish;
    (her, Pia)."""
    pia = await sg.bind("pia")
    code = await invite(sg_app, Role.OFFICIAL, party="gp")
    new = sg.fake.person(number=number, name="Ny")
    await sg.say(new, f"start {code}")
    asked = await sg.say(new, "1")  # svenska
    assert any(ASKED in t for t in asked), asked
    return new, pia


@SQLITE_ONLY
async def test_akut_before_a_name_on_signal_shows_no_handle_and_gives_her_signal_number(
    sg: SignalHarness, sg_app: App
) -> None:
    new, pia = await _invited_on_signal(sg, sg_app)
    await sg.say(new, "akut")
    pressed = "\n".join(await sg.say(new, sg.choices(new)["Larma Pia Lind"]))
    assert "Jag har larmat Pia Lind och bett om ett samtal till dig nu." in pressed, pressed
    assert "inget telefonnummer" not in pressed
    push = await sg.wait_text(pia, "BRÅDSKANDE")
    assert (
        "En ny person i Trygg (Gröna partiet, Sjöviks kommun, utan namn än) behöver dig nu." in push
    ), push
    assert f"Ring: {SHOWN}" in push and "Inget telefonnummer" not in push
    assert "si-" not in push


@SQLITE_ONLY
async def test_the_phone_question_shows_the_signal_number_and_keep_keeps_it(
    sg: SignalHarness, sg_app: App
) -> None:
    new, _pia = await _invited_on_signal(sg, sg_app)
    asked = "\n".join(await sg.say(new, "Nora Ny"))
    assert f"Trygg visar {SHOWN}, numret du skriver från" in asked, asked
    kept = "\n".join(await sg.say(new, sg.choices(new)["Behåll"]))
    assert f"Tack. Trygg visar {SHOWN} för dem som behöver ringa dig." in kept, kept


@SQLITE_ONLY
async def test_without_a_number_the_push_says_so_and_still_shows_no_handle(
    sg: SignalHarness, sg_app: App
) -> None:
    new, pia = await _invited_on_signal(sg, sg_app, number=None)
    await sg.say(new, "akut")
    pressed = "\n".join(await sg.say(new, sg.choices(new)["Larma Pia Lind"]))
    assert "Trygg har inget telefonnummer till dig: ring själv." in pressed, pressed
    push = await sg.wait_text(pia, "BRÅDSKANDE")
    assert "En ny person i Trygg (Gröna partiet, Sjöviks kommun, utan namn än)" in push, push
    assert "Inget telefonnummer känt." in push and "si-" not in push
