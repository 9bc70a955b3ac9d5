"""Who reads a case's follow-up calls, tried by breaking it at the storage level: Pia (who
handles Anna's case) books call 1, documents it with notes and books call 2; each reader
then asks storage for the calls. The handlers read the notes, Anna the dates, and the
director, another party's contact, a revoked contact and one whose role changed mid-case
get nothing of the calls (not the planned times, not who booked, not the notes).

Demo people (all in sjovik): anna (official, gp), pia and per (gp security), britt (bp
security), sara (municipal security unit), kent (director).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from bot.app import App
from storage.calls import CHECKIN_KINDS, REMINDER_KINDS, CallRepo
from storage.cases import CaseRepo
from storage.errors import NotFound
from storage.models import Person, Report, Role
from storage.trust import PeopleRepo
from storage.viewer import Viewer
from tests.conftest import FakeClock
from tests.test_case import Submitted
from tests.test_followups import taken_monday
from tests.test_trust_recheck import move

STOCKHOLM = ZoneInfo("Europe/Stockholm")
SQLITE_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
TUESDAY_14 = datetime(2026, 11, 24, 14, 0, tzinfo=STOCKHOLM)
NEXT_TUESDAY_14 = TUESDAY_14 + timedelta(days=7)
NOTES = "Anna sover dåligt. Grannen har sett en bil utanför."
PRESENT = "Anna Berg och Pia Lind"


async def viewer(app: App, handle: str) -> Viewer:
    async with app.db.unit_of_work() as session:
        person = (await session.scalars(select(Person).where(Person.handle == handle))).one()
        return Viewer.of(person)


async def with_calls(chat: Any, app: App, clock: FakeClock) -> Submitted:
    """Anna's case, taken by Pia: call 1 booked, held and documented; call 2 booked."""
    case = await taken_monday(chat, clock)
    pia = await viewer(app, "pia")
    async with app.db.unit_of_work() as session:
        report = await session.get(Report, case.id)
        assert report is not None
        calls = CallRepo(session, app.keyring)
        await calls.book(pia, report, 1, TUESDAY_14, clock.now)
        notes = {"date": "2026-11-24", "present": PRESENT, "situation": NOTES, "booked_by": 0}
        await CaseRepo(session, app.keyring).document_followup(pia, report, 1, notes, clock.now)
        await calls.book(pia, report, 2, NEXT_TUESDAY_14, clock.now)
    return case


async def read_calls(app: App, case: Submitted, handle: str) -> list[Any]:
    """What storage gives this person of the case's calls (the log; NotFound propagates)."""
    who = await viewer(app, handle)
    async with app.db.unit_of_work() as session:
        report = await session.get(Report, case.id)
        assert report is not None
        return await CallRepo(session, app.keyring).log(who, report)


async def refused_all_calls(app: App, case: Submitted, handle: str) -> None:
    """Every storage read of the calls and the schedule is NotFound for this person now."""
    with pytest.raises(NotFound):
        await read_calls(app, case, handle)
    who = await viewer(app, handle)
    async with app.db.unit_of_work() as session:
        report = await session.get(Report, case.id)
        assert report is not None
        calls = CallRepo(session, app.keyring)
        for kinds in (CHECKIN_KINDS, REMINDER_KINDS):
            with pytest.raises(NotFound):
                await calls.upcoming(who, report, kinds)
        with pytest.raises(NotFound):
            await calls.booked_ahead(who, report, TUESDAY_14)
        with pytest.raises(NotFound):
            await calls.days_ahead(who, report, TUESDAY_14.date())
        with pytest.raises(NotFound):
            await calls.book(who, report, 3, NEXT_TUESDAY_14 + timedelta(days=7), TUESDAY_14)


@SQLITE_ONLY
async def test_the_handlers_read_the_notes(chat: Any, demo_app: App, clock: FakeClock) -> None:
    case = await with_calls(chat, demo_app, clock)
    pia_id = (await viewer(demo_app, "pia")).person_id
    [held, booked] = await read_calls(demo_app, case, "pia")
    assert (held.status, held.held_on, held.participants, held.notes) == (
        "documented",
        "2026-11-24",
        PRESENT,
        NOTES,
    )
    assert (booked.status, booked.planned_for, booked.booked_by) == (
        "planned",
        NEXT_TUESDAY_14,
        pia_id,
    )
    # the unit, not alerted in a party case, and Per (second in the plan) read nothing
    for handle in ("sara", "per"):
        await refused_all_calls(demo_app, case, handle)


@SQLITE_ONLY
async def test_the_official_reads_when_and_with_whom_never_the_notes(
    chat: Any, demo_app: App, clock: FakeClock
) -> None:
    case = await with_calls(chat, demo_app, clock)
    [held, booked] = await read_calls(demo_app, case, "anna")
    assert (held.status, held.held_on, held.participants, held.notes) == (
        "documented",
        "2026-11-24",
        None,
        None,
    )
    assert (booked.planned_for, booked.booked_by) == (
        NEXT_TUESDAY_14,
        (await viewer(demo_app, "pia")).person_id,
    )
    assert booked.participants is None and booked.notes is None


@SQLITE_ONLY
async def test_the_director_reads_nothing_of_the_calls(
    chat: Any, demo_app: App, clock: FakeClock
) -> None:
    """Kent sees the case's checklist (he owns the police-report step), not its calls: his
    file says they are left out, and storage gave him the dates and who booked them."""
    case = await with_calls(chat, demo_app, clock)
    await refused_all_calls(demo_app, case, "kent")


@SQLITE_ONLY
async def test_another_partys_contact_reads_nothing_of_the_calls(
    chat: Any, demo_app: App, clock: FakeClock
) -> None:
    case = await with_calls(chat, demo_app, clock)
    await refused_all_calls(demo_app, case, "britt")


@SQLITE_ONLY
async def test_a_revoked_contact_reads_nothing_of_the_calls(
    chat: Any, demo_app: App, clock: FakeClock
) -> None:
    """Pia booked and documented the calls; her role taken away, she reads none of them."""
    case = await with_calls(chat, demo_app, clock)
    async with demo_app.db.unit_of_work() as session:
        await PeopleRepo(session).revoke("pia", demo_app.clock())
    await refused_all_calls(demo_app, case, "pia")


@SQLITE_ONLY
@pytest.mark.parametrize(
    ("role", "party"),
    [
        (Role.MUNICIPAL_DIRECTOR, None),  # made the director: the checklist, not the calls
        (Role.PARTY_SECURITY, "bp"),  # moved to another party
        (Role.OFFICIAL, ""),  # no longer a contact
    ],
)
async def test_a_contact_whose_role_changed_mid_case_reads_nothing_of_the_calls(
    chat: Any, demo_app: App, clock: FakeClock, role: Role, party: str | None
) -> None:
    """Pia booked and documented the calls; her role changed in the directory, she reads
    none of them from her next read on (the rule is checked against the role she has now)."""
    case = await with_calls(chat, demo_app, clock)
    await move(demo_app, "pia", role=role, party=party)
    await refused_all_calls(demo_app, case, "pia")


@SQLITE_ONLY
async def test_kent_reads_no_call_in_his_case_list_view_or_file(
    chat: Any, demo_app: App, clock: FakeClock
) -> None:
    """What storage refuses him, his chats do not show: his case list's next step, his case
    view and his case file have no call in them (no time, no day)."""
    case = await with_calls(chat, demo_app, clock)
    kent = chat("kent")
    listing = await kent.say("/arenden")
    view = await kent.say(f"/arende {case.ref}")
    for shown in (listing, view):
        assert case.ref in shown, shown
        assert "uppföljningssamtal" not in shown.lower(), shown
        assert "1 december" not in shown and "24 november" not in shown, shown
