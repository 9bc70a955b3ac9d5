"""What happened, typed before it is asked: "jag fick ett mejl där någon skriver att de ska
bränna ner mitt hus" at "Vem gäller det?" was put aside as a note and the whole start asked
again; at "Vad tror du att det hänger ihop med?" it was kept as "Annat: jag fick ett mejl …"
and "Vad hände?" came after as if she had said nothing. It is kept as what happened, the
question she is at is asked again, and "Vad hände?" is not asked."""

from __future__ import annotations

from typing import Any

from bot.app import App
from conversations.report.form import ReportStep
from tests.conftest import Chat
from tests.reporting import open_step
from tests.test_report import answers

STORY = "jag fick ett mejl där någon skriver att de ska bränna ner mitt hus"


async def test_a_story_at_the_first_question_is_what_happened(demo_app: App, chat: Any) -> None:
    anna: Chat = chat("anna")
    await anna.say("/rapportera")
    reply = await anna.say(STORY)
    assert reply.startswith("Jag sparade det som ”Vad hände”.\nVem gäller det?"), reply
    assert (await answers(demo_app, "anna"))["what"] == {"text": STORY}
    await anna.say("Det hände mig")
    await anna.say("ledamot i kommunfullmäktige")
    reply = await anna.say("Att jag representerar partiet")
    assert "Vad hände?" not in reply and await open_step(anna) is ReportStep.NATURE, reply


async def test_a_story_at_the_category_is_not_kept_as_other(demo_app: App, chat: Any) -> None:
    bo: Chat = chat("bo")
    await bo.say("/report")
    await bo.say("It happened to me")
    await bo.say("councillor, social services board")
    story = "I got an email saying they will burn my house down"
    reply = await bo.say(story)
    assert reply.startswith("I kept that as “What happened”.\nWhat do you think"), reply
    stored = await answers(demo_app, "bo")
    assert stored["what"] == {"text": story} and "category" not in stored


async def test_a_reason_at_the_category_is_still_its_answer(demo_app: App, chat: Any) -> None:
    anna: Chat = chat("anna")
    await anna.say("/rapportera")
    await anna.say("Det hände mig")
    await anna.say("ledamot i kommunfullmäktige")
    reply = await anna.say("att jag röstade nej till vindkraften i höstas")
    assert "som ”Annat”" in reply and await open_step(anna) is ReportStep.WHAT, reply


async def test_a_story_at_the_assignment_is_what_happened(demo_app: App, chat: Any) -> None:
    """Right after "Det hände mig" she told what happened: it was kept, unsaid, as her
    assignment ("Uppdrag: Han skrev till mig …"), and "Vad hände?" came later as if she had
    said nothing."""
    anna: Chat = chat("anna")
    await anna.say("/rapportera")
    await anna.say("Det hände mig")
    story = "Han skrev till mig på Facebook att han vet var jag bor och att jag ska akta mig."
    reply = await anna.say(story)
    assert reply.startswith("Jag sparade det som ”Vad hände”.\nVilket uppdrag har du?"), reply
    stored = await answers(demo_app, "anna")
    assert stored["what"] == {"text": story} and "assignment" not in stored
    assert "Vad tror du" in await anna.say("ledamot i byggnadsnämnden")
    assert (await answers(demo_app, "anna"))["assignment"] == {"text": "ledamot i byggnadsnämnden"}
