"""Who reads a case's call rows (notes sealed inside), tried by breaking it: the chats'
reads of the calls (the follow-up log, the next call to document, the case file's
timeline and archive) ask storage with the reader, so a caller that forgot to check
access first gives the director, another party's contact, a revoked contact or one whose
role changed mid-case nothing; the handler reads what she read before, and Anna her log.
The unchecked read is for timer jobs and timing only.

Demo people (all in sjovik): anna (official, gp), pia and per (gp security), britt (bp
security), sara (municipal security unit), kent (director).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from bot.app import App
from conversations.case.reading import followup_log
from conversations.casefile.archive import _followups as archived_calls
from conversations.casefile.build import call_moments
from conversations.desk.followup import followup_to_document, next_followup_number
from storage.access import Access
from storage.calls import CallRepo
from storage.cases import CaseRepo
from storage.errors import NotFound
from storage.models import Report, Role
from storage.trust import PeopleRepo
from tests.conftest import FakeClock
from tests.test_calls_access import (
    NEXT_TUESDAY_14,
    NOTES,
    PRESENT,
    SQLITE_ONLY,
    read_calls,
    viewer,
    with_calls,
)
from tests.test_case import Submitted
from tests.test_desk_ops import desk
from tests.test_trust_recheck import move

ROOT = Path(__file__).resolve().parent.parent
JOBS = {  # the modules that may read the calls for no one: timer jobs and timing
    "conversations/followups.py",
    "conversations/checkin_calls.py",
    "conversations/desk/closing.py",
    "storage/cases.py",
}


async def rows_for(app: App, case: Submitted, handle: str) -> dict[int, Any]:
    """The case's call rows as storage gives them to this person (NotFound propagates)."""
    who = await viewer(app, handle)
    async with app.db.unit_of_work() as session:
        report = await session.get(Report, case.id)
        assert report is not None
        calls = CallRepo(session, app.keyring)
        cases = CaseRepo(session, app.keyring)
        rows = await calls.rows(who, report)
        return {n: (r.status, r.planned_for, cases.notes_of(r)) for n, r in rows.items()}


async def refused_rows(app: App, case: Submitted, handle: str, clock: FakeClock) -> None:
    """Storage's read of the rows, and each chat read that a careless caller would make of
    them believing the reader handles the case, is NotFound for this person now."""
    with pytest.raises(NotFound):
        await rows_for(app, case, handle)
    reads = (
        followup_log,
        next_followup_number,
        followup_to_document,
        archived_calls,
        lambda ctx, report: call_moments(ctx, report, Access.HANDLER),
    )
    for read in reads:
        async with desk(app, handle, case, clock) as (ctx, report, _access):
            with pytest.raises(NotFound):
                await read(ctx, report)


@SQLITE_ONLY
async def test_the_handler_reads_the_rows_as_before(
    chat: Any, demo_app: App, clock: FakeClock
) -> None:
    case = await with_calls(chat, demo_app, clock)
    rows = await rows_for(demo_app, case, "pia")
    async with demo_app.db.unit_of_work() as session:
        report = await session.get(Report, case.id)
        assert report is not None
        cases = CaseRepo(session, demo_app.keyring)
        unchecked = await cases.followups_for_jobs(report)
        assert rows == {
            n: (r.status, r.planned_for, cases.notes_of(r)) for n, r in unchecked.items()
        }
    assert rows[1][0] == "documented"
    assert (rows[1][2]["present"], rows[1][2]["situation"]) == (PRESENT, NOTES)
    assert rows[2][:2] == ("planned", NEXT_TUESDAY_14)
    async with desk(demo_app, "pia", case, clock) as (ctx, report, access):
        assert access is Access.HANDLER
        assert await next_followup_number(ctx, report) == 2
        assert NOTES in "\n".join(await followup_log(ctx, report))
        assert [c["number"] for c in await archived_calls(ctx, report)] == [1, 2]


@SQLITE_ONLY
async def test_the_official_reads_her_log_never_the_rows(
    chat: Any, demo_app: App, clock: FakeClock
) -> None:
    """The rows carry the notes, which Anna never reads: she reads the dates and who
    booked them in her log, as before."""
    case = await with_calls(chat, demo_app, clock)
    with pytest.raises(NotFound):
        await rows_for(demo_app, case, "anna")
    [held, booked] = await read_calls(demo_app, case, "anna")
    assert (held.status, held.held_on, held.notes) == ("documented", "2026-11-24", None)
    assert (booked.planned_for, booked.notes) == (NEXT_TUESDAY_14, None)


@SQLITE_ONLY
@pytest.mark.parametrize("handle", ["kent", "britt", "sara", "per"])
async def test_those_not_handling_the_case_get_no_rows(
    chat: Any, demo_app: App, clock: FakeClock, handle: str
) -> None:
    """The director, another party's contact, and the unit and the second contact (not
    alerted in a party case)."""
    case = await with_calls(chat, demo_app, clock)
    await refused_rows(demo_app, case, handle, clock)


@SQLITE_ONLY
async def test_a_revoked_contact_gets_no_rows(chat: Any, demo_app: App, clock: FakeClock) -> None:
    case = await with_calls(chat, demo_app, clock)
    async with demo_app.db.unit_of_work() as session:
        await PeopleRepo(session).revoke("pia", demo_app.clock())
    await refused_rows(demo_app, case, "pia", clock)


@SQLITE_ONLY
@pytest.mark.parametrize(
    ("role", "party"),
    [
        (Role.MUNICIPAL_DIRECTOR, None),
        (Role.PARTY_SECURITY, "bp"),
        (Role.OFFICIAL, ""),
    ],
)
async def test_a_contact_whose_role_changed_mid_case_gets_no_rows(
    chat: Any, demo_app: App, clock: FakeClock, role: Role, party: str | None
) -> None:
    case = await with_calls(chat, demo_app, clock)
    assert (await rows_for(demo_app, case, "pia"))[1][0] == "documented"
    await move(demo_app, "pia", role=role, party=party)
    await refused_rows(demo_app, case, "pia", clock)


def test_only_jobs_read_the_calls_for_no_one() -> None:
    """The unchecked read stays with the timer jobs and timing; no chat read shows it."""
    users = {
        path.relative_to(ROOT).as_posix()
        for folder in ("conversations", "bot", "storage")
        for path in (ROOT / folder).rglob("*.py")
        if re.search(r"\bfollowups_for_jobs\b", path.read_text(encoding="utf-8"))
    }
    assert users <= JOBS, users - JOBS
    assert not hasattr(CaseRepo, "followups")
