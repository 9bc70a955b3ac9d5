"""At "När och var hände det?", days as officials type them: "i julas", "för ett par veckor
sedan" and "den tredje november" were no day (she was asked "Vilken dag hände det?" as if
she had said none), and Bo's "tonight at 23", typed at 06.59 about the night just gone, was
"a time that has not come yet" and not noted."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from bot.app import App
from conversations.report.form import ReportStep
from tests.conftest import Chat, FakeClock
from tests.reporting import Script, write_report
from tests.test_case import SKIPPED
from tests.test_report import answers, only_report, told


@pytest.mark.parametrize(
    ("typed", "said", "day"),
    [
        ("i julas, hemma", "Jag skrev: 24 december 2025.", "2025-12-24"),
        ("för ett par veckor sedan", "Jag skrev: omkring 8 november.", "2026-11-08"),
        ("den tredje november", "Jag skrev: 3 november.", "2026-11-03"),
    ],
)
async def test_a_day_as_she_types_it_is_noted_and_said_back(
    demo_app: App, chat: Any, clock: FakeClock, typed: str, said: str, day: str
) -> None:
    anna: Chat = chat("anna")  # the clock: Sunday 22 November, 23.00 in Sjövik
    await told(anna, "Ett sms med hot.")
    await anna.press("done")
    reply = await anna.say(typed)
    assert said in reply and "Vilken dag" not in reply, reply
    assert (await answers(demo_app, "anna"))["when"]["day"] == day


async def test_tonight_typed_in_the_morning_is_the_night_just_gone(
    demo_app: App, chat: Any, clock: FakeClock
) -> None:
    clock.now = datetime(2026, 11, 23, 5, 59, tzinfo=UTC)  # Monday 06.59 in Sjövik
    bo: Chat = chat("bo")
    await told(bo, "Someone kicked my door.", "/report")
    await bo.press("done")
    reply = await bo.say("tonight at 23, at home")
    assert "I noted: yesterday 23:00." in reply and "not come yet" not in reply, reply
    stored = (await answers(demo_app, "bo"))["when"]
    assert (stored["day"], stored["time"]) == ("2026-11-22", "23:00")


async def test_a_rough_day_is_kept_as_rough_in_the_report_pia_reads(
    demo_app: App, chat: Any, clock: FakeClock
) -> None:
    """ "för ett par veckor sedan" was said back, and shown to Pia, as "8 november": a date
    Anna never gave. It is "omkring 8 november" in both, beside her own words."""
    script = Script(
        what=("En man skrek åt mig utanför kommunhuset.",),
        answers={ReportStep.WHEN: "för ett par veckor sedan"},
        skip=[s for s in SKIPPED if s is not ReportStep.WHEN],
        choose=None,
    )
    sent = await write_report(chat("anna"), script)
    assert "Din rapport är skickad" in sent, sent
    stored = (await answers(demo_app, "anna"))["when"]
    assert (stored["day"], stored.get("about")) == ("2026-11-08", True)
    case = await only_report(demo_app, "anna")
    read = await chat("pia").press(f"show:{case.id}")
    assert "för ett par veckor sedan – omkring 8 november" in read, read
