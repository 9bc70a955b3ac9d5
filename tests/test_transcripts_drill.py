"""A drill as the people in it read it (golden transcript, Swedish): the security unit
starts it, the official and her security contact see ÖVNING messages, the contact takes
the alert, opens the drill case and answers a checklist item, the case's first follow-up
reminder comes sixty times faster, and the unit gets the report at the end."""

from __future__ import annotations

from sqlalchemy import select

from bot.app import App
from storage.models import Alert, Report
from tests.conftest import FakeClock
from tests.golden import Transcript
from tests.test_alerts import person_ids


async def test_a_drill_taken_by_the_first_contact(demo_app: App, clock: FakeClock) -> None:
    t = Transcript("drill_sv", demo_app)
    sara, anna, pia, per = t.person("sara"), t.person("anna"), t.person("pia"), t.person("per")
    for person in (anna, pia, per):
        await person.say("/hjalp")  # they have linked their chats before the drill
    ids = await person_ids(demo_app)
    t.note("Sara (the municipal security unit) starts a drill with Anna Berg")
    await t.say(sara, "/ovning")
    await t.press(sara, f"drill:start:{ids['anna']}", "Öva med Anna Berg")
    t.note("Anna is told it is a drill; Pia, her party's first contact, gets the alert")
    await t.deliver()
    async with demo_app.db.unit_of_work() as session:
        alert_id = (await session.scalars(select(Alert.id))).one()
    clock.advance(seconds=4)  # four minutes, as the drill counts them
    t.note("four minutes later (four seconds): Pia takes it")
    await t.press(pia, f"ack:{alert_id}", "Jag tar det")
    await t.deliver()
    async with demo_app.db.unit_of_work() as session:
        ref = (await session.scalars(select(Report.ref))).one()
    t.note("Pia opens the drill case from the alert and answers the first checklist item")
    await t.press(pia, f"cmd:arende {ref}", "Öppna ärende")
    await t.press(pia, "case:check", "Svara på nästa punkt")
    await t.press(pia, "check:yes", "Ja")
    t.note("two days later, sixty times faster (48 minutes): the first follow-up reminder")
    runner = demo_app.timer_runner()
    clock.advance(minutes=48)
    await runner.run_due()
    await t.deliver()
    t.note("the drill's time is up: Sara gets the report, Anna and Pia are told it is over")
    clock.advance(seconds=60)
    await runner.run_due()
    await t.deliver()
    t.check()
    said = t.text()
    assert "Per Ek" in said  # in the report: who would have been alerted next
    end = said.split("the drill's time is up")[-1]
    for who in ("anna", "pia"):  # everyone in the drill is told it is over; Per never was
        assert f"bot → {who}:\n    ÖVNING\n    Övningen är slut. Inget i den var på riktigt" in end
    assert "bot → per:" not in end
