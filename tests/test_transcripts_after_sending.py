"""Words typed after a report was sent, as golden transcripts.

Anna has sent her report; days later she writes "när ringer Pia mig egentligen?". The
words are for those who handle her case, not the start of a new report: they are kept with
her open case, Pia is told (without the words, a push is read on a locked phone), and Anna
is told who will see them and how to make a new report if something new has happened.
Words that may tell of danger now ("han står utanför dörren och har en kniv") are pushed to
them at once, asking them to read it now; a question stays a routine notice.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.app import App
from conversations.akut_words import tells_danger
from conversations.notices import CHECKIN_REPLY
from storage.cases import CaseRepo
from storage.models import AlertStatus, OutboxMessage, Person, Report, ReportStatus
from storage.outbox import ROUTINE, URGENT
from storage.viewer import Viewer
from tests.conftest import Chat, FakeClock
from tests.golden import Transcript, delivered
from tests.test_alerts import Recording, load_alert
from tests.test_case import MONDAY_10, WHAT, Submitted, person_ids, submit_report, take
from tests.test_transcripts_first_words import kept_words

ASKED = "när ringer Pia mig egentligen?"
TOLD = "Han stod utanför mitt hus igen i kväll och tittade in"
KNIFE = "han står vid min dörr nu och har en kniv"


async def case_notice_priorities(app: App) -> list[tuple[int, bool]]:
    """Each notice that she wrote to her case: its priority, and whether it says danger."""
    async with app.db.unit_of_work() as session:
        rows = await session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.kind == CHECKIN_REPLY)
            .order_by(OutboxMessage.id)
        )
        return [(row.priority, bool(row.payload.get("danger"))) for row in rows]


async def case_words(app: App, report_id: str, reader: str) -> list[str]:
    """The notes of a case as ``reader`` may read them."""
    async with app.db.unit_of_work() as session:
        report = await session.get(Report, report_id)
        person = (await session.scalars(select(Person).where(Person.handle == reader))).one()
        assert report is not None
        notes = await CaseRepo(session, app.keyring).notes(Viewer.of(person), report)
        return [text for _note, text in notes]


async def drafts(app: App, handle: str) -> int:
    ids = await person_ids(app)
    async with app.db.unit_of_work() as session:
        found = await session.scalars(
            select(Report.id).where(
                Report.reporter_id == ids[handle], Report.status == ReportStatus.DRAFT
            )
        )
        return len(found.all())


async def sent(app: App, clock: FakeClock, *, taken: bool) -> Submitted:
    """Monday 10:00: Anna has sent a report to Pia, who has taken it or not yet."""
    clock.now = MONDAY_10

    def chat(who: str) -> Chat:
        return Chat(app, who)

    await chat("pia").say("/hjalp")
    case = await submit_report(chat, "anna", "party")
    if taken:
        await take(chat, "pia", case)
    return case


async def test_a_question_typed_after_sending_reaches_those_handling_the_case(
    demo_app: App, clock: FakeClock
) -> None:
    case = await sent(demo_app, clock, taken=True)
    t = Transcript("after_sending_sv", demo_app)
    anna, pia = t.person("anna"), t.person("pia")
    await t.deliver()
    t.lines.clear()
    clock.now = MONDAY_10 + timedelta(days=2)
    t.note("Wednesday: Anna has heard nothing yet and asks")
    said = await t.say(anna, ASKED)
    await t.deliver()
    t.note("Anna tells what happened tonight")
    told = await t.say(anna, TOLD)
    assert next(i for i, _l, _t in anna.buttons) == "cmd:akut"  # new danger: one press away
    await t.press(anna, "cmd:akut", "Jag behöver hjälp nu")
    await t.press(anna, "akut:alert", "Larma Pia Lind")
    await t.deliver()
    t.note("Pia opens the case")
    await t.say(pia, f"/arende {case.ref}")
    t.check()

    assert said.startswith("I fara nu: ring 112.")
    assert f"Tack. Jag har sparat det du skrev i ditt ärende {case.ref}." in said
    assert "Pia Lind har ditt ärende, ser det du skrev och hör av sig till dig." in said
    assert "Jag sparade det du skrev i en rapport" not in said  # not a new draft
    assert "/rapportera" not in told  # he was at her door tonight: not the time for a form
    assert "Jag har bett Pia Lind att läsa det nu." in told
    assert await drafts(demo_app, "anna") == 0
    assert await kept_words(demo_app, "anna") == [WHAT]  # the sent report's own words only
    assert await case_words(demo_app, case.id, "pia") == [ASKED, TOLD]
    to_pia = t.text().split("anna> " + TOLD)[0].split("bot → pia:")[-1]
    assert "har skrivit till dig" in to_pia
    assert ASKED not in to_pia  # the words stay inside the case
    opened = t.text().split("pia> /arende ")[1]  # her words first, fresh as they are
    assert opened.index("Det Anna Berg har skrivit:") < opened.index("Checklista –")


async def test_without_a_sent_case_the_words_begin_a_report(
    demo_app: App, clock: FakeClock
) -> None:
    """With no open case, words begin a report, and a question goes on with it: kept."""
    clock.now = MONDAY_10
    anna = Chat(demo_app, "anna")
    first = "Någon har skrivit elaka saker om mig på Facebook i natt"
    said = await anna.say(first)
    assert "Jag sparade det du skrev i en rapport" in said
    said = await anna.say(ASKED)
    assert "Jag sparade det du skrev i en rapport" in said
    assert await kept_words(demo_app, "anna") == [f"{first}\n{ASKED}"]


async def test_a_question_before_anyone_took_the_case_says_so(
    demo_app: App, clock: FakeClock
) -> None:
    await sent(demo_app, clock, taken=False)
    said = await Chat(demo_app, "anna").say(ASKED)
    assert "Ingen har tagit ditt ärende än. Pia Lind ser det du skrev." in said


async def wednesday_night(t: Transcript, clock: FakeClock, reporter: str, contact: str) -> Chat:
    """The transcript begins Wednesday 23:00, two days after the report; the reporter's chat
    (the contact's pushes are recorded too)."""
    chat = t.person(reporter)
    t.person(contact)
    await t.deliver()
    t.lines.clear()
    clock.now = MONDAY_10 + timedelta(days=2, hours=13)
    return chat


async def test_words_of_danger_after_sending_ask_those_handling_the_case_to_read_them_now(
    demo_app: App, clock: FakeClock
) -> None:
    """A knife at her door, days after her report: the words open the guidance, and Pia is
    pushed at once to read them (the words stay inside the case); a question is routine."""
    case = await sent(demo_app, clock, taken=True)
    t = Transcript("danger_after_sending_sv", demo_app)
    anna = await wednesday_night(t, clock, "anna", "pia")
    t.note("Wednesday 23:00: he is at her door")
    said = await t.say(anna, KNIFE)
    assert next(i for i, _l, _t in anna.buttons) == "akut:alert"  # the alert: one press
    pushed = await t.deliver()
    t.note("A question the next day")
    clock.now += timedelta(hours=11)
    asked = await t.say(anna, ASKED)
    await t.deliver()
    t.check()

    assert said.startswith("Är du i fara just nu? Ring 112.")
    assert (
        f"Jag har sparat det du skrev i ditt ärende {case.ref} och bett Pia Lind att läsa det nu."
        in said
    )
    to_pia = [reply.text for who, reply in pushed if who == "pia"]
    assert len(to_pia) == 1 and to_pia[0].startswith("BRÅDSKANDE – Trygg")
    assert "Läs det nu: det kan vara ny fara." in to_pia[0]
    assert "kniv" not in to_pia[0]  # the words stay inside the case (a locked phone)
    assert "Pia Lind har ditt ärende, ser det du skrev" in asked
    assert await case_notice_priorities(demo_app) == [(URGENT, True), (ROUTINE, False)]
    assert await case_words(demo_app, case.id, "pia") == [KNIFE, ASKED]


async def test_words_of_danger_after_sending_in_english(demo_app: App, clock: FakeClock) -> None:
    """Bo, in English: the same, in his language (Britt reads Swedish)."""
    clock.now = MONDAY_10

    def chat(who: str) -> Chat:
        return Chat(demo_app, who)

    await chat("britt").say("/hjalp")
    case = await submit_report(chat, "bo", "party")
    await take(chat, "britt", case)
    t = Transcript("danger_after_sending_en", demo_app)
    bo = await wednesday_night(t, clock, "bo", "britt")
    t.note("Wednesday 23:00: someone is at his door")
    said = await t.say(bo, "there is a man outside my door with a knife")
    pushed = await t.deliver()
    t.check()
    assert said.startswith("Are you in danger right now? Call 112.")
    assert "and asked Britt Holm to read it now." in said
    [to_britt] = [reply.text for who, reply in pushed if who == "britt"]
    assert "Läs det nu: det kan vara ny fara." in to_britt  # Britt reads Swedish
    assert "knife" not in to_britt


async def test_words_seen_outside_at_her_house_ask_to_read_now_and_say_so(
    demo_app: App, clock: FakeClock
) -> None:
    """Told, not cried: kept with the case, Pia asked to read it now, and Anna told so."""
    await sent(demo_app, clock, taken=True)
    said = await Chat(demo_app, "anna").say(TOLD)
    assert said.startswith("I fara nu: ring 112.")
    assert "Jag har bett Pia Lind att läsa det nu." in said
    assert await case_notice_priorities(demo_app) == [(URGENT, True)]


@pytest.mark.parametrize(
    ("words", "danger"),
    [
        (KNIFE, True),
        (TOLD, True),
        ("hjälp", True),
        ("Jag är rädd, han följer efter mig", True),
        ("he has a knife and is outside my door", True),
        ("han hotade mig igen på Facebook", True),
        ("han sa att han ska döda mig", True),
        ("jag är i fara", True),
        ("någon bankar på dörren", True),
        ("han står vid dörren nu", True),
        ("he says he will kill me", True),
        ("kan du hjälpa mig med polisanmälan?", False),  # a question, not a cry
        ("polisen hjälpte mig i går", False),
        ("han slår på fönstret", True),
        ("he beat me up last night", True),
        ("någon har gjort inbrott hos mig", True),
        ("hjälp mig", True),
        ("Någon försöker ta sig in genom altandörren", True),
        ("Jag är jätterädd", True),
        ("han har följt efter mig hem", True),
        ("Han kastar sten på fönstret", True),
        ("he is following me", True),
        ("han har inte följt efter mig", False),
        ("Per skickade nya dörrkoden", False),
        (ASKED, False),
        ("Per skickade dörrkoden", False),
        ("mår bättre nu, inga nya hot", False),
        ("jag är inte rädd längre", False),
        ("vi bor på hotell i helgen", False),
        ("passar ej på tisdag", False),
    ],
)
def test_words_that_may_tell_of_danger_now(words: str, danger: bool) -> None:
    assert tells_danger(words) is danger


async def test_danger_on_a_case_nobody_took_goes_on_to_the_next_within_minutes(
    demo_app: App, clock: FakeClock
) -> None:
    """A knife at her door while her report waited for Pia (asleep): only Pia was pushed, and
    Per heard nothing until the report's own two hours were up."""
    await sent(demo_app, clock, taken=False)
    said = await Chat(demo_app, "anna").say("han står vid min dörr nu och har en kniv")
    assert "och bett Pia Lind att läsa det nu." in said, said
    await Chat(demo_app, "per").say("/hjalp")
    clock.now += timedelta(minutes=11)
    await demo_app.timer_runner().run_due()
    to_per = [text for to, text in await delivered(demo_app) if to == "per"]
    assert any("Ny incidentrapport" in text for text in to_per), to_per
    woken = next(text for text in to_per if "Ny incidentrapport" in text)  # why he is woken
    assert woken.startswith("BRÅDSKANDE – Trygg\nAnna Berg har skrivit i ärendet och kan vara i")
    assert "Tar ingen det inom 10 minuter går det vidare till nästa." in said


async def test_danger_on_a_case_every_level_had_promises_no_next(
    demo_app: App, clock: FakeClock
) -> None:
    """Her report had gone to every level the plan names and nobody took it; her words of
    danger then read "Tar ingen det inom 10 minuter går det vidare till nästa", though
    nobody was left to go to. Now she is given the unit's number instead."""
    submitted = await sent(demo_app, clock, taken=False)
    for _ in range(4):  # two hours a level: Pia, Per, the unit, and nobody more
        clock.now += timedelta(hours=2, minutes=1)
        await demo_app.timer_runner().run_due()
    assert (await load_alert(demo_app, submitted.alert_id)).status is AlertStatus.EXHAUSTED
    said = await Chat(demo_app, "anna").say(TOLD)
    assert "vidare till nästa" not in said, said
    assert "Du kan också ringa kommunens säkerhetsenhet på +46 8 465 004 10." in said, said


async def test_danger_told_on_a_case_nobody_took_says_when_it_goes_on(
    demo_app: App, clock: FakeClock
) -> None:
    await sent(demo_app, clock, taken=False)
    said = await Chat(demo_app, "anna").say(TOLD)
    assert (
        "Ingen har tagit ditt ärende än. Jag har bett Pia Lind att läsa det nu. "
        "Tar ingen det inom 10 minuter går det vidare till nästa." in said
    ), said


async def test_danger_typed_in_her_own_case_view_puts_the_way_out_first(
    demo_app: App, clock: FakeClock
) -> None:
    """Typed in her case view, the knife had got "Jag har sparat det du skrev i ditt ärende. De
    som hanterar ärendet ser det.": no 112, nobody named."""
    case = await sent(demo_app, clock, taken=True)
    anna = Chat(demo_app, "anna")
    await anna.say(f"/arende {case.ref}")
    said = await anna.say("han står utanför mitt fönster med en kniv")
    assert said.startswith("I fara nu: ring 112.\n"), said
    assert f"i ditt ärende {case.ref} och bett Pia Lind att läsa det nu." in said
    assert await case_notice_priorities(demo_app) == [(URGENT, True)]


async def test_words_of_danger_on_a_case_nobody_took_can_be_taken_from_the_push(
    demo_app: App, clock: FakeClock
) -> None:
    """The urgent push "Läs det nu: det kan vara ny fara" on a case nobody had taken offered
    only "Öppna ärende": whoever was woken could not take it from there."""
    submitted = await sent(demo_app, clock, taken=False)
    await delivered(demo_app)  # the report's own alert, before
    await Chat(demo_app, "anna").say(KNIFE)
    transport = Recording()
    await demo_app.outbox_sender(transport).deliver_due()
    [to_pia] = [r for to, r in transport.replies if to == "pia"]
    assert to_pia.text.startswith("BRÅDSKANDE – Trygg"), to_pia.text
    ids = [b.id for row in to_pia.buttons for b in row]
    assert f"ack:{submitted.alert_id}" in ids, ids
    taken = await Chat(demo_app, "pia").press(f"ack:{submitted.alert_id}")
    assert taken.startswith("Tack – det är ditt."), taken
