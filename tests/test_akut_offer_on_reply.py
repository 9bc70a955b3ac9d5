"""Words typed at /akut that are not the alert itself ("någon står utanför mitt hus", "ok
tack") are answered with the alert as a choice on that same answer: "välj ovan" sent her to
an older message, whose numbered choices no longer count on Signal. The answer is short:
kept, who reads it, and the question (not also when her case goes on)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from bot.app import App
from bot.transports.console import CHANNEL, ConsoleTransport
from tests.conftest import Chat, FakeClock
from tests.golden import Transcript
from tests.test_alerts import submit_report
from tests.test_core import alert_count
from tests.test_transcripts_list import bind, report


async def test_outside_my_house_with_her_case_not_taken_offers_the_alert_itself(
    chat: Any, demo_app: App
) -> None:
    sent = await submit_report(chat, "anna")  # 23:00, nobody has taken it
    anna: Chat = chat("anna")
    await anna.say("/akut")
    said = await anna.say("någon står utanför mitt hus")
    assert said == (
        "I fara nu: ring 112.\n"
        f"Jag har sparat det du skrev i ditt ärende {sent.ref} och bett Pia Lind att läsa det "
        "nu.\nSka jag larma Pia Lind nu?\n[1] Larma Pia Lind"
    ), said
    assert anna.last_buttons == ["akut:alert"]
    assert [label for _, label, _ in anna.buttons] == ["Larma Pia Lind"]
    assert "Jag har larmat Pia Lind" in await anna.press("akut:alert")
    assert await alert_count(demo_app) == 2  # her report's, and this one


async def test_the_typed_word_still_alerts(chat: Any, demo_app: App) -> None:
    anna: Chat = chat("anna")
    await anna.say("/akut")
    said = await anna.say("någon står utanför mitt hus")
    assert said.endswith(
        "Jag sparade det du skrev i en rapport som du kan fortsätta med: /rapportera.\n"
        "Ska jag larma Pia Lind nu?\n[1] Larma Pia Lind"
    ), said
    assert anna.last_buttons == ["akut:alert"]
    assert "Jag har larmat Pia Lind" in await anna.say("larma")
    assert await alert_count(demo_app) == 1


async def test_in_english(chat: Any) -> None:
    bo: Chat = chat("bo")
    await bo.say("/akut")
    said = await bo.say("someone is outside my house")
    assert said.endswith("\nShall I alert Britt Holm now?\n[1] Alert Britt Holm"), said
    assert "choose above" not in said
    assert [label for _, label, _ in bo.buttons] == ["Alert Britt Holm"]


async def test_on_numbered_choices_it_asks_for_the_number(chat: Any, demo_app: App) -> None:
    demo_app.core.capabilities[CHANNEL] = replace(ConsoleTransport.capabilities, has_buttons=False)
    anna: Chat = chat("anna")
    await anna.say("/akut")
    said = await anna.say("ok tack")
    assert said == (
        "I fara nu: ring 112.\nSka jag larma Pia Lind nu? Svara med siffran 1.\n[1] Larma Pia Lind"
    ), said
    assert anna.last_buttons == ["akut:alert"]


async def test_after_naming_the_party_the_unit_is_offered(chat: Any) -> None:
    anna: Chat = chat("anna")
    await anna.say("Per Ek hotar mig")
    said = await anna.say("ok")
    assert said.endswith("Ska jag larma säkerhetsenheten nu?\n[1] Larma säkerhetsenheten"), said
    assert anna.last_buttons == ["akut:unit"]


async def test_outside_my_house_at_night_in_english(demo_app: App, clock: FakeClock) -> None:
    """Bo's case is open and nobody has taken it; at night he writes at /akut that someone
    is outside: kept with his case, Britt asked to read it, and the alert offered here."""
    t = Transcript("akut_words_with_open_case_en", demo_app)
    await bind(t, "britt")
    await report(t, "bo", "party")
    await t.deliver()
    clock.advance(hours=1)
    bo = t.person("bo")
    await t.say(bo, "/akut")
    said = await t.say(bo, "someone is outside my house")
    await t.deliver()
    await t.say(bo, "alert")
    await t.deliver()
    t.check()
    assert said.endswith("Shall I alert Britt Holm now?\n[1] Alert Britt Holm"), said
    assert "goes on to the next" not in said
