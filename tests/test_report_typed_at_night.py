"""Anna, at night, types every answer of her report instead of pressing a button. At "Vem
gäller det?" she writes what happened ("En man stod utanför mitt hus och skrek att han ska
döda mig"): it was kept as "Vad hände" and the same question came again, as often as she
wrote. Words of harm done to her now answer it ("Jag tolkade det som: Det hände mig.").
Her "igår kväll runt 22, utanför mitt hus på Storgatan 5" at a question with options was kept
there as "Annat": a time with its place is now "När och var". A bare "ja" at "Vad var det?"
was added to her story: it now answers nothing, and she is told so."""

from __future__ import annotations

from typing import Any

import pytest

from bot.app import App
from conversations.report.form import ReportStep as S
from conversations.report.hooks import harmed_herself
from tests.conftest import Chat
from tests.golden import Transcript
from tests.reporting import open_step
from tests.test_report import answers

STORY = "En man stod utanför mitt hus och skrek att han ska döda mig. Han hade en kniv."
WHEN = "igår kväll runt 22, utanför mitt hus på Storgatan 5"


@pytest.mark.parametrize(
    ("handle", "typed", "said"),
    [
        ("anna", STORY, "Jag tolkade det som: Det hände mig."),
        ("anna", "Jag blev hotad av en man i affären igår kväll", "Jag tolkade det som: Det"),
        ("anna", "Min man Erik hotade mig igen igår kväll hemma", "Jag tolkade det som: Det"),
        ("bo", "Someone threatened to kill me outside my house last night", "I took that as"),
        ("bo", "I was threatened by a man at the shop yesterday evening", "I took that as"),
    ],
)
async def test_harm_done_to_her_answers_whom_and_keeps_the_story(
    demo_app: App, chat: Any, handle: str, typed: str, said: str
) -> None:
    person: Chat = chat(handle)
    await person.say("/rapportera")
    reply = await person.say(typed)
    assert reply.startswith(said), reply
    stored = await answers(demo_app, handle)
    assert stored["who"]["choice"] == "self"
    assert stored["what"]["text"] == typed
    assert await open_step(person) not in (S.WHO, None)


@pytest.mark.parametrize(
    "typed",
    [
        "Han sa till mig att han ska döda Erik",  # she was told; Erik was threatened
        "Erik ringde mig och berättade att någon hotat honom",
        "Någon skrev till mig att min dotter ska dö",
        "Igår blev jag och min man Erik hotade av en granne",  # both: she chooses
    ],
)
def test_words_spoken_to_her_are_not_harm_done_to_her(typed: str) -> None:
    assert not harmed_herself(typed)


async def test_a_time_with_its_place_at_a_question_with_options_is_when_and_where(
    demo_app: App, chat: Any
) -> None:
    anna: Chat = chat("anna")
    await anna.say("/rapportera")
    await anna.say(STORY)
    await anna.say("ledamot i KS")
    reply = await anna.say(WHEN)  # at "Vad tror du att det hänger ihop med?"
    assert "Jag sparade det som ”När och var”." in reply, reply
    assert "Annat" not in reply
    stored = await answers(demo_app, "anna")
    assert stored["when"]["text"] == WHEN
    assert "text" not in stored.get("category", {})


async def test_a_bare_yes_at_a_question_without_one_answers_nothing(
    demo_app: App, chat: Any
) -> None:
    anna: Chat = chat("anna")
    await anna.say("/rapportera")
    await anna.say(STORY)
    await anna.say("ledamot i KS")
    await anna.say(WHEN)
    await anna.say("vet inte")
    await anna.say("nej")  # nothing to add to what happened
    assert await open_step(anna) is S.NATURE
    reply = await anna.say("ja")
    assert reply.startswith("”ja” svarar inte på den här frågan."), reply
    stored = await answers(demo_app, "anna")
    assert stored["what"]["text"] == STORY  # not "…\nja"
    assert "_notes" not in stored  # a bare "ja" tells Pia nothing: not kept beside it
    assert await open_step(anna) is S.NATURE


async def test_the_report_typed_at_night(demo_app: App) -> None:
    t = Transcript("report_typed_at_night_sv", demo_app)
    anna = t.person("anna")
    for line in ("/rapportera", STORY, "ledamot i KS", WHEN, "vet inte", "nej", "ja"):
        await t.say(anna, line)
    for line in ("hot om våld, personligen", "klar", "nej", "vet inte vem det var"):
        await t.say(anna, line)
    t.check()
    assert t.text().count("Vem gäller det?") == 1
    stored = await answers(demo_app, "anna")
    assert stored["nature"]["choices"] == ["threat", "in_person"]  # not added to the story
    assert stored["what"]["text"] == STORY
