"""Pia has two alerts from Anna waiting: the /akut alert Anna raised at 23:00 and, minutes
later, the report she sent. Pia types "Jag tar det". It took the report (the newest), and
the /akut alert (someone in danger now) went on waiting and escalating; now the /akut alert
is taken first and the report is offered beside it ("Ta det också")."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from bot.app import App
from storage.models import AlertStatus
from tests.conftest import Chat, FakeClock
from tests.test_alerts import load_alert, raise_akut, submit_report


async def test_typed_take_takes_the_akut_alert_before_a_newer_report(
    demo_app: App, chat: Any, clock: FakeClock
) -> None:
    akut = await raise_akut(chat)
    clock.now += timedelta(minutes=5)
    case = await submit_report(chat)
    pia: Chat = chat("pia")
    taken = await pia.say("Jag tar det")
    assert taken.startswith("Tack – det är ditt."), taken
    assert (await load_alert(demo_app, akut)).status is AlertStatus.ACKNOWLEDGED
    report_alert = await load_alert(demo_app, case.alert_id)
    assert report_alert.status is AlertStatus.OPEN
    assert f"ack:{case.alert_id}:too" in [i for i, _l, _t in pia.buttons], taken
