"""The incident report (/rapportera) as a frightened person lives it, through the core.

Most tests run on SQLite and PostgreSQL (the ``database_url`` fixture). The scripted
reports come from the form's own examples (tests/reporting.py).
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import inspect, select, text
from sqlalchemy.engine import make_url

from bot import orgfile
from bot.app import App
from conversations.packs import PackLibrary
from conversations.report.form import QUESTIONS, ReportStep, topics
from conversations.report.form import Known as FormKnown
from storage.crypto import DecryptionFailed
from storage.errors import NotFound
from storage.models import Evidence, Person, Report, ReportStatus
from storage.reports import ReportRepo
from storage.viewer import Viewer
from tests.conftest import DEMO_ORG, Chat, FakeClock
from tests.reporting import Script, attach, open_step, write_report

S = ReportStep
PACK = PackLibrary().get("oxelosund")
SECRETS = (
    "Hotbrevet kom i brevlådan på tisdagen",
    "Det stod att de vet var mina barn går i skolan",
    "Man runt femtio, skånsk dialekt, grå jacka",
    "Jag sover dåligt och vågar inte gå ut ensam",
)
EVIDENCE = b"\xff\xd8\xff\xe0 PHOTO-OF-THE-LETTER " * 50


# --- helpers -------------------------------------------------------------------------------------


async def person_id(app: App, handle: str) -> int:
    async with app.db.unit_of_work() as session:
        return (await session.scalars(select(Person.id).where(Person.handle == handle))).one()


async def reports(app: App, handle: str) -> list[Report]:
    """The person's reports, oldest first."""
    pid = await person_id(app, handle)
    async with app.db.unit_of_work() as session:
        rows = await session.scalars(
            select(Report).where(Report.reporter_id == pid).order_by(Report.created_at)
        )
        return list(rows.all())


async def only_report(app: App, handle: str) -> Report:
    found = await reports(app, handle)
    assert len(found) == 1, f"{handle} has {len(found)} reports"
    return found[0]


async def answers(app: App, handle: str) -> dict[str, Any]:
    """The sealed answers of the person's only report, opened."""
    report = await only_report(app, handle)
    async with app.db.unit_of_work() as session:
        return ReportRepo(session, app.keyring).answers(report)


async def at(person: Chat, *steps: ReportStep) -> None:
    """Assert the person's report is at one of these steps."""
    now = await open_step(person)
    assert now in steps, (now, person.text(person.last))


# --- the form ------------------------------------------------------------------------------------


def test_the_form_is_the_paper_forms_ten_questions_and_a_little_more() -> None:
    known = FormKnown(registered=True, assignment="Ledamot, byggnadsnämnden")
    asked = [q.step for q in topics({}, known)]
    assert len(asked) <= 12, asked  # plus "Vill du berätta mer?" at the end
    assert asked[-1] is S.MORE
    assert S.ASSIGNMENT not in asked  # the directory knows it
    # every question is asked to "du", and reporting for someone else, with their name
    for question in QUESTIONS:
        assert "{name}" in question.ask_other or question.ask_other == question.ask
        assert "den utsatte" not in question.ask


async def test_reporting_for_someone_else_asks_who_once_and_uses_their_name(
    demo_app: App, chat: Any
) -> None:
    anna: Chat = chat("anna")
    await anna.say("/rapportera")
    assert "Vilken roll har du" in await anna.say("Jag rapporterar för någon annan")
    assert "Vem utsattes?" in await anna.say("gruppledare, partikamrat")
    await anna.say("Eva Ek, kulturnämnden")
    await anna.say("Att jag representerar partiet")
    asked = await anna.say("Någon skrev på hennes Facebook att hon ska passa sig.")
    await anna.say("hot")
    for _ in range(10):  # on to "how did she experience it"
        if "Hur upplevde" in anna.text(anna.last):
            break
        await anna.press("nav:skip")
    assert "Hur upplevde Eva Ek det?" in anna.text(anna.last)
    stored = await answers(demo_app, "anna")
    assert stored["who"] == {"choice": "other"}
    assert stored["target"] == {"text": "Eva Ek, kulturnämnden"}
    assert "assignment" not in stored  # not asked: the targeted person's board was given
    del asked


async def test_it_happened_to_me_asks_nobody_who_was_targeted(demo_app: App, chat: Any) -> None:
    anna: Chat = chat("anna")
    await anna.say("/rapportera")
    reply = await anna.say("Det hände mig")
    assert "Vem utsattes?" not in reply
    assert "Vilket uppdrag har du?" in reply  # the paper form's "function"


async def test_the_assignment_the_org_file_gives_is_shown_not_asked(
    app: App, chat: Any, tmp_path: Path
) -> None:
    org = DEMO_ORG.read_text(encoding="utf-8").replace(
        "    language: sv\n", "    language: sv\n    assignment: Ersättare i kommunfullmäktige\n", 1
    )
    (tmp_path / "org.yaml").write_text(org, encoding="utf-8")
    async with app.db.unit_of_work() as session:
        await orgfile.apply(session, orgfile.parse(tmp_path / "org.yaml"), app.keyring)
    anna: Chat = chat("anna")
    await anna.say("/rapportera")
    reply = await anna.say("Det hände mig")
    assert "Vilket uppdrag har du?" not in reply
    assert "Vad tror du att det hänger ihop med?" in reply
    summary = await write_report(anna, Script(typed=True), submit=False, fresh=False)
    assert "Uppdrag: Ersättare i kommunfullmäktige" in summary


# --- typed text is never thrown away -------------------------------------------------------------


async def told(person: Chat, story: str, command: str = "/rapportera") -> str:
    """Begin a report up to its kinds: it happened to me, no assignment, the party, the story."""
    await person.say(command)
    if "resume:new" in [i for i, _l, _t in person.buttons]:
        await person.press("resume:new")
    await person.press("opt:self")
    await person.press("nav:skip")
    await person.press("opt:party")
    return str(await person.say(story))


async def test_typed_words_at_button_questions_are_kept_and_said_back(
    demo_app: App, chat: Any
) -> None:
    anna: Chat = chat("anna")
    await anna.say("/rapportera")
    await anna.say("det hände mig")  # the button, in words
    await anna.press("nav:skip")
    reply = await anna.say("Vet inte riktigt, kanske bygglovet")  # no option says that
    assert "Jag sparade det med dina egna ord, som ”Annat”." in reply
    await anna.say("Han skrev att han vet var jag bor.")
    reply = await anna.say("hot, trakasserier, sms")
    assert "Jag kryssade: Trakasserier, stalkning, Hot om våld, Sms/mms." in reply
    stored = await answers(demo_app, "anna")
    assert stored["who"] == {"choice": "self"}  # the console pressed the button it names
    assert stored["category"] == {"text": "Vet inte riktigt, kanske bygglovet"}
    assert stored["nature"] == {
        "choices": ["harassment", "threat", "sms_mms"],
        "text": "hot, trakasserier, sms",
    }


async def test_words_typed_after_ticking_are_said_back_with_every_tick(
    demo_app: App, chat: Any
) -> None:
    anna: Chat = chat("anna")
    await told(anna, "Han skrev att han vet var jag bor.")
    await anna.press("tog:threat")
    await anna.press("tog:sms_mms")
    reply = await anna.say("och hat")
    assert reply.startswith("Jag kryssade: Hot om våld, Sms/mms, Hat.")  # all three, not "Hat"


async def test_done_typed_after_an_answer_answers_nothing(demo_app: App, chat: Any) -> None:
    """ "Klar." typed after a typed answer (as if pressing Done) is not the next answer."""
    anna: Chat = chat("anna")
    await told(anna, "Han skrev att han vet var jag bor.")
    reply = await anna.say("klart")  # nothing ticked yet: the question stays
    assert reply.startswith("Ditt svar är sparat. Här är nästa fråga:")
    assert "Vad var det, och hur kom det?" in reply
    reply = await anna.say("hot, sms")
    assert "När och var hände det?" in reply
    reply = await anna.say("Klar.")
    assert reply.startswith("Ditt svar är sparat. Här är nästa fråga:")
    assert "När och var hände det?" in reply
    stored = await answers(demo_app, "anna")
    assert "when" not in stored and stored["nature"]["choices"] == ["threat", "sms_mms"]
    assert "klar" not in str(stored).casefold()


async def test_done_with_nothing_ticked_is_shown_as_nothing_chosen(
    demo_app: App, chat: Any
) -> None:
    """Staff and the police PDF read "Beslutade åtgärder: Annat" for a Done with no tick."""
    anna: Chat = chat("anna")
    summary = await write_report(anna, Script(none_ticked=[S.MEASURES]), submit=False)
    assert "Beslutade åtgärder: Inget valt" in summary
    assert (await answers(demo_app, "anna"))["measures"] == {"choices": []}


async def test_done_typed_at_the_last_question_means_nothing_more(demo_app: App, chat: Any) -> None:
    anna: Chat = chat("anna")
    summary = await write_report(anna, Script(answers={S.MORE: "Klart!"}), submit=False)
    assert "kontrollera innan du skickar" in summary
    assert (await answers(demo_app, "anna"))["more"]["choice"] == "nothing"


@pytest.mark.parametrize("said", ["skicka", "Nej.", "inget mer", "Skicka nu"])
async def test_nothing_more_or_send_typed_at_tell_more_is_nothing_more(
    demo_app: App, chat: Any, said: str
) -> None:
    """ "skicka" at "Vill du berätta mer?" was kept as "Mer: skicka"."""
    anna: Chat = chat("anna")
    summary = await write_report(anna, Script(answers={S.MORE: said}), submit=False)
    assert "kontrollera innan du skickar" in summary
    assert "Mer: Inget mer" in summary, summary
    assert (await answers(demo_app, "anna"))["more"]["choice"] == "nothing"


async def test_for_someone_else_in_words_is_the_choice_not_a_loop(demo_app: App, chat: Any) -> None:
    anna: Chat = chat("anna")
    await anna.say("/rapportera")
    reply = await anna.say("jag skriver för någon annan")
    assert "Välj ett av svaren nedan" not in reply
    assert (await answers(demo_app, "anna"))["who"]["choice"] == "other"
    assert await open_step(anna) is S.PROXY


async def test_cancel_typed_in_a_report_asks_and_no_goes_on(demo_app: App, chat: Any) -> None:
    """ "avbryt" typed mid-report is not an answer: it asks to delete, and "nej" goes on."""
    anna: Chat = chat("anna")
    await anna.say("/rapportera")
    await anna.press("opt:self")
    reply = await anna.say("Avbryt!")
    assert "Vill du radera den påbörjade rapporten?" in reply
    reply = await anna.say("jag ångrar mig, vet inte")  # words are kept; deleting is a button
    assert "Tryck på knappen om du vill radera den" in reply
    for yes in ("ja!", "radera"):  # deleting cannot be undone: only the button does it
        reply = await anna.say(yes)
        assert reply.startswith("Tryck på ”Ja, radera” för att radera rapporten")
    reply = await anna.say("nej")
    assert "Vilket uppdrag har du?" in reply
    stored = await answers(demo_app, "anna")
    assert "assignment" not in stored
    assert stored["_notes"] == ["jag ångrar mig, vet inte"]


async def test_words_typed_at_the_summary_are_added_and_skicka_sends(
    demo_app: App, chat: Any
) -> None:
    anna: Chat = chat("anna")
    await write_report(anna, Script(), submit=False)
    reply = await anna.say("Jag glömde: han hade en röd bil.")
    assert reply.startswith("Jag lade till det i rapporten, under ”Också skrivet”.")
    assert "Också skrivet: Jag glömde: han hade en röd bil." in reply
    reply = await anna.say("skicka")
    assert "Din rapport är skickad" in reply


@pytest.mark.parametrize("said", ["ja skicka", "Ja, skicka den tack!", "yes send it"])
async def test_words_that_mean_send_at_the_summary_send_it(
    demo_app: App, chat: Any, said: str
) -> None:
    """ "ja skicka" was kept under "Också skrivet" and nothing was sent."""
    anna: Chat = chat("anna")
    await write_report(anna, Script(), submit=False)
    reply = await anna.say(said)
    assert "Din rapport är skickad" in reply, reply
    report = await only_report(demo_app, "anna")
    assert report.status is not ReportStatus.DRAFT
    assert "_notes" not in await answers(demo_app, "anna")


@pytest.mark.parametrize("said", ["Ja", "ok", "nej", "Hoppa över", "klar"])
async def test_a_bare_yes_or_no_at_the_summary_is_asked_not_kept(
    demo_app: App, chat: Any, said: str
) -> None:
    """ "Ja" or "Hoppa över" at the summary was kept as "Också skrivet: Ja" for staff to
    read, and nothing was sent."""
    anna: Chat = chat("anna")
    await write_report(anna, Script(), submit=False)
    reply = await anna.say(said)
    assert reply.startswith("Tryck på ”Skicka” för att skicka rapporten."), reply
    assert (await only_report(demo_app, "anna")).status is ReportStatus.DRAFT
    assert "_notes" not in await answers(demo_app, "anna")
    assert "Din rapport är skickad" in await anna.press("send")  # the summary's buttons hold


async def test_words_that_mean_cancel_at_the_summary_ask_to_delete(
    demo_app: App, chat: Any
) -> None:
    anna: Chat = chat("anna")
    await write_report(anna, Script(), submit=False)
    reply = await anna.say("nej, skicka inte")
    assert "Vill du radera den påbörjade rapporten?" in reply, reply
    reply = await anna.say("nej")  # not deleted either: back to the summary
    assert "kontrollera innan du skickar" in reply
    assert "_notes" not in await answers(demo_app, "anna")


async def test_words_where_only_a_choice_will_do_are_kept_as_a_note(
    demo_app: App, chat: Any
) -> None:
    anna: Chat = chat("anna")
    await anna.say("/rapportera")
    reply = await anna.say("Jag vet inte hur jag ska börja")
    assert "Jag sparade det du skrev i rapporten. Välj ett av svaren nedan." in reply
    assert "[1] Det hände mig" in reply
    assert (await answers(demo_app, "anna"))["_notes"] == ["Jag vet inte hur jag ska börja"]
    # asked again, the question comes without what was said before it the first time
    assert reply.count("I fara nu: ring 112") == 0, reply


async def test_a_question_comes_back_without_its_lead_on_return(demo_app: App, chat: Any) -> None:
    """Back in the console, "Allt du svarar sparas direkt …" came again above the open
    question, as if the report had just begun."""
    anna: Chat = chat("anna")
    assert "Allt du svarar sparas direkt" in await anna.say("/rapportera")
    async with demo_app.db.unit_of_work() as session:
        resumed = await demo_app.core.resume(session, "console", "anna")
    assert resumed is not None
    shown = "\n".join(r.text for r in resumed.replies)
    assert "Vem gäller det?" in shown and "Allt du svarar sparas direkt" not in shown, shown


async def test_several_numbers_where_one_answer_is_asked_ask_for_one(
    demo_app: App, chat: Any
) -> None:
    """ "1 och 2" at "Utlösande faktor" was kept as the answer "1 och 2", with no word said."""
    anna: Chat = chat("anna")
    await write_report(anna, Script(skip=[S.TRIGGER]), submit=False)
    await anna.press("edit:trigger")
    reply = await anna.say("1 och 2")
    assert reply.startswith("Här går det bara att välja ett svar. Skriv en siffra, eller svara")
    assert "Finns det något som utlöste det" in reply
    assert await open_step(anna) is S.TRIGGER
    assert (await answers(demo_app, "anna"))["trigger"] is None  # skipped, and still so
    reply = await anna.say("2")  # one number: as if pressed
    assert "Vilken? Med dina egna ord." in reply
    assert (await answers(demo_app, "anna"))["trigger"] == {"choice": "decision"}
    await anna.say("Bygglovet på Storgatan")
    await anna.press("edit:group")  # yes, no, don't know
    reply = await anna.say("1, 3")
    assert reply.startswith("Här går det bara att välja ett svar.")
    assert await open_step(anna) is S.GROUP
    assert (await answers(demo_app, "anna"))["group"] == {"choice": "no"}  # as it was


async def test_a_story_in_several_messages_stays_one_answer(
    demo_app: App, chat: Any, clock: FakeClock
) -> None:
    anna: Chat = chat("anna")
    await write_report(anna, Script(what=("Första delen.",)), submit=False)
    await told(anna, "Ett sms kom.")
    assert "Jag lade till det under ”Vad hände”." in await anna.say("Sedan ringde han också.")
    clock.advance(minutes=2)  # later, words are the answer to the open question
    assert "Jag sparade det med dina egna ord" in await anna.say("Han var arg.")
    stored = await answers(demo_app, "anna")
    assert stored["what"] == {"text": "Ett sms kom.\nSedan ringde han också."}
    assert stored["nature"] == {"choices": [], "text": "Han var arg."}


# --- times ---------------------------------------------------------------------------------------


async def test_when_is_understood_as_people_write_it_and_said_back(
    demo_app: App, chat: Any, clock: FakeClock
) -> None:
    anna: Chat = chat("anna")  # the clock: Sunday 22 November, 23.00 in Sjövik
    await write_report(anna, Script(answers={S.WHEN: "Hemma i kväll ca 22.40"}), submit=False)
    stored = await answers(demo_app, "anna")
    assert stored["when"] == {
        "text": "Hemma i kväll ca 22.40",
        "day": "2026-11-22",
        "time": "22:40",
    }
    bo: Chat = chat("bo")
    await told(bo, "A note under the door.", "/report")
    await bo.press("done")
    reply = await bo.say("at home tomorrow")  # no day that has been: asked which day
    assert "Which day did it happen?" in reply
    reply = await bo.say("friday 21.30")
    assert "I noted: Friday 20 November, 21:30." in reply


async def test_a_day_written_in_swedish_by_someone_who_reads_english_is_read(
    demo_app: App, chat: Any, clock: FakeClock
) -> None:
    """Bo reads Trygg in English but lives in Sjövik: "igår kväll 22.40, hemma" was taken as
    no day at all and he was asked which day it happened."""
    bo: Chat = chat("bo")
    await told(bo, "A note under the door.", "/report")
    await bo.press("done")
    reply = await bo.say("igår kväll 22.40, hemma")
    assert "I noted: yesterday 22:40." in reply and "Which day" not in reply
    assert (await answers(demo_app, "bo"))["when"]["day"] == "2026-11-21"


async def test_a_time_still_to_come_keeps_its_time_for_the_day_chosen_after(
    demo_app: App, chat: Any, clock: FakeClock
) -> None:
    """At 09.40, "i dag kl. 22.40, utanför kommunhuset" is a time still to come: she is asked
    the day and presses "I går". The 22.40 she wrote had been dropped ("Jag skrev: i går.")."""
    clock.now = datetime(2026, 11, 22, 8, 40, tzinfo=UTC)  # 09.40 in Sjövik
    anna: Chat = chat("anna")
    await told(anna, "Ett sms med hot.")
    await anna.press("done")
    reply = await anna.say("i dag kl. 22.40, utanför kommunhuset")
    assert "Vilken dag hände det?" in reply, reply
    reply = await anna.press("opt:yesterday")
    assert "Jag skrev: i går kl. 22.40." in reply, reply
    stored = await answers(demo_app, "anna")
    assert (stored["when"]["day"], stored["when"]["time"]) == ("2026-11-21", "22:40")


# --- edits ---------------------------------------------------------------------------------------


async def test_editing_adds_by_default_replaces_on_request_and_completes_the_question(
    demo_app: App, chat: Any
) -> None:
    anna: Chat = chat("anna")
    await write_report(anna, Script(what=("Ett sms i kväll.",)), submit=False)
    reply = await anna.say("Vad hände")
    assert "Nu: Ett sms i kväll." in reply and "[1] Ersätt  [2] Behåll" in reply
    await anna.say("Han har skickat fler förut.")
    assert (await answers(demo_app, "anna"))["what"]["text"] == (
        "Ett sms i kväll.\nHan har skickat fler förut."
    )
    await anna.say("Vad hände")
    await anna.say("Ersätt")
    await anna.say("Bara ett sms.")
    assert (await answers(demo_app, "anna"))["what"]["text"] == "Bara ett sms."
    # a changed answer whose follow-up now applies: the follow-up is asked before the summary
    await anna.say("Grupp eller falang")
    reply = await anna.say("Ja")
    assert "Vilken grupp eller falang?" in reply
    reply = await anna.say("Nordfronten")
    assert "Din rapport – kontrollera innan du skickar:" in reply
    assert "Vilken grupp: Nordfronten" in reply
    # "När och var": the day changes with the words
    await anna.say("När och var")
    await anna.say("Ersätt")
    reply = await anna.say("I går kl 21, utanför biblioteket")
    assert "Jag skrev: i går kl. 21.00." in reply
    stored = await answers(demo_app, "anna")
    assert stored["when"]["day"] == "2026-11-21"


# --- evidence at any point -----------------------------------------------------------------------


async def test_a_file_is_kept_at_any_question_and_can_be_removed_before_sending(
    demo_app: App, chat: Any, clock: FakeClock
) -> None:
    anna: Chat = chat("anna")
    await anna.say("/rapportera")
    await anna.press("opt:self")
    kept = await attach(anna, EVIDENCE, name="brev.jpg")
    assert "Sparat som bevis: foto, 1 kB. Du kan ta bort det innan du skickar." in kept
    await at(anna, S.ASSIGNMENT)  # the question stays open
    clock.advance(minutes=1)
    await attach(anna, b"oops: the wrong picture", name="fel.jpg")
    summary = await write_report(anna, Script(), submit=False, fresh=False)
    assert "Bevis: 2 filer" in summary
    listed = await anna.say("Ta bort en fil")
    assert "Vilken fil vill du ta bort?" in listed
    wrong = [i for i, label, _ in anna.buttons if i.startswith("evdel:")][1]
    reply = await anna.press(wrong)
    assert "Filen är borttagen." in reply and "Bevis: 1 fil" in reply
    report = await only_report(demo_app, "anna")
    async with demo_app.db.unit_of_work() as session:
        sizes = (
            await session.scalars(select(Evidence.size).where(Evidence.report_id == report.id))
        ).all()
    assert list(sizes) == [len(EVIDENCE)]
    # a sent report's files are not removable by the reporter
    await anna.press("send")
    report = await only_report(demo_app, "anna")
    assert report.status is ReportStatus.SUBMITTED
    async with demo_app.db.unit_of_work() as session:
        owner = Viewer.of(await session.get_one(Person, await person_id(demo_app, "anna")))
        with pytest.raises(NotFound):
            await ReportRepo(session, demo_app.keyring).remove_evidence(owner, report, "x")


# --- after sending -------------------------------------------------------------------------------


async def test_after_sending_four_lines_and_the_plans_advice_one_press_away(
    demo_app: App, chat: Any
) -> None:
    anna: Chat = chat("anna")  # Gröna partiet: its plan is the Kävlinge party's (demo)
    sent = await write_report(anna, Script())
    lines = sent.split("\n[1]")[0].splitlines()
    assert len(lines) == 4, lines
    assert lines[0] == "I fara nu: ring 112. Inte akut: polisen på 114 14."
    assert lines[1].startswith("Din rapport är skickad: ärende ")
    assert lines[2] == "Jag har skickat den till Pia Lind, som hör av sig till dig."
    assert lines[3] == "Har ingen tagit den inom 2 timmar går den till Per Ek."
    advice = await anna.say("Vad gör jag nu?")  # more in tests/test_advice.py
    assert "Spara bevisen" in advice
    assert "Moderaterna" not in advice  # the plan speaks of her own party
    assert advice.count("114 14") <= 2
    assert advice.count("åtkomstskyddad") == 1  # the plan's list says it; not again below


# --- resuming and cancelling ---------------------------------------------------------------------


async def test_resume_continue_new_and_delete(demo_app: App, chat: Any, clock: FakeClock) -> None:
    anna: Chat = chat("anna")
    await anna.say("/rapportera")
    await anna.say("Det hände mig")
    await anna.say("Socialnämnden")
    await anna.say("/akut")
    reply = await anna.say("/rapportera")
    assert "Du har en påbörjad rapport från" in reply
    reply = await anna.say("Fortsätt rapporten")
    assert "Vad tror du att det hänger ihop med?" in reply
    assert (await answers(demo_app, "anna"))["assignment"] == {"text": "Socialnämnden"}
    first = (await only_report(demo_app, "anna")).id

    await anna.say("/rapportera")
    reply = await anna.say("Börja en ny rapport")
    assert "Vem gäller det?" in reply
    assert (await only_report(demo_app, "anna")).id != first

    await anna.say("/rapportera")
    assert "Utkastet är raderat." in await anna.say("Radera utkastet")
    assert await reports(demo_app, "anna") == []

    # After 31 minutes of silence the next message is not taken as an answer.
    await anna.say("/rapportera")
    await anna.say("Det hände mig")
    clock.advance(minutes=31)
    reply = await anna.say("Miljönämnden")
    assert "Du har en påbörjad rapport från" in reply
    assert "assignment" not in await answers(demo_app, "anna")
    await anna.say("Fortsätt rapporten")
    await anna.say("Miljönämnden")
    assert (await answers(demo_app, "anna"))["assignment"] == {"text": "Miljönämnden"}


async def test_report_pressed_right_after_her_words_were_kept_goes_on_with_them(
    demo_app: App, chat: Any, clock: FakeClock
) -> None:
    """ "Jag sparade det du skrev i en rapport som du kan fortsätta med: /rapportera", then
    /rapportera, asked "Du har en påbörjad rapport" with continue, new or delete: she had not
    begun anything, and "Börja en ny" would have left her words behind."""
    anna: Chat = chat("anna")
    told = "han har skrivit till mig på facebook igen"
    assert "Jag sparade det du skrev i en rapport" in await anna.say(told)
    reply = await anna.say("/rapportera")
    assert "Du har en påbörjad rapport" not in reply, reply
    assert reply.startswith("I fara nu: ring 112. Allt du svarar sparas direkt"), reply
    assert "Det du skrev finns redan med, som ”Vad hände”." in reply
    assert "”Vad hände”.\nVem gäller det?\n" in reply, reply
    assert (await answers(demo_app, "anna"))["what"]["text"] == told
    # begun an hour or more ago, it is a report of its own to choose: asked as before
    await anna.say("/meny")
    clock.advance(minutes=61)
    assert "Du har en påbörjad rapport" in await anna.say("/rapportera")


async def asked_to_go_on(chat: Any) -> Chat:
    """Anna begins a report, then /rapportera again: "Du har en påbörjad rapport …"."""
    anna: Chat = chat("anna")
    await anna.say("/rapportera")
    await anna.say("Det hände mig")
    await anna.say("Socialnämnden")
    assert "Du har en påbörjad rapport från" in await anna.say("/rapportera")
    return anna


async def test_words_typed_at_continue_or_new_are_kept_with_the_report(
    demo_app: App, chat: Any
) -> None:
    anna = await asked_to_go_on(chat)
    told = "Han ringde igen i kväll och sa att han vet var jag bor"
    reply = await anna.say(told)
    assert "Jag lade till det du skrev i din påbörjade rapport." in reply, reply
    assert "Vad tror du att det hänger ihop med?" in reply  # the report goes on where it was
    assert (await answers(demo_app, "anna"))["_notes"] == [told]


async def test_no_not_now_at_continue_or_new_is_a_no(demo_app: App, chat: Any) -> None:
    """ "nej, inte nu" was added to the report ("nu" is a courtesy word, so "nej inte" was
    left, which no table held)."""
    anna = await asked_to_go_on(chat)
    reply = await anna.say("nej, inte nu")
    assert reply.startswith("Du vill inte fortsätta med den nu."), reply
    assert "_notes" not in await answers(demo_app, "anna")


async def test_no_at_continue_or_new_is_not_report_text_and_asks_what_instead(
    demo_app: App, chat: Any
) -> None:
    """ "nej tack" at "Du har en påbörjad rapport" was added to the report, which went on."""
    anna = await asked_to_go_on(chat)
    reply = await anna.say("Nej tack")
    assert reply.startswith("Du vill inte fortsätta med den nu. Rapporten finns kvar")
    assert "Vill du börja en ny rapport eller radera utkastet?" in reply
    assert [i for i, _l, _t in anna.buttons] == ["resume:new", "resume:delete", "resume:later"]
    reply = await anna.say("nej")  # neither: it waits
    assert "Din påbörjade rapport finns kvar: /rapportera" in reply
    stored = await answers(demo_app, "anna")
    assert "_notes" not in stored and stored["assignment"] == {"text": "Socialnämnden"}

    assert "Du har en påbörjad rapport från" in await anna.say("/rapportera")
    reply = await anna.say("ja, fortsätt")
    assert "Vad tror du att det hänger ihop med?" in reply
    assert "_notes" not in await answers(demo_app, "anna")
    first = (await only_report(demo_app, "anna")).id
    await anna.say("/rapportera")
    assert "Vem gäller det?" in await anna.say("en ny rapport")
    assert (await only_report(demo_app, "anna")).id != first


async def test_cancel_asks_before_discarding(demo_app: App, chat: Any) -> None:
    anna: Chat = chat("anna")
    assert "Det finns inget att avbryta." in await anna.say("/avbryt")
    await anna.say("/rapportera")
    await anna.say("Det hände mig")
    reply = await anna.say("/avbryt")
    assert "Vill du radera den påbörjade rapporten? Det går inte att ångra." in reply
    assert "Vilket uppdrag har du?" in await anna.say("Nej, fortsätt")
    await anna.say("/avbryt")
    assert "Rapporten är raderad. Inget skickades." in await anna.say("Ja, radera")
    assert await reports(demo_app, "anna") == []


async def test_old_buttons_do_not_change_the_current_report(demo_app: App, chat: Any) -> None:
    anna: Chat = chat("anna")
    await anna.say("/rapportera")
    old_token = anna.buttons[0][2]
    await anna.press("opt:self")
    reply = await anna.press("opt:other", token=old_token)
    assert "Den knappen hör till ett tidigare meddelande" in reply
    assert (await answers(demo_app, "anna"))["who"] == {"choice": "self"}


async def test_very_long_text_is_stored_whole(demo_app: App, chat: Any) -> None:
    long = "Han skrev: " + "du ska akta dig " * 4000
    await write_report(chat("anna"), Script(what=(long,)), submit=False)
    assert (await answers(demo_app, "anna"))["what"]["text"] == long


async def test_two_people_reporting_at_once_see_only_their_own(demo_app: App, chat: Any) -> None:
    anna: Chat = chat("anna")
    bo: Chat = chat("bo")
    await anna.say("/rapportera")
    await bo.say("/report")
    await anna.say("Det hände mig")
    await bo.say("It happened to me")
    await anna.say("Annas uppdrag")
    reply = await bo.say("Bos assignment")
    assert "Annas" not in reply
    assert (await answers(demo_app, "anna"))["assignment"] == {"text": "Annas uppdrag"}
    assert (await answers(demo_app, "bo"))["assignment"] == {"text": "Bos assignment"}


# --- sealed at rest ------------------------------------------------------------------------------


async def _raw_values(app: App) -> list[bytes]:
    """Every value of every column of every table, as stored (PostgreSQL)."""
    values: list[bytes] = []
    async with app.db.engine.connect() as conn:
        tables = await conn.run_sync(lambda c: inspect(c).get_table_names())
        for table in tables:
            rows = (await conn.execute(text(f'SELECT * FROM "{table}"'))).all()  # noqa: S608
            for row in rows:
                for value in row:
                    if isinstance(value, bytes | bytearray | memoryview):
                        values.append(bytes(value))
                    elif value is not None:
                        values.append(str(value).encode())
    return values


async def test_answers_and_evidence_are_not_stored_in_clear(
    demo_app: App, chat: Any, database_url: str
) -> None:
    anna: Chat = chat("anna")
    script = Script(
        what=SECRETS[:2],
        answers={S.PERPETRATOR: SECRETS[2], S.EXPERIENCE: SECRETS[3]},
        evidence=[(EVIDENCE, "brev.jpg", "")],
    )
    summary = await write_report(anna, script, submit=False)
    for secret in SECRETS:
        assert secret in summary  # they are really in the report...
    await anna.press("send")
    needles = [s.encode() for s in SECRETS] + [EVIDENCE[:40]]
    if demo_app.db.sqlite:
        path = Path(make_url(database_url).database or "")
        blobs = [p.read_bytes() for p in path.parent.glob(path.name + "*")]
        assert any(b"Anna Berg" in b for b in blobs)  # the scan does see clear text
    else:
        blobs = await _raw_values(demo_app)
        assert any(b"Anna Berg" in b for b in blobs)
    for needle in needles:
        assert not any(needle in blob for blob in blobs), f"{needle!r} is stored in clear"


async def test_a_ciphertext_moved_to_another_row_does_not_open(demo_app: App, chat: Any) -> None:
    anna, bo = chat("anna"), chat("bo")
    await write_report(anna, Script(what=("Annas hemliga text",)))
    await bo.say("/report")
    await bo.say("It happened to me")
    a_report = await only_report(demo_app, "anna")
    b_report = await only_report(demo_app, "bo")
    async with demo_app.db.unit_of_work() as session:
        await session.execute(
            text(
                "UPDATE report SET answers = (SELECT answers FROM report WHERE id = :a) "
                "WHERE id = :b"
            ),
            {"a": a_report.id, "b": b_report.id},
        )
    moved = await only_report(demo_app, "bo")
    async with demo_app.db.unit_of_work() as session:
        with pytest.raises(DecryptionFailed):
            ReportRepo(session, demo_app.keyring).answers(moved)
    reply = await bo.say("Planning committee")  # a kind message, no crash, nobody else's text
    assert "112" in reply and "Annas hemliga text" not in reply and "Traceback" not in reply


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
async def test_choices_come_from_the_pack(demo_app: App, chat: Any) -> None:
    anna: Chat = chat("anna")
    await anna.say("/rapportera")
    await anna.press("opt:self")
    await anna.press("nav:skip")
    labels = [label for _i, label, _t in anna.buttons]
    assert labels[: len(PACK.categories)] == [c.label.sv for c in PACK.categories]
    await anna.press("opt:party")
    await anna.say("Ett brev.")
    labels = [label for _i, label, _t in anna.buttons]
    assert labels[: len(PACK.kinds)] == [k.label.sv for k in PACK.kinds]


# --- submitting: the draft row, its ORM copy and the database agree ------------------------------


async def test_submit_keeps_the_draft_row_its_orm_copy_and_the_database_in_step(
    demo_app: App, clock: FakeClock
) -> None:
    anna_id, bo_id = await person_id(demo_app, "anna"), await person_id(demo_app, "bo")
    async with demo_app.db.unit_of_work() as session:
        anna = Viewer.of(await session.get_one(Person, anna_id))
        repo = ReportRepo(session, demo_app.keyring)
        created = await repo.create_draft(
            anna, pack="default", municipality_id=None, party_id=None, now=clock.now
        )
    clock.advance(minutes=5)
    async with demo_app.db.unit_of_work() as session:
        anna = Viewer.of(await session.get_one(Person, anna_id))
        bo = Viewer.of(await session.get_one(Person, bo_id))
        repo = ReportRepo(session, demo_app.keyring)
        row = await repo.draft(anna)
        assert row is not None and row.id == created.id
        with pytest.raises(NotFound):  # somebody else's draft
            await repo.submit(bo, row, clock.now)
        loaded = await repo.entity(row)  # an ORM copy in this unit of work too
        assert await repo.submit(anna, row, clock.now) == created.ref
        assert (row.status, row.submitted_at) == (ReportStatus.SUBMITTED, clock.now)
        assert (loaded.status, loaded.submitted_at) == (ReportStatus.SUBMITTED, clock.now)
        with pytest.raises(NotFound):  # no longer a draft
            await repo.submit(anna, row, clock.now)
        assert await repo.draft(anna) is not None  # queued for the commit
    stored = await only_report(demo_app, "anna")
    assert (stored.status, stored.submitted_at, stored.updated_at) == (
        ReportStatus.SUBMITTED,
        clock.now,
        clock.now,
    )


async def test_a_submit_that_fails_later_in_its_unit_of_work_leaves_the_draft(
    demo_app: App, clock: FakeClock
) -> None:
    anna_id = await person_id(demo_app, "anna")
    async with demo_app.db.unit_of_work() as session:
        anna = Viewer.of(await session.get_one(Person, anna_id))
        await ReportRepo(session, demo_app.keyring).create_draft(
            anna, pack="default", municipality_id=None, party_id=None, now=clock.now
        )
    with pytest.raises(RuntimeError):
        async with demo_app.db.unit_of_work() as session:
            anna = Viewer.of(await session.get_one(Person, anna_id))
            repo = ReportRepo(session, demo_app.keyring)
            row = await repo.draft(anna)
            assert row is not None
            await repo.submit(anna, row, clock.now)
            raise RuntimeError("the alert could not be created")
    assert (await only_report(demo_app, "anna")).status is ReportStatus.DRAFT


async def test_akut_alone_is_the_call_not_words_to_keep(demo_app: App, chat: Any) -> None:
    anna: Chat = chat("anna")
    for word in ("akut", "Akut!", "sos"):
        reply = await anna.say(word)
        assert "ring 112" in reply.casefold() and "Jag sparade det du skrev" not in reply, reply
    assert await reports(demo_app, "anna") == []  # no draft holding only "akut"
    told = await anna.say("akut han står utanför")  # words beyond the call are kept
    assert "Jag sparade det du skrev" in told, told


async def test_a_threat_from_inside_the_party_in_her_own_words_is_internal(
    demo_app: App, chat: Any
) -> None:
    """'Det är någon i mitt eget parti' must not send the report to her party's contact, who
    may be close to the person: said anywhere in the answer, it makes the case internal."""
    for typed, expected in (
        ("det är någon i mitt eget parti", "internal"),
        ("en partikollega skickade hotfulla mejl", "internal"),
        ("att jag representerar partiet", "party"),
    ):
        anna: Chat = chat("anna")
        await anna.say("/rapportera")
        if "påbörjad" in anna.text(anna.last):
            await anna.press("resume:delete")
            await anna.say("/rapportera")
        await anna.say("Det hände mig")
        await anna.say("Ledamot i kommunstyrelsen")
        await anna.say(typed)
        assert (await answers(demo_app, "anna"))["category"]["choice"] == expected, typed
        await anna.say("/avbryt")


async def at_measures(chat: Any) -> Chat:
    """Anna's report up to "Has anything been decided?" (the rest skipped); her chat."""
    anna: Chat = chat("anna")
    await anna.say("/rapportera")
    await anna.say("Det hände mig")
    await anna.say("Ledamot i kommunstyrelsen")
    await anna.press("opt:party")
    await anna.say("Ett brev i brevlådan med hot.")
    for _ in range(12):
        if await open_step(anna) is ReportStep.MEASURES:
            break
        await anna.press("nav:skip")
    await at(anna, ReportStep.MEASURES)
    return anna


async def test_words_typed_after_ticking_keep_the_ticks(
    demo_app: App, chat: Any, clock: FakeClock
) -> None:
    """Anna ticks 'Polisanmälan' and then writes what else was decided: the tick stays, and
    going back and pressing Klar keeps both (a decision to report to the police is not lost
    without a word)."""
    anna: Chat = await at_measures(chat)
    await anna.press("tog:police_report")
    clock.advance(minutes=2)  # not a continuation of the story
    await anna.say("Vill ha personlarm")
    stored = (await answers(demo_app, "anna"))["measures"]
    assert stored["choices"] == ["police_report"] and stored["text"] == "Vill ha personlarm"
    await anna.press("nav:back")
    await anna.press("done")
    stored = (await answers(demo_app, "anna"))["measures"]
    assert stored["choices"] == ["police_report"] and stored["text"] == "Vill ha personlarm"


async def test_a_follow_up_that_no_longer_applies_keeps_its_words(demo_app: App, chat: Any) -> None:
    """The perpetrator changed to "Okänd" at the summary: the name she had written vanished
    from the report without a word."""
    anna: Chat = chat("anna")
    script = Script(answers={S.PERPETRATOR: "Jag vet vem det är", S.PERP_NAME: "Nils Holm"})
    summary = await write_report(anna, script, submit=False)
    assert "Nils Holm" in summary
    await anna.press("edit:perpetrator")
    changed = await anna.press("opt:unknown")
    assert "Det du skrev vid ”Förövarens namn” finns kvar under ”Också skrivet”." in changed
    assert "Nils Holm" in changed  # the summary shows it under "Också skrivet"
    stored = await answers(demo_app, "anna")
    assert "perp_name" not in stored and "Nils Holm" in stored["_notes"]


async def test_pressing_nothing_yet_answers_at_once(demo_app: App, chat: Any) -> None:
    """Bo pressed "Nothing yet" and was shown the same question with it ticked: nothing else
    could be ticked beside it, yet he had to find "Done" too, and typed his next answer there."""
    anna: Chat = await at_measures(chat)
    shown = await anna.press("tog:none")
    assert "Jag kryssade: Inget ännu." in shown, shown
    assert await open_step(anna) is not ReportStep.MEASURES, shown
    assert (await answers(demo_app, "anna"))["measures"]["choices"] == ["none"]


async def test_nothing_yet_and_a_measure_are_never_ticked_together(
    demo_app: App, chat: Any, clock: FakeClock
) -> None:
    """Anna ticked 'Polisanmälan' and then 'Inget ännu': the report went out saying both, and
    the statistics counted a police report decided on a case where nothing was."""
    anna: Chat = await at_measures(chat)
    await anna.press("tog:police_report")
    shown = await anna.press("tog:none")
    assert (await answers(demo_app, "anna"))["measures"]["choices"] == ["none"]
    assert "Jag kryssade: Inget ännu." in shown, shown
    await anna.press("nav:back")  # she remembers: it was reported after all
    await anna.press("tog:police_report")
    assert (await answers(demo_app, "anna"))["measures"]["choices"] == ["police_report"]
    clock.advance(minutes=2)  # not a continuation of the story
    said = await anna.say("inget ännu")  # typed: the latest word counts
    assert (await answers(demo_app, "anna"))["measures"]["choices"] == ["none"], said


@pytest.mark.parametrize(
    ("target", "asked"),
    [
        ("hon är ledamot i socialnämnden", "Vad hände personen?"),
        ("min man Olle", "Vad hände Olle?"),
        ("Lena Ek (S), kommunstyrelsen", "Vad hände Lena Ek?"),
    ],
)
async def test_a_description_of_whom_is_not_used_as_a_name(
    demo_app: App, chat: Any, target: str, asked: str
) -> None:
    """ "hon är ledamot i socialnämnden" at "Vem utsattes?" came back in the questions as a
    name: "Vad hände hon är ledamot i socialnämnden?"."""
    anna: Chat = chat("anna")
    await anna.say("/rapportera")
    await anna.say("Jag rapporterar för någon annan")
    await anna.say("Anna Berg, gruppledare, partikamrat")
    await anna.say(target)
    said = await anna.say("Att jag representerar partiet")
    assert asked in said, said


async def test_a_day_corrected_at_the_summary_changes_when(demo_app: App, chat: Any) -> None:
    """ "ändra datumet, det var i tisdags" typed at the summary went under "Också skrivet",
    and the report still said the day she had first written."""
    anna: Chat = chat("anna")
    summary = await write_report(anna, Script(), submit=False)
    assert "Också skrivet" not in summary
    changed = await anna.say("ändra datumet, det var i tisdags")
    assert "Jag ändrade ”När och var”." in changed, changed
    assert "Jag skrev: tisdag 17 november kl. 22.40." in changed, changed  # her time is kept
    assert "Också skrivet" not in changed
    stored = (await answers(demo_app, "anna"))["when"]
    assert "i tisdags" in stored["text"]
