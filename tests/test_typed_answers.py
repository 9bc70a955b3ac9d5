"""Typed answers to a question with several choices, read as people write them: the words
of a longer choice name only that choice (language.md rule 5: say what was understood,
and understand it right)."""

from __future__ import annotations

from typing import Any

import pytest

from conversations.report.form import BY_STEP, ReportStep
from conversations.report.typed import asks_back, read
from tests.reporting import SKIPPED, Script, write_report

NATURE = BY_STEP[ReportStep.NATURE]
SV = [
    ("harassment", "Trakasserier, stalkning"),
    ("threat", "Hot om våld"),
    ("violence", "Våld, skadegörelse"),
    ("hate", "Hat"),
    ("phone", "Telefonsamtal"),
    ("in_person", "Personligt framfört"),
]
EN = [
    ("threat", "Threat of violence"),
    ("violence", "Violence, vandalism"),
    ("hate", "Hate"),
    ("phone", "Phone call"),
]


@pytest.mark.parametrize(
    ("options", "typed", "chosen"),
    [
        (SV, "hot om våld, telefon", ["threat", "phone"]),  # not also "Våld, skadegörelse"
        (SV, "våld", ["violence"]),
        (SV, "hot om våld och sedan våld", ["threat", "violence"]),
        (SV, "trakasserier och personligt", ["harassment", "in_person"]),
        (EN, "threat of violence by phone", ["threat", "phone"]),
        (EN, "vandalism and hate", ["violence", "hate"]),
    ],
)
def test_the_words_of_a_longer_choice_name_only_it(
    options: list[tuple[str, str]], typed: str, chosen: list[str]
) -> None:
    reading = read(NATURE, options, typed)
    assert reading.answer["choices"] == chosen
    assert reading.answer["text"] == typed  # the words are kept as written


MEASURES = BY_STEP[ReportStep.MEASURES]
MEASURE_OPTIONS = [
    ("police_report", "Police report"),
    ("protection", "Protection measures for me"),
    ("none", "Nothing yet"),
]


@pytest.mark.parametrize(
    ("question", "options", "typed", "chosen"),
    [
        # a question asked in the answer decides nothing: she has not reported it
        (MEASURES, MEASURE_OPTIONS, "not yet... should i call the police now??", ["none"]),
        (MEASURES, MEASURE_OPTIONS, "Inte ännu. Borde jag polisanmäla?", ["none"]),
        (MEASURES, MEASURE_OPTIONS, "Polisanmälan är gjord. Vad händer nu?", ["police_report"]),
        (MEASURES, MEASURE_OPTIONS, "not yet", ["none"]),
        (NATURE, [("harassment", "Harassment, stalking"), *EN], "harassment", ["harassment"]),
    ],
)
def test_what_is_asked_or_denied_is_not_ticked(
    question: object, options: list[tuple[str, str]], typed: str, chosen: list[str]
) -> None:
    reading = read(question, options, typed)  # type: ignore[arg-type]
    assert reading.answer["choices"] == chosen


@pytest.mark.parametrize("typed", ["1, 3 och 4", "1,3,4", "1 3 and 4", "4, 1 & 3"])
def test_the_numbers_of_choices_tick_them_as_presses_would(typed: str) -> None:
    """Signal and the terminal number the choices: "1, 3 och 4" had been glued onto the
    story as words."""
    reading = read(NATURE, SV, typed)
    assert reading.answer == {"choices": ["harassment", "violence", "hate"]}
    assert reading.numbered and reading.matched


@pytest.mark.parametrize("typed", ["1, 9", "2024", "3 barn och 2 vuxna"])
def test_other_numbers_are_words(typed: str) -> None:
    reading = read(NATURE, SV, typed)
    assert not reading.numbered and reading.answer.get("text") == typed


async def at_what_happened(chat: Any) -> Any:
    """Anna, reporting what happened to her, at the question "Vad hände?"."""
    anna = chat("anna")
    for typed in ("/rapportera", "det hände mig", "Ledamot i byggnadsnämnden"):
        await anna.say(typed)
    await anna.press("opt:party")
    return anna


async def test_numbers_right_after_the_story_tick_and_are_not_added_to_it(chat: Any) -> None:
    anna = await at_what_happened(chat)
    await anna.say("Han skrev i ett sms att han vet var jag bor.")
    said = await anna.say("1, 3 och 9")  # within seconds of the story
    assert said.startswith("Jag kryssade: Trakasserier, stalkning, Hot om våld, Sms/mms."), said


async def test_a_choice_read_from_words_is_said_back(chat: Any) -> None:
    """ "dunno. maybe someone in my party" had made the case internal without a word."""
    bo = chat("bo")
    for typed in ("/report", "it happened to me", "member of the planning committee"):
        await bo.say(typed)
    said = await bo.say("dunno. maybe someone in my party")
    assert said.startswith("I took that as: Someone within my own party."), said
    assert "What happened?" in said  # and the report goes on


async def test_a_time_changed_at_the_summary_is_read_from_the_new_words(chat: Any) -> None:
    """ "nej, det var i går kväll 22.15" was added to "i dag kl 22.15": the first time in the
    joined words won, and the echo said "i dag kl. 22.15" again."""
    anna = chat("anna")
    skip = [step for step in SKIPPED if step is not ReportStep.WHEN]
    script = Script(skip=skip, answers={ReportStep.WHEN: "i dag kl 22.15, hemma"})
    await write_report(anna, script, submit=False)
    await anna.press("edit:when")
    said = await anna.say("nej, det var i går kväll 22.15")
    assert said.startswith("Jag skrev: i går kl. 22.15."), said


async def test_a_question_about_the_question_is_answered_and_kept_not_taken_as_the_answer(
    chat: Any,
) -> None:
    """ "vad menas med det?" was stored as her answer and nobody explained the question."""
    anna = chat("anna")
    for typed in ("/rapportera", "det hände mig", "Ledamot i byggnadsnämnden"):
        await anna.say(typed)
    said = await anna.say("vad menas med det?")
    assert said.startswith("Svaret avgör vem som får rapporten. Partiet:"), said
    assert "Jag har sparat din fråga med rapporten.\nVad tror du att det hänger ihop med?" in said
    assert "opt:party" in [i for i, _, _ in anna.buttons]  # asked again, nothing chosen
    assert "Vad hände?" in await anna.say("partiet")
    script = Script(skip=[s for s in SKIPPED if s is not ReportStep.WHAT], category="")
    summary = await write_report(anna, script, submit=False, fresh=False)
    assert "vad menas med det?" in summary  # kept beside the report, for her contact
    assert "Kategori: Att jag representerar partiet" in summary, summary


async def test_a_question_without_its_own_explanation_gets_a_kind_general_one(chat: Any) -> None:
    bo = chat("bo")
    for typed in ("/report", "it happened to me", "member of the planning committee", "party"):
        await bo.say(typed)
    said = await bo.say("what do you mean")
    assert said.startswith(
        "Answer as best you can, in your own words. The person who gets the report can go "
        "through the question with you.\nI kept your question with the report.\nWhat happened?"
    ), said


async def test_an_answer_beginning_like_taking_an_alert_is_the_answer(chat: Any) -> None:
    """ "Jag tar det här på största allvar, …" was read as "Jag tar det" (take the alert),
    answered "Det finns inget larm som väntar på att du tar det." and thrown away."""
    anna = await at_what_happened(chat)
    story = "Jag tar det här på största allvar, han sa att han vet var mina barn går i skolan"
    said = await anna.say(story)
    assert "larm" not in said, said
    summary = await write_report(
        anna,
        Script(skip=[s for s in SKIPPED if s is not ReportStep.WHAT], what=()),
        fresh=False,
        submit=False,
    )
    assert story in summary, summary


async def test_a_story_with_a_question_in_it_is_the_answer(chat: Any) -> None:
    """ "vad menar han med att jag ska passa mig? han skrev det på facebook …" had been taken
    for a question about the question, and kept beside the report instead of as the story."""
    anna = await at_what_happened(chat)
    story = "vad menar han med att jag ska passa mig? han skrev det på facebook i går, till mig?"
    said = await anna.say(story)
    assert "Jag har sparat din fråga" not in said, said


@pytest.mark.parametrize(
    ("typed", "asks"),
    [
        ("what does faction mean?", True),
        ("vad menas med falang?", True),
        ("ja, vad är en falang?", True),
        ("Vad betyder det", True),
        ("I don't understand the question?", True),
        ("He called me a traitor, what does that mean?", False),  # the story, asked on
        ("what does he want? he texts me every night", False),
        ("vad menar han med att jag ska passa mig? han skrev det på facebook?", False),
    ],
)
def test_a_question_about_the_question_is_told_from_a_story(typed: str, asks: bool) -> None:
    assert asks_back(typed) is asks
