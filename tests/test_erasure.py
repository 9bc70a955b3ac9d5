"""Issue 16, item 7: /glom forgets a person completely.

After erasure no audit entry names the old handle, the person's open alerts are withdrawn
(no escalation, no page still queued; whoever was paged hears that nothing more is
needed, without a name), their check-ins stop while the contacts' follow-ups go on, and a
tombstone keeps the org file from bringing them back. Every test runs on SQLite and
PostgreSQL. Demo people: anna (official, gp), pia then per (gp security), sara (unit).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlalchemy import func, select

from bot.app import App
from conversations import notices
from conversations.alerts import ESCALATE
from conversations.followups import CHECKIN, FOLLOWUP_FIRST
from conversations.notices import NOTICE_TOKEN
from storage.models import (
    Alert,
    AlertStatus,
    AuditEntry,
    ChannelBinding,
    ErasedHandle,
    Invite,
    OfferedChoices,
    OutboxMessage,
    OutboxStatus,
    Person,
    Report,
    Role,
    SentMessage,
    Timer,
    TimerState,
)
from storage.trust import AuditRepo, tombstone_mac
from tests.conftest import Chat, FakeClock
from tests.golden import Transcript
from tests.test_followups import Transport
from tests.test_trust import ANNA, SQLITE_ONLY, file_report, invite, pid, press, ref_of

WITHDRAWN_SV = "Du behöver inte göra något mer."


async def forget(anna: Chat) -> str:
    """/glom, then "Ja, glöm mig"; return the closing reply."""
    await anna.say("/glom")
    done = await press(anna, "forget:yes")
    assert "Klart. Trygg har glömt dig:" in done, done
    return done


async def raise_akut(person: Chat) -> str:
    """/akut, then alert the security contact; return the alert's id."""
    await person.say("/akut")
    assert "Jag har larmat" in await press(person, "akut:alert")
    async with person.app.db.unit_of_work() as session:
        return (
            await session.scalars(
                select(Alert.id).where(Alert.report_id.is_(None)).order_by(Alert.created_at.desc())
            )
        ).first() or ""


async def deliver(app: App) -> Transport:
    transport = Transport()
    await app.outbox_sender(transport).deliver_due()
    return transport


async def outbox_kinds(app: App, handle_or_id: str | int) -> list[tuple[str, OutboxStatus]]:
    async with app.db.unit_of_work() as session:
        person_id = (
            handle_or_id
            if isinstance(handle_or_id, int)
            else (
                await session.scalars(select(Person.id).where(Person.handle == handle_or_id))
            ).one()
        )
        rows = await session.execute(
            select(OutboxMessage.kind, OutboxMessage.status)
            .where(OutboxMessage.recipient_id == person_id)
            .order_by(OutboxMessage.id)
        )
        return [(kind, status) for kind, status in rows.all()]


async def test_after_forget_me_no_audit_entry_holds_the_old_handle_and_a_tombstone_is_kept(
    demo_app: App, chat: Any
) -> None:
    anna, pia = chat("anna"), chat("pia")
    anna_id = await pid(demo_app, "anna")
    ref = ref_of(await file_report(anna))
    await anna.say(f"/arende {ref}")  # audited with her as the actor
    await pia.say(f"/arende {ref}")  # audited with pia as the actor
    async with demo_app.db.unit_of_work() as session:
        audit = AuditRepo(session)
        audit.record("operator", "role_revoked", "anna", None, demo_app.clock())
        # someone else whose handle merely starts the same
        audit.record("annabel", "case_opened", ref, None, demo_app.clock())
        audit.record("operator", "role_revoked", "annabel", None, demo_app.clock())
    code = await invite(demo_app, Role.OFFICIAL, person="anna")  # never used

    await forget(anna)

    async with demo_app.db.unit_of_work() as session:
        person = await session.get(Person, anna_id)
        assert person is not None
        pseudonym = person.handle
        entries = [
            (e.actor, e.action, e.subject) for e in await session.scalars(select(AuditEntry))
        ]
        tombstones = list(await session.scalars(select(ErasedHandle.handle_mac)))
        invites = await session.scalar(
            select(func.count(Invite.id)).where(Invite.person_id == anna_id)
        )
    assert not [e for e in entries if "anna" in (e[0], e[2])], entries
    assert (pseudonym, "case_opened", ref) in entries  # the trail stays whole ...
    assert ("operator", "role_revoked", pseudonym) in entries  # ... without saying who
    assert ("pia", "case_opened", ref) in entries  # other people's entries are untouched
    assert ("annabel", "case_opened", ref) in entries
    assert ("operator", "role_revoked", "annabel") in entries
    assert (pseudonym, "erased", pseudonym) in entries
    # the tombstone is a keyed hash: it recognises "anna", it does not say "anna"
    assert tombstones == [tombstone_mac(demo_app.keyring, "anna")]
    assert "anna" not in tombstones[0]
    # an invitation naming her can no longer hand her identity to someone else
    assert invites == 0
    reply = await chat("stranger").say(f"/start {code}")
    assert "Inbjudningskoden gäller inte" in reply and "Anna" not in reply and ANNA[1] not in reply


async def test_an_erased_persons_open_alert_is_withdrawn_and_never_escalates(
    demo_app: App, chat: Any, clock: FakeClock
) -> None:
    anna, pia, per, sara = chat("anna"), chat("pia"), chat("per"), chat("sara")
    for contact in (pia, per, sara):
        await contact.say("/hjalp")  # a console address, so the outbox can reach them
    t0 = clock.now
    alert_id = await raise_akut(anna)
    paged = await deliver(demo_app)
    assert len(paged.to("pia")) == 1  # pia was paged
    runner = demo_app.timer_runner()
    clock.now = t0 + timedelta(minutes=10)
    await runner.run_due()  # per is next (queued, not yet sent); pia gets a reminder
    assert ("alert", OutboxStatus.PENDING) in await outbox_kinds(demo_app, "per")

    asked = await anna.say("/glom")
    assert asked.startswith("I fara nu: ring 112."), asked  # she may be in danger: 112 first
    assert "Ditt öppna larm återkallas också" in asked
    done = await press(anna, "forget:yes")
    assert "• återkallat: 1 öppet larm" in done, done

    async with demo_app.db.unit_of_work() as session:
        alert = await session.get(Alert, alert_id)
        assert alert is not None and alert.status is AlertStatus.WITHDRAWN
        states = list(
            await session.scalars(
                select(Timer.state).where(Timer.kind == ESCALATE, Timer.subject == alert_id)
            )
        )
    assert TimerState.PENDING not in states
    # the pages still queued are dropped, not sent
    assert ("alert", OutboxStatus.PENDING) not in await outbox_kinds(demo_app, "per")

    # long after every deadline: nobody else is paged, nobody is reminded
    clock.now = t0 + timedelta(hours=2)
    await runner.run_due()
    told = await deliver(demo_app)
    assert not told.to("per") and not told.to("sara")  # never paged, nothing to withdraw
    [withdrawn] = told.to("pia")  # paged: one short, neutral word, and no name
    assert withdrawn.text.startswith("Larmet från Trygg som du fick ")
    assert withdrawn.text.endswith("har återkallats.\n" + WITHDRAWN_SV)
    assert not withdrawn.buttons
    for piece in (*ANNA, "Anna", "Gröna partiet"):
        assert piece not in withdrawn.text
    assert [k for k, _ in await outbox_kinds(demo_app, "sara")] == []
    # the page Pia still has does nothing now, and her case list no longer holds it
    assert "inte tillgängligt" in await pia.press(f"ack:{alert_id}", token=NOTICE_TOKEN)
    assert "inte tillgängligt" in await pia.press(f"call:{alert_id}", token=NOTICE_TOKEN)
    listed = await pia.say("/arenden")
    assert "Du har inga öppna ärenden." in listed and "erased" not in listed


async def test_an_erased_persons_check_ins_stop_and_the_contacts_follow_ups_go_on(
    demo_app: App, chat: Any, clock: FakeClock
) -> None:
    anna = chat("anna")
    anna_id = await pid(demo_app, "anna")
    t0 = clock.now
    ref = ref_of(await file_report(anna))
    async with demo_app.db.unit_of_work() as session:
        report = (await session.scalars(select(Report).where(Report.ref == ref))).one()
        planned = await session.scalar(
            select(func.count(Timer.id)).where(
                Timer.kind == CHECKIN,
                Timer.subject == report.id,
                Timer.state == TimerState.PENDING,
            )
        )
    assert planned

    done = await forget(anna)
    assert "• stoppat: de avstämningar som Trygg hade planerat med dig" in done

    clock.now = t0 + timedelta(days=30, hours=12)  # in the daytime: nothing waits for 08:00
    await demo_app.timer_runner().run_due()
    async with demo_app.db.unit_of_work() as session:
        checkins = list(
            await session.scalars(
                select(Timer.state).where(Timer.kind == CHECKIN, Timer.subject == report.id)
            )
        )
        follow_ups = list(
            await session.scalars(
                select(Timer.state).where(Timer.kind == FOLLOWUP_FIRST, Timer.subject == report.id)
            )
        )
        kept = await session.get(Report, report.id)
        assert kept is not None and kept.checkins is False
    assert checkins and set(checkins) == {TimerState.CANCELLED}
    assert follow_ups and set(follow_ups) == {TimerState.FIRED}  # the case is still followed up
    assert not [k for k, _ in await outbox_kinds(demo_app, anna_id) if k == notices.CHECKIN_ASK]
    assert notices.FOLLOWUP_NUDGE in [k for k, _ in await outbox_kinds(demo_app, "pia")]


async def test_messages_waiting_for_an_erased_person_are_dropped(demo_app: App, chat: Any) -> None:
    anna, pia = chat("anna"), chat("pia")
    anna_id = await pid(demo_app, "anna")
    alert_id = await raise_akut(anna)
    await pia.press(f"ack:{alert_id}", token=notices.NOTICE_TOKEN)  # "pia has taken it"
    assert (notices.ALERT_ACKED, OutboxStatus.PENDING) in await outbox_kinds(demo_app, anna_id)
    await forget(anna)
    async with demo_app.db.unit_of_work() as session:
        waiting = await session.scalar(
            select(func.count(OutboxMessage.id)).where(
                OutboxMessage.recipient_id == anna_id,
                OutboxMessage.status == OutboxStatus.PENDING,
            )
        )
        alert = await session.get(Alert, alert_id)
    assert waiting == 0
    assert alert is not None and alert.status is AlertStatus.ACKNOWLEDGED  # taken: kept as is


async def test_what_a_channel_kept_per_address_goes_with_the_person(
    demo_app: App, chat: Any
) -> None:
    """The choices last offered and the ids of sent messages name an address (on Signal,
    the person's ACI): erasure removes them with the binding, and nobody else's."""
    anna, pia = chat("anna"), chat("pia")
    await anna.say("/hjalp")
    await pia.say("/hjalp")
    anna_id, pia_id = await pid(demo_app, "anna"), await pid(demo_app, "pia")
    async with demo_app.db.unit_of_work() as session:
        bound = (
            await session.execute(
                select(ChannelBinding.person_id, ChannelBinding.channel, ChannelBinding.address)
            )
        ).all()
        mine = [(c, a) for p, c, a in bound if p == anna_id]
        theirs = [(c, a) for p, c, a in bound if p == pia_id]
        assert mine and theirs
        for channel, address in mine + theirs:
            session.add(OfferedChoices(channel=channel, address=address, token="t", buttons=[]))
            session.add(SentMessage(channel=channel, address=address, platform_id="1"))
    await forget(anna)
    async with demo_app.db.unit_of_work() as session:
        left = {
            (c, a)
            for table in (OfferedChoices, SentMessage)
            for c, a in (await session.execute(select(table.channel, table.address))).all()
        }
    assert left == set(theirs)


# --- the conversation as people read it ----------------------------------------------------


@SQLITE_ONLY
async def test_forget_me_reads_well_in_swedish(demo_app: App, chat: Any) -> None:
    """Anna has sent a report and has an open /akut alert when she asks to be forgotten."""
    t = Transcript("forget_me_sv", demo_app)
    anna, pia = t.person("anna"), t.person("pia")
    await pia.say("/hjalp")  # a console address, so the outbox can reach her
    await file_report(anna)
    await deliver(demo_app)  # the report's alert to pia: not what this transcript is about
    t.note("Anna sent a report earlier. Now she asks for help")
    await t.say(anna, "/akut")
    await t.say(anna, "Larma Pia Lind")
    await t.deliver()
    t.note("Anna asks Trygg to forget her")
    await t.say(anna, "/glom")
    await t.say(anna, "Ja, glöm mig")
    await t.deliver()
    t.check()


@SQLITE_ONLY
async def test_forget_me_reads_well_in_english(demo_app: App, chat: Any) -> None:
    """Bo (English) asks for help, then to be forgotten; Britt was paged."""
    t = Transcript("forget_me_en", demo_app)
    bo, britt = t.person("bo"), t.person("britt")
    await britt.say("/hjalp")
    t.note("Bo asks for help")
    await t.say(bo, "/akut")
    await t.say(bo, "Alert Britt Holm")
    await t.deliver()
    t.note("Bo asks Trygg to forget him")
    await t.say(bo, "/forget")
    await t.say(bo, "Yes, forget me")
    await t.deliver()
    t.check()


async def test_those_handling_the_case_read_no_internal_id_for_an_erased_reporter(
    demo_app: App, chat: Any
) -> None:
    """After Anna's /glom, Pia read "Rapporterat av: erased-3fa2c1d0e9b8, –" and the case
    file said "erased-… utsattes i sin roll"; Anna's assignment stayed in clear text."""
    anna = chat("anna")
    async with demo_app.db.unit_of_work() as session:
        person = (await session.scalars(select(Person).where(Person.handle == "anna"))).one()
        person.assignment = "ordförande i byggnadsnämnden"  # a title names her too
    ref = ref_of(await file_report(anna))
    await forget(anna)
    pia = chat("pia")
    seen = await pia.say(f"/arende {ref}")
    assert "Rapporterat av: (raderad person), –" in seen, seen
    book = next((i, t) for i, _label, t in pia.buttons if i.startswith("case:book"))
    report = await pia.say("visa rapporten")
    assert f"Incidentrapport {ref}" in report, report
    asked = await pia.press(*book)  # on the card above: the report leaves its buttons usable
    assert asked.startswith("När ska uppföljningssamtal 1 med (raderad person) hållas?"), asked
    booked = await pia.say("tisdag 14:00")
    assert "Den som rapporterade har lämnat Trygg och kan inte få veta det." in booked, booked
    assert "får veta tiden" not in booked
    for text in (seen, report, asked, booked):
        assert "erased" not in text.casefold(), text
    async with demo_app.db.unit_of_work() as session:
        erased = (await session.scalars(select(Person).where(Person.erased_at.is_not(None)))).one()
        assert erased.assignment is None
