"""Words she typed before the report (at the menu, at /akut: "Jag sparade det du skrev i en
rapport … /rapportera") filled "Vad hände?", and that question was then never put: the one
line she typed at 23:00 was all the report said of what happened. Now "Vad hände?" is still
asked, showing her words as already there, with "Nej, det räcker" to keep them as they are;
what she writes there is added to them."""

from __future__ import annotations

from typing import Any

from bot.app import App
from conversations.report.form import ReportStep as S
from tests.conftest import Chat
from tests.golden import Transcript
from tests.reporting import open_step
from tests.test_report import answers

TOLD = "Någon skrev att de vet var jag bor och att jag ska akta mig"
ASKED = (
    "Det du skrev finns redan med:\n”{words}”\nVill du lägga till något? Till exempel exakt "
    "vad som sades eller skrevs, och hur.\n[1] Nej, det räcker  [2] Tillbaka"
)


async def _to_what_happened(person: Chat, *before: str) -> str:
    """Go from /rapportera to "Vad hände?" (herself, her assignment, the party)."""
    reply = ""
    for line in ("/rapportera", "Det hände mig", "ledamot i kommunstyrelsen", "Partiet", *before):
        reply = await person.say(line)
    return reply


async def test_words_kept_at_the_menu_are_shown_and_more_is_asked(demo_app: App) -> None:
    t = Transcript("report_words_kept_earlier_sv", demo_app)
    anna = t.person("anna")
    t.note("Anna types at the menu late at night, before any report")
    await t.say(anna, TOLD)
    t.note("She starts the report; at “Vad hände?” her words are there, and she adds to them")
    for line in ("/rapportera", "Det hände mig", "ledamot i kommunstyrelsen", "Partiet"):
        asked = await t.say(anna, line)
    await t.say(anna, "Det kom som sms från ett okänt nummer.")
    t.check()
    assert asked == ASKED.format(words=TOLD), asked
    assert await open_step(anna) is S.NATURE
    assert (await answers(demo_app, "anna"))["what"] == {
        "text": f"{TOLD}\nDet kom som sms från ett okänt nummer."
    }


async def test_no_that_is_enough_keeps_her_words_as_they_are(demo_app: App, chat: Any) -> None:
    for typed in ("Nej, det räcker", "nej"):  # pressed, or said in her own words
        anna: Chat = chat("anna")
        await anna.say("/avbryt")
        await anna.say(TOLD)
        asked = await _to_what_happened(anna)
        assert asked == ASKED.format(words=TOLD), asked
        reply = await anna.say(typed)
        assert reply.startswith("Vad var det, och hur kom det?"), reply
        assert (await answers(demo_app, "anna"))["what"] == {"text": TOLD}
        await anna.say("/avbryt")
        await anna.say("Ja, radera")


async def test_words_kept_at_akut_are_asked_about_too_in_english(demo_app: App, chat: Any) -> None:
    bo: Chat = chat("bo")
    await bo.say("/akut")
    told = "A man shouted at me outside the town hall"
    await bo.say(told)
    for line in ("/report", "It happened to me", "councillor", "The party"):
        asked = await bo.say(line)
    assert asked.startswith(f"What you wrote is already in the report:\n“{told}”\n"), asked
    assert "Do you want to add anything?" in asked and "[1] No, that's enough" in asked
    await bo.say("No, that's enough")
    assert await open_step(bo) is S.NATURE
