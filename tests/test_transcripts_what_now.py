"""At 23:00, what happened and "what do I do?", as golden transcripts: an official asking
alone and after a stone through her window, one in English, and a relative who is not
registered writing for her mother (language.md rules 1, 2 and 4)."""

from __future__ import annotations

from bot.app import App
from tests.conftest import FakeClock
from tests.golden import Transcript
from tests.test_core import alert_count
from tests.test_report import answers, reports


async def test_what_now_sv(demo_app: App, clock: FakeClock) -> None:
    t = Transcript("what_now_sv", demo_app)
    anna = t.person("anna")
    await t.say(anna, "/hjalp")
    t.note("23:00: Anna asks, and has told nothing yet")
    bare = await t.say(anna, "vad ska jag göra?")
    assert await reports(demo_app, "anna") == []  # nothing told, nothing kept
    clock.advance(days=1)
    t.note("the next evening: a stone through her window")
    told = await t.say(anna, "någon krossade min ruta med en sten nyss, vad ska jag göra")
    t.check()
    for said in (bare, told):
        assert said.startswith("Är du i fara just nu? Ring 112.\nInte akut: polisen på 114 14.")
        assert "[1] Larma Pia Lind" in said
    assert "Jag sparade det du skrev" not in bare and "Jag sparade det du skrev" in told
    assert (await answers(demo_app, "anna"))["what"]["text"] == (
        "någon krossade min ruta med en sten nyss, vad ska jag göra"
    )
    assert await alert_count(demo_app) == 0  # offered: she chooses


async def test_what_now_en(demo_app: App) -> None:
    t = Transcript("what_now_en", demo_app)
    bo = t.person("bo")
    await t.say(bo, "/help")
    t.note("23:00")
    said = await t.say(bo, "they threw a rock through my window, what should I do?")
    t.check()
    assert said.startswith("Are you in danger right now? Call 112.")
    assert "[1] Alert Britt Holm" in said


async def test_what_now_relative_sv(demo_app: App) -> None:
    t = Transcript("what_now_relative_sv", demo_app)
    lisa = t.person("lisa")
    t.note("23:00: Lisa is not registered; she writes for her mother, her first message")
    said = await t.say(
        lisa,
        "hej min mamma är politiker och någon har kastat sten genom hennes fönster nu "
        "ikväll, vad ska vi göra",
    )
    t.check()
    assert "Är du i fara just nu? Ring 112.\nInte akut: polisen på 114 14." in said
    assert "Be dem om en inbjudan till Trygg" in said
    assert await alert_count(demo_app) == 0  # nobody to alert: the numbers instead
