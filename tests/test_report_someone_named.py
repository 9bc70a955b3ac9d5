"""Anna reports for her husband Erik. At "Vem gäller det?" she typed "min man Erik": her words
were put aside as a note, "Vem gäller det?" came again, and then "Vem utsattes? Namn, …" as
if she had named nobody; "Skyddsåtgärder för den utsatta" was offered to her, and shown to
Pia, though the report names Erik. Now the name in her words answers whom it is about and is
said back ("Jag skrev: det gäller Erik."); only the committee is asked, with a button to
change the name; without a name she is asked for it, her words kept; the measure names him."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from bot.app import App
from conversations.about import name_in
from conversations.report.form import ReportStep as S
from storage.models import Report
from tests.conftest import Chat
from tests.golden import Transcript
from tests.reporting import SKIPPED, Script, open_step, write_report
from tests.test_report import answers

SV = (
    "min man Erik",
    "hans fru",
    "byggnadsnämnden",
    "Partiet",
    "Någon skrev på hans Facebook att han ska passa sig.",
    "hot på Facebook",
    "i går kl. 22, hemma",
    "Nej",
    "Okänd",
    "Hoppa över",
    "Nej",
    "Vet inte",
    "Skyddsåtgärder för Erik",
    "Klar",
)
EN = (
    "it was my husband Erik",
    "his wife",
    "building committee",
    "The party",
    "Someone wrote on his Facebook that he should watch out.",
    "threat on Facebook",
    "yesterday at 22:00, at home",
    "No",
    "Unknown",
    "Skip",
    "No",
    "Don't know",
    "Protective measures for Erik",
    "Done",
)


async def test_a_name_at_who_it_is_about_answers_who_was_targeted(demo_app: App) -> None:
    for name, handle, lines in (
        ("report_someone_named_sv", "anna", SV),
        ("report_someone_named_en", "bo", EN),
    ):
        t = Transcript(name, demo_app)
        person = t.person(handle)
        await t.say(person, "/rapportera")
        for line in lines:
            await t.say(person, line)
        t.check()
        said = t.text()
        assert ("Jag skrev: det gäller Erik." in said) != ("I noted: it is about Erik." in said)
        assert said.count("Vem gäller det?") + said.count("Who is this about?") == 1
        assert "Vem utsattes?" not in said and "Who was targeted?" not in said
        assert (
            "Vilken nämnd eller styrelse sitter Erik i?\n    [1] Hoppa över  [2] Ändra namnet"
            in said
            or "Which committee or board does Erik sit on?\n    [1] Skip  [2] Change the name"
            in said
        )
        assert "Skyddsåtgärder för Erik" in said or "Protective measures for Erik" in said
        assert "den utsatta" not in said and "the person targeted" not in said
        stored = await answers(demo_app, handle)
        assert stored["who"] == {"choice": "other", "text": lines[0]}  # all she typed is kept
        assert stored["target"] == {"text": f"Erik\n{lines[2]}"}
        assert stored["measures"]["choices"] == ["protective"]


@pytest.mark.parametrize(
    ("typed", "name"),
    [
        ("Erik Berg, min man", "Erik Berg"),
        ("Det gäller min man, Erik Berg", "Erik Berg"),
        ("jag skriver för min kollega Eva Ek", "Eva Ek"),
        ("Eva Ek", "Eva Ek"),
    ],
)
async def test_a_name_in_her_words_is_taken(
    demo_app: App, chat: Any, typed: str, name: str
) -> None:
    anna: Chat = chat("anna")
    await anna.say("/rapportera")
    reply = await anna.say(typed)
    assert reply.startswith(f"Jag skrev: det gäller {name}.\nVilken roll har du"), reply
    stored = await answers(demo_app, "anna")
    assert stored["who"] == {"choice": "other", "text": typed}
    assert stored["target"]["text"] == name
    assert await open_step(anna) is S.PROXY


@pytest.mark.parametrize(
    ("typed", "name"),
    [
        ("Igår blev min man Erik hotad", "Erik"),  # "Igår" only starts the sentence
        ("Anna Berg, hans fru. Det gäller Erik", "Erik"),  # her own name is not his
        ("Min fru Lena-Karin Öberg", "Lena-Karin Öberg"),
        ("Hej, det gäller min man", None),
        ("min man erik", None),  # in small letters beside other words: not read as a name
    ],
)
def test_the_name_read_from_her_words(typed: str, name: str | None) -> None:
    assert name_in(typed, "Anna Berg") == name


async def test_without_a_name_she_is_asked_for_it_and_her_words_stay(
    demo_app: App, chat: Any
) -> None:
    anna: Chat = chat("anna")
    await anna.say("/rapportera")
    reply = await anna.say("min man")
    assert reply.startswith("Vilken roll har du"), reply  # someone else: understood
    reply = await anna.say("hans fru")
    assert reply.startswith("Vem utsattes? Namn, och vilken nämnd"), reply
    stored = await answers(demo_app, "anna")
    assert stored["who"] == {"choice": "other", "text": "min man"} and "target" not in stored


async def test_her_own_name_is_herself_and_other_words_are_still_a_note(
    demo_app: App, chat: Any
) -> None:
    anna: Chat = chat("anna")
    await anna.say("/rapportera")
    reply = await anna.say("hotad av Erik Berg")  # who did it, not whom it is about
    assert reply.startswith("Jag sparade det du skrev i rapporten. Välj ett av svaren"), reply
    reply = await anna.say("Anna")
    assert reply.startswith("Jag tolkade det som: Det hände mig."), reply
    assert (await answers(demo_app, "anna"))["who"] == {"choice": "self", "text": "Anna"}


async def test_the_name_taken_can_be_changed(demo_app: App, chat: Any) -> None:
    anna: Chat = chat("anna")
    await anna.say("/rapportera")
    await anna.say("min man Erik")
    await anna.say("hans fru")
    await anna.say("Ändra namnet")
    await anna.say("Erik Bergström, kulturnämnden")
    assert (await answers(demo_app, "anna"))["target"] == {"text": "Erik Bergström, kulturnämnden"}
    reply = await anna.say("Partiet")
    assert reply.startswith("Vad hände Erik Bergström?"), reply


async def test_the_measure_names_him_to_those_who_read_it(demo_app: App) -> None:
    anna, pia = Chat(demo_app, "anna"), Chat(demo_app, "pia")
    await pia.say("/hjalp")
    script = Script(
        skip=[s for s in SKIPPED if s is not S.MEASURES],
        for_someone=("Anna Berg, hans fru", "Erik Berg, byggnadsnämnden"),
        ticks={S.MEASURES: ["protective"]},
    )
    await write_report(anna, script)
    async with demo_app.db.unit_of_work() as session:
        ref = (await session.scalars(select(Report.ref))).one()
    await pia.say(f"/arende {ref}")
    shown = await pia.say("Visa rapporten")
    assert "Vem det gäller: någon annan rapporterar åt Erik Berg" in shown, shown
    assert "Beslutade åtgärder: skyddsåtgärder för Erik Berg" in shown, shown


async def test_without_a_name_the_measure_keeps_its_neutral_words(demo_app: App, chat: Any) -> None:
    anna: Chat = chat("anna")
    script = Script(
        skip=[s for s in SKIPPED if s is not S.MEASURES],
        for_someone=("Anna Berg, kollega", "hon sitter i socialnämnden"),
        ticks={S.MEASURES: ["protective"]},
    )
    summary = await write_report(anna, script, submit=False)
    assert "Beslutade åtgärder: Skyddsåtgärder för den utsatta" in summary, summary


@pytest.mark.parametrize(
    ("handle", "typed", "role", "reached"),
    [
        ("anna", "min man Erik", "Vilken roll har du, och hur känner du Erik?", "fram till Erik?"),
        ("bo", "my husband Erik", "What is your role, and how do you know Erik?", "reach Erik?"),
        (
            "anna",
            "min man",
            "Vilken roll har du, och hur känner du den som utsattes?",
            "fram till den det var riktat till?",
        ),
        (
            "bo",
            "my husband",
            "What is your role, and how do you know the person who was targeted?",
            "reach the person it was meant for?",
        ),
    ],
)
async def test_the_questions_name_him_once_his_name_is_known(
    demo_app: App, chat: Any, handle: str, typed: str, role: str, reached: str
) -> None:
    person: Chat = chat(handle)
    await person.say("/rapportera")
    assert role in await person.say(typed)
    await person.say("hans fru" if handle == "anna" else "his wife")
    await person.say("han sitter i byggnadsnämnden" if "Erik" not in typed else "byggnadsnämnden")
    await person.say("Partiet" if handle == "anna" else "The party")
    await person.say("Någon hotade honom." if handle == "anna" else "Someone threatened him.")
    await person.say("Klar" if handle == "anna" else "Done")
    reply = await person.say("i går kl. 22" if handle == "anna" else "yesterday at 22:00")
    assert reached in reply, reply


async def test_the_report_says_the_one_who_did_it_is_known_to_him(demo_app: App) -> None:
    anna, pia = Chat(demo_app, "anna"), Chat(demo_app, "pia")
    await pia.say("/hjalp")
    script = Script(
        skip=[s for s in SKIPPED if s is not S.PERPETRATOR],
        for_someone=("Anna Berg, hans fru", "Erik Berg, byggnadsnämnden"),
        answers={S.PERPETRATOR: "Jag vet vem det är"},
    )
    await write_report(anna, script)
    async with demo_app.db.unit_of_work() as session:
        ref = (await session.scalars(select(Report.ref))).one()
    await pia.say(f"/arende {ref}")
    shown = await pia.say("Visa rapporten")
    assert "Förövare: känd av Erik Berg" in shown, shown
    assert "den utsatta" not in shown, shown
