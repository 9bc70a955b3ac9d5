"""Anna reports for her husband Erik and answers "Vem gäller det?" with what happened: "Igår
blev min man Erik hotad av en granne". Her sentence was kept as "Vad hände" only, Erik was not
taken as the one it is about, and "Vem gäller det?" came again. Now a name after a word of
hers for someone close ("min man Erik", "my wife Anna") answers whom it is about ("Jag skrev:
det gäller Erik.") and the whole sentence is kept for "Vad hände?", where she is shown it and
asked what to add. A capital that only starts a sentence, a day, a place or "min man" alone
is no name: then she is asked again, as before."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from bot.app import App
from conversations.about import close_named
from conversations.report.form import ReportStep as S
from storage.models import Report
from tests.conftest import Chat
from tests.golden import Transcript
from tests.reporting import open_step
from tests.test_report import answers

SV = (
    "Igår blev min man Erik hotad av en granne",
    "hans fru",
    "byggnadsnämnden",
    "Partiet",
    "Han stod vid vårt staket och skrek att Erik ska passa sig.",
    "hot personligen",
    "i går kl. 18, hemma",
    "Nej",
    "Jag vet vem det är",
    "Olle Grann",
    "Hoppa över",
    "Nej",
    "Vet inte",
    "Inget ännu",
    "Skrämmande",
    "Ja",
    "Nej",
)
EN = (
    "my husband Erik was threatened yesterday",
    "his wife",
    "building committee",
    "The party",
    "A neighbour shouted over the fence that Erik should watch out.",
    "threat in person",
    "yesterday at 18:00, at home",
    "No",
    "I know who it is",
    "Olle Grann",
    "Skip",
    "No",
    "Don't know",
    "Nothing yet",
    "Frightening",
    "Yes",
    "No",
)


async def _refs(app: App) -> set[str]:
    async with app.db.unit_of_work() as session:
        sent = select(Report.ref).where(Report.submitted_at.is_not(None))
        return set(await session.scalars(sent))


async def test_a_sentence_that_names_him_answers_whom_and_is_kept_as_what_happened(
    demo_app: App,
) -> None:
    for name, handle, lines in (
        ("report_someone_sentence_sv", "anna", SV),
        ("report_someone_sentence_en", "bo", EN),
    ):
        t = Transcript(name, demo_app)
        person = t.person(handle)
        await t.say(person, "/rapportera")
        for line in lines:
            await t.say(person, line)
        before = await _refs(demo_app)
        await t.say(person, "Skicka" if handle == "anna" else "Send")
        pia = t.person("pia" if handle == "anna" else "britt")
        (ref,) = await _refs(demo_app) - before
        await t.say(pia, f"/arende {ref}")
        await t.say(pia, "Visa rapporten")
        t.check()
        said = t.text()
        assert said.count("Vem gäller det?") + said.count("Who is this about?") == 1
        assert "den som utsattes" not in said and "the person who was targeted" not in said
        assert "den det var riktat till" not in said and "the person it was meant for" not in said
        assert "känd av Erik" in said or "known to Erik" in said


@pytest.mark.parametrize(
    ("handle", "typed", "said", "kept", "asked"),
    [
        (
            "anna",
            "Igår blev min man Erik hotad av en granne",
            "min man Erik",
            "Jag skrev: det gäller Erik.\nJag sparade det som ”Vad hände”.",
            "Vilken roll har du, och hur känner du Erik?",
        ),
        (
            "anna",
            "I går hotades min dotter Sara på Facebook av en okänd man",
            "min dotter Sara",
            "Jag skrev: det gäller Sara.\nJag sparade det som ”Vad hände”.",
            "Vilken roll har du, och hur känner du Sara?",
        ),
        (
            "bo",
            "my husband Erik was threatened yesterday",
            "my husband Erik",
            "I noted: it is about Erik.\nI kept that as “What happened”.",
            "What is your role, and how do you know Erik?",
        ),
        (
            "bo",
            "Yesterday someone threatened my wife, Anna Lund, outside her office",
            "my wife, Anna Lund",
            "I noted: it is about Anna Lund.\nI kept that as “What happened”.",
            "What is your role, and how do you know Anna Lund?",
        ),
    ],
)
async def test_the_name_answers_whom_and_the_sentence_waits_at_what_happened(
    demo_app: App, chat: Any, handle: str, typed: str, said: str, kept: str, asked: str
) -> None:
    person: Chat = chat(handle)
    await person.say("/rapportera")
    reply = await person.say(typed)
    assert reply.startswith(f"{kept}\n{asked}"), reply
    stored = await answers(demo_app, handle)
    assert stored["who"] == {"choice": "other", "text": said}
    assert stored["what"] == {"text": typed, "unasked": True}
    assert await open_step(person) is S.PROXY


@pytest.mark.parametrize(
    "typed",
    [
        "Igår blev min man hotad av en granne",  # "min man" without a name
        "Måndag kväll blev min man hotad av en granne",  # a day starts the sentence
        "min man i Stockholm blev hotad av en granne igår",  # a place after "i"
        "min dotter på Ica blev hotad av en kund igår",  # a place after "på"
        "Igår blev jag och min man Erik hotade av en granne",  # herself too
        "Min bror Olle hotade min man Erik igår",  # two names: whose is it?
        "Erik Berg blev hotad av en granne igår kväll",  # a name, but not said whose
    ],
)
async def test_without_a_clear_name_she_is_asked_again_and_the_sentence_is_kept(
    demo_app: App, chat: Any, typed: str
) -> None:
    anna: Chat = chat("anna")
    await anna.say("/rapportera")
    reply = await anna.say(typed)
    assert "det gäller" not in reply and reply.endswith(
        "Vem gäller det?\n[1] Det hände mig  [2] Jag rapporterar för någon annan"
    ), reply
    stored = await answers(demo_app, "anna")
    assert "who" not in stored and "target" not in stored
    assert typed in {stored.get("what", {}).get("text"), *stored.get("_notes", [])}


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("Igår blev min man Erik hotad av en granne", ("min man Erik", "Erik")),
        ("my husband Erik was threatened yesterday", ("my husband Erik", "Erik")),
        ("min dotter Sara fick ett hotfullt sms", ("min dotter Sara", "Sara")),
        ("Yesterday my wife Anna Lund got a threat", ("my wife Anna Lund", "Anna Lund")),
        ("Igår blev min man, Erik Berg, hotad", ("min man, Erik Berg", "Erik Berg")),
        ("Min fru Lena-Karin Öberg blev hotad", ("Min fru Lena-Karin Öberg", "Lena-Karin Öberg")),
        ("I går blev min son Olle hotad", ("min son Olle", "Olle")),
        ("min man Erik I går kväll", ("min man Erik", "Erik")),  # "I går" ends the name
        ("my wife Lena Monday evening", ("my wife Lena", "Lena")),  # a day ends the name
        ("Igår blev min man hotad", None),  # "Igår" only starts the sentence
        ("Måndag blev min man hotad", None),
        ("min man Igår blev hotad", None),  # a day is never a name
        ("my husband Monday was threatened", None),
        ("min man i Stockholm blev hotad", None),
        ("min kollega på Kommunhuset blev hotad", None),
        ("min man blev hotad", None),
        ("Min man Erik hotade mig", None),  # herself
        ("my husband Erik threatened me", None),
        ("I think my wife Lena was threatened", None),
        ("min man Erik och min son Olle hotades", None),  # two names
        ("Min man Anna Berg blev hotad", None),  # her own name
        ("Erik Berg blev hotad", None),  # not said who he is to her
        ("hans man Erik blev hotad", None),  # not hers
    ],
)
def test_the_name_read_from_a_sentence(typed: str, found: tuple[str, str] | None) -> None:
    assert close_named(typed, "Anna Berg") == found


@pytest.mark.parametrize(
    "typed",
    [
        "Min man Erik hotade mig igen, nu är han hos sin bror",
        "my husband Erik threatened me again tonight",
    ],
)
async def test_what_someone_close_did_to_her_does_not_make_him_whom_it_is_about(
    demo_app: App, chat: Any, typed: str
) -> None:
    """Anna had told what happened; at "Vem gäller det?" she wrote "Min man Erik hotade mig
    igen": "min man" made it a report for someone else, about Erik, the man who threatened
    her."""
    anna: Chat = chat("anna")
    await anna.say("/rapportera")
    await anna.say("Han slog sönder ytterdörren i natt och skrek i trapphuset")  # "Vad hände"
    reply = await anna.say(typed)
    assert "det gäller" not in reply and reply.endswith(
        "Vem gäller det?\n[1] Det hände mig  [2] Jag rapporterar för någon annan"
    ), reply
    stored = await answers(demo_app, "anna")
    assert "who" not in stored and "target" not in stored, stored
    assert typed in stored.get("_notes", []), stored
