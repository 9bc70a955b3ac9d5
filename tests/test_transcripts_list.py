"""Finding cases again, one person's two alerts, and handing a case over, as people read
them (golden transcripts in tests/transcripts/; issue 18, items 2 and 7 and "Also")."""

from __future__ import annotations

from sqlalchemy import select

from bot.app import App
from conversations.report.form import ReportStep
from storage.models import Report
from tests.conftest import FakeClock
from tests.golden import Transcript
from tests.reporting import SKIPPED, Script, write_report
from tests.test_case import WHAT


async def report(t: Transcript, handle: str, category: str, *, police: bool = False) -> None:
    """Write a short report (the writing itself is in other transcripts); ``police``: she
    has decided on a police report."""
    person = t.person(handle)
    t.note(f"{handle} writes and sends a report ({category})")
    ticks = {ReportStep.MEASURES: ["police_report"]} if police else {}
    skip = [step for step in SKIPPED if step not in ticks]
    script = Script(category=category, what=(WHAT,), skip=skip, ticks=ticks)
    reply = await write_report(person, script)
    t.lines += ["", f"bot → {handle}:", *(f"    {line}" for line in reply.splitlines())]


async def bind(t: Transcript, *handles: str) -> None:
    """The people's chats exist (they have written to Trygg before), so pushes reach them."""
    for handle in handles:
        await t.person(handle).say("/hjalp")


async def test_cases_per_role(demo_app: App, clock: FakeClock) -> None:
    t = Transcript("cases_per_role_sv", demo_app)
    await bind(t, "pia", "per", "sara", "kent", "britt")
    await report(t, "anna", "party")
    clock.advance(minutes=5)
    await report(t, "bo", "assignment")
    await t.deliver()
    clock.advance(minutes=5)
    pia, anna, sara, kent, per = (t.person(h) for h in ("pia", "anna", "sara", "kent", "per"))
    t.note("Pia takes Anna's report from the alert")
    await t.say(pia, "Jag tar det")
    await t.deliver()
    t.note("each of them asks for their cases")
    for person in (anna, pia, sara, kent, per):
        await t.say(person, "/arenden")
    t.note("the director opens a case from the list")
    await t.say(kent, "1")
    t.check()

    t = Transcript("cases_per_role_en", demo_app)
    t.note("Bo Sand reported in English; he finds his case again")
    await t.say(t.person("bo"), "/cases")
    await t.say(t.person("bo"), "1")
    t.check()


async def test_one_person_two_alerts(demo_app: App, clock: FakeClock) -> None:
    t = Transcript("two_alerts_one_person_sv", demo_app)
    bo, britt = t.person("bo"), t.person("britt")
    await bind(t, "britt", "sara")
    t.note("Bo asks for help at once, then writes a report")
    await t.say(bo, "/akut")
    await t.say(bo, "1")
    await t.deliver()
    clock.advance(minutes=2)
    await report(t, "bo", "party")
    await t.deliver()
    clock.advance(minutes=1)
    t.note("Britt calls back from the report's alert and reaches Bo")
    await t.say(britt, "Ring upp")
    await t.say(britt, "Ja, jag tar det")
    await t.deliver()
    t.note("she does not take the first alert too; its deadline passes")
    clock.advance(minutes=15)
    await demo_app.timer_runner().run_due()
    await t.deliver()
    await t.say(britt, "/arenden")
    t.check()


async def test_a_case_handed_over(demo_app: App, clock: FakeClock) -> None:
    t = Transcript("case_handover_sv", demo_app)
    pia, per, anna = t.person("pia"), t.person("per"), t.person("anna")
    await bind(t, "pia", "per", "sara")
    await report(t, "anna", "party")
    await t.deliver()
    clock.advance(minutes=3)
    await t.say(pia, "Jag tar det")
    await t.deliver()
    t.note("Pia goes on leave: she hands the case over to Per")
    await t.say(pia, "/arenden")
    await t.say(pia, "1")
    await t.say(pia, "Lämna över")
    await t.say(pia, "Per Ek")
    await t.deliver()
    await t.say(per, "Öppna ärende " + (await _ref(demo_app)))
    await t.say(anna, "/arenden")
    t.check()


async def _ref(app: App) -> str:
    async with app.db.unit_of_work() as session:
        return str((await session.scalars(select(Report.ref))).one())


async def test_a_case_handed_over_in_english(demo_app: App, clock: FakeClock) -> None:
    t = Transcript("case_handover_en", demo_app)
    britt, sara, bo = t.person("britt"), t.person("sara"), t.person("bo")
    await bind(t, "britt", "sara")
    await report(t, "bo", "party")
    await t.deliver()
    clock.advance(minutes=3)
    await t.say(britt, "Jag tar det")
    await t.deliver()
    t.note("Britt is her party's only contact: she hands Bo's case to the municipal unit")
    await t.say(britt, f"/arende {await _ref(demo_app)}")
    await t.say(britt, "Lämna över")
    await t.say(britt, "Sara Strand (kommunens säkerhetsenhet)")
    await t.deliver()
    await t.say(sara, "/arenden")
    await t.say(bo, "/cases")
    t.check()
