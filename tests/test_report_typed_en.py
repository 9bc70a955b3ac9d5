"""Bo, frightened at night, types every answer of his report in plain English. His "around
11pm, outside my house on Main Street" at "What is your assignment?" was kept as his
assignment, and "When and where" asked later as if he had said nothing ("around" before a
12-hour time was not read with it, and the assignment took any words). His "thanks" at
"Do you want to add anything?" was added to what happened. His "send" at a question was kept
as its answer ("When and where: send"). The same in Swedish."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from bot.app import App
from conversations import dates
from conversations.report.form import ReportStep as S
from tests.conftest import Chat
from tests.golden import Transcript
from tests.reporting import open_step
from tests.test_report import answers

STORY_EN = "someone threatened to kill me outside my house last night"
STORY_SV = "någon hotade att döda mig utanför mitt hus i går kväll"


def test_a_hedge_before_a_12_hour_time_is_read_with_it() -> None:
    now = datetime(2026, 11, 22, 22, 0, tzinfo=UTC)
    moment, rest = dates.understood("around 11pm, outside my house on Main Street", now, "en")
    assert moment is not None and moment.time is not None and moment.time.hour == 23
    assert "around" not in rest and "outside my house" in rest


@pytest.mark.parametrize(
    ("handle", "story", "when", "said"),
    [
        ("bo", STORY_EN, "around 11pm, outside my house on Main Street", "I kept that as “When"),
        ("anna", STORY_SV, "runt 23, utanför mitt hus på Storgatan", "Jag sparade det som ”När"),
    ],
)
async def test_a_time_and_place_at_the_assignment_is_when_and_where(
    demo_app: App, chat: Any, handle: str, story: str, when: str, said: str
) -> None:
    person: Chat = chat(handle)
    await person.say("/rapportera")
    await person.say(story)
    assert await open_step(person) is S.ASSIGNMENT
    reply = await person.say(when)
    assert said in reply, reply
    stored = await answers(demo_app, handle)
    assert stored["when"]["text"] == when and stored["when"]["time"] == "23:00"
    assert "assignment" not in stored
    assert await open_step(person) is S.ASSIGNMENT  # asked again, then not "When and where"
    await person.say("councillor" if handle == "bo" else "ledamot i KS")
    assert (await answers(demo_app, handle))["assignment"]["text"] in ("councillor", "ledamot i KS")


@pytest.mark.parametrize(
    ("handle", "story", "thanks"), [("bo", STORY_EN, "thanks"), ("anna", STORY_SV, "Tack!")]
)
async def test_thanks_after_the_story_adds_nothing_to_it(
    demo_app: App, chat: Any, handle: str, story: str, thanks: str
) -> None:
    person: Chat = chat(handle)
    for line in ("/rapportera", story, "Skip" if handle == "bo" else "Hoppa över", "4"):
        await person.say(line)  # 4: "Don't know" at the category; then her story is shown
    assert await open_step(person) is S.WHAT
    await person.say(thanks)
    assert await open_step(person) is S.NATURE
    stored = await answers(demo_app, handle)
    assert stored["what"]["text"] == story


@pytest.mark.parametrize(
    ("handle", "send", "shown"),
    [("bo", "send", "You can send it now"), ("anna", "skicka", "Du kan skicka den nu")],
)
async def test_send_typed_at_a_question_shows_the_report_to_send(
    demo_app: App, chat: Any, handle: str, send: str, shown: str
) -> None:
    person: Chat = chat(handle)
    for line in ("/rapportera", story := (STORY_EN if handle == "bo" else STORY_SV), "nav:skip"):
        await (person.press(line) if line == "nav:skip" else person.say(line))
    await person.say("4")  # "Don't know" at the category
    await person.say("no" if handle == "bo" else "nej")  # nothing to add to the story
    await person.press("done")
    assert await open_step(person) is S.WHEN
    reply = await person.say(send)
    assert reply.startswith(shown), reply
    assert await open_step(person) is S.SUMMARY
    stored = await answers(demo_app, handle)
    assert "when" not in stored and stored["what"]["text"] == story
    reply = await person.say(send)  # at the summary, the same word sends it
    assert "case" in reply or "ärende" in reply, reply


async def test_send_that_answers_the_question_still_answers_it(demo_app: App, chat: Any) -> None:
    bo: Chat = chat("bo")
    await bo.say("/rapportera")
    await bo.say(STORY_EN)
    for _ in range(20):
        step = await open_step(bo)
        if step is S.MORE:
            break
        press = {S.CATEGORY: "opt:unknown", S.WHAT: "nav:keep", S.NATURE: "done"}
        await bo.press(press.get(step, "nav:skip"))
    assert step is S.MORE, bo.text(bo.last)
    await bo.say("send")  # at "Do you want to tell me more?": "Nothing more"
    assert (await answers(demo_app, "bo"))["more"]["choice"] == "nothing"


async def test_the_report_typed_in_words_in_english(demo_app: App) -> None:
    t = Transcript("report_typed_in_words_en", demo_app)
    bo = t.person("bo")
    lines = (
        *("/report", STORY_EN, "around 11pm, outside my house on Main Street", "no", "yes"),
        *("I don't know who", "thanks", "done", "send", "send"),
    )
    for line in lines:
        await t.say(bo, line)
    t.check()
    said = t.text()
    assert "Assignment: around 11pm" not in said and "thanks" not in said.split("bo> thanks")[1]
    assert "Your report is sent: case" in said
