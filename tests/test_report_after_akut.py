"""A report sent the day after an /akut alert goes to whoever took the alert, as theirs.

Anna alerted Pia at 23:00 and Pia took it and called her. The next morning Anna writes the
report. It had reached Pia as a fresh "Ny incidentrapport" with its own "Jag tar det" and a
two-hour clock, after which Per was paged, though Pia was already handling it. Now the case
is Pia's at once: she is told so (the alert she took, the report one press away), the rest
of the plan's first level learns who has it, nobody is paged, and Anna reads that Pia has it.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from bot.app import App
from conversations.report.form import ReportStep as S
from storage.models import AlertStatus
from tests.conftest import Chat, FakeClock
from tests.golden import Transcript
from tests.reporting import Script, write_report
from tests.test_alerts import (
    Recording,
    ack,
    alerts_only,
    load_alert,
    outbox,
    raise_akut,
    submit_report,
)
from tests.test_case import last_outbox_id
from tests.test_followup_calls import viewer
from tests.test_transcripts_after_sending import case_words


async def test_the_report_after_a_taken_alert_is_the_takers_case_sv(
    demo_app: App, clock: FakeClock
) -> None:
    t = Transcript("report_after_akut_sv", demo_app)
    anna, pia, per = t.person("anna"), t.person("pia"), t.person("per")
    for chat in (pia, per):  # the contacts have opened Trygg before; not recorded
        await chat.say("/hjalp")
    await t.deliver()
    t.lines.clear()

    def chats(handle: str) -> Chat:
        return {"anna": anna, "pia": pia, "per": per}[handle]

    alert_id = await raise_akut(chats)
    await ack(pia, alert_id)
    await t.deliver()
    t.lines.clear()
    t.note("The next morning Anna writes the report (the form's questions not shown)")
    clock.now += timedelta(hours=10)
    case = await submit_report(chats)
    t.lines.clear()
    t.note("What Anna reads when she sends it")
    t.lines += ["bot → anna:", *(f"    {line}" for line in case.reply.splitlines())]
    sent = await t.deliver()
    t.note("Pia reads the report from the push")
    shown = await t.press(pia, f"show:{case.id}", "Visa rapporten")
    t.note("Two hours on: nobody is paged")
    clock.now += timedelta(hours=2, minutes=1)
    mark = await last_outbox_id(demo_app)
    await demo_app.timer_runner().run_due()
    later = await t.deliver()
    t.check()

    assert (
        "Jag har skickat den till Pia Lind, som tog ditt larm och hör av sig till dig."
        in case.reply
    )
    assert "går den till Per Ek" not in case.reply
    alert = await load_alert(demo_app, case.alert_id)
    taker = (await viewer(demo_app, "pia")).person_id
    assert (alert.status, alert.acknowledged_by) == (AlertStatus.ACKNOWLEDGED, taker)
    [reply] = [r for to, r in sent if to == "pia"]
    assert f"Ny incidentrapport i Trygg – ärende {case.ref}" in reply.text
    assert "Larmet från i går kl. 23.00 är ditt, så ärendet är också ditt." in reply.text
    assert "ack:" not in " ".join(b.id for row in reply.buttons for b in row)  # nothing to take
    assert not [to for to, _r in sent if to == "per"]
    assert "Vad hände" in shown or case.ref in shown
    assert alerts_only(await outbox(demo_app, mark)) == []
    assert later == []
    assert await case_words(demo_app, case.id, "pia") == []  # she reads the case, no notes


async def test_a_report_after_an_alert_nobody_took_goes_its_usual_way(
    chat: Any, demo_app: App, clock: FakeClock
) -> None:
    await raise_akut(chat)
    clock.now += timedelta(hours=1)
    case = await submit_report(chat)
    assert "Jag har skickat den till Pia Lind, som hör av sig till dig." in case.reply
    assert ("pia", "alert", {"alert": case.alert_id}) in alerts_only(await outbox(demo_app))


async def test_a_report_a_day_after_the_taken_alert_goes_its_usual_way(
    chat: Any, demo_app: App, clock: FakeClock
) -> None:
    await ack(chat("pia"), await raise_akut(chat))
    clock.now += timedelta(hours=25)
    case = await submit_report(chat)
    assert "Jag har skickat den till Pia Lind, som hör av sig till dig." in case.reply
    assert (await load_alert(demo_app, case.alert_id)).status is AlertStatus.OPEN


async def test_a_report_naming_the_taker_as_the_one_who_did_it_is_not_theirs(
    chat: Any, demo_app: App, clock: FakeClock
) -> None:
    """Per took her alert; her report names Per Ek as the one who did it: it never reaches
    him, and goes to Pia as a report to take."""
    alert_id = await raise_akut(chat)
    clock.now += timedelta(minutes=11)
    await demo_app.timer_runner().run_due()  # nobody took it: Per is next
    await ack(chat("per"), alert_id)
    clock.now += timedelta(hours=1)
    anna: Chat = chat("anna")
    named = {S.PERPETRATOR: "Jag vet vem det är", S.PERP_NAME: "Per Ek"}
    reply = await write_report(anna, Script(answers=named))
    assert "Jag har skickat den till Pia Lind, som hör av sig till dig." in reply, reply
    assert "som tog ditt larm" not in reply
    rows = alerts_only(await outbox(demo_app))
    assert not [row for row in rows if row[0] == "per" and row[2].get("alert") != alert_id]


async def test_words_after_the_joined_report_go_to_the_case(
    chat: Any, demo_app: App, clock: FakeClock
) -> None:
    """After the report, the alert (kept a day) had taken her words before the case did: Pia
    was paged "det kan vara ny fara" for "mår bättre, inga nya hot", and the case lacked them."""
    await ack(chat("pia"), await raise_akut(chat))
    clock.now += timedelta(hours=10)
    case = await submit_report(chat)
    mark = await last_outbox_id(demo_app)
    said = await chat("anna").say("mår bättre, inga nya hot")
    assert "Jag har sparat det du skrev i ditt ärende" in said, said
    assert "/rapportera" not in said  # nothing new happened: no form to fill in
    assert await case_words(demo_app, case.id, "pia") == ["mår bättre, inga nya hot"]
    kinds = [kind for _to, _ch, kind, _p in await outbox(demo_app, mark)]
    assert kinds == ["checkin_reply"]  # routine, not the alert's "read it now"


async def test_a_report_about_someone_else_is_not_joined_to_her_alert(
    chat: Any, demo_app: App, clock: FakeClock
) -> None:
    await ack(chat("pia"), await raise_akut(chat))
    clock.now += timedelta(hours=1)
    reply = await write_report(chat("anna"), Script(for_someone=("vän", "Karl Nyström")))
    assert "Din rapport är skickad" in reply and "som tog ditt larm" not in reply, reply


async def test_the_first_level_gets_the_joined_report_as_taken(
    chat: Any, demo_app: App, clock: FakeClock
) -> None:
    """A municipal assignment goes to Pia and the unit at once: Sara had been told only
    "Pia Lind har tagit larmet om ärende …", about an alert she never got."""
    await chat("sara").say("/hjalp")
    await ack(chat("pia"), await raise_akut(chat))
    clock.now += timedelta(hours=1)
    case = await submit_report(chat, category="assignment")
    assert "Jag har skickat den till Pia Lind, som tog ditt larm" in case.reply
    assert "Jag har skickat den till Sara Strand också." in case.reply
    transport = Recording()
    await demo_app.outbox_sender(transport).deliver_due()
    [to_sara] = [reply for to, reply in transport.replies if to == "sara"]
    assert f"Ny incidentrapport i Trygg – ärende {case.ref}" in to_sara.text
    assert "Pia Lind har redan tagit det." in to_sara.text
    assert "Kontakta Anna Berg" not in to_sara.text  # Pia does
    pressable = [b.id for row in to_sara.buttons for b in row]
    assert f"show:{case.id}" in pressable and not [i for i in pressable if i.startswith("ack:")]
