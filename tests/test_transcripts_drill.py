"""A drill as the people in it read it (golden transcript, Swedish): the security unit
starts it, the official and her security contact see ÖVNING messages, the contact takes
the alert, and the unit gets the report at the end."""

from __future__ import annotations

from sqlalchemy import select

from bot.app import App
from storage.models import Alert
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
    t.note("the drill's time is up: Sara gets the report, and the drill is removed")
    clock.advance(seconds=60)
    await demo_app.timer_runner().run_due()
    await t.deliver()
    t.check()
    said = t.text()
    assert "Per Ek" in said  # in the report: who would have been alerted next
