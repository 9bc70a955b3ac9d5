"""Issue 16, trust re-checked where no test looked: who is alerted, and who may read a case,
follow the directory as it is now — not as it was when the alert went out.

Demo people (all in sjovik): anna (official, gp), pia and per (gp security, in that order),
bo (official, bp), britt (bp security), sara (municipal security unit), kent (director).
"""

from __future__ import annotations

from datetime import timedelta
from itertools import product
from typing import Any

from sqlalchemy import select

from bot.app import App
from bot.cli import _revoke
from conversations.alerts import directory_changed
from conversations.desk import calls
from conversations.notices import NOTICE_TOKEN
from storage.access import Access, case_access, visible_cases
from storage.cases import CaseRepo
from storage.directory import DirectoryRepo
from storage.history import TAKEN, alert_history
from storage.models import (
    AlertStatus,
    AuditEntry,
    OutboxMessage,
    OutboxStatus,
    Person,
    Report,
    Role,
)
from storage.stats import StatsRepo
from storage.viewer import Viewer
from tests.conftest import Chat, FakeClock
from tests.golden import Transcript
from tests.test_alerts import (
    ALERT_NOT_YOURS,
    REPORT_NOT_YOURS,
    Outbox,
    ack,
    alerts_only,
    load_alert,
    outbox,
    person_ids,
    raise_akut,
    recipients,
    submit_report,
)
from tests.test_case import MONDAY_10, take
from tests.test_case import submit_report as submit_case
from tests.test_desk_ops import desk

SV_NEXT = "Ingen har svarat än – du är näst på tur."


async def move(app: App, handle: str, *, role: Role | None = None, party: str | None = "") -> None:
    """Change a person in the directory, as `trygg org load` of a changed file would."""
    async with app.db.unit_of_work() as session:
        directory = DirectoryRepo(session)
        person = await directory.person_by_handle(handle)
        assert person is not None
        if role is not None:
            person.role = role
        if party != "":
            sjovik = await directory.municipality_by_key("sjovik")
            assert sjovik is not None
            found = await directory.party_by_key(sjovik.id, party) if party else None
            person.party_id = found.id if found else None
        await directory_changed(session, [person.id], app.clock())


async def rendered(app: App, handle: str) -> list[str]:
    """What the outbox sends a person now (messages they may no longer get are dropped)."""
    sent: list[tuple[str, str]] = []

    class Recorder:
        channel = "console"

        async def send(self, address: str, replies: Any, priority: int = 3) -> None:
            sent.extend((address, r.text) for r in replies)

    await Chat(app, handle).say("/meny")  # bound to the console, so the outbox reaches them
    sender = app.outbox_sender(Recorder())
    while await sender.deliver_due():
        pass
    return [text for address, text in sent if address == handle]


# --- 1. a revoked contact is never paged; the next one is, at once ------------------------------


async def test_a_contact_revoked_before_their_turn_is_skipped_and_the_next_level_paged(
    chat: Any, demo_app: App, clock: FakeClock
) -> None:
    clock.now = MONDAY_10  # by day (a calm report at night goes on in the morning)
    await submit_report(chat, category="party")  # Pia now, Per after 2 h, then Sara
    await move(demo_app, "per", role=Role.UNREGISTERED)  # `trygg person revoke per`
    box = Outbox(demo_app)
    await box.new()
    clock.advance(hours=2)
    await demo_app.timer_runner().run_due()
    new = [(h, k) for h, k, _ in await box.new() if k == "alert"]
    assert ("per", "alert") not in new
    assert ("sara", "alert") in new  # the next level, in the same step: no 2 h lost
    assert ("pia", "alert") in new  # Pia, still a contact, is reminded once
    assert not any("Anna Berg" in text for text in await rendered(demo_app, "per"))
    assert any(SV_NEXT in text for text in await rendered(demo_app, "sara"))


async def test_revoking_the_paged_contact_escalates_at_once_and_drops_their_messages(
    chat: Any, demo_app: App, clock: FakeClock
) -> None:
    alert_id = await raise_akut(chat)  # Pia now; Per after 10 minutes
    assert await _revoke(demo_app, "pia") == 0  # what `trygg person revoke pia` runs
    await demo_app.timer_runner().run_due()  # no time passes
    paged = [h for h, k, p in alerts_only(await outbox(demo_app)) if k == "alert"]
    assert paged == ["pia", "per"]
    assert (await load_alert(demo_app, alert_id)).level == 2
    # the alert queued for Pia before she was revoked is dropped, never sent
    [(pia_row, *_rest)] = [r for r in await outbox(demo_app) if r[1] == "pia"]
    async with demo_app.db.unit_of_work() as session:
        row = await session.get(OutboxMessage, pia_row)
        assert row is not None and row.status is OutboxStatus.FAILED
    assert await rendered(demo_app, "pia") == []
    # Per got it and can take it; Pia's old buttons do nothing
    assert any("Anna Berg" in text for text in await rendered(demo_app, "per"))
    assert ALERT_NOT_YOURS in await ack(chat("pia"), alert_id)
    assert "Tack – det är ditt" in await ack(chat("per"), alert_id)


async def test_a_contact_moved_to_another_party_is_not_paged_for_the_old_one(
    chat: Any, demo_app: App, clock: FakeClock
) -> None:
    alert_id = await raise_akut(chat)  # Pia, then Per, then Sara
    await move(demo_app, "per", party="bp")
    clock.advance(minutes=10)
    await demo_app.timer_runner().run_due()
    paged = [h for h, k, _ in alerts_only(await outbox(demo_app)) if k == "alert"]
    assert "per" not in paged and "sara" in paged
    assert (await recipients(demo_app, alert_id))["sara"].notified_at is not None


async def test_a_queued_alert_to_someone_who_may_no_longer_act_is_dropped_at_sending(
    chat: Any, demo_app: App, clock: FakeClock
) -> None:
    """Even without the CLI's re-routing (e.g. a role changed straight in the directory),
    delivery checks the recipient as they are now and escalates at once."""
    alert_id = await raise_akut(chat)
    async with demo_app.db.unit_of_work() as session:
        pia = await DirectoryRepo(session).person_by_handle("pia")
        assert pia is not None
        pia.role = Role.OFFICIAL
    assert await rendered(demo_app, "pia") == []
    await demo_app.timer_runner().run_due()
    assert [h for h, k, _ in alerts_only(await outbox(demo_app)) if k == "alert"][-1] == "per"
    assert (await load_alert(demo_app, alert_id)).status is AlertStatus.OPEN


async def test_when_nobody_is_left_the_person_is_told_to_call(
    chat: Any, demo_app: App, clock: FakeClock
) -> None:
    alert_id = await raise_akut(chat)
    for handle in ("pia", "per", "sara"):
        await move(demo_app, handle, role=Role.UNREGISTERED)
    await demo_app.timer_runner().run_due()
    alert = await load_alert(demo_app, alert_id)
    assert alert.status is AlertStatus.EXHAUSTED
    told = await rendered(demo_app, "anna")
    assert any("Ingen i Trygg har svarat på ditt larm än." in text for text in told), told


# --- 3. /akut can go to the municipality instead of the party --------------------------------


async def test_akut_can_alert_the_municipal_unit_instead_of_the_party(
    chat: Any, demo_app: App, clock: FakeClock
) -> None:
    anna: Chat = chat("anna")
    guidance = await anna.say("/akut")
    assert "Kommer hotet inifrån ditt parti?" in guidance
    assert [i for i, _, _ in anna.buttons][:2] == ["akut:alert", "akut:unit"]
    reply = await anna.press("akut:unit")
    assert "Jag har larmat Sara Strand" in reply and "Pia Lind" not in reply
    assert "Per Ek" not in reply
    [(handle, _kind, payload)] = alerts_only(await outbox(demo_app))
    assert handle == "sara"
    # nobody takes it: nobody of the party is ever paged; the alert runs out and she is told
    for _ in range(3):
        clock.advance(minutes=10)
        await demo_app.timer_runner().run_due()
    assert {h for h, _, _ in alerts_only(await outbox(demo_app))} == {"sara", "anna"}
    # the party's contacts can't take it or call back either
    assert ALERT_NOT_YOURS in await ack(chat("pia"), str(payload["alert"]))


async def test_akut_to_the_unit_transcript(demo_app: App, clock: FakeClock) -> None:
    t = Transcript("akut_to_the_unit_sv", demo_app)
    anna, sara = t.person("anna"), t.person("sara")
    await sara.say("/meny")  # Sara has talked to Trygg before: the outbox reaches her
    t.note("Anna is threatened by someone in her own party; it is 23:00")
    await t.say(anna, "/akut")
    await t.say(anna, "Larma säkerhetsenheten")
    await t.deliver()
    await t.say(sara, "Jag tar det")
    await t.deliver()
    t.check()


# --- 4 and 5. audit, notices and access follow who may access the case now ----------------------


async def test_a_unit_left_out_of_an_internal_case_learns_nothing_of_it(
    chat: Any, demo_app: App, clock: FakeClock
) -> None:
    case = await submit_report(chat, category="internal", choose=["per"])
    per: Chat = chat("per")
    assert "Tack – det är ditt" in await ack(per, case.alert_id)
    await per.say(f"/arende {case.ref}")
    log = await chat("sara").say("/logg")
    assert case.ref not in log, log
    # day 14 without a documented follow-up: the chosen contact is told, not the unit
    clock.advance(days=15, hours=10)  # past the quiet hours (21–08) of that night
    await demo_app.timer_runner().run_due()
    overdue = [h for _, h, k, _ in await outbox(demo_app) if k == "followup_overdue"]
    assert overdue == ["per"]
    assert not any(case.ref in text for text in await rendered(demo_app, "sara"))
    # a case that did reach the unit is in its log
    other = await submit_report(chat, "anna", category="assignment")
    assert other.ref in await chat("sara").say("/logg")


async def test_a_party_case_overdue_brings_the_unit_in(
    chat: Any, demo_app: App, clock: FakeClock
) -> None:
    case = await submit_report(chat, category="party")
    assert REPORT_NOT_YOURS in await chat("sara").press(f"show:{case.id}", token=NOTICE_TOKEN)
    clock.advance(days=15, hours=10)  # past the quiet hours (21–08) of that night
    await demo_app.timer_runner().run_due()
    [text] = [t for t in await rendered(demo_app, "sara") if case.ref in t]
    assert "uppföljningssamtal 1" in text
    # brought in, the unit may now read the case it is asked to follow up
    assert "Någon skrev att de vet var jag bor" in await chat("sara").press(
        f"show:{case.id}", token=NOTICE_TOKEN
    )


async def test_access_follows_the_present_role_not_a_past_alert(
    chat: Any, demo_app: App, clock: FakeClock
) -> None:
    case = await submit_report(chat, category="party")
    pia: Chat = chat("pia")
    assert "Tack – det är ditt" in await ack(pia, case.alert_id)
    assert f"Ärende {case.ref}" in await pia.say(f"/arende {case.ref}")
    await move(demo_app, "pia", party="bp")  # the org file now lists her under another party
    assert REPORT_NOT_YOURS in await pia.press(f"show:{case.id}", token=NOTICE_TOKEN)
    assert "Det finns inget ärende" in await pia.say(f"/arende {case.ref}")
    assert case.ref not in await pia.say("/arenden")
    assert "Per Ek" not in await pia.say("/kontakter")  # gp's contacts are not hers now
    # the case she had taken is not left without a handler: Per gets it at once
    await demo_app.timer_runner().run_due()
    [text] = await rendered(demo_app, "per")
    assert "Den som tog det här kan inte längre hantera det – nu är det din tur." in text
    assert "Tack – det är ditt" in await ack(chat("per"), case.alert_id)
    # follow-up reminders go to Per now, not to her
    clock.advance(days=2, hours=10)  # day 2, after the quiet hours
    await demo_app.timer_runner().run_due()
    nudged = [h for _, h, k, _ in await outbox(demo_app) if k == "followup_nudge"]
    assert nudged == ["per"]
    # moved back to her party, she is on the case again (it was sent to her)
    await move(demo_app, "pia", party="gp")
    assert f"Ärende {case.ref}" in await pia.say(f"/arende {case.ref}")
    await move(demo_app, "pia", role=Role.OFFICIAL)  # no longer a security contact at all
    assert "Det finns inget ärende" in await pia.say(f"/arende {case.ref}")


async def test_the_list_rule_and_the_case_rule_are_one_rule(
    chat: Any, demo_app: App, clock: FakeClock
) -> None:
    """storage.access gives the rule as a Python check and as an SQL condition: for every
    person and every case, in every state tried here, they agree."""
    await submit_report(chat, category="party")
    await submit_report(chat, category="assignment")
    await submit_report(chat, category="internal", choose=["per", "sara"])
    await submit_report(chat, "bo", category="party")
    clock.advance(hours=2)
    await demo_app.timer_runner().run_due()  # Per now alerted on the party case
    await move(demo_app, "britt", role=Role.UNREGISTERED)
    ids = await person_ids(demo_app)
    async with demo_app.db.unit_of_work() as session:
        reports = list((await session.scalars(select(Report))).all())
        people = [await session.get(Person, i) for i in ids.values()]
        checked = 0
        for person, report in product(people, reports):
            assert person is not None
            viewer = Viewer.of(person)
            by_rule = await case_access(session, viewer, report) > Access.NONE
            listed = await session.scalar(
                select(Report.id).where(Report.id == report.id, visible_cases(viewer))
            )
            assert by_rule == (listed is not None), (person.handle, report.category)
            checked += 1
        assert checked == len(people) * len(reports) >= 30


async def test_submissions_and_refused_openings_are_audited(chat: Any, demo_app: App) -> None:
    case = await submit_report(chat, category="party")
    await chat("britt").say(f"/arende {case.ref}")
    await chat("britt").say("/arende hej'; DROP TABLE report")
    async with demo_app.db.unit_of_work() as session:
        rows = (
            await session.execute(
                select(AuditEntry.actor, AuditEntry.action, AuditEntry.subject).order_by(
                    AuditEntry.id
                )
            )
        ).all()
    assert ("anna", "report_submitted", case.ref) in rows
    assert ("britt", "case_denied", case.ref) in rows
    assert ("britt", "case_denied", "-") in rows  # never the typed text


async def up_to_send(person: Chat) -> None:
    """Write a minimal internal-case report (not recorded): up to the summary's Send."""
    await person.say("/rapportera")
    await person.press("opt:self")
    for _ in range(60):
        buttons = [i for i, _, _ in person.buttons]
        if "send" in buttons:
            return
        if "opt:internal" in buttons:
            await person.press("opt:internal")
        elif "nav:skip" in buttons:
            await person.press("nav:skip")
        elif "done" in buttons:
            await person.press("done")
        else:
            await person.say("Gruppledaren skrev att jag ska hålla tyst om bygglovet.")
    raise AssertionError("the summary never came")


async def test_internal_case_choice_transcripts(demo_app: App, clock: FakeClock) -> None:
    for name, handle, script in (
        ("internal_case_choice_sv", "anna", ("Skicka", "4", "2", "3", "4")),
        ("internal_case_choice_en", "bo", ("Send", "1", "2", "1", "3")),
    ):
        t = Transcript(name, demo_app)
        person = t.person(handle)
        await up_to_send(person)
        t.note("the report is written; the category is 'within my own party'")
        for typed in script:
            await t.say(person, typed)
        await t.deliver()
        t.check()


async def checklist_owners(app: App, report_id: int) -> list[str]:
    """The handles storage names as the case's checklist owners now."""
    async with app.db.unit_of_work() as session:
        report = await session.get(Report, report_id)
        assert report is not None
        owners = await CaseRepo(session, app.keyring).checklist_owners(report)
        people = [await session.get(Person, owner.person_id) for owner in owners]
        return [person.handle for person in people if person is not None]


async def test_the_checklist_owners_follow_the_present_role_too(
    chat: Any, demo_app: App, clock: FakeClock
) -> None:
    """Who is told of checklist items at a submit is read through the access rule, as it is
    now: the director of the case's municipality, not someone who was one, not the unit
    (who handle the case, or not), and nobody for an internal case."""
    case = await submit_report(chat, category="party")
    assert await checklist_owners(demo_app, case.id) == ["kent"]
    await move(demo_app, "kent", role=Role.OFFICIAL)  # no longer the director
    assert await checklist_owners(demo_app, case.id) == []
    await move(demo_app, "sara", role=Role.MUNICIPAL_DIRECTOR)  # the unit's Sara is now
    assert await checklist_owners(demo_app, case.id) == ["sara"]
    await move(demo_app, "sara", role=Role.MUNICIPAL_SECURITY)
    await move(demo_app, "kent", role=Role.MUNICIPAL_DIRECTOR)
    clock.advance(minutes=5)  # (her cases are told apart by when they were sent)
    internal = await submit_report(chat, category="internal")
    assert await checklist_owners(demo_app, internal.id) == []


async def test_who_took_it_first_stays_in_the_case_history(
    chat: Any, demo_app: App, clock: FakeClock
) -> None:
    """Pia took the case, then left the role and Per took it: the case file's timeline lost
    "Pia Lind tog larmet", since the alert holds only who has it now."""
    case = await submit_case(chat)
    await take(chat, "pia", case)
    clock.advance(minutes=30)
    await move(demo_app, "pia", role=Role.OFFICIAL)  # no longer a security contact
    await demo_app.timer_runner().run_due()
    clock.advance(minutes=5)
    await take(chat, "per", case)
    async with demo_app.db.unit_of_work() as session:
        report = await session.get(Report, case.id)
        assert report is not None
        per = await DirectoryRepo(session).person_by_handle("per")
        assert per is not None
        events = await alert_history(session, Viewer.of(per), report)
        facts = await StatsRepo(session, demo_app.keyring).cases(
            Viewer.of(per), clock.now - timedelta(days=1), clock.now + timedelta(days=1)
        )
    ids = await person_ids(demo_app)
    taken = [(e.person_id, e.at) for e in events if e.what == TAKEN]
    assert [who for who, _at in taken] == [ids["pia"], ids["per"]], taken
    [fact] = facts  # the time to the first take is Pia's, not Per's an hour later
    assert fact.first_take is not None and fact.first_take == taken[0][1] - report.submitted_at


async def test_her_call_is_with_whoever_has_her_case_now(
    chat: Any, demo_app: App, clock: FakeClock
) -> None:
    """Pia booked Anna's call, then left the role and Per took the case: Anna's case still
    said "Uppföljningssamtal 1 med Pia Lind", while Per was the one reminded."""
    case = await submit_case(chat)
    await take(chat, "pia", case)
    async with desk(demo_app, "pia", case, clock) as (ctx, report, access):
        await calls.book_call(ctx, report, access, clock.now + timedelta(days=3))
    await move(demo_app, "pia", role=Role.OFFICIAL)
    await demo_app.timer_runner().run_due()
    clock.advance(minutes=5)
    await take(chat, "per", case)
    shown = await chat("anna").say(f"/arende {case.ref}")
    assert "Uppföljningssamtal 1 med Per Ek" in shown, shown
    assert "Pia Lind" not in shown
