"""Golden transcript: a booked follow-up call stays in step for everyone when it is moved,
when its reminder is moved, when the case is handed over and when it is closed.

Anna waits for the call she was told of: she must hear when it moves or is called off, and
the contact who makes it (and only that one) must be reminded of it. A call planned for a
day, with no time yet, lands on a working day, can be changed, is named to whoever the case
is handed to, and can be planned again after its day was taken away; a day typed that
nobody works on (julafton) is said to be so, with the next working day offered.
"""

from __future__ import annotations

from bot.app import App
from storage.calls import CallRepo
from storage.models import Report
from tests.conftest import Chat, FakeClock
from tests.golden import Transcript
from tests.test_case import submit_report, take
from tests.test_followup_calls import viewer
from tests.test_transcripts_followup import at, reported


async def booked_calls(app: App, report_id: str, handle: str) -> list[tuple[int, str, int | None]]:
    """(number, status, held by) of the calls booked for a time."""
    async with app.db.unit_of_work() as session:
        report = await session.get(Report, report_id)
        assert report is not None
        log = await CallRepo(session, app.keyring).log(await viewer(app, handle), report)
        return [(e.number, e.status, e.booked_by) for e in log if e.planned_for is not None]


async def test_a_booked_call_moved_handed_over_and_called_off(
    demo_app: App, clock: FakeClock
) -> None:
    case = await reported(demo_app, clock, "anna", "pia")
    t = Transcript("calls_in_step_sv", demo_app)
    pia, per, anna = t.person("pia"), t.person("per"), t.person("anna")
    await per.say("/hjalp")
    await t.deliver()
    t.lines.clear()
    t.note("Monday 10:00: Pia books call 1 for Tuesday 14:00, then moves it to Wednesday")
    await t.say(pia, f"/arende {case.ref}")
    await t.press(pia, "case:book", "Boka samtal 1")
    await t.say(pia, "tisdag 14:00")
    await t.deliver()
    await t.press(pia, "case:book", "Flytta samtal 1")  # offered with "Bokat"
    await t.say(pia, "onsdag 10:00")
    await t.deliver()
    t.note("she tries to move its reminder past the call")
    await t.press(pia, "case:view", "Visa ärendet")  # the case's other buttons are on its card
    await t.press(pia, "case:move", "Flytta påminnelsen")
    await t.press(pia, "move:7", "En vecka senare")
    t.note("Pia goes on leave: she hands the case to Per; the call is his now")
    await t.say(pia, f"/arende {case.ref}")
    await t.press(pia, "case:handover", "Lämna över")
    per_id = (await viewer(demo_app, "per")).person_id
    await t.press(pia, f"handover:{per_id}", "Per Ek")
    await t.deliver()
    assert await booked_calls(demo_app, case.id, "per") == [(1, "planned", per_id)]
    t.note("Wednesday 08:00: only Per is reminded")
    at(clock, 11, 25, 8, 0)
    await demo_app.timer_runner().run_due()
    await t.deliver()
    t.note("Per closes the case before the call; Anna hears it is called off")
    await t.say(per, f"/arende {case.ref}")
    warned = await t.press(per, "case:close", "Avsluta ärendet")
    assert "Uppföljningssamtalet som är bokat i dag kl. 10.00 ställs in om du avslutar." in warned
    await t.press(per, "close:confirm", "Avsluta ändå")
    await t.press(per, "applied:yes", "Ja")
    await t.press(per, "close:skip", "Inget att tillägga")
    await t.press(per, "close:skip", "Inget att tillägga")
    await t.deliver()
    assert await booked_calls(demo_app, case.id, "per") == []
    t.note("Anna opens her closed case")
    await t.say(anna, f"/arende {case.ref}")
    t.check()
    said = t.text()
    assert "Pia Lind har flyttat ert uppföljningssamtal från i morgon kl. 14.00 till onsdag" in said
    assert "den måste komma före samtalet" in said
    assert "Ditt uppföljningssamtal onsdag 25 november kl. 10.00 har du med Per Ek." in said
    reminded = said.split("only Per is reminded")[1].split("# Per closes")[0]
    assert "bot → per:" in reminded and "bot → pia:" not in reminded
    assert "Uppföljningssamtalet i dag kl. 10.00 blir inte av." in said
    closed = said.split("Anna opens her closed case")[1]
    assert "Uppföljningssamtal 1" not in closed and "ditt att svara på" not in closed


async def test_a_planned_day_skips_jul_is_changed_and_handed_over(
    demo_app: App, clock: FakeClock
) -> None:
    at(clock, 12, 10, 9, 0)  # Thursday 10 December: Anna reports, Pia takes it
    await Chat(demo_app, "pia").say("/hjalp")
    case = await submit_report(lambda who: Chat(demo_app, who), "anna", "party")
    await take(lambda who: Chat(demo_app, who), "pia", case)
    t = Transcript("day_in_step_sv", demo_app)
    pia, per, anna = t.person("pia"), t.person("per"), t.person("anna")
    await per.say("/hjalp")
    await t.deliver()
    t.lines.clear()
    t.note("10:00: Pia documents call 1 with Anna; call 2 in two weeks would be julafton")
    at(clock, 12, 10, 10, 0)
    await t.say(pia, f"/arende {case.ref}")
    await t.press(pia, "case:followup", "Dokumentera ett uppföljningssamtal")
    await t.press(pia, "fu:today", "I dag")
    await t.say(pia, "Anna och Pia")
    await t.say(pia, "Anna mår bättre men sover dåligt.")
    await t.press(pia, "fu:yes", "Ja")
    await t.press(pia, "fu:not_needed", "Behövs inte")
    await t.press(pia, "next:14", "Om 2 veckor")
    t.note("Anna will be away over jul: Pia changes the day to the Wednesday before")
    await t.press(pia, "case:day", "Ändra dagen för samtal 2")
    await t.say(pia, "onsdag")
    t.note("Pia goes on leave: she hands the case to Per, who is told the day")
    await t.say(pia, f"/arende {case.ref}")
    await t.press(pia, "case:handover", "Lämna över")
    per_id = (await viewer(demo_app, "per")).person_id
    await t.press(pia, f"handover:{per_id}", "Per Ek")
    await t.deliver()
    t.note("Anna has not answered: Per takes the day away until she does")
    await t.say(per, f"/arende {case.ref}")
    await t.press(per, "case:day", "Ändra dagen för samtal 2")
    await t.press(per, "day:drop", "Ingen dag än")
    await t.say(anna, f"/arende {case.ref}")
    t.note("Anna can talk after jul: Per plans a day again, and types julafton by mistake")
    await t.press(per, "case:day", "Planera en dag för samtal 2")
    await t.say(per, "24/12")
    await t.press(per, "dayoff:next", "Måndag 28 december")
    await t.say(anna, f"/arende {case.ref}")
    t.check()
    said = t.text()
    assert "Uppföljningssamtal 2 är planerat till omkring måndag 28 december" in said
    assert "Uppföljningssamtal 2 är planerat till omkring onsdag 16 december" in said
    assert "planerat till omkring onsdag 16 december, utan bokad tid: det är ditt att boka" in said
    dropped = said.split("Per takes the day away")[1].split("# Anna can talk")[0]
    assert "[3] Planera en dag för samtal 2" in dropped  # not only "Boka samtal 2"
    again = said.split("# Anna can talk after jul")[1]
    assert (
        "Torsdag 24 december är julafton.\n"
        "    Vill du planera samtal 2 till måndag 28 december i stället?\n"
        "    [1] Måndag 28 december  [2] Behåll 24 december"
    ) in again
    assert "Per Ek hör av sig till dig om tiden." in again.split("anna> /arende")[1]
