"""One person, two alerts (issue 18, item 7): taking one offers the other, nobody is paged
for a person already being handled, and "Ring upp" asks whether the call reached them.

Bo Sand (Blå partiet) has one party security contact, Britt Holm; the municipal unit (Sara
Strand) comes after her. Anna Berg's contacts are Pia Lind, then Per Ek, then Sara.
"""

from __future__ import annotations

from bot.app import App
from storage.models import AlertStatus
from tests.conftest import Chat, FakeClock
from tests.test_alerts import (
    TAKEN,
    Outbox,
    ack,
    connect,
    load_alert,
    person_ids,
    raise_akut,
    submit_report,
)
from tests.test_outbox import FakeTransport


async def test_taking_a_report_takes_the_same_persons_alert_and_nobody_is_paged(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    akut = await raise_akut(chat, "bo")  # escalates after 10 minutes
    clock.advance(minutes=2)
    case = await submit_report(chat, "bo", "party")
    clock.advance(minutes=1)
    box = Outbox(demo_app)
    await box.new()

    britt: Chat = chat("britt")
    taken = await ack(britt, case.alert_id)
    assert TAKEN in taken
    assert "Bo Sand har också ett öppet larm från" in taken and "ta det också?" in taken
    assert f"ack:{akut}:too" in [i for i, _, _ in britt.buttons]
    assert ("bo", "alert_acked", {"alert": case.alert_id}) in await box.new()

    # She does not press it; the /akut alert's deadline passes: nobody else is paged, and Bo,
    # who was told who comes next, is told that Britt has it
    for _ in range(4):
        clock.advance(minutes=11)
        await demo_app.timer_runner().run_due()
    assert await box.new() == [
        ("britt", "alert_linked", {"alert": akut}),
        ("bo", "alert_acked", {"alert": akut}),
    ]
    alert = await load_alert(demo_app, akut)
    ids = await person_ids(demo_app)
    assert alert.status is AlertStatus.ACKNOWLEDGED and alert.acknowledged_by == ids["britt"]


async def test_the_offer_takes_the_other_alert(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    akut = await raise_akut(chat, "bo")
    clock.advance(minutes=2)
    case = await submit_report(chat, "bo", "party")
    britt: Chat = chat("britt")
    await ack(britt, case.alert_id)
    box = Outbox(demo_app)
    await box.new()
    assert await britt.say("Ta det också") == "Tack – det är ditt.\n[1] Skriv till Bo Sand"
    assert ("bo", "alert_acked", {"alert": akut}) in await box.new()
    clock.advance(minutes=30)
    await demo_app.timer_runner().run_due()
    assert await box.new() == []


async def test_a_new_alert_after_the_case_was_taken_still_escalates(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    case = await submit_report(chat, "anna", "party")
    clock.advance(minutes=1)
    await ack(chat("pia"), case.alert_id)
    clock.advance(minutes=5)
    akut = await raise_akut(chat, "anna")  # a new cry for help: Pia first, as ever
    box = Outbox(demo_app)
    await box.new()
    clock.advance(minutes=11)
    await demo_app.timer_runner().run_due()
    assert ("per", "alert", {"alert": akut, "escalated": True}) in await box.new()


async def test_call_back_asks_whether_the_call_reached_the_person(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    await connect(chat, "per")
    akut = await raise_akut(chat, "anna")
    pia: Chat = chat("pia")
    asked = await pia.press(f"call:{akut}", token="n")
    assert asked.startswith("Ring Anna Berg: +46 70 174 06 10\nFick du tag på Anna Berg?"), asked
    assert [i for i, _, _ in pia.buttons] == [f"ack:{akut}:reached", f"call:{akut}:no"]

    # No: as the button says, Per is alerted now, not when the time is up
    box = Outbox(demo_app)
    await box.new()
    assert await pia.say("Nej, larma vidare") == "Jag larmar Per Ek nu."
    assert (await load_alert(demo_app, akut)).status is AlertStatus.OPEN
    await demo_app.timer_runner().run_due()  # no time has passed
    tried = {"alert": akut, "unreached": (await person_ids(demo_app))["pia"]}
    sent = await box.new()
    assert ("per", "alert", tried) in sent
    # Pia, who has just said she could not reach Anna, gets no "nobody has taken it" reminder
    assert not [m for m in sent if m[0] == "pia"], sent
    # Per reads that Pia called and did not get through, not that nobody answered
    transport = FakeTransport()
    await demo_app.outbox_sender(transport).deliver_due()
    [push] = transport.texts("per")
    assert "Pia Lind har ringt men inte nått fram – nu är det din tur." in push, push
    assert "Ingen har svarat" not in push, push

    # Yes: the same as "Jag tar det" — hers, Anna and Per are told
    await pia.press(f"call:{akut}", token="n")
    taken = await pia.say("Ja, jag tar det")
    assert taken.startswith("Tack – det är ditt.") and "Ring Anna" not in taken, (
        taken
    )  # she has the number
    sent = await box.new()
    assert ("anna", "alert_acked", {"alert": akut}) in sent
    assert ("per", "alert_taken", {"alert": akut}) in sent

    # Per calls too: the number, and who has it; nothing to answer
    per: Chat = chat("per")
    told = await per.press(f"call:{akut}", token="n")
    assert told == "Ring Anna Berg: +46 70 174 06 10\nPia Lind har tagit larmet.", told
    assert not per.last_buttons


async def test_a_contact_told_one_alert_was_taken_hears_the_other_still_waits(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    """Anna's /akut went to Pia; her report went to Pia and Sara, and Sara takes it. Pia is
    told which alert Sara took, and that Anna's /akut alert still waits for her: she must
    not go back to sleep on "nobody needs to do anything"."""
    akut = await raise_akut(chat, "anna")
    clock.advance(minutes=2)
    case = await submit_report(chat, "anna", "assignment")  # to Pia and Sara at once
    await ack(chat("sara"), case.alert_id)
    transport = FakeTransport()
    await connect(chat, "pia")
    await demo_app.outbox_sender(transport).deliver_due()
    told = transport.texts("pia")[-1]
    assert told.startswith(f"Sara Strand har tagit larmet om ärende {case.ref}.\n"), told
    assert "Larmet från Anna Berg (Gröna partiet, Sjöviks kommun), i dag kl. 23.00, väntar " in told
    assert "Du behöver inte göra något" not in told
    taken = await ack(chat("pia"), akut)  # the button under it
    assert "redan tagit" not in taken and "inte tillgängligt" not in taken, taken
    alert = await load_alert(demo_app, akut)
    assert alert.acknowledged_by == (await person_ids(demo_app))["pia"]


async def test_a_contact_who_types_jag_tar_det_takes_the_alert(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    """Buttons are shortcuts: Pia, woken by the push, types instead of pressing. Her words
    take the alert (and do not become a report of her own); with none waiting, she is told."""
    pia: Chat = chat("pia")
    await pia.say("/kontakter")  # she is somewhere else in the chat when the push comes
    akut = await raise_akut(chat, "anna")
    box = Outbox(demo_app)
    await box.new()
    reply = await pia.say("Jag tar det, jag ringer Anna nu direkt")
    assert "Anna Berg" in reply and "Jag sparade" not in reply, reply
    alert = await load_alert(demo_app, akut)
    assert alert.acknowledged_by == (await person_ids(demo_app))["pia"]
    assert ("anna", "alert_acked", {"alert": akut}) in await box.new()
    nothing = "Det finns inget larm som väntar på att du tar det."
    assert await pia.say("jag tar det") == nothing  # taken: nothing waits any more
    assert await chat("per").say("Jag tar det") == nothing  # not alerted (yet)


async def test_revoking_the_contact_who_took_an_akut_alert_pages_the_next(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock, capsys
) -> None:
    """Pia took Anna's /akut alert and then lost her role: Anna is not left with a contact
    who may no longer act. The alert goes on to Per at once. Revoking again says so."""
    from bot.cli import _revoke

    akut = await raise_akut(chat, "anna")
    await ack(chat("pia"), akut)
    box = Outbox(demo_app)
    await box.new()
    clock.advance(minutes=30)
    assert await _revoke(demo_app, "pia") == 0
    await demo_app.timer_runner().run_due()
    assert ("per", "alert", {"alert": akut, "handover": True}) in await box.new()
    alert = await load_alert(demo_app, akut)
    assert alert.status is AlertStatus.OPEN and alert.acknowledged_by is None
    capsys.readouterr()
    assert await _revoke(demo_app, "pia") == 1  # nothing left to take away
    assert "has no role to revoke" in capsys.readouterr().err
