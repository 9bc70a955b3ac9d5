"""Taking an alert from inside a case takes that case's alert: Pia, reading case A with three
alerts waiting, typed "ok jag tar det" and took case B's, while A went on waiting (and
escalating). The case view offers its own alert's "Jag tar det"; an offer of another alert
names its case."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from bot.app import App
from storage.models import Alert, AlertStatus
from tests.conftest import Chat, FakeClock
from tests.test_alerts import submit_report


async def status(app: App, alert_id: str) -> AlertStatus:
    async with app.db.unit_of_work() as session:
        alert = (await session.scalars(select(Alert).where(Alert.id == alert_id))).one()
        return alert.status


async def test_taking_in_words_inside_a_case_takes_its_own_alert(
    chat: Any, demo_app: App, clock: FakeClock
) -> None:
    first = await submit_report(chat, category="assignment")
    clock.advance(minutes=1)
    second = await submit_report(chat, category="assignment")
    clock.advance(minutes=1)
    third = await submit_report(chat, category="assignment")
    pia: Chat = chat("pia")
    view = await pia.say(f"/arende {first.ref}")
    assert "Ingen har tagit ärendets larm än." in view
    assert f"ack:{first.alert_id}" in {button for button, _label, _t in pia.buttons}
    taken = await pia.say("ok jag tar det")  # not alone: read inside the case
    assert taken.startswith("Tack – det är ditt."), taken
    assert await status(demo_app, first.alert_id) is AlertStatus.ACKNOWLEDGED
    assert await status(demo_app, third.alert_id) is AlertStatus.OPEN
    await pia.say(f"/arende {second.ref}")
    await pia.say("jag tar det")  # alone: the case she has open, not the newest (the third)
    assert await status(demo_app, second.alert_id) is AlertStatus.ACKNOWLEDGED
    assert await status(demo_app, third.alert_id) is AlertStatus.OPEN
    await pia.say(f"/arende {second.ref}")
    offer = await pia.say("ok, ringer henne")  # her own case's alert is taken: the third waits
    assert f"om ärende {third.ref} väntar på dig" in offer, offer
