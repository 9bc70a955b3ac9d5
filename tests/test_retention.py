"""Issue 16, item 7: every kind of record has a retention rule, applied by the daily
housekeeping timer and audited (one entry per kind of record and run, with the count).

Each rule purges what it should when it should, and nothing younger. Open cases idle for
their municipality's period are announced a week ahead to whoever may handle them, and
purged unless someone keeps them or works on them. Every test runs on SQLite and
PostgreSQL. Demo people: anna (official, gp), pia and per (gp security), bo (official,
bp), britt (bp security), sara (the unit), kent (municipal director).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select, update

from bot import orgfile
from bot.app import App
from conversations import notices
from conversations.followups import PURGE, PURGE_WARNING
from conversations.housekeeping import HOUSEKEEPING, ensure_housekeeping
from storage.access import Access
from storage.alerts import AlertRepo
from storage.cases import CaseRepo
from storage.errors import DirectoryError
from storage.models import (
    Alert,
    AlertRecipient,
    AuditEntry,
    Conversation,
    Evidence,
    Invite,
    Municipality,
    OutboxMessage,
    OutboxStatus,
    Person,
    Report,
    ReportStatus,
    Role,
    Timer,
    TimerState,
)
from storage.retention import add_months
from storage.timers import TimerRepo
from storage.trust import AuditRepo
from storage.viewer import Viewer
from tests.conftest import DEMO_ORG, Chat, FakeClock
from tests.test_alerts import submit_report
from tests.test_case import MONDAY_10, take
from tests.test_erasure import deliver, raise_akut
from tests.test_followups import Transport
from tests.test_trust import add_norrby, file_report, forge, invite, pid, refused

# --- helpers -----------------------------------------------------------------------------------


async def housekeep(app: App, clock: FakeClock, when: datetime) -> None:
    """Move the clock and let the daily housekeeping run now (then whatever it planned)."""
    clock.now = when
    async with app.db.unit_of_work() as session:
        timers = TimerRepo(session)
        await timers.cancel(HOUSEKEEPING, "daily")
        await ensure_housekeeping(timers, when)
    runner = app.timer_runner()
    await runner.run_due()
    await runner.run_due()  # what the run planned for now (e.g. a purge warning)


async def purged(app: App) -> dict[str, int]:
    """The retention entries of the audit log: kind of record → count, summed over runs."""
    async with app.db.unit_of_work() as session:
        rows = await session.execute(
            select(AuditEntry.action, AuditEntry.subject, AuditEntry.actor).where(
                AuditEntry.action.startswith("purged_")
            )
        )
        counts: dict[str, int] = {}
        for action, subject, actor in rows.all():
            assert actor == "system"
            kind = action.removeprefix("purged_")
            counts[kind] = counts.get(kind, 0) + int(subject)
        return counts


async def count(app: App, model: Any, *where: Any) -> int:
    async with app.db.unit_of_work() as session:
        return int(await session.scalar(select(func.count()).select_from(model).where(*where)) or 0)


async def set_months(app: App, **months: int) -> None:
    async with app.db.unit_of_work() as session:
        await session.execute(
            update(Municipality).where(Municipality.key == "sjovik").values(**months)
        )


# --- drafts and conversations ------------------------------------------------------------------


async def test_an_abandoned_draft_goes_after_30_days_with_its_evidence_and_nothing_younger(
    demo_app: App, chat: Any, clock: FakeClock
) -> None:
    t0 = clock.now
    anna, bo = chat("anna"), chat("bo")
    anna_id, bo_id = await pid(demo_app, "anna"), await pid(demo_app, "bo")
    await file_report(anna, evidence=[(b"draft evidence", "d.png", "")], submit=False)
    clock.now = t0 + timedelta(days=20)
    await file_report(bo, submit=False)
    drafts = (Report.status == ReportStatus.DRAFT,)

    await housekeep(demo_app, clock, t0 + timedelta(days=30, minutes=-1))
    assert await count(demo_app, Report, *drafts, Report.reporter_id == anna_id) == 1
    assert "drafts" not in await purged(demo_app)

    await housekeep(demo_app, clock, t0 + timedelta(days=30, minutes=1))
    assert await count(demo_app, Report, *drafts, Report.reporter_id == anna_id) == 0
    assert await count(demo_app, Evidence) == 0
    assert await count(demo_app, Report, *drafts, Report.reporter_id == bo_id) == 1
    # the open question could quote her answers: it goes too; bo's stays
    async with demo_app.db.unit_of_work() as session:
        mine = await session.get(Conversation, anna_id)
        his = await session.get(Conversation, bo_id)
        assert mine is not None and (mine.flow, mine.prompt) == (None, None)
        assert his is not None and his.flow is not None and his.prompt is not None
    assert await purged(demo_app) == {"drafts": 1, "conversations": 1}
    # coming back, she starts anew (no unfinished report to continue)
    await anna.say("/rapportera")
    assert "resume:continue" not in [b[0] for b in anna.buttons]


# --- /akut alerts --------------------------------------------------------------------------------


async def test_akut_alerts_go_after_the_municipalitys_alert_period_with_their_recipients(
    demo_app: App, chat: Any, clock: FakeClock
) -> None:
    await set_months(demo_app, alert_retention_months=3)
    t0 = clock.now
    akut = await raise_akut(chat("anna"))
    case = await submit_report(chat, "anna")  # a case's alert goes with the case, not here
    async with demo_app.db.unit_of_work() as session:  # no municipality: 12 months
        homeless = await AlertRepo(session).create(
            kind="akut",
            subject_id=await pid(demo_app, "bo"),
            report_id=None,
            municipality_id=None,
            party_id=None,
            levels=[[await pid(demo_app, "sara")]],
            ack_minutes=10,
            now=t0,
        )

    await housekeep(demo_app, clock, add_months(t0, 3) - timedelta(days=1))
    assert await count(demo_app, Alert, Alert.id == akut) == 1
    await housekeep(demo_app, clock, add_months(t0, 3) + timedelta(minutes=1))
    assert await count(demo_app, Alert, Alert.id == akut) == 0
    assert await count(demo_app, AlertRecipient, AlertRecipient.alert_id == akut) == 0
    assert await count(demo_app, Alert, Alert.id == case.alert_id) == 1
    assert await count(demo_app, Alert, Alert.id == homeless) == 1
    assert (await purged(demo_app))["alerts"] == 1

    await housekeep(demo_app, clock, add_months(t0, 12) + timedelta(minutes=1))
    assert await count(demo_app, Alert, Alert.id == homeless) == 0
    assert await count(demo_app, Alert, Alert.id == case.alert_id) == 1
    assert (await purged(demo_app))["alerts"] == 2


# --- the audit log -------------------------------------------------------------------------------


async def test_audit_entries_go_after_the_municipalitys_archive_period(
    demo_app: App, chat: Any, clock: FakeClock
) -> None:
    await add_norrby(demo_app)
    await set_months(demo_app, audit_retention_months=2)
    t0 = clock.now
    async with demo_app.db.unit_of_work() as session:
        ids = dict((await session.execute(select(Municipality.key, Municipality.id))).all())
        sjovik, norrby = ids["sjovik"], ids["norrby"]
        audit = AuditRepo(session)
        audit.record("pia", "case_opened", "AAAA-1111", sjovik, t0)
        audit.record("nils", "case_opened", "BBBB-2222", norrby, t0)
        audit.record("operator", "keys_rotated", "k1", None, t0)
        audit.record("pia", "case_opened", "CCCC-3333", sjovik, t0 + timedelta(days=40))

    async def left() -> list[str]:
        async with demo_app.db.unit_of_work() as session:
            found = set(await session.scalars(select(AuditEntry.subject)))
        return [s for s in ("AAAA-1111", "BBBB-2222", "k1", "CCCC-3333") if s in found]

    await housekeep(demo_app, clock, add_months(t0, 2) - timedelta(days=1))
    assert await left() == ["AAAA-1111", "BBBB-2222", "k1", "CCCC-3333"]
    await housekeep(demo_app, clock, add_months(t0, 2) + timedelta(minutes=1))
    assert await left() == ["BBBB-2222", "k1", "CCCC-3333"]  # sjövik's oldest entry only
    assert (await purged(demo_app))["audit"] == 1
    await housekeep(demo_app, clock, add_months(t0, 60) + timedelta(minutes=1))
    assert await left() == []  # norrby and entries without a municipality: 60 months
    assert (await purged(demo_app))["audit"] == 4  # the retention entries are younger: kept


# --- delivery rows, timers and invitations ------------------------------------------------------


async def test_delivered_messages_finished_timers_and_spent_invites_go_after_30_days(
    demo_app: App, chat: Any, clock: FakeClock
) -> None:
    t0 = clock.now
    await chat("pia").say("/hjalp")  # pia can be reached; per has no address yet
    alert_id = await raise_akut(chat("anna"))
    await deliver(demo_app)  # pia's page is sent
    for minutes in (10, 20, 30):  # per's page waits (no address), then sara's; then over
        clock.now = t0 + timedelta(minutes=minutes)
        await demo_app.timer_runner().run_due()
    used = await invite(demo_app, Role.OFFICIAL)
    await chat("newcomer").say(f"/start {used}")
    await invite(demo_app, Role.OFFICIAL, hours=1)  # never used: expires
    sent = (OutboxMessage.status == OutboxStatus.SENT,)
    waiting = (OutboxMessage.status == OutboxStatus.PENDING,)
    escalations = (Timer.subject == alert_id, Timer.state == TimerState.FIRED)
    assert await count(demo_app, OutboxMessage, *sent) == 1
    assert await count(demo_app, OutboxMessage, *waiting) >= 1
    assert await count(demo_app, Timer, *escalations) == 3
    assert await count(demo_app, Invite) == 2

    await housekeep(demo_app, clock, t0 + timedelta(days=29))
    assert await count(demo_app, OutboxMessage, *sent) == 1
    assert await count(demo_app, Timer, *escalations) == 3
    assert await count(demo_app, Invite) == 2
    await housekeep(demo_app, clock, t0 + timedelta(days=31))
    assert await count(demo_app, OutboxMessage, *sent) == 0
    assert await count(demo_app, OutboxMessage, *waiting) >= 1  # never sent: kept
    assert await count(demo_app, Timer, Timer.subject == alert_id) == 0
    assert await count(demo_app, Timer, Timer.state == TimerState.PENDING) >= 1  # still planned
    assert await count(demo_app, Invite) == 0
    counts = await purged(demo_app)
    assert counts["messages"] == 1 and counts["invites"] == 2 and counts["timers"] >= 3


# --- open cases without activity ---------------------------------------------------------------


async def _answer_an_item(person: Chat, ref: str) -> None:
    """Work on a case: answer its next checklist item through the chat."""
    await person.say(f"/arende {ref}")
    await person.press("case:check")
    assert (await person.press("check:yes")).startswith("Sparat: ")
    await person.press("check:skip")


async def test_an_idle_open_case_is_announced_to_who_may_handle_it_then_purged_unless_kept(
    demo_app: App, chat: Any, clock: FakeClock
) -> None:
    clock.now = t0 = MONDAY_10
    anna, pia, kent = chat("anna"), chat("pia"), chat("kent")
    for person in (pia, chat("per"), chat("sara"), kent, chat("bo"), chat("britt")):
        await person.say("/hjalp")
    cases = {}
    for name in ("gone", "kept", "active", "revived"):
        cases[name] = await submit_report(chat, "anna")
        await take(chat, "pia", cases[name])
        clock.advance(minutes=1)
    # internal: anna chooses per and the unit, not pia; pia must never learn this case exists
    cases["secret"] = await submit_report(chat, "anna", "internal", choose=["per", "sara"])
    ids = {name: case.id for name, case in cases.items()}

    clock.now = add_months(t0, 12)
    await _answer_an_item(pia, cases["active"].ref)  # activity: the period starts again

    purge_at = add_months(t0, 24)
    await housekeep(demo_app, clock, purge_at - timedelta(days=8))
    async with demo_app.db.unit_of_work() as session:
        planned = await session.scalar(
            select(func.count(Timer.id)).where(Timer.kind.in_((PURGE, PURGE_WARNING)))
        )
    assert planned == 0  # not idle for 24 months within a week yet

    warned_at = purge_at - timedelta(days=7) + timedelta(hours=1)
    mark = await count(demo_app, OutboxMessage)
    await housekeep(demo_app, clock, warned_at)
    async with demo_app.db.unit_of_work() as session:
        rows = await session.execute(
            select(Person.handle, OutboxMessage.payload)
            .join(Person, Person.id == OutboxMessage.recipient_id)
            .where(OutboxMessage.kind == notices.PURGE_IDLE_NOTICE, OutboxMessage.id > mark)
        )
        told = sorted((handle, str(payload["report"])) for handle, payload in rows.all())
        for handle, report_id in told:  # everyone told may handle the case, and keep it
            person = (await session.scalars(select(Person).where(Person.handle == handle))).one()
            report = await session.get(Report, report_id)
            assert report is not None
            access = await CaseRepo(session, demo_app.keyring).access(Viewer.of(person), report)
            assert access is Access.HANDLER, (handle, report.ref)
    about = {name: {h for h, r in told if r == ids[name]} for name in ids}
    assert "pia" in about["gone"] and "pia" in about["kept"] and "pia" in about["revived"]
    assert not about["active"]  # worked on a year later: not idle
    assert "pia" not in about["secret"]  # left out of the internal case
    assert not {h for h, _ in told} & {"anna", "kent", "bo", "britt"}

    transport = Transport()  # all that is due (more than one batch: Kent's item pushes too)
    while await demo_app.outbox_sender(transport).deliver_due():
        pass
    start = f"Inget har hänt i ärende {cases['kept'].ref} sedan "
    [notice] = [r for r in transport.to("pia") if r.text.startswith(start)]
    assert "gallras det om en vecka" in notice.text
    assert [(b.id, b.label) for row in notice.buttons for b in row] == [
        (f"hold:{ids['kept']}", "Behåll ärendet")
    ]
    # the reporter and the director may not keep a case; pia, who handles it, may
    for person in (anna, kent):
        refused(await forge(person, f"hold:{ids['kept']}"))
    kept = await forge(pia, f"hold:{ids['kept']}")
    assert kept == f"Ärende {cases['kept'].ref} behålls; det gallras inte."
    clock.now = warned_at + timedelta(days=1)
    await _answer_an_item(pia, cases["revived"].ref)  # worked on after the warning

    await housekeep(demo_app, clock, warned_at + timedelta(days=7, minutes=1))
    async with demo_app.db.unit_of_work() as session:
        left = {name for name, report_id in ids.items() if await session.get(Report, report_id)}
        entries = {
            (e.actor, e.action, e.subject) for e in await session.scalars(select(AuditEntry))
        }
    assert left == {"kept", "active", "revived"}
    assert await count(demo_app, Alert, Alert.report_id == ids["gone"]) == 0
    for name in ("gone", "secret"):
        assert ("system", "purged", cases[name].ref) in entries
    for name in ("kept", "active", "revived"):
        assert ("system", "purged", cases[name].ref) not in entries
    assert ("pia", "hold", cases["kept"].ref) in entries


# --- where the periods are set ------------------------------------------------------------------


async def test_the_org_file_sets_each_municipalitys_alert_and_audit_periods(
    app: App, tmp_path: Path
) -> None:
    text = DEMO_ORG.read_text(encoding="utf-8").replace(
        "    pack: oxelosund\n",
        "    pack: oxelosund\n    alert_retention_months: 6\n    audit_retention_months: 120\n",
    )
    path = tmp_path / "org.yaml"
    path.write_text(text, encoding="utf-8")
    async with app.db.unit_of_work() as session:
        await orgfile.apply(session, orgfile.parse(path), app.keyring)
    async with app.db.unit_of_work() as session:
        row = (await session.scalars(select(Municipality))).one()
        assert (row.retention_months, row.alert_retention_months, row.audit_retention_months) == (
            24,
            6,
            120,
        )
    for wrong in ("0", "121"):
        path.write_text(
            text.replace("alert_retention_months: 6", f"alert_retention_months: {wrong}")
        )
        with pytest.raises(DirectoryError, match="alert_retention_months"):
            orgfile.parse(path)
