"""Words typed at the very first question, the choice of a language, as golden transcripts.

A person who has just opened the bot does not always press a button: a frightened one
writes what happened. The question of language must not swallow that: a cry for help gets
/akut at once, words that tell something choose the language they are written in and are
kept as the start of a report, and a language typed by its name is taken as the choice.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from bot.app import App
from conversations.report.form import ReportStep
from conversations.written_in import written_in
from storage.models import Person, Report
from storage.reports import ReportRepo
from tests.golden import Transcript
from tests.test_transcripts import PEOPLE, alerts, locale_of


async def kept_words(app: App, handle: str) -> list[str]:
    """What-happened text of the person's draft reports, opened."""
    async with app.db.unit_of_work() as session:
        person = (await session.scalars(select(Person).where(Person.handle == handle))).one()
        repo = ReportRepo(session, app.keyring)
        drafts = (
            await session.scalars(select(Report).where(Report.reporter_id == person.id))
        ).all()
        return [
            (repo.answers(draft).get(ReportStep.WHAT.value) or {}).get("text", "")
            for draft in drafts
        ]


async def test_a_cry_for_help_at_the_language_question_opens_akut(demo_app: App, chat: Any) -> None:
    t = Transcript("first_words_cry_sv", demo_app)
    eve = t.person("eve")
    await t.say(eve, "/start")
    t.note("23:00: she writes instead of pressing a button")
    said = await t.say(eve, "hjälp jag har blivit hotad")
    t.check()
    assert said.startswith(
        "Är du i fara just nu? Ring 112."
    )  # danger first, in her words' language
    assert "Välj språk med knapparna" not in said
    assert await kept_words(demo_app, "eve") == ["hjälp jag har blivit hotad"]
    assert not any(piece in t.text() for piece in PEOPLE)  # the unit's number is published
    assert await alerts(demo_app) == []  # unregistered: nobody to alert, the numbers instead

    # a cry in English on a Swedish phone is answered in English
    sam = chat("sam", locale_hint="sv")
    await sam.say("/start")
    said = await sam.say("help someone threatened me")
    assert said.startswith("Are you in danger right now? Call 112.")


async def test_words_that_tell_choose_their_language_and_are_kept(demo_app: App) -> None:
    t = Transcript("first_words_told_sv", demo_app)
    eve = t.person("eve", locale_hint="en")  # her phone runs in English; she writes Swedish
    await t.say(eve, "/start")
    said = await t.say(eve, "nån skrev elaka saker om mig på facebook igen")
    await t.say(eve, "/rapportera")
    t.check()
    # the way out first, then what was kept; then the language understood, and privacy
    assert said.startswith("I fara nu: ring 112.\nJag sparade det du skrev i en rapport")
    assert "Jag pratar svenska med dig." in said
    assert await locale_of(demo_app, "eve") == "sv"
    assert await kept_words(demo_app, "eve") == ["nån skrev elaka saker om mig på facebook igen"]


async def test_english_words_choose_english_and_a_typed_name_is_a_choice(
    demo_app: App, chat: Any
) -> None:
    t = Transcript("first_words_told_en", demo_app)
    eve = t.person("eve", locale_hint="sv")
    await t.say(eve, "/start")
    said = await t.say(eve, "someone wrote nasty things about me on facebook again")
    t.check()
    assert said.startswith("In danger now: call 112.\nI kept what you wrote in a report")
    assert "I will speak English with you." in said
    assert await locale_of(demo_app, "eve") == "en"

    sam = chat("sam")
    await sam.say("/start")
    said = await sam.say("Engelska!")  # the name of a language, typed
    assert said.startswith("I will speak English with you.")
    assert await locale_of(demo_app, "sam") == "en"


def test_the_language_of_a_message_is_told_by_its_commonest_words() -> None:
    assert written_in("hjälp jag har blivit hotad") == "sv"
    assert written_in("nån skrev att de vet var jag bor") == "sv"
    assert written_in("Någon följer efter mig") == "sv"
    assert written_in("someone is following me home") == "en"
    assert written_in("I got a threat on facebook tonight") == "en"
    assert written_in("tyska") is None
    assert written_in("facebook instagram") is None
    assert written_in("") is None


async def test_a_sentence_in_english_keeps_the_talk_in_english(demo_app: App, chat: Any) -> None:
    """Nobody chose a language: her English sentence keeps what follows in English, her
    commands too (a Swedish phone says nothing then)."""
    zed = chat("zed", locale_hint="sv")
    said = await zed.say("someone wrote nasty things about me on facebook again")
    assert said.startswith("In danger now: call 112.")
    said = await zed.say("/rapportera")
    assert said.startswith("In danger now: call 112. Everything you answer is saved"), said
    assert "What you wrote is in it, as “What happened”." in said
    assert await locale_of(demo_app, "zed") == "en"
