"""Golden transcripts for issue 18, items 3, 4 and 8: the checklist with a change of answer
(the municipal director, told when the case came in, answers his item), a note kept
internal and one sent to the targeted person, and closing a case with open items, then
opening it again."""

from __future__ import annotations

from sqlalchemy import select, update

from bot.app import App
from conversations.notices import NOTICE_TOKEN
from storage.models import Alert, ChecklistAnswer, Person, Report
from tests.conftest import Chat, FakeClock
from tests.golden import Transcript
from tests.reporting import Script, write_report
from tests.test_case import MONDAY_10


async def reported_and_taken(
    app: App, clock: FakeClock, reporter: str, contact: str, category: str, *others: str
) -> str:
    """A report sent and taken before the transcript starts; return its reference."""
    clock.now = MONDAY_10
    for handle in (contact, *others):
        await Chat(app, handle).say("/hjalp")  # their chats exist, so pushes reach them
    await write_report(Chat(app, reporter), Script(category=category))
    async with app.db.unit_of_work() as session:
        alert = (await session.scalars(select(Alert))).one()
        ref = (await session.scalars(select(Report.ref))).one()
    await Chat(app, contact).press(f"ack:{alert.id}", token=NOTICE_TOKEN)
    await Transcript("-", app).deliver()  # the alert and "taken" messages, not recorded
    return ref


async def test_the_checklist_with_a_change_of_answer(demo_app: App, clock: FakeClock) -> None:
    # about her party: the plan does not send it to the unit, so 3.1.1 is Pia's to answer
    ref = await reported_and_taken(demo_app, clock, "anna", "pia", "party", "sara", "kent")
    t = Transcript("checklist_change_of_answer_sv", demo_app)
    pia, sara, kent, anna = (t.person(h) for h in ("pia", "sara", "kent", "anna"))
    clock.advance(minutes=20)
    t.note("Pia has taken Anna's report; she answers her first item")
    await t.say(pia, f"/arende {ref}")
    await t.say(pia, "Svara på nästa punkt")
    await t.say(pia, "Nej")
    await t.say(pia, "Anna vill vänta till i morgon")
    t.note("an hour later Sara has been reached: Pia changes her answer")
    clock.advance(hours=1)
    await t.say(pia, "Tillbaka")
    await t.say(pia, "Ändra ett svar")
    await t.say(pia, "1")
    await t.say(pia, "Ja")
    await t.say(pia, "Sara nådd på mobilen")
    await t.deliver()  # Pia's "Ja" brought Sara onto the case: she is told her part
    t.note("Sara asks the police for an assessment (3.1.2); the next step is the director's")
    clock.advance(minutes=30)
    await t.say(sara, f"/arende {ref}")
    await t.say(sara, "1")  # answer the next item: 3.1.2 is first
    await t.say(sara, "Ja")
    await t.say(sara, "Hoppa över")
    await t.deliver()
    t.note("Nothing was decided at the send; after Sara's 3.1.2 Kent is told 3.1.3 is his")
    await t.say(kent, f"/arende {ref}")
    await t.say(kent, "Svara på nästa punkt")
    await t.say(kent, "Nej")
    await t.say(kent, "Anna har inte bestämt sig")
    t.note("the next day Anna decides to report: Kent changes his answer")
    clock.advance(days=1)
    await t.say(kent, f"/arende {ref}")
    await t.say(kent, "Ändra ett svar")
    await t.say(kent, "1")
    await t.say(kent, "Ja")
    await t.say(kent, "Hoppa över")
    t.note("Anna reads her case: the answers, who and when; no comments")
    await t.say(anna, f"/arende {ref}")
    t.check()
    said = t.text()
    anna_part = said.split("anna> /arende")[-1]
    assert "vänta till i morgon" not in anna_part and "Intern" not in anna_part
    assert "✗ 3.1.3 Har händelsen polisanmälts? – Nej, Kent Dahl" in said
    assert "(ändrat, förut: Nej)" in anna_part


async def test_a_note_internal_or_a_message(demo_app: App, clock: FakeClock) -> None:
    ref = await reported_and_taken(demo_app, clock, "anna", "pia", "party")
    t = Transcript("note_internal_or_message_sv", demo_app)
    pia, anna = t.person("pia"), t.person("anna")
    clock.advance(hours=2)
    await t.say(pia, f"/arende {ref}")
    await t.say(pia, "Skriv en anteckning")
    await t.say(pia, "Ska prata med Anna imorgon om det")
    await t.say(pia, "Intern (standard)")
    t.note("then a message to Anna herself")
    await t.say(pia, "Visa ärendet")
    await t.say(pia, "Skriv en anteckning")
    await t.say(pia, "Jag ringer dig i morgon kl. 10. Du kan alltid ringa mig före dess.")
    await t.say(pia, "Skicka till Anna Berg")
    pushed = await t.deliver()
    # her lock screen shows that Pia wrote, not what
    assert not any("ringer dig" in reply.text for _, reply in pushed)
    await t.say(anna, "Läs meddelandet")
    t.check()
    anna_part = t.text().split("anna> Läs meddelandet")[-1]
    assert "Ska prata med Anna" not in anna_part
    assert "Meddelande från Pia Lind" in anna_part


SV = ("Avsluta ärendet", "Tillbaka", "Avsluta ändå", "Ja", "Inget att tillägga")
EN = ("Close the case", "Back", "Close anyway", "Yes", "Nothing to add")
REOPEN = {"sv": "Öppna ärendet igen", "en": "Open the case again"}


async def close_and_reopen(
    app: App,
    clock: FakeClock,
    name: str,
    people: tuple[str, str],
    words: tuple[str, ...],
    finding: str,
) -> Transcript:
    """The contact closes a case with open items (going back once), then opens it again."""
    reporter, contact = people
    close, back, anyway, yes, nothing = words
    ref = await reported_and_taken(app, clock, reporter, contact, "party", "kent")
    t = Transcript(name, app)
    person, targeted = t.person(contact), t.person(reporter)
    clock.advance(days=20)
    await t.say(person, f"/arende {ref}")
    for typed in (close, back, close, anyway, yes, finding, nothing):
        await t.say(person, typed)
    await t.deliver()
    t.note(f"a week later the threats start again: {contact} opens the case again")
    clock.advance(days=7)
    await t.say(person, f"/arende {ref}")
    await t.say(person, REOPEN["en" if words == EN else "sv"])
    await t.deliver()
    await t.say(targeted, "1")  # the push's button: her case
    t.check()
    return t


async def test_closing_with_open_items_and_reopening(demo_app: App, clock: FakeClock) -> None:
    finding = "Strategen borde nås även kvällstid."
    t = await close_and_reopen(demo_app, clock, "close_and_reopen_sv", ("anna", "pia"), SV, finding)
    said = t.text()
    # the card and closing count alike, and say whose: the open items are listed once
    assert "Checklista – 12 öppna för dig, 15 i ärendet:" in said
    assert "Kvar i checklistan: 12 öppna för dig, 15 i ärendet." in said and "Avsluta ändå?" in said
    closing = said.split("pia> Avsluta ärendet")[1].split("pia>")[0]
    assert "Har polisen kontaktats" not in closing  # not the card's lines again
    assert "Ditt ärende REF-1 är avslutat av Pia Lind.\n    Du kan alltid skriva till mig." in said
    assert (  # reopened: the way out, and whom she will hear from
        "I fara nu: ring 112. Inte akut: polisen på 114 14.\n"
        "    Ditt ärende REF-1 är öppnat igen av Pia Lind.\n"
        "    Pia Lind har ditt ärende och hör av sig till dig."
    ) in said


async def test_closing_and_reopening_in_english(demo_app: App, clock: FakeClock) -> None:
    async with demo_app.db.unit_of_work() as session:
        await session.execute(update(Person).where(Person.handle == "britt").values(locale="en"))
    finding = "The strategist should be reachable in the evening."
    t = await close_and_reopen(demo_app, clock, "close_and_reopen_en", ("bo", "britt"), EN, finding)
    said = t.text()
    assert "Your case REF-1 has been closed by Britt Holm." in said


async def test_staff_type_their_checklist_answers(demo_app: App, clock: FakeClock) -> None:
    """Sara and Kent answer as they would say it: "gjort igår", "nej, inte aktuellt",
    "klart", a date; each is the answer, and a day is kept by its date."""
    ref = await reported_and_taken(demo_app, clock, "anna", "pia", "assignment", "sara", "kent")
    t = Transcript("checklist_typed_by_staff_sv", demo_app)
    sara, kent = t.person("sara"), t.person("kent")
    clock.advance(minutes=20)
    t.note("Sara called the police on Sunday; she answers the next day")
    await t.say(sara, f"/arende {ref}")
    await t.say(sara, "Svara på nästa punkt")
    await t.say(sara, "gjort igår")
    await t.say(sara, "Hoppa över")
    t.note("3.2.3 asks for words; she leaves it for later")
    await t.say(sara, f"/arende {ref}")
    await t.say(sara, "Svara på nästa punkt")
    await t.say(sara, "Hoppa över")
    await t.say(sara, "Visa ärendet")
    t.note("3.2.3 is left for later: 'Svara på nästa punkt' goes on to 3.2.4")
    await t.say(sara, "Svara på nästa punkt")
    await t.say(sara, "klart")
    await t.say(sara, "Hoppa över")
    await t.say(sara, "nej, inte aktuellt")
    t.note("only 3.2.3 is left: it comes back after her comment")
    back = await t.say(sara, "20/11")
    assert "Följande har informerats om händelsen:" in back, back
    await t.say(sara, "Partigruppen och kommunledningen, inte media")
    await t.deliver()
    t.note("Kent files the police report and says so in his own words")
    await t.say(kent, f"/arende {ref}")
    await t.say(kent, "Svara på nästa punkt")
    await t.say(kent, "gjort, anmäld och åtkomstskyddad")
    await t.say(sara, f"/arende {ref}")
    t.check()
    said = t.text()
    assert "gjort igår (söndag 22 november 2026)" in said
    assert "Intern anteckning (Sara Strand" not in said  # no bare "klart" note
    assert "informerats om händelsen: – Hoppa över" not in said
    assert "informerats om händelsen: – Partigruppen och kommunledningen, inte media" in said


async def test_the_unit_is_told_of_her_later_words(demo_app: App, clock: FakeClock) -> None:
    """Pia has taken Anna's case about her assignment; what Anna writes to it later reaches
    Sara too, who documents the case and reads it in the card, where Pia's reminder is
    said to be Pia's."""
    ref = await reported_and_taken(demo_app, clock, "anna", "pia", "assignment", "sara", "kent")
    t = Transcript("unit_told_of_her_words_sv", demo_app)
    anna, sara = t.person("anna"), t.person("sara")
    clock.advance(hours=3)
    await t.say(anna, f"/arende {ref}")
    await t.say(anna, "Han ringde igen i morse och nämnde min dotters namn.")
    await t.deliver()
    await t.say(sara, f"/arende {ref}")
    t.check()
    assert "sara:\n    Ärende REF-1: Anna Berg har skrivit till dig." in t.text()
    # the reminder to book call 1 is Pia's: Sara's card says so, not as if it were hers
    assert "Nästa påminnelse går till Pia Lind: onsdag 25 november kl. 10.00" in t.text()


async def test_311_is_done_for_her_when_the_plan_sent_it_to_the_unit(
    demo_app: App, clock: FakeClock
) -> None:
    """Anna's case about her assignment went to Sara at the unit with Pia's alert: Anna
    reads that the unit has it and is asked her own next item, not whether the strategist
    was contacted."""
    ref = await reported_and_taken(demo_app, clock, "anna", "pia", "assignment", "sara")
    t = Transcript("checklist_311_sent_to_unit_sv", demo_app)
    anna = t.person("anna")
    clock.advance(hours=1)
    await t.say(anna, f"/arende {ref}")
    await t.say(anna, "Svara på nästa punkt")
    t.check()
    said = t.text()
    assert "Kommunens säkerhetsenhet är kontaktad (Sara Strand)." in said
    assert "kontaktat kommunens säkerhetsstrateg" not in said


async def test_311_is_done_for_staff_when_the_plan_sent_it_to_the_unit(
    demo_app: App, clock: FakeClock
) -> None:
    """Anna's case about her assignment went to Sara at the unit with Pia's alert: Pia and Sara
    read 3.1.1 done as Anna does, the counts leave it out, and Pia's next item is 3.2.1; no
    answer is stored for it."""
    ref = await reported_and_taken(demo_app, clock, "anna", "pia", "assignment", "sara")
    t = Transcript("checklist_311_sent_to_unit_staff_sv", demo_app)
    pia, sara = t.person("pia"), t.person("sara")
    clock.advance(minutes=20)
    t.note("Pia opens the case she took; the report reached Sara with the alert")
    await t.say(pia, f"/arende {ref}")
    await t.say(pia, "Svara på nästa punkt")
    await t.say(pia, "Tillbaka")
    t.note("Sara reads the same")
    await t.say(sara, f"/arende {ref}")
    t.check()
    said = t.text()
    assert said.count("✓ 3.1.1 Kommunens säkerhetsenhet är kontaktad (Sara Strand).") == 3
    assert "· 3.1.1" not in said and "Har kommunens säkerhetsstrateg kontaktats?" not in said
    assert "Checklista – 11 öppna för dig, 14 i ärendet:" in said
    async with demo_app.db.unit_of_work() as session:
        assert not (await session.scalars(select(ChecklistAnswer))).all()
