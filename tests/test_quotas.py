"""Issue 16, abuse by the unregistered: reports and evidence per person per 24 hours.

An unregistered person may send 3 reports and 25 MB of evidence a day (10 files a report);
a registered official 20 reports and 500 MB. A refusal starts with the way out, says when
the person can send again, and keeps everything already written. The demo organisation:
anna and bo are officials (bo speaks English), eve is nobody Trygg knows.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.app import App
from conversations.i18n import DISPLAY_TZ
from storage import quotas
from storage.directory import DirectoryRepo
from storage.models import Evidence, Report, ReportStatus, Role
from storage.quotas import MB, Allowance, Quotas
from storage.reports import ReportRepo
from storage.trust import PeopleRepo
from storage.viewer import Viewer
from tests.conftest import Chat, FakeClock
from tests.golden import Transcript
from tests.reporting import Script, write_report
from tests.test_trust import attach, file_report, ids, press

WAY_OUT_SV = "I fara nu: ring 112.\nInte akut: polisen på 114 14."
WAY_OUT_EN = "In danger now: call 112.\nNot urgent: the police on 114 14."
STARTED_SV = "I fara nu: ring 112. Allt du svarar sparas direkt"


def at_stockholm(moment: datetime, pattern: str = "%H.%M") -> str:
    return moment.astimezone(DISPLAY_TZ).strftime(pattern)


async def sent_earlier(app: App, handle: str, moments: list[datetime]) -> None:
    """Reports the person sent before the test begins (from this chat, or another)."""
    async with app.db.unit_of_work() as session:
        person_id = await app.core.person_id(session, "console", handle)
        person = await DirectoryRepo(session).person(person_id)
        sjovik = await DirectoryRepo(session).municipality_id("sjovik")
        viewer = Viewer.of(person)
        repo = ReportRepo(session, app.keyring)
        for moment in moments:
            draft = await repo.create_draft(
                viewer, pack="oxelosund", municipality_id=sjovik, party_id=None, now=moment
            )
            await repo.submit(viewer, draft, moment)


async def reports_of(app: App, handle: str) -> dict[ReportStatus, int]:
    async with app.db.unit_of_work() as session:
        person_id = await app.core.person_id(session, "console", handle)
        rows = await session.execute(
            select(Report.status, func.count(Report.id))
            .where(Report.reporter_id == person_id)
            .group_by(Report.status)
        )
        return {status: count for status, count in rows.all()}


async def evidence_sizes(app: App, handle: str) -> list[int]:
    async with app.db.unit_of_work() as session:
        person_id = await app.core.person_id(session, "console", handle)
        rows = await session.scalars(
            select(Evidence.size)
            .join(Report, Report.id == Evidence.report_id)
            .where(Report.reporter_id == person_id)
            .order_by(Evidence.received_at)
        )
        return list(rows)


async def at_evidence(person: Chat, *, unregistered: bool = True) -> None:
    """Start a new report (files are taken at any question) that goes to a municipality."""
    await person.say("/rapportera")
    await press(person, "opt:self")
    if unregistered:
        await press(person, "opt:sjovik")


async def test_an_unregistered_persons_fourth_report_of_the_day_waits_for_the_next_day(
    demo_app: App, chat: Any, clock: FakeClock
) -> None:
    eve = chat("eve")
    clock.now = first = datetime(2026, 11, 22, 17, 0, tzinfo=UTC)  # 18.00 in Sjövik
    for _ in range(3):
        await file_report(eve, unregistered=True)
        clock.advance(hours=1)
    refused = await eve.say("/rapportera")
    assert refused.startswith(WAY_OUT_SV), refused
    assert "Du har skickat 3 rapporter de senaste 24 timmarna" in refused
    free_again = first + timedelta(hours=24)
    assert f"Du kan börja på en ny i morgon kl. {at_stockholm(free_again)}." in refused
    assert ids(eve)[0] == "cmd:akut"  # the menu, help first
    assert await reports_of(demo_app, "eve") == {ReportStatus.SUBMITTED: 3}  # no draft made
    clock.now = free_again - timedelta(minutes=1)
    assert "i dag kl." in await eve.say("/rapportera")
    clock.now = free_again  # the first report has left the last 24 hours
    assert STARTED_SV in await eve.say("/rapportera")


async def test_a_refused_send_keeps_the_report_and_sends_it_when_it_may(
    demo_app: App, chat: Any, clock: FakeClock
) -> None:
    # anna sent three reports this evening as an official; then her role was revoked
    await sent_earlier(demo_app, "anna", [clock.now - timedelta(hours=h) for h in (3, 2, 1)])
    anna = chat("anna")
    await file_report(anna, submit=False)
    async with demo_app.db.unit_of_work() as session:
        await PeopleRepo(session).revoke("anna", clock.now)
    refused = await press(anna, "send")
    assert refused.startswith(WAY_OUT_SV), refused
    assert "Du har skickat 3 rapporter de senaste 24 timmarna" in refused
    assert "Din rapport är sparad: tryck på Skicka i morgon kl." in refused
    assert await reports_of(demo_app, "anna") == {
        ReportStatus.SUBMITTED: 3,
        ReportStatus.DRAFT: 1,
    }
    # starting over is refused too, and does not throw the draft away
    await anna.say("/rapportera")
    offered = await press(anna, "resume:new")
    assert offered.startswith(WAY_OUT_SV) and ids(anna) == ["resume:continue"], offered
    assert (await reports_of(demo_app, "anna"))[ReportStatus.DRAFT] == 1
    summary = await press(anna, "resume:continue")
    assert "send" in ids(anna), summary
    clock.advance(hours=23)  # the oldest of the three is now 26 hours old
    sent = await press(anna, "send")
    assert "Din rapport är skickad: ärende" in sent, sent
    assert await reports_of(demo_app, "anna") == {ReportStatus.SUBMITTED: 4}


async def test_evidence_over_the_daily_bytes_is_refused_and_the_report_goes_on(
    demo_app: App, chat: Any, clock: FakeClock
) -> None:
    eve = chat("eve")
    await at_evidence(eve)
    first = clock.now
    assert "Sparat som bevis" in await attach(eve, b"s" * (19 * MB))
    clock.advance(minutes=10)
    assert "Sparat som bevis" in await attach(eve, b"t" * (5 * MB))
    clock.advance(minutes=10)
    refused = await attach(eve, b"u" * (2 * MB))  # 26 MB in a day: over 25
    assert refused.startswith(WAY_OUT_SV + "\nSäkerhetsenheten, Sjöviks kommun:"), refused
    assert "Du har skickat 24 MB bevis de senaste 24 timmarna" in refused
    assert f"skicka den i morgon kl. {at_stockholm(first + timedelta(days=1))}" in refused
    assert "nav:back" in ids(eve)  # the question is still open
    assert "Sparat som bevis" in await attach(eve, b"v" * MB)  # 25 MB fits exactly
    assert await evidence_sizes(demo_app, "eve") == [19 * MB, 5 * MB, MB]
    summary = await write_report(eve, Script(), submit=False, fresh=False)
    assert "Bevis: 3 filer" in summary, summary


async def test_an_unregistered_report_keeps_ten_files_and_a_file_over_the_allowance_alone(
    demo_app: App, chat: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    eve = chat("eve")
    await at_evidence(eve)
    for n in range(10):
        assert "Sparat som bevis" in await attach(eve, f"file {n}".encode(), name=f"{n}.png")
    eleventh = await attach(eve, b"one too many")
    assert "Rapporten har redan så mycket bevis som jag kan spara (10 filer)" in eleventh
    monkeypatch.setattr(quotas, "DEFAULT", Quotas(unregistered=Allowance(3, 2 * MB, 30)))
    too_large = await attach(eve, b"w" * (3 * MB))
    assert too_large.startswith(WAY_OUT_SV), too_large
    assert "Filen är större än vad jag kan spara åt dig (2 MB)" in too_large


async def test_a_registered_official_is_not_stopped_by_the_unregistered_limits(
    demo_app: App, chat: Any, clock: FakeClock
) -> None:
    anna = chat("anna")
    for _ in range(4):
        await file_report(anna)
        clock.advance(minutes=5)
    await at_evidence(anna, unregistered=False)
    for n in range(12):
        assert "Sparat som bevis" in await attach(anna, bytes([n]) * (3 * MB), name=f"{n}.png")
    assert sum(await evidence_sizes(demo_app, "anna")) == 36 * MB
    assert (await reports_of(demo_app, "anna"))[ReportStatus.SUBMITTED] == 4


async def test_the_refusals_speak_english_to_an_english_speaker(
    demo_app: App, chat: Any, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = clock.now - timedelta(hours=2)
    await sent_earlier(demo_app, "eve", [first, first + timedelta(minutes=30), clock.now])
    async with demo_app.db.unit_of_work() as session:  # as if she had chosen English
        person_id = await demo_app.core.person_id(session, "console", "eve")
        await DirectoryRepo(session).set_locale(Viewer(person_id, Role.UNREGISTERED), "en")
    eve = chat("eve", locale_hint="en")
    refused = await eve.say("/rapportera")
    assert refused.startswith(WAY_OUT_EN), refused
    assert "You have sent 3 reports in the last 24 hours, the most I can take in that time." in (
        refused
    )
    assert f"You can start a new one tomorrow {at_stockholm(first, '%H:%M')}." in refused
    monkeypatch.setattr(quotas, "DEFAULT", Quotas(unregistered=Allowance(9, 2 * MB, 10)))
    await at_evidence(eve)
    assert "Saved as evidence" in await attach(eve, b"x" * MB)
    refused = await attach(eve, b"y" * (2 * MB))
    assert refused.startswith(WAY_OUT_EN + "\nSecurity unit of"), refused
    assert "You have sent 1 MB of evidence in the last 24 hours, the most I can keep" in refused
    assert "Keep the file and send it tomorrow " in refused


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
@pytest.mark.parametrize("locale", ["sv", "en"])
async def test_transcript_an_unregistered_person_reaches_the_days_limit(
    demo_app: App, clock: FakeClock, locale: str
) -> None:
    t = Transcript(f"quota_unregistered_{locale}", demo_app)
    eve = t.person("eve", locale_hint=locale)
    first = clock.now - timedelta(hours=3)
    await sent_earlier(demo_app, "eve", [first, first + timedelta(hours=1), clock.now])
    t.note("eve, not registered, has sent three reports this evening and starts a fourth")
    await t.say(eve, "/rapportera")
    t.note("the next evening, when the first of the three is 24 hours old")
    clock.now = first + timedelta(hours=24)
    await t.say(eve, "/rapportera")
    t.check()
