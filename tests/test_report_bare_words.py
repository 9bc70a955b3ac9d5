"""Bare words typed in a report. Anna's "nej" or "vet inte" at "Vilket uppdrag har du?" was
kept as her assignment ("Uppdrag: nej"): it now skips the question, and she is told so; a
bare "ja" there answers nothing, and she is asked again. A bare "ja", "ok" or "tack" typed
where it answered nothing was kept beside the report, and Pia read "Också skrivet: ja":
courtesy and yes alone are not kept as words of the report."""

from __future__ import annotations

from typing import Any

import pytest

from bot.app import App
from conversations.report.form import ReportStep as S
from tests.conftest import Chat
from tests.golden import Transcript
from tests.reporting import open_step
from tests.test_report import answers, only_report

STORY = "Ett sms i kväll: han vet var jag bor och att jag ska akta mig."


@pytest.mark.parametrize("typed", ["nej", "Nej.", "vet inte", "inget", "vill inte säga"])
async def test_a_bare_no_at_the_assignment_skips_it(demo_app: App, chat: Any, typed: str) -> None:
    anna: Chat = chat("anna")
    await anna.say("/rapportera")
    await anna.press("opt:self")
    assert await open_step(anna) is S.ASSIGNMENT
    reply = await anna.say(typed)
    assert reply.startswith("Jag tolkade det som: Hoppa över.\n"), reply
    assert "Uppdrag" not in reply
    stored = await answers(demo_app, "anna")
    assert stored["assignment"] is None  # not "nej"
    assert typed not in stored.get("_notes", [])
    assert await open_step(anna) is S.CATEGORY


async def test_a_bare_no_at_the_assignment_in_english(demo_app: App, chat: Any) -> None:
    bo: Chat = chat("bo")
    await bo.say("/report")
    await bo.press("opt:self")
    reply = await bo.say("don't know")
    assert reply.startswith("I took that as: Skip.\n"), reply
    assert (await answers(demo_app, "bo"))["assignment"] is None


async def test_a_bare_yes_at_the_assignment_answers_nothing(demo_app: App, chat: Any) -> None:
    anna: Chat = chat("anna")
    await anna.say("/rapportera")
    await anna.press("opt:self")
    reply = await anna.say("ja")
    assert reply.startswith("”ja” svarar inte på den här frågan."), reply
    assert "Vilket uppdrag har du?" in reply
    assert "assignment" not in await answers(demo_app, "anna")
    assert await open_step(anna) is S.ASSIGNMENT
    await anna.say("Ledamot i byggnadsnämnden")  # an assignment is still an assignment
    assert (await answers(demo_app, "anna"))["assignment"] == {"text": "Ledamot i byggnadsnämnden"}


@pytest.mark.parametrize("typed", ["ja", "ok", "tack", "Ja tack!", "yes", "thanks"])
async def test_a_bare_yes_or_thanks_is_not_kept_beside_the_report(
    demo_app: App, chat: Any, typed: str
) -> None:
    anna: Chat = chat("anna")
    await anna.say("/rapportera")
    await anna.press("opt:self")
    await anna.press("nav:skip")
    await anna.press("opt:party")
    await anna.say(STORY)
    assert await open_step(anna) is S.NATURE
    reply = await anna.say(typed)
    assert "svarar inte på den här frågan" in reply, reply
    assert "_notes" not in await answers(demo_app, "anna")
    assert await open_step(anna) is S.NATURE


async def test_words_that_say_something_are_still_kept_beside_the_report(
    demo_app: App, chat: Any
) -> None:
    anna: Chat = chat("anna")
    await anna.say("/rapportera")
    await anna.press("opt:self")
    await anna.press("nav:skip")
    await anna.press("opt:party")
    await anna.say(STORY)
    await anna.say("nej")  # "Vad var det?": no option says no; her word is kept
    assert (await answers(demo_app, "anna"))["_notes"] == ["nej"]


async def _at(anna: Chat, step: S) -> None:
    """Start a report with her story, then skip on to ``step``."""
    await anna.say("/rapportera")
    await anna.press("opt:self")
    await anna.press("nav:skip")
    await anna.press("opt:party")
    await anna.say(STORY)
    for _ in range(9):
        if await open_step(anna) is step:
            return
        await anna.press("nav:skip")
    assert await open_step(anna) is step


async def _at_more(anna: Chat) -> None:
    await _at(anna, S.MORE)


@pytest.mark.parametrize("typed", ["tack", "Tack så mycket!", "thanks"])
async def test_thanks_at_tell_me_more_is_nothing_more(demo_app: App, chat: Any, typed: str) -> None:
    anna: Chat = chat("anna")
    await _at_more(anna)
    reply = await anna.say(typed)
    assert "Mer: Inget mer" in reply and f"Mer: {typed}" not in reply, reply


async def test_yes_at_tell_me_more_asks_for_the_words(demo_app: App, chat: Any) -> None:
    anna: Chat = chat("anna")
    await _at_more(anna)
    reply = await anna.say("ja")  # "Mer: ja" in the report
    assert reply.startswith("Skriv det här, eller skicka foton och skärmdumpar.\n"), reply
    assert "more" not in await answers(demo_app, "anna")
    reply = await anna.say("Han har skrivit till mig förut också.")
    assert "Mer: Han har skrivit till mig förut också." in reply, reply


async def _typed_report(t: Transcript, handle: str, lines: tuple[str, ...]) -> None:
    person = t.person(handle)
    for line in lines:
        await t.say(person, line)
    await t.deliver()


SV = ("/rapportera", "1", "ja", "nej", "1", STORY, "ja", "hot på sms", "igår 22.40 hemma")
SV_END = ("nej", "okänd", "vet inte", "tack", "nej", "vet inte", "inte än", "Skrämmande", "Ja")
SV_MORE = ("ja", "Han har skrivit till mig förut också.", "tack")
EN = ("/report", "1", "yes", "don't know", "1", "A text tonight: he knows where I live.", "ok")
EN_END = ("threat by sms", "yesterday 22:40 at home", "no", "unknown", "don't know", "thanks")


async def test_bare_words_in_a_report_sv(demo_app: App) -> None:
    t = Transcript("report_bare_words_sv", demo_app)
    await _typed_report(t, "anna", (*SV, *SV_END, *SV_MORE, "Skicka"))
    ref = (await only_report(demo_app, "anna")).ref
    t.note("Pia opens the case")
    await t.say(t.person("pia"), f"/arende {ref}")
    await t.say(t.person("pia"), "Visa rapporten")
    t.check()
    text = t.text()
    assert "Uppdrag: nej" not in text and "Också skrivet" not in text
    assert "Jag tolkade det som: Hoppa över." in text


async def test_bare_words_in_a_report_en(demo_app: App) -> None:
    t = Transcript("report_bare_words_en", demo_app)
    ending = ("no", "don't know", "not yet", "Frightening", "Yes", "yes", "He wrote before.")
    ending += ("thanks", "Send")
    await _typed_report(t, "bo", (*EN, *EN_END, *ending))
    ref = (await only_report(demo_app, "bo")).ref
    t.note("Britt opens the case")
    await t.say(t.person("britt"), f"/case {ref}")
    await t.say(t.person("britt"), "Show the report")
    t.check()
    text = t.text()
    assert "Assignment: don't know" not in text and "Also written" not in text
    assert "I took that as: Skip." in text


async def _at_category(person: Chat) -> None:
    """Start a report about herself and skip on to the category."""
    await person.say("/rapportera")
    await person.press("opt:self")
    await person.press("nav:skip")
    assert await open_step(person) is S.CATEGORY


@pytest.mark.parametrize(
    ("handle", "typed"),
    [
        *(("anna", "vet inte vem"), ("anna", "jag vet inte"), ("anna", "ingen aning")),
        *(("bo", "I don't know who"), ("bo", "no idea"), ("bo", "not sure")),
    ],
)
async def test_not_knowing_at_the_category_is_dont_know(
    demo_app: App, chat: Any, handle: str, typed: str
) -> None:
    """Bo's "I don't know who" was kept as "Category: I don't know who" (Other); the
    question has "Don't know"."""
    person: Chat = chat(handle)
    await _at_category(person)
    await person.say(typed)
    assert (await answers(demo_app, handle))["category"]["choice"] == "unknown"


@pytest.mark.parametrize(
    ("handle", "typed", "choice"),
    [
        *(
            ("anna", "mitt uppdrag", "assignment"),
            ("anna", "Mitt kommunala uppdrag.", "assignment"),
        ),
        *(("bo", "my assignment", "assignment"), ("bo", "representing the party", "party")),
    ],
)
async def test_the_category_in_her_own_short_words(
    demo_app: App, chat: Any, handle: str, typed: str, choice: str
) -> None:
    """ "mitt uppdrag" and Bo's "my assignment" were kept as "Annat" / "Other": Pia read
    "Kategori: mitt uppdrag" and the unit, which the plan alerts for the assignment, was not."""
    person: Chat = chat(handle)
    await _at_category(person)
    await person.say(typed)
    assert (await answers(demo_app, handle))["category"]["choice"] == choice


@pytest.mark.parametrize(
    ("typed", "meant", "choice"),
    [
        ("nej", "Inte skrämmande", "not_frightening"),
        ("Nej, inte direkt.", "Inte skrämmande", "not_frightening"),
        ("ja", "Skrämmande", "frightening"),
    ],
)
async def test_yes_or_no_at_frightening_or_not_names_the_option(
    demo_app: App, chat: Any, typed: str, meant: str, choice: str
) -> None:
    anna: Chat = chat("anna")
    await _at(anna, S.EXPERIENCE)
    reply = await anna.say(typed)  # "Skrämmande eller inte?": it was "Upplevelse: nej"
    assert reply.startswith(f"Jag tolkade det som: {meant}.\n"), reply
    assert (await answers(demo_app, "anna"))["experience"]["choice"] == choice
    assert await open_step(anna) is S.SERIOUS  # then: seriously meant, asked on its own


@pytest.mark.parametrize(
    ("typed", "meant", "choice", "then"),
    [
        ("ja", "Jag tolkade det som: Jag vet vem det är.\nVad heter", "known", S.PERP_NAME),
        ("jag vet vem det är", "Vad heter personen?", "known", S.PERP_NAME),  # the label
        ("nej", "Jag tolkade det som: Okänd.\nBeskriv", "unknown", S.PERP_DESC),
    ],
)
async def test_yes_or_no_at_who_did_it_names_the_option(
    demo_app: App, chat: Any, typed: str, meant: str, choice: str, then: S
) -> None:
    """ "ja" at "Vem gjorde det?" was kept as "Förövare: ja", which told Pia nothing; "nej"
    already meant "Okänd"."""
    anna: Chat = chat("anna")
    await _at(anna, S.PERPETRATOR)
    reply = await anna.say(typed)
    assert reply.startswith(meant), reply
    assert (await answers(demo_app, "anna"))["perpetrator"]["choice"] == choice
    assert await open_step(anna) is then
