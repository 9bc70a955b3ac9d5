"""Alerts that must be acknowledged: escalation, first acknowledgement wins, durable delivery.

Everything runs through the conversation core (``chat``), the timer runner and the outbox
sender, with the controllable clock: nothing sleeps. Anna Berg (Gröna partiet, Sjövik) is
the person asking for help; her levels are Pia Lind, then Per Ek (party security contacts),
then Sara Strand (the municipal security unit).
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select, text, update

from bot import orgfile
from bot.app import App
from bot.settings import Settings
from bot.transports.base import DeliveryFailed
from conversations import alerts
from conversations.alerts import ESCALATE, SystemContext, escalate
from conversations.events import Reply
from conversations.notices import NOTICE_TOKEN
from conversations.report.form import ReportStep
from storage.directory import DirectoryRepo
from storage.models import (
    Alert,
    AlertRecipient,
    AlertStatus,
    OutboxMessage,
    OutboxStatus,
    Person,
    Report,
    ReportStatus,
    Timer,
    TimerState,
)
from storage.outbox import ROUTINE
from storage.timers import TimerRepo
from tests.conftest import Chat, FakeClock
from tests.reporting import SKIPPED, Script, write_report
from tests.test_case import MONDAY_10
from tests.test_outbox import FakeTransport

Row = tuple[int, str, str, dict[str, Any]]

WHAT = "Någon skrev att de vet var jag bor och att jag ska akta mig."
TAKEN = "Tack – det är ditt"
ALREADY_TAKEN = "har redan tagit det."  # "Pia Lind har redan tagit det.": named
ALERT_NOT_YOURS = "Det larmet är inte tillgängligt för dig."
REPORT_NOT_YOURS = "Den rapporten är inte tillgänglig för dig."
UNIT_PHONE = "+46 8 465 004 10"


# --- helpers ---------------------------------------------------------------------------------


async def person_ids(app: App) -> dict[str, int]:
    async with app.db.unit_of_work() as session:
        return {h: i for h, i in await session.execute(select(Person.handle, Person.id))}


async def outbox(app: App, after: int = 0) -> list[Row]:
    """(id, recipient handle, kind, payload) of every outbox row after row ``after``."""
    async with app.db.unit_of_work() as session:
        rows = await session.execute(
            select(OutboxMessage.id, Person.handle, OutboxMessage.kind, OutboxMessage.payload)
            .join(Person, Person.id == OutboxMessage.recipient_id)
            .where(OutboxMessage.id > after)
            .order_by(OutboxMessage.id)
        )
        return [(i, h, k, dict(p)) for i, h, k, p in rows]


def sent(rows: Iterable[Row]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(handle, kind, payload) for _, handle, kind, payload in rows]


def alerts_only(rows: Iterable[Row]) -> list[tuple[str, str, dict[str, Any]]]:
    """The alert notices (a report also plans follow-ups and check-ins; not about those)."""
    return [(h, k, p) for h, k, p in sent(rows) if k.startswith("alert")]


class Outbox:
    """Reads the outbox rows added since the last look."""

    def __init__(self, app: App) -> None:
        self.app = app
        self.seen = 0

    async def new(self) -> list[tuple[str, str, dict[str, Any]]]:
        rows = await outbox(self.app, self.seen)
        if rows:
            self.seen = rows[-1][0]
        return sent(rows)


async def load_alert(app: App, alert_id: str) -> Alert:
    async with app.db.unit_of_work() as session:
        alert = await session.get(Alert, alert_id)
        assert alert is not None
        return alert


async def recipients(app: App, alert_id: str) -> dict[str, AlertRecipient]:
    async with app.db.unit_of_work() as session:
        rows = await session.execute(
            select(Person.handle, AlertRecipient)
            .join(Person, Person.id == AlertRecipient.person_id)
            .where(AlertRecipient.alert_id == alert_id)
        )
        return {handle: row for handle, row in rows.all()}


async def timers(app: App, kind: str = ESCALATE) -> list[Timer]:
    async with app.db.unit_of_work() as session:
        return list(
            await session.scalars(select(Timer).where(Timer.kind == kind).order_by(Timer.id))
        )


async def alert_ids(app: App) -> set[str]:
    async with app.db.unit_of_work() as session:
        return set((await session.scalars(select(Alert.id))).all())


async def raise_akut(chat, handle: str = "anna") -> str:  # type: ignore[no-untyped-def]
    """/akut, then "Larma Pia Lind"; return the new alert's id."""
    person: Chat = chat(handle)
    before = await alert_ids(person.app)
    await person.say("/akut")
    reply = await person.press("akut:alert")
    assert "Jag har larmat" in reply or "I have alerted" in reply, reply
    [new] = await alert_ids(person.app) - before
    return new


async def ack(person: Chat, alert_id: str) -> str:
    """Press "Jag tar det" on the alert notice."""
    return await person.press(f"ack:{alert_id}", token=NOTICE_TOKEN)


@dataclass(frozen=True)
class Submitted:
    id: str
    ref: str
    alert_id: str
    reply: str


async def submit_report(  # type: ignore[no-untyped-def]
    chat,
    handle: str = "anna",
    category: str = "party",
    choose: Iterable[str] | None = None,
    *,
    police: bool = False,
    what: str = WHAT,
) -> Submitted:
    """Report through the chat: it happened to me, the category, what happened; the form's
    examples for the rest. In an internal case, choose ``choose`` (handles; default:
    everyone offered) in the recipients step. ``police``: she has decided on a police
    report (ticked at "Har något beslutats?")."""
    person: Chat = chat(handle)
    ids_of = await person_ids(person.app)
    chosen = None if choose is None else [ids_of[h] for h in choose]
    ticks = {ReportStep.MEASURES: ["police_report"]} if police else {}
    skip = [step for step in SKIPPED if step not in ticks]
    script = Script(category=category, what=(what,), skip=skip, choose=chosen, ticks=ticks)
    reply = await write_report(person, script)
    assert "Din rapport är skickad" in reply or "Your report is sent" in reply, reply
    async with person.app.db.unit_of_work() as session:
        report = (
            await session.scalars(
                select(Report)
                .join(Person, Person.id == Report.reporter_id)
                .where(Person.handle == handle, Report.status == ReportStatus.SUBMITTED)
                .order_by(Report.submitted_at.desc())
            )
        ).first()
        assert report is not None
        alert = (await session.scalars(select(Alert).where(Alert.report_id == report.id))).one()
        return Submitted(report.id, report.ref, alert.id, reply)


async def connect(chat, *handles: str) -> None:  # type: ignore[no-untyped-def]
    """Give people a console address, so the outbox sender can reach them."""
    for handle in handles:
        await chat(handle).say("/hjalp")


# --- escalation ------------------------------------------------------------------------------


async def test_escalation_fires_at_the_deadline_and_not_before(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    t0 = clock.now
    alert_id = await raise_akut(chat)
    box = Outbox(demo_app)
    assert await box.new() == [("pia", "alert", {"alert": alert_id})]  # Per and Sara: nothing
    [timer] = await timers(demo_app)
    assert (timer.due_at, timer.state) == (t0 + timedelta(minutes=10), TimerState.PENDING)
    runner = demo_app.timer_runner()

    clock.now = t0 + timedelta(minutes=9, seconds=59)
    assert await runner.run_due() == 0
    assert await box.new() == []

    clock.now = t0 + timedelta(minutes=10)
    assert await runner.run_due() == 1
    assert await box.new() == [
        ("per", "alert", {"alert": alert_id, "escalated": True}),
        ("pia", "alert", {"alert": alert_id, "reminder": True}),  # once
    ]
    assert (await load_alert(demo_app, alert_id)).level == 2

    clock.now = t0 + timedelta(minutes=19, seconds=59)
    assert await runner.run_due() == 0
    assert await box.new() == []

    clock.now = t0 + timedelta(minutes=20)
    assert await runner.run_due() == 1
    assert await box.new() == [
        ("sara", "alert", {"alert": alert_id, "escalated": True}),  # the municipal unit
        ("per", "alert", {"alert": alert_id, "reminder": True}),  # pia was reminded already
    ]

    clock.now = t0 + timedelta(minutes=30)
    assert await runner.run_due() == 1
    assert await box.new() == [
        ("anna", "alert_unanswered", {"alert": alert_id}),
        (
            "sara",
            "alert",
            {"alert": alert_id, "reminder": True},
        ),  # the last level, once: still hers
    ]
    alert = await load_alert(demo_app, alert_id)
    assert alert.status is AlertStatus.EXHAUSTED
    assert alert.acknowledged_by is None

    transport = FakeTransport()
    await connect(chat, "pia", "per", "sara")
    await demo_app.outbox_sender(transport).deliver_due()
    [told] = transport.texts("anna")
    assert "Ingen i Trygg har svarat på ditt larm än." in told
    assert f"Ring kommunens säkerhetsenhet på {UNIT_PHONE}." in told
    assert told.startswith("I fara nu: ring 112. Inte akut: polisen på 114 14.")  # danger first
    assert "Larmet står kvar: den som tar det ringer dig." in told  # an /akut alert: no case
    assert "Ingen har svarat än – du är näst på tur." in transport.texts("sara")[0]
    assert "Påminnelse: ingen har tagit det här än." in transport.texts("pia")[1]

    # Nothing more after that: no timer is left, and nobody is told again.
    assert [t.state for t in await timers(demo_app)] == [TimerState.FIRED] * 3
    clock.now = t0 + timedelta(minutes=60)
    assert await runner.run_due() == 0
    assert await box.new() == []


async def test_escalation_deadlines_survive_a_restart(  # type: ignore[no-untyped-def]
    chat, demo_app: App, settings: Settings, clock: FakeClock
) -> None:
    alert_id = await raise_akut(chat)
    await demo_app.close()  # the bot stops; the deadline is a row, not a task in memory

    restarted = App.create(settings, clock=clock)
    try:
        runner = restarted.timer_runner()
        clock.advance(minutes=9)
        assert await runner.run_due() == 0
        clock.advance(minutes=1)
        assert await runner.run_due() == 1
        assert sent(await outbox(restarted))[1:] == [
            ("per", "alert", {"alert": alert_id, "escalated": True}),
            ("pia", "alert", {"alert": alert_id, "reminder": True}),
        ]
    finally:
        await restarted.close()


async def test_a_deadline_missed_while_down_fires_late_never_lost(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    alert_id = await raise_akut(chat)
    clock.advance(hours=3)  # nothing ran for three hours: one step per run, not all at once
    assert await demo_app.timer_runner().run_due() == 1
    assert alerts_only(await outbox(demo_app)) == [
        ("pia", "alert", {"alert": alert_id}),
        ("per", "alert", {"alert": alert_id, "escalated": True}),
        ("pia", "alert", {"alert": alert_id, "reminder": True}),
    ]
    [_, pending] = await timers(demo_app)
    assert pending.state is TimerState.PENDING
    assert pending.due_at == clock.now + timedelta(minutes=10)  # Per gets his ten minutes


async def test_quiet_hours_do_not_apply_to_alerts(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    clock.now = datetime(2026, 11, 22, 22, 30, tzinfo=UTC)  # 23:30 in Stockholm
    alert_id = await raise_akut(chat)
    clock.now = datetime(2026, 11, 22, 22, 40, tzinfo=UTC)  # 23:40
    assert await demo_app.timer_runner().run_due() == 1
    async with demo_app.db.unit_of_work() as session:
        escalated = (
            await session.scalars(
                select(OutboxMessage)
                .join(Person, Person.id == OutboxMessage.recipient_id)
                .where(Person.handle == "per")
            )
        ).one()
    assert escalated.payload == {"alert": alert_id, "escalated": True}
    assert escalated.due_at == clock.now  # not moved to the morning

    transport = FakeTransport()
    await connect(chat, "per")
    assert await demo_app.outbox_sender(transport).deliver_due() >= 1
    assert "BRÅDSKANDE" in transport.texts("per")[0]


# --- acknowledgement -------------------------------------------------------------------------


async def test_acknowledgement_stops_escalation(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    alert_id = await raise_akut(chat)
    box = Outbox(demo_app)
    await box.new()
    clock.advance(minutes=4)

    pia: Chat = chat("pia")
    assert "Tack – det är ditt. Ring Anna Berg nu: +46 70 174 06 10" in await ack(pia, alert_id)
    ids = await person_ids(demo_app)
    alert = await load_alert(demo_app, alert_id)
    assert alert.status is AlertStatus.ACKNOWLEDGED
    assert (alert.acknowledged_by, alert.acknowledged_at) == (ids["pia"], clock.now)
    # Only the person who asked is told; nobody else had been alerted yet.
    assert await box.new() == [("anna", "alert_acked", {"alert": alert_id})]
    assert [t.state for t in await timers(demo_app)] == [TimerState.CANCELLED]

    transport = FakeTransport()
    await demo_app.outbox_sender(transport).deliver_due()
    [told] = transport.texts("anna")
    assert "Pia Lind har sett ditt larm och kontaktar dig." in told
    assert "I fara nu: ring 112." in told

    clock.advance(minutes=60)
    assert await demo_app.timer_runner().run_due() == 0
    assert await box.new() == []

    # Per was never alerted: he can't take it, or get the number through it.
    per: Chat = chat("per")
    assert ALERT_NOT_YOURS in await ack(per, alert_id)
    assert ALERT_NOT_YOURS in await per.press(f"call:{alert_id}", token=NOTICE_TOKEN)
    assert ALERT_NOT_YOURS in await ack(chat("anna"), alert_id)  # nor can the one who asked
    assert ALERT_NOT_YOURS in await ack(chat("britt"), alert_id)
    assert (await load_alert(demo_app, alert_id)).acknowledged_by == ids["pia"]
    assert await box.new() == []

    # Pressing it again is harmless.
    assert "Du har redan tagit det här." in await ack(pia, alert_id)
    assert await box.new() == []


async def test_the_others_are_told_who_took_it(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    alert_id = await raise_akut(chat)
    clock.advance(minutes=10)
    await demo_app.timer_runner().run_due()  # Per alerted, Pia reminded
    box = Outbox(demo_app)
    await box.new()

    clock.advance(minutes=2)
    assert TAKEN in await ack(chat("pia"), alert_id)
    assert await box.new() == [
        ("anna", "alert_acked", {"alert": alert_id}),
        ("per", "alert_taken", {"alert": alert_id}),  # Sara was never alerted: nothing
    ]
    transport = FakeTransport()
    await connect(chat, "per")
    await demo_app.outbox_sender(transport).deliver_due()
    taken = transport.texts("per")[-1]
    assert taken == (  # which alert: Per may have had more than one about Anna
        "Pia Lind har tagit larmet från Anna Berg (Gröna partiet, Sjöviks kommun), "
        "i dag kl. 23.00.\nDu behöver inte göra något mer."
    )

    # Per can still get the number to call; the one who was never alerted can't.
    assert "Ring Anna Berg: +46 70 174 06 10" in await chat("per").press(
        f"call:{alert_id}", token=NOTICE_TOKEN
    )
    assert (await ack(chat("per"), alert_id)).startswith("Pia Lind har redan tagit det.")
    assert ALERT_NOT_YOURS in await ack(chat("sara"), alert_id)

    clock.advance(hours=2)
    assert await demo_app.timer_runner().run_due() == 0
    assert await box.new() == []


async def test_an_alert_nobody_answered_can_still_be_taken(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    alert_id = await raise_akut(chat)
    for _ in range(3):
        clock.advance(minutes=10)
        await demo_app.timer_runner().run_due()
    assert (await load_alert(demo_app, alert_id)).status is AlertStatus.EXHAUSTED
    box = Outbox(demo_app)
    await box.new()

    assert TAKEN in await ack(chat("sara"), alert_id)  # the case stayed open for the unit
    assert (await load_alert(demo_app, alert_id)).status is AlertStatus.ACKNOWLEDGED
    assert await box.new() == [
        ("anna", "alert_acked", {"alert": alert_id}),
        ("pia", "alert_taken", {"alert": alert_id}),
        ("per", "alert_taken", {"alert": alert_id}),
    ]


async def test_two_acknowledgements_at_once_have_exactly_one_winner(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    ids = await person_ids(demo_app)
    for _ in range(3):
        alert_id = await raise_akut(chat)
        clock.advance(minutes=10)
        await demo_app.timer_runner().run_due()  # both Pia and Per are alerted now
        box = Outbox(demo_app)
        await box.new()

        # Two people, two units of work, at the same moment.
        pia, per = chat("pia"), chat("per")
        both = await asyncio.gather(ack(pia, alert_id), ack(per, alert_id))
        replies = dict(zip(("pia", "per"), both, strict=True))
        winners = [h for h, reply in replies.items() if TAKEN in reply]
        losers = [h for h, reply in replies.items() if ALREADY_TAKEN in reply]
        assert len(winners) == 1 and len(losers) == 1, replies
        [winner], [loser] = winners, losers

        alert = await load_alert(demo_app, alert_id)
        assert alert.status is AlertStatus.ACKNOWLEDGED
        assert alert.acknowledged_by == ids[winner]
        assert await box.new() == [
            ("anna", "alert_acked", {"alert": alert_id}),
            (loser, "alert_taken", {"alert": alert_id}),
        ]
        assert [t.state for t in await timers(demo_app)][-1] is TimerState.CANCELLED
        clock.advance(minutes=5)


async def _wait_until_someone_waits_for_a_lock(app: App) -> None:
    """Return once another transaction on this PostgreSQL database is waiting for a lock."""
    for _ in range(1000):
        async with app.db.unit_of_work() as session:
            waiting = await session.scalar(
                text(
                    "SELECT count(*) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND wait_event_type = 'Lock'"
                )
            )
        if waiting:
            return
        await asyncio.sleep(0.01)
    raise AssertionError("nobody ever waited for the timer's lock")


async def test_taking_an_alert_while_it_escalates(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    """Pia presses "Jag tar det" at the very moment the deadline fires: both finish, in
    order (no deadlock), and nobody is told something untrue."""
    if demo_app.db.sqlite:
        pytest.skip("SQLite has one writer at a time: the two cannot interleave")
    alert_id = await raise_akut(chat)
    box = Outbox(demo_app)
    await box.new()
    clock.advance(minutes=10)
    pia: Chat = chat("pia")
    pressed: list[asyncio.Task[str]] = []

    async def escalate_while_pia_presses(sc: SystemContext, timer: Timer) -> None:
        pressed.append(asyncio.create_task(ack(pia, alert_id)))
        await _wait_until_someone_waits_for_a_lock(demo_app)  # Pia waits for this timer
        await escalate(sc, timer)

    runner = demo_app.timer_runner()
    runner.handlers = {ESCALATE: escalate_while_pia_presses}
    assert await runner.run_due() == 1
    assert TAKEN in await pressed[0]

    alert = await load_alert(demo_app, alert_id)
    assert alert.status is AlertStatus.ACKNOWLEDGED
    assert alert.acknowledged_by == (await person_ids(demo_app))["pia"]
    assert await box.new() == [
        ("per", "alert", {"alert": alert_id, "escalated": True}),
        ("pia", "alert", {"alert": alert_id, "reminder": True}),
        ("anna", "alert_acked", {"alert": alert_id}),
        ("per", "alert_taken", {"alert": alert_id}),  # he was alerted, so he is told
    ]
    clock.advance(hours=1)
    await demo_app.timer_runner().run_due()
    assert await box.new() == []


# --- reports ---------------------------------------------------------------------------------


async def test_a_municipal_assignment_report_alerts_the_unit_at_once(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    clock.now = MONDAY_10  # by day (a calm report at night goes on in the morning)
    t0 = clock.now
    case = await submit_report(chat, category="assignment")
    assert (
        "Jag har skickat den till Pia Lind och Sara Strand, som hör av sig till dig." in case.reply
    )
    assert "Har ingen tagit den inom 2 timmar går den till Per Ek." in case.reply
    box = Outbox(demo_app)
    assert alerts_only(await outbox(demo_app)) == [
        ("pia", "alert", {"alert": case.alert_id}),
        ("sara", "alert", {"alert": case.alert_id}),
    ]
    await box.new()
    alert = await load_alert(demo_app, case.alert_id)
    assert (alert.kind, alert.report_id, alert.ack_minutes) == ("report", case.id, 120)
    [timer] = await timers(demo_app)
    assert timer.due_at == t0 + timedelta(hours=2)

    # The notice: minimum facts and buttons, never the report text.
    transport = Recording()
    await connect(chat, "pia", "sara")
    await demo_app.outbox_sender(transport).deliver_due()
    [to_sara] = transport.texts("sara")
    assert f"Ny incidentrapport i Trygg – ärende {case.ref}" in to_sara
    assert "Rapporterat av: Anna Berg (Gröna partiet, Sjöviks kommun)" in to_sara
    assert "Ring: +46 70 174 06 10" in to_sara
    assert WHAT not in to_sara
    [notice] = [r for a, r in transport.replies if a == "sara"]
    assert notice.token == NOTICE_TOKEN
    assert [[(b.id, b.label) for b in row] for row in notice.buttons] == [
        [(f"ack:{case.alert_id}", "Jag tar det")],
        [(f"show:{case.id}", "Visa rapporten")],
        [(f"call:{case.alert_id}", "Ring upp")],
    ]

    runner = demo_app.timer_runner()
    clock.now = t0 + timedelta(hours=1, minutes=59, seconds=59)
    await runner.run_due()
    assert alerts_only(await outbox(demo_app, box.seen)) == []
    clock.now = t0 + timedelta(hours=2)
    await runner.run_due()
    assert alerts_only(await outbox(demo_app, box.seen)) == [
        ("per", "alert", {"alert": case.alert_id, "escalated": True}),
        ("pia", "alert", {"alert": case.alert_id, "reminder": True}),
        ("sara", "alert", {"alert": case.alert_id, "reminder": True}),
    ]
    await box.new()

    # Sara takes it: the reporter hears about the report, the others who was it.
    assert TAKEN in await ack(chat("sara"), case.alert_id)
    assert await box.new() == [
        ("anna", "alert_acked", {"alert": case.alert_id}),
        ("pia", "alert_taken", {"alert": case.alert_id}),
        ("per", "alert_taken", {"alert": case.alert_id}),
    ]
    told = FakeTransport()
    await demo_app.outbox_sender(told).deliver_due()
    assert "Sara Strand har sett din rapport och kontaktar dig." in told.texts("anna")[0]


async def test_a_party_report_goes_to_the_first_party_contact_with_two_hours(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    clock.now = MONDAY_10  # by day (a calm report at night goes on in the morning)
    case = await submit_report(chat, category="party")
    assert "Jag har skickat den till Pia Lind, som hör av sig till dig." in case.reply
    assert "Har ingen tagit den inom 2 timmar går den till Per Ek." in case.reply
    assert alerts_only(await outbox(demo_app)) == [("pia", "alert", {"alert": case.alert_id})]
    assert (await load_alert(demo_app, case.alert_id)).ack_minutes == 120

    # Per is a later level: until he is alerted, the report is not his to read.
    per: Chat = chat("per")
    assert REPORT_NOT_YOURS in await per.press(f"show:{case.id}", token=NOTICE_TOKEN)
    clock.advance(hours=2)
    await demo_app.timer_runner().run_due()
    assert WHAT in await per.press(f"show:{case.id}", token=NOTICE_TOKEN)
    assert WHAT in await chat("anna").press(f"show:{case.id}", token=NOTICE_TOKEN)  # her own
    assert REPORT_NOT_YOURS in await chat("britt").press(f"show:{case.id}", token=NOTICE_TOKEN)


STAFFANSTORP_ORG = """\
municipalities:
  - key: lunda
    name: Lunda kommun
    security_unit_phone: "+46 8 465 004 30"
    pack: staffanstorp
    parties:
      - key: rp
        name: Röda partiet
people:
  - handle: olle
    name: Olle Ny
    role: official
    municipality: lunda
    party: rp
    phone: "+46 70 174 06 30"
    language: sv
  - handle: lisa
    name: Lisa Ek
    role: party_security
    municipality: lunda
    party: rp
    phone: "+46 70 174 06 31"
    language: sv
  - handle: lars
    name: Lars Berg
    role: party_security
    municipality: lunda
    party: rp
    phone: "+46 70 174 06 32"
    language: sv
  - handle: stina
    name: Stina Holm
    role: municipal_security
    municipality: lunda
    phone: "+46 8 465 004 31"
    language: sv
"""


@pytest.fixture
async def staffanstorp_app(app: App, tmp_path: Path) -> App:
    """An app whose only municipality follows the Staffanstorp plan."""
    path = tmp_path / "org.yaml"
    path.write_text(STAFFANSTORP_ORG, encoding="utf-8")
    async with app.db.unit_of_work() as session:
        await orgfile.apply(session, orgfile.parse(path), app.keyring)
    return app


async def test_an_alert_goes_to_its_own_partys_contacts_and_municipalitys_unit_only(
    demo_app: App, tmp_path: Path
) -> None:
    """The one statement that picks an alert's recipients lets in no other party's contact
    and no other municipality's unit, and keeps the order in which they were appointed."""
    path = tmp_path / "lunda.yaml"
    path.write_text(STAFFANSTORP_ORG, encoding="utf-8")
    async with demo_app.db.unit_of_work() as session:
        await orgfile.apply(session, orgfile.parse(path), demo_app.keyring)
    async with demo_app.db.unit_of_work() as session:
        directory = DirectoryRepo(session)
        sjovik, lunda = (
            await directory.municipality_id("sjovik"),
            await directory.municipality_id("lunda"),
        )
        assert sjovik is not None and lunda is not None
        gp, bp, rp = (
            await directory.party_by_key(sjovik, "gp"),
            await directory.party_by_key(sjovik, "bp"),
            await directory.party_by_key(lunda, "rp"),
        )
        assert gp is not None and bp is not None and rp is not None

        async def names(municipality: int | None, party: int | None) -> tuple[list[str], ...]:
            found = await directory.security_of(municipality, party)
            return tuple([c.name for c in cards] for cards in found)

        assert await names(sjovik, gp.id) == (["Pia Lind", "Per Ek"], ["Sara Strand"])
        assert await names(sjovik, bp.id) == (["Britt Holm"], ["Sara Strand"])
        assert await names(lunda, rp.id) == (["Lisa Ek", "Lars Berg"], ["Stina Holm"])
        assert await names(sjovik, rp.id) == ([], ["Sara Strand"])  # a party elsewhere
        assert await names(sjovik, None) == ([], ["Sara Strand"])
        assert await names(None, gp.id) == ([], [])


@pytest.mark.parametrize("category", ["party", "internal"])
async def test_staffanstorp_sends_every_report_to_the_security_unit_at_once(
    staffanstorp_app: App, clock: FakeClock, category: str
) -> None:
    def chat(handle: str) -> Chat:
        return Chat(staffanstorp_app, handle)

    clock.now = MONDAY_10  # by day (a calm report at night goes on in the morning)
    case = await submit_report(chat, "olle", category)
    if category == "internal":  # whoever she chose, all at once: the unit is offered too
        assert (
            "Jag har skickat den till Lisa Ek, Stina Holm och Lars Berg, som hör av sig till dig."
            in case.reply
        )
        assert sorted(h for h, _, _ in alerts_only(await outbox(staffanstorp_app))) == [
            "lars",
            "lisa",
            "stina",
        ]
        return
    assert "Jag har skickat den till Lisa Ek och Stina Holm, som hör av sig till dig." in case.reply
    assert "Har ingen tagit den inom 2 timmar går den till Lars Berg." in case.reply
    assert alerts_only(await outbox(staffanstorp_app)) == [
        ("lisa", "alert", {"alert": case.alert_id}),
        ("stina", "alert", {"alert": case.alert_id}),
    ]
    assert (await load_alert(staffanstorp_app, case.alert_id)).ack_minutes == 120

    # ... but an /akut alert is not a report: the party contact first.
    alert_id = await raise_akut(chat, "olle")
    assert alerts_only(await outbox(staffanstorp_app))[-1] == ("lisa", "alert", {"alert": alert_id})
    assert (await load_alert(staffanstorp_app, alert_id)).ack_minutes == 10


async def test_internal_case_goes_only_to_the_people_chosen(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    clock.now = MONDAY_10  # by day (a calm report at night goes on in the morning)
    case = await submit_report(chat, category="internal", choose=["per"])  # not Pia
    assert "Jag har skickat den till Per Ek, som hör av sig till dig." in case.reply
    assert "Pia Lind" not in case.reply and "Sara Strand" not in case.reply
    assert alerts_only(await outbox(demo_app)) == [("per", "alert", {"alert": case.alert_id})]
    rows = await recipients(demo_app, case.alert_id)
    assert set(rows) == {"per"}  # nobody else is on the alert, not even as "removed"

    pia: Chat = chat("pia")
    assert REPORT_NOT_YOURS in await pia.press(f"show:{case.id}", token=NOTICE_TOKEN)
    assert ALERT_NOT_YOURS in await ack(pia, case.alert_id)
    assert ALERT_NOT_YOURS in await pia.press(f"call:{case.alert_id}", token=NOTICE_TOKEN)
    cases = await pia.say("/arenden")
    assert case.ref not in cases and "Anna Berg" not in cases

    # Per, who was chosen, opens the whole report from the notice.
    shown = await chat("per").press(f"show:{case.id}", token=NOTICE_TOKEN)
    assert f"Incidentrapport {case.ref}" in shown
    assert WHAT in shown

    # Nobody takes it: the case stays in the closed group; Anna is told to call instead.
    for _ in range(4):
        clock.advance(hours=2)
        await demo_app.timer_runner().run_due()
    handles = [h for h, _, _ in alerts_only(await outbox(demo_app))]
    assert "sara" not in handles and "pia" not in handles
    assert (await load_alert(demo_app, case.alert_id)).status is AlertStatus.EXHAUSTED
    assert REPORT_NOT_YOURS in await pia.press(f"show:{case.id}", token=NOTICE_TOKEN)


async def internal_report_up_to_recipients(anna: Chat) -> None:
    """Write a minimal internal-case report and press Send: the recipients list is shown."""
    await anna.say("/rapportera")
    await anna.press("opt:self")
    for _ in range(60):
        buttons = [i for i, _, _ in anna.buttons]
        if any(i.startswith("rcpt:") for i in buttons):
            return
        if "send" in buttons:
            await anna.press("send")
        elif "opt:internal" in buttons:
            await anna.press("opt:internal")
        elif "nav:skip" in buttons:
            await anna.press("nav:skip")
        elif "done" in buttons:
            await anna.press("done")
        else:
            await anna.say(WHAT)
    raise AssertionError("the recipients list never came")


FOURTH_CONTACT = """
municipalities:
  - key: sjovik
    name: Sjöviks kommun
    security_unit_phone: "+46 8 465 004 10"
    pack: oxelosund
    parties:
      - key: gp
        name: Gröna partiet
        pack: kavlinge-m
people:
  - handle: gun
    name: Gun Ahl
    role: party_security
    municipality: sjovik
    party: gp
    phone: "+46 70 174 06 13"
"""


async def test_internal_case_nobody_is_chosen_in_advance_and_the_group_stays_small(  # type: ignore[no-untyped-def]
    chat, demo_app: App, tmp_path: Path
) -> None:
    path = tmp_path / "gun.yaml"
    path.write_text(FOURTH_CONTACT, encoding="utf-8")
    async with demo_app.db.unit_of_work() as session:
        await orgfile.apply(session, orgfile.parse(path), demo_app.keyring)
    anna: Chat = chat("anna")
    ids = await person_ids(demo_app)
    await internal_report_up_to_recipients(anna)
    shown = anna.text(anna.last)
    assert "bara de du väljer får rapporten, högst 3" in shown  # the party's closed group
    labels = {i: label for i, label, _ in anna.buttons}
    assert labels[f"rcpt:{ids['pia']}"] == "Pia Lind (partiet)"  # nobody ticked
    assert labels[f"rcpt:{ids['per']}"] == "Per Ek (partiet)"
    assert labels[f"rcpt:{ids['gun']}"] == "Gun Ahl (partiet)"
    assert labels[f"rcpt:{ids['sara']}"] == "Sara Strand (kommunen)"

    # Sending with nobody chosen sends nothing: she is asked to choose.
    reply = await anna.press("send")
    assert "Välj minst en person" in reply
    assert alerts_only(await outbox(demo_app)) == []

    for handle in ("per", "gun", "sara"):
        await anna.press(f"rcpt:{ids[handle]}")
    reply = await anna.press(f"rcpt:{ids['pia']}")  # a fourth: the plan says 2–3
    assert "Du kan välja högst 3 personer" in reply
    labels = {i: label for i, label, _ in anna.buttons}
    assert labels[f"rcpt:{ids['pia']}"] == "Pia Lind (partiet)"
    assert labels[f"rcpt:{ids['sara']}"] == "✓ Sara Strand (kommunen)"

    reply = await anna.press("send")
    assert (
        "Jag har skickat den till Per Ek, Gun Ahl och Sara Strand, som hör av sig till dig."
        in reply
    ), reply
    assert sorted(h for h, _, _ in alerts_only(await outbox(demo_app))) == ["gun", "per", "sara"]


async def test_the_choice_counts_only_while_the_case_is_internal(  # type: ignore[no-untyped-def]
    chat, demo_app: App
) -> None:
    anna: Chat = chat("anna")
    ids = await person_ids(demo_app)
    await internal_report_up_to_recipients(anna)
    await anna.press(f"rcpt:{ids['per']}")
    assert {i: label for i, label, _ in anna.buttons}[f"rcpt:{ids['per']}"] == "✓ Per Ek (partiet)"

    # She changes her mind: it came from another party after all. The plan applies again.
    await anna.press("nav:summary")
    await anna.press("edit:category")
    await anna.press("opt:party")
    reply = await anna.press("send")
    assert "Jag har skickat den till Pia Lind, som hör av sig till dig." in reply, reply
    assert [h for h, _, _ in alerts_only(await outbox(demo_app))] == ["pia"]


# --- /arenden ----------------------------------------------------------------------------------


async def test_cases_lists_the_recipients_open_cases_and_only_theirs(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    alert_id = await raise_akut(chat)
    clock.advance(minutes=1)
    case = await submit_report(chat, category="party")

    pia: Chat = chat("pia")
    listed = await pia.say("/arenden")
    assert "Öppna ärenden:" in listed
    assert "• larm – Anna Berg" in listed  # nobody has taken it: a line of its own
    assert f"• {case.ref} – Anna Berg – kategori: partiet" in listed
    assert listed.count("väntar på att någon tar det") == 2
    assert f"Öppna {case.ref}" in listed
    assert listed.count(case.ref) == 2  # its line and its button

    for other in ("britt", "per", "sara"):  # another party, or not alerted (yet)
        shown = await chat(other).say("/arenden")
        assert "Du har inga öppna ärenden." in shown, other
        assert "Anna Berg" not in shown, other
    assert "You have no open cases." in await chat("bo").say("/cases")

    taken = await ack(pia, alert_id)
    assert TAKEN in taken
    assert "Anna Berg har också ett öppet larm om ärende" in taken  # the report's, offered too
    listed = await pia.say("/arenden")
    assert "larm – Anna Berg" not in listed  # taken: part of her case now
    assert listed.count("väntar på att någon tar det") == 1

    # The list's button opens the case as /arende does.
    assert (await pia.say(f"Öppna {case.ref}")).startswith(f"Ärende {case.ref} – öppet")


# --- delivery ----------------------------------------------------------------------------------


@dataclass
class Recording(FakeTransport):
    """Keeps the replies themselves too (buttons and token)."""

    replies: list[tuple[str, Reply]] = field(default_factory=list)

    async def send(self, address: str, replies: Sequence[Reply], priority: int = 3) -> None:
        await super().send(address, replies, priority)
        self.replies += [(address, reply) for reply in replies]


class Crash(BaseException):
    """The process dies here (not an error the sender could catch)."""


@dataclass
class CrashAfterSend(FakeTransport):
    """Sends, then the process dies before the send is recorded."""

    crash: bool = True

    async def send(self, address: str, replies: Sequence[Reply], priority: int = 3) -> None:
        await super().send(address, replies, priority)
        if self.crash:
            self.crash = False
            raise Crash


async def test_a_crash_between_commit_and_send_loses_nothing(  # type: ignore[no-untyped-def]
    chat, demo_app: App, settings: Settings, clock: FakeClock
) -> None:
    await connect(chat, "pia")
    alert_id = await raise_akut(chat)
    await demo_app.close()  # killed after the press was committed, before any send

    restarted = App.create(settings, clock=clock)
    try:
        async with restarted.db.unit_of_work() as session:
            [row] = (await session.scalars(select(OutboxMessage))).all()
        assert (row.status, row.attempts, row.payload) == (
            OutboxStatus.PENDING,
            0,
            {"alert": alert_id},
        )
        transport = Recording()
        assert await restarted.outbox_sender(transport).deliver_due() == 1
        [(_, notice)] = transport.replies
        assert "Anna Berg (Gröna partiet, Sjöviks kommun) behöver dig nu." in notice.text
        assert [b.id for row in notice.buttons for b in row] == [
            f"ack:{alert_id}",
            f"call:{alert_id}",
        ]
    finally:
        await restarted.close()


async def test_a_crash_after_send_causes_at_most_one_duplicate(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    await connect(chat, "pia")
    await raise_akut(chat)
    transport = CrashAfterSend()
    with pytest.raises(Crash):
        await demo_app.outbox_sender(transport).deliver_due()
    assert len(transport.texts("pia")) == 1

    # A new process: the claim is still leased, then it is sent again, once.
    sender = demo_app.outbox_sender(transport)
    clock.advance(seconds=30)
    assert await sender.deliver_due() == 0
    clock.advance(seconds=31)
    assert await sender.deliver_due() == 1
    clock.advance(minutes=5)
    assert await sender.deliver_due() == 0
    assert len(transport.texts("pia")) == 2
    [row] = await _outbox_rows(demo_app)
    assert (row.status, row.attempts) == (OutboxStatus.SENT, 2)


async def _outbox_rows(app: App) -> list[OutboxMessage]:
    async with app.db.unit_of_work() as session:
        return list(await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


async def test_too_many_requests_then_success(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    await connect(chat, "pia")
    await raise_akut(chat)
    transport = FakeTransport(failures={"pia": [DeliveryFailed("429", retry_after=3)]})
    sender = demo_app.outbox_sender(transport)

    assert await sender.deliver_due() == 0
    clock.advance(seconds=2.9)
    assert await sender.deliver_due() == 0
    assert transport.texts("pia") == []
    clock.advance(seconds=0.1)
    assert await sender.deliver_due() == 1
    assert "BRÅDSKANDE" in transport.texts("pia")[0]
    [row] = await _outbox_rows(demo_app)
    assert (row.status, row.attempts) == (OutboxStatus.SENT, 2)
    # A slow network is not a reason to escalate.
    assert await demo_app.timer_runner().run_due() == 0


async def test_a_blocked_recipient_escalates_at_once(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    await connect(chat, "pia", "per")
    t0 = clock.now
    alert_id = await raise_akut(chat)
    clock.advance(seconds=5)
    transport = FakeTransport(
        failures={"pia": [DeliveryFailed("Forbidden: bot was blocked by the user", permanent=True)]}
    )
    sender = demo_app.outbox_sender(transport)

    assert await sender.deliver_due() == 0
    [row] = await _outbox_rows(demo_app)
    assert row.status is OutboxStatus.FAILED
    assert (await recipients(demo_app, alert_id))["pia"].failed

    # At the same instant (not after ten minutes), the next level is alerted.
    assert await demo_app.timer_runner().run_due() == 1
    assert sent(await outbox(demo_app, row.id)) == [
        ("per", "alert", {"alert": alert_id, "escalated": True}),  # no reminder to Pia
    ]
    assert await sender.deliver_due() == 1
    # a lock screen shows the first line: the urgency, then why it comes to Per
    assert transport.texts("per")[0].startswith(
        "BRÅDSKANDE – larm från Trygg\nIngen har svarat än – du är näst på tur.\n"
    ), transport.texts("per")[0]
    pending = [t for t in await timers(demo_app) if t.state is TimerState.PENDING]
    assert [t.due_at for t in pending] == [clock.now + timedelta(minutes=10)]
    assert clock.now < t0 + timedelta(minutes=10)


async def test_a_failed_reminder_does_not_skip_a_level(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    """Pia blocked the bot after her first alert: her reminder fails, but Per (who can be
    reached) keeps his ten minutes."""
    await connect(chat, "pia", "per")
    alert_id = await raise_akut(chat)
    transport = FakeTransport()
    sender = demo_app.outbox_sender(transport)
    assert await sender.deliver_due() == 1
    clock.advance(minutes=10)
    await demo_app.timer_runner().run_due()
    transport.failures["pia"] = [DeliveryFailed("blocked", permanent=True)]
    assert await sender.deliver_due() == 1  # Per's
    assert await demo_app.timer_runner().run_due() == 0
    assert (await load_alert(demo_app, alert_id)).level == 2


# --- timers ----------------------------------------------------------------------------------


async def _due_timers(app: App, count: int, when: datetime) -> None:
    async with app.db.unit_of_work() as session:
        repo = TimerRepo(session)
        for n in range(count):
            repo.schedule("test_count", f"subject-{n}", when - timedelta(seconds=n % 7))


def _counting(calls: Counter[int]):  # type: ignore[no-untyped-def]
    async def handler(sc: SystemContext, timer: Timer) -> None:
        calls[timer.id] += 1
        await asyncio.sleep(0)  # let the other runner in
        await sc.session.get(Person, 1)

    return handler


async def test_a_timer_fires_once_with_two_runners(
    demo_app: App, settings: Settings, clock: FakeClock
) -> None:
    await _due_timers(demo_app, 300, clock.now)
    other = App.create(settings, clock=clock)  # a second process on the same database
    calls: Counter[int] = Counter()
    first, second = demo_app.timer_runner(), other.timer_runner()
    first.handlers = second.handlers = {"test_count": _counting(calls)}
    try:
        if demo_app.db.sqlite:
            # SQLite has one writer at a time: run them one after the other.
            fired = [await first.run_due(), await second.run_due()]
        else:
            fired = list(await asyncio.gather(first.run_due(), second.run_due()))
    finally:
        await other.close()
    assert sum(fired) == 300
    assert len(calls) == 300
    assert set(calls.values()) == {1}
    async with demo_app.db.unit_of_work() as session:
        states = dict(
            (await session.execute(select(Timer.state, func.count()).group_by(Timer.state))).all()
        )
    assert states == {TimerState.FIRED: 300}


async def test_two_runners_escalate_each_alert_once(  # type: ignore[no-untyped-def]
    chat, demo_app: App, settings: Settings, clock: FakeClock
) -> None:
    alert_ids = []
    for _ in range(5):  # one /akut alert at a time waits untaken: 11 minutes apart
        alert_ids.append(await raise_akut(chat))
        clock.advance(minutes=11)
    other = App.create(settings, clock=clock)
    try:
        first, second = demo_app.timer_runner(), other.timer_runner()
        if demo_app.db.sqlite:
            fired = [await first.run_due(), await second.run_due()]
        else:
            fired = list(await asyncio.gather(first.run_due(), second.run_due()))
    finally:
        await other.close()
    assert sum(fired) == 5
    escalated = [p["alert"] for h, k, p in sent(await outbox(demo_app)) if p.get("escalated")]
    assert sorted(escalated) == sorted(alert_ids)


async def test_timers_another_worker_fired_do_not_end_the_run_early(
    demo_app: App, clock: FakeClock
) -> None:
    """While a runner works through a batch, another worker fires some of the same timers:
    the runner must go on to the next batch, not take the lost claims for "nothing due"."""
    await _due_timers(demo_app, 300, clock.now)
    calls: Counter[int] = Counter()
    count = _counting(calls)

    async def count_and_steal(sc: SystemContext, timer: Timer) -> None:
        if not calls:  # the other worker fires 50 of this batch meanwhile
            due = await TimerRepo(sc.session).due(sc.now, 200, skip_locked=False)
            stolen = [t.id for t in due if t.id != timer.id][:50]
            await sc.session.execute(
                update(Timer).where(Timer.id.in_(stolen)).values(state=TimerState.FIRED)
            )
        await count(sc, timer)

    runner = demo_app.timer_runner()
    runner.handlers = {"test_count": count_and_steal}
    assert await runner.run_due() == 250
    assert len(calls) == 250 and set(calls.values()) == {1}
    async with demo_app.db.unit_of_work() as session:
        pending = await session.scalar(
            select(func.count()).select_from(Timer).where(Timer.state == TimerState.PENDING)
        )
    assert pending == 0


async def test_akut_without_a_party_offers_the_unit_and_never_says_nobody(  # type: ignore[no-untyped-def]
    chat, demo_app: App
) -> None:
    """Kent (the director) has no party: /akut names the unit and offers to alert it, and
    neither says his party has no contact nor that there is nobody to alert."""
    kent: Chat = chat("kent")
    reply = await kent.say("/akut")
    assert "[1] Larma Sara Strand" in reply
    assert "Det finns ingen i Trygg som jag kan larma åt dig" not in reply
    assert "Ditt parti har ingen säkerhetsansvarig" not in reply
    assert "Jag har larmat Sara Strand" in await kent.press("akut:alert")


async def test_my_contacts_start_with_the_way_out(chat) -> None:  # type: ignore[no-untyped-def]
    """/kontakter may be read by someone in danger: 112 comes first, not last."""
    for handle, first in (("anna", "I fara nu: ring 112."), ("bo", "In danger now: call 112.")):
        reply = await chat(handle).say("/kontakter")
        assert reply.startswith(first), reply
        assert reply.count("112") == 1


async def test_who_takes_a_report_gets_its_case_one_press_away(  # type: ignore[no-untyped-def]
    chat, demo_app: App
) -> None:
    """ "Tack – det är ditt" had named no case: Pia had to know /arenden to find it."""
    case = await submit_report(chat, category="party")
    pia: Chat = chat("pia")
    await pia.say("/arenden")  # she is somewhere in her chat; taking it leaves her there
    taken = await ack(pia, case.alert_id)
    assert taken.startswith("Tack – det är ditt.") and f"Öppna ärende {case.ref}" in taken
    opened = await pia.press(f"cmd:arende {case.ref}", token=NOTICE_TOKEN)
    assert opened.startswith(f"Ärende {case.ref} – öppet")


async def test_words_typed_in_a_case_while_an_alert_waits_offer_the_alert(  # type: ignore[no-untyped-def]
    chat, demo_app: App
) -> None:
    """Pia had Anna's case open when Anna cried for help; "ok jag ringer henne nu" was filed
    as an internal note in the case, and the new alert went on waiting."""
    case = await submit_report(chat, "anna", category="party")
    pia: Chat = chat("pia")
    await ack(pia, case.alert_id)
    await pia.say(f"/arende {case.ref}")
    akut = await raise_akut(chat, "anna")
    said = await pia.say("ok jag ringer henne nu")
    assert said.startswith("Ett larm från Anna Berg väntar på dig."), said
    assert [i for i, _, _ in pia.buttons] == [f"ack:{akut}"]
    assert "ok jag ringer" not in await pia.say(f"/arende {case.ref}")  # not in the case
    assert (await pia.press(f"ack:{akut}", token=NOTICE_TOKEN)).startswith("Tack – det är ditt.")
    await pia.say(f"/arende {case.ref}")
    kept = await pia.say("Ringde Anna, hon är hos sin man")  # no alert waits: a note
    assert kept.startswith("Jag har sparat det du skrev som en intern anteckning")


async def test_a_report_nobody_took_is_told_to_her_after_the_quiet_hours(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    """A report sent at 23:00 went through every level by 05:00, and the urgent "Ingen i
    Trygg har svarat på ditt larm än" woke her then, though she raised no alarm and Trygg
    promises no reminders between 21:00 and 08:00. (A report in calm words goes on only in
    the morning: tests/test_words_at_night.py; this one tells of danger.)"""
    case = await submit_report(chat, what="Han stod utanför min dörr i kväll och skrek.")
    runner = demo_app.timer_runner()
    for _ in range(4):
        clock.now += timedelta(hours=2, minutes=1)
        await runner.run_due()
    assert (await load_alert(demo_app, case.alert_id)).status is AlertStatus.EXHAUSTED
    local = clock.now.astimezone(ZoneInfo("Europe/Stockholm"))
    assert local.hour < 8, local  # in the quiet hours
    told = [(h, k, p) for _i, h, k, p in await outbox(demo_app) if k == "alert_unanswered"]
    assert told == []
    [later] = await timers(demo_app, alerts.UNANSWERED_TELL)
    assert later.due_at.astimezone(ZoneInfo("Europe/Stockholm")).hour == 8
    clock.now = later.due_at
    await runner.run_due()
    rows = [(h, k, p) for _i, h, k, p in await outbox(demo_app) if k == "alert_unanswered"]
    assert rows == [("anna", "alert_unanswered", {"alert": case.alert_id})]
    async with demo_app.db.unit_of_work() as session:
        row = (
            await session.scalars(
                select(OutboxMessage).where(OutboxMessage.kind == "alert_unanswered")
            )
        ).one()
        assert row.priority == ROUTINE
    transport = FakeTransport()
    await connect(chat, "pia", "per", "sara")
    await demo_app.outbox_sender(transport).deliver_due()
    [told_her] = transport.texts("anna")
    assert "Ingen i Trygg har tagit din rapport än." in told_her, told_her
    assert "larm" not in told_her, told_her


async def test_a_security_contact_is_told_she_is_her_partys_own(chat, demo_app: App) -> None:  # type: ignore[no-untyped-def]
    """Britt is Blå partiet's security contact, its only one: /kontakter and /akut told her
    "Ditt parti har ingen säkerhetsansvarig registrerad i Trygg." She is told she is the one;
    Pia (Per is her party's other) still reads Per's name."""
    britt: Chat = chat("britt")
    for command in ("/kontakter", "/akut"):
        reply = await britt.say(command)
        assert "Ditt parti har ingen säkerhetsansvarig" not in reply, reply
        assert (
            "Du är säkerhetsansvarig för Blå partiet i Trygg; ingen annan är registrerad." in reply
        ), reply
    pia = await chat("pia").say("/kontakter")
    assert "Per Ek, +46 70 174 06 12" in pia and "Du är säkerhetsansvarig" not in pia, pia
