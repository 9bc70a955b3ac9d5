"""A story, a count or a span typed at "När och var hände det?" is kept as written, never
said back as a day: "En dag kom han hem till mig" was answered "Jag skrev: i går." and
"i två dagar" "Jag skrev: onsdag 2 december." (the clock: Sunday 22 November, 23.00)."""

from __future__ import annotations

from typing import Any

from bot.app import App
from conversations.report.form import ReportStep
from tests.conftest import Chat
from tests.reporting import open_step
from tests.test_report import answers, told

S = ReportStep


async def test_one_day_he_came_is_kept_and_the_day_is_asked(demo_app: App, chat: Any) -> None:
    anna: Chat = chat("anna")
    await told(anna, "Han stod utanför och skrek.")
    await anna.press("done")
    assert await open_step(anna) is S.WHEN
    reply = await anna.say("En dag kom han hem till mig")
    assert "Jag skrev" not in reply and "i går" not in reply, reply
    assert "Vilken dag hände det?" in reply, reply
    assert (await answers(demo_app, "anna"))["when"] == {"text": "En dag kom han hem till mig"}
    reply = await anna.say("i tisdags")
    assert "Jag skrev: tisdag 17 november." in reply, reply
    assert "Annat" not in reply, reply  # a day read is no "Other" too
    stored = (await answers(demo_app, "anna"))["when"]
    assert (stored["text"], stored["day"]) == ("En dag kom han hem till mig", "2026-11-17")


async def test_for_two_days_and_twice_are_no_day_in_english(demo_app: App, chat: Any) -> None:
    bo: Chat = chat("bo")
    await told(bo, "Threats on the phone.", "/report")
    await bo.press("done")
    reply = await bo.say("He called twice a day for two days, 2 st calls")
    assert "I noted" not in reply and "Which day did it happen?" in reply, reply
    assert "day" not in (await answers(demo_app, "bo"))["when"]


async def test_a_span_typed_at_the_kinds_is_not_taken_for_when(demo_app: App, chat: Any) -> None:
    """ "i två dagar" at "Vad var det, och hur kom det?" was taken as when it happened:
    "Jag skrev: fredag 20 november. Jag sparade det som ”När och var”."."""
    anna: Chat = chat("anna")
    await told(anna, "Han ringde hela tiden.")
    reply = await anna.say("i två dagar")
    assert "Jag skrev" not in reply and "När och var" not in reply, reply
    assert "when" not in await answers(demo_app, "anna")
