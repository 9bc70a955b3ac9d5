"""The case as the people who act on it live it, start to end (issue 18's proof).

One golden transcript per person who must act: the party security contact (Pia), the
municipal security unit (Sara) and the municipal director (Kent). Each runs from the alert
(or, for the director, the push that his item is due) through reading the whole report with
its evidence, the checklist with a change of answer, booking and documenting follow-up
call 1, a check-in moved by the targeted person, closing with open items, and reopening.
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from bot.app import App
from conversations.report.form import ReportStep
from tests.conftest import Chat, FakeClock
from tests.golden import Transcript
from tests.reporting import SKIPPED
from tests.test_case import MONDAY_10
from tests.test_case_reading import PHOTO_SHA, STORY, evidence_ids, latest, write_anna

STOCKHOLM = ZoneInfo("Europe/Stockholm")


def at(clock: FakeClock, month: int, day: int, hour: int, minute: int = 0) -> None:
    clock.now = datetime(2026, month, day, hour, minute, tzinfo=STOCKHOLM).astimezone(UTC)


async def anna_reports(app: App, clock: FakeClock, *present: str) -> str:
    """Monday 23 November 10:00: Anna reports a threat about her assignment, with a photo
    and a PDF; the people in ``present`` have opened Trygg before. Return the reference."""
    clock.now = MONDAY_10
    for handle in present:
        await Chat(app, handle).say("/hjalp")
    anna = Chat(app, "anna")
    decided = {ReportStep.MEASURES: ["police_report"]}  # she will report it: Kent files it
    await write_anna(anna, (STORY,), skip=[s for s in SKIPPED if s not in decided], ticks=decided)
    sent = await anna.press("send")
    assert "Din rapport är skickad" in sent, sent
    return (await latest(app)).ref


async def timers(app: App, t: Transcript) -> None:
    await app.timer_runner().run_due()
    await t.deliver()


async def test_the_party_contact_lives_the_case(demo_app: App, clock: FakeClock) -> None:
    ref = await anna_reports(demo_app, clock, "pia", "sara", "kent")
    t = Transcript("case_walk_contact_sv", demo_app)
    pia, anna = t.person("pia"), t.person("anna")
    t.note("Monday 23 November 10:02: the alert wakes Pia")
    await t.deliver()
    await t.say(pia, "Jag tar det")
    await t.deliver()
    t.note("she reads the whole report and opens the photo")
    await t.say(pia, "Visa rapporten")
    await t.say(pia, "Öppna fil 1")
    t.note("the checklist: a first answer, then a change of answer")
    await t.say(pia, f"/arende {ref}")
    await t.say(pia, "Svara på nästa punkt")
    await t.say(pia, "Nej")
    await t.say(pia, "Anna är ensam hemma")
    clock.advance(hours=1)
    await t.say(pia, "Tillbaka")
    await t.say(pia, "Ändra ett svar")
    await t.say(pia, "1")
    await t.say(pia, "Ja")
    await t.say(pia, "Hennes syster är hos henne nu")
    t.note("she books follow-up call 1 for Tuesday 14:00, from her case")
    await t.say(pia, "Visa ärendet")
    await t.say(pia, "Boka samtal 1")
    await t.say(pia, "tisdag 14:00")
    await t.deliver()
    t.note("Anna moves her first check-in to Tuesday evening")
    await t.say(anna, f"/arende {ref}")
    await t.say(anna, "Flytta avstämningen")
    await t.say(anna, "tisdag kl 18")
    t.note("Tuesday 08:00 and 13:00: Pia is reminded; at 15:00 she documents the call")
    at(clock, 11, 24, 8)
    await timers(demo_app, t)
    at(clock, 11, 24, 13)
    await timers(demo_app, t)
    at(clock, 11, 24, 15)
    await t.say(pia, f"/arende {ref}")
    await t.say(pia, "Dokumentera ett uppföljningssamtal")
    await t.say(pia, "Som bokat: 24 november")
    await t.say(pia, "Anna Berg och Pia Lind")
    await t.say(pia, "Anna sover bättre men vill inte gå till möten ensam än.")
    await t.say(pia, "Ja")
    await t.say(pia, "Behövs inte")
    await t.say(pia, "Behövs inte")
    t.note("Tuesday 18:00: the check-in Anna moved")
    at(clock, 11, 24, 18)
    await timers(demo_app, t)
    t.note("three weeks later Pia closes the case with items still open, and reopens it")
    at(clock, 12, 14, 10)
    await t.say(pia, f"/arende {ref}")
    for typed in ("Avsluta ärendet", "Avsluta ändå", "Ja", "Inget att tillägga"):
        await t.say(pia, typed)
    await t.say(pia, "Inget att tillägga")
    await t.deliver()
    at(clock, 12, 16, 9)
    await t.say(pia, f"/arende {ref}")
    await t.say(pia, "Öppna ärendet igen")
    await t.deliver()
    t.check()
    said = t.text()
    assert STORY in said and PHOTO_SHA in said
    anna_part = "\n".join(line for line in said.split("\nbot → ") if line.startswith("anna:"))
    assert "vill inte gå till möten" not in anna_part
    assert "vänta till i morgon" not in anna_part


async def test_the_security_unit_lives_the_case(demo_app: App, clock: FakeClock) -> None:
    ref = await anna_reports(demo_app, clock, "pia", "sara", "kent")
    t = Transcript("case_walk_unit_sv", demo_app)
    sara, pia = t.person("sara"), t.person("pia")
    t.note("Monday 10:02: the alert reaches Pia and Sara; Sara takes it")
    await t.deliver()
    await t.say(sara, "Jag tar det")
    await t.deliver()
    await t.say(sara, "Visa rapporten")
    await t.say(sara, "Öppna fil 2")
    t.note("her item is 3.1.2 (police assessment): no at first, then yes")
    await t.say(sara, f"/arende {ref}")
    await t.say(sara, "Svara på nästa punkt")
    await t.say(sara, "Nej")
    await t.say(sara, "Hoppa över")
    await t.say(sara, "Tillbaka")
    clock.advance(hours=2)
    await t.say(sara, "Ändra ett svar")
    await t.say(sara, "1")
    await t.say(sara, "Ja")
    await t.say(sara, "Polisen bedömer hotet i dag")
    await t.deliver()
    t.note("she writes an internal note for Pia and books call 1 for Wednesday 9:00")
    await t.say(sara, "Skriv en anteckning")
    await t.say(sara, "Polisen vill ha sms:en i original.")
    await t.say(sara, "Intern (standard)")
    await t.say(sara, "Visa ärendet")
    await t.say(sara, "Boka samtal 1")
    await t.say(sara, "onsdag 9:00")
    await t.deliver()
    t.note("Wednesday: the call is held and documented")
    at(clock, 11, 25, 10)
    await timers(demo_app, t)
    await t.say(sara, f"/arende {ref}")
    await t.say(sara, "Dokumentera ett uppföljningssamtal")
    await t.say(sara, "Som bokat: 25 november")
    await t.say(sara, "Anna Berg, Sara Strand, Pia Lind")
    await t.say(sara, "Polisen har tagit upp en anmälan. Anna har larmknapp från i dag.")
    await t.say(sara, "Nej")
    await t.say(sara, "Beställt via företagshälsovården")
    await t.say(sara, "Behövs inte")
    t.note("Pia reads the log and the note")
    await t.say(pia, f"/arende {ref}")
    t.note("a month later Sara closes with open items, then reopens")
    at(clock, 12, 28, 10)
    await t.say(sara, f"/arende {ref}")
    for typed in ("Avsluta ärendet", "Avsluta ändå", "Nej", "Rutinen saknar kvällsnummer."):
        await t.say(sara, typed)
    await t.say(sara, "Inget att tillägga")
    await t.deliver()
    at(clock, 12, 29, 9)
    await t.say(sara, f"/arende {ref}")
    await t.say(sara, "Öppna ärendet igen")
    await t.deliver()
    t.check()
    assert "Polisen vill ha sms:en i original." in t.text().split("pia> /arende")[-1]


async def test_the_director_lives_the_case(demo_app: App, clock: FakeClock) -> None:
    ref = await anna_reports(demo_app, clock, "pia", "sara", "kent")
    t = Transcript("case_walk_director_sv", demo_app)
    kent, pia = t.person("kent"), t.person("pia")
    t.note("Monday 10:02: the report reaches Pia and Sara; Kent owns 3.1.3 and is told")
    await t.deliver()
    await t.say(pia, "Jag tar det")
    await t.deliver()
    t.note("Kent opens the case from the push: the header and checklist, never the report")
    await t.say(kent, "1")
    await t.say(kent, "/arenden")
    t.note("the report and its files are refused to him even by a forged press")
    [photo, _pdf] = await evidence_ids(demo_app, await latest(demo_app))
    await t.press(kent, f"ev_open:{photo}", "Öppna fil 1")
    await t.say(kent, f"/arende {ref}")
    await t.say(kent, "Svara på nästa punkt")
    await t.say(kent, "Nej")
    await t.say(kent, "Anna har inte bestämt sig")
    t.note("the next day Anna decides to report: Kent changes his answer")
    clock.advance(days=1)
    await t.say(pia, f"/arende {ref}")
    await t.say(pia, "Boka samtal 1")
    await t.say(pia, "torsdag 10:00")
    await t.deliver()
    seen = await t.say(kent, f"/arende {ref}")
    assert "Uppföljningssamtal" not in seen  # the calls are not the director's to read
    await t.say(kent, "Ändra ett svar")
    await t.say(kent, "1")
    await t.say(kent, "Ja")
    await t.say(kent, "Anmälan gjord av Anna med Sara")
    t.note("two weeks later Pia closes the case with items open; Kent is told, and when reopened")
    at(clock, 12, 8, 10)
    await t.say(pia, f"/arende {ref}")
    for typed in ("Avsluta ärendet", "Avsluta ändå", "Ja", "Inget att tillägga"):
        await t.say(pia, typed)
    await t.say(pia, "Inget att tillägga")
    await t.deliver()
    await t.say(kent, f"/arende {ref}")
    at(clock, 12, 9, 9)
    await t.say(pia, f"/arende {ref}")
    await t.say(pia, "Öppna ärendet igen")
    await t.deliver()
    t.check()
    kent_part = "\n".join(line for line in t.text().split("\nbot → ") if line.startswith("kent:"))
    assert STORY not in kent_part and PHOTO_SHA not in kent_part
