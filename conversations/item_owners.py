"""The owners of a case's checklist items who are not alerted (the municipal director owns
3.1.3 in Oxelösund) told that the case needs them: once per case, not in the quiet hours (a
report sent at 23:10 had woken the director for a routine item), and for an item that waits
on her decision (the police report) only if the report says she has decided so."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from conversations.alerts import SystemContext
from conversations.case_notices import ITEM_OWNED
from conversations.flow import Context
from conversations.packs import Pack
from conversations.schedule import out_of_quiet_hours, quiet_hours_of
from storage.access import Access, responsibility_key
from storage.cases import CaseRepo
from storage.crypto import Keyring
from storage.models import Report, ReportStatus, Timer
from storage.outbox import ROUTINE
from storage.reports import ReportRepo
from storage.timers import TimerRepo

ITEM_OWNERS_LATER = "item_owners"  # a case sent in the quiet hours: its item owners told after


class _Teller(Protocol):
    """A person's event or a timer: what telling the owners needs of either."""

    @property
    def session(self) -> AsyncSession: ...

    @property
    def keyring(self) -> Keyring: ...

    def notify(
        self, recipient_id: int, kind: str, payload: dict[str, Any], priority: int
    ) -> None: ...


async def tell_item_owners(ctx: Context, report: Report, pack: Pack) -> None:
    """A case was submitted: tell its item owners now, or after the quiet hours."""
    later = await _after_quiet_hours(ctx, report, ctx.now)
    if later is not None:
        TimerRepo(ctx.session).schedule(ITEM_OWNERS_LATER, report.id, later)
        return
    await _tell(ctx, report, pack)


async def tell_item_owners_later(sc: SystemContext, timer: Timer) -> None:
    """The quiet hours are over: tell the case's item owners, if it is still open."""
    report = await sc.session.get(Report, timer.subject)
    if report is not None and report.status is ReportStatus.SUBMITTED:
        await _tell(sc, report, sc.packs.get(report.pack))


async def _after_quiet_hours(ctx: Context, report: Report, now: datetime) -> datetime | None:
    """When the quiet hours of the case's municipality end, if it is in them now (None:
    not in them, or a drill, which runs now)."""
    if report.drill_id is not None:
        return None
    later = out_of_quiet_hours(now, await quiet_hours_of(ctx.session, report.municipality_id))
    return later if later > now else None


async def tell_owners_after(ctx: Context, report: Report, answered: str) -> None:
    """Item ``answered`` got its "Ja": tell the owners of the items that wait on it (3.1.3
    after 3.1.2), unless they were told at the send, and only of items still open."""
    if report.drill_id is not None:
        return
    pack = ctx.packs.get(report.pack)
    waiting = [i for i in pack.checklist if i.owners_told_after == answered]
    if not waiting:
        return
    chosen = _measures(ReportRepo(ctx.session, ctx.keyring).answers(report))
    state = await CaseRepo(ctx.session, ctx.keyring).checklist(report, ctx.viewer)
    untold = [i for i in waiting if i.id not in state and i.owners_told_when not in chosen]
    for owner in await CaseRepo(ctx.session, ctx.keyring).checklist_owners(report):
        key = responsibility_key(Access.CHECKLIST, owner.role)
        items = [i.id for i in untold if key in i.responsible]
        if items and owner.person_id is not None and owner.person_id != ctx.person.id:
            ctx.notify(owner.person_id, ITEM_OWNED, {"report": report.id, "items": items}, ROUTINE)


async def _tell(teller: _Teller, report: Report, pack: Pack) -> None:
    """Tell everyone who owns items in the case's checklist but is not alerted, listing
    their items. Storage decides who may access the case: an internal case tells nobody."""
    owners = await CaseRepo(teller.session, teller.keyring).checklist_owners(report)
    if not owners:
        return
    chosen = _measures(ReportRepo(teller.session, teller.keyring).answers(report))
    for owner in owners:
        key = responsibility_key(Access.CHECKLIST, owner.role)
        items = [
            i.id
            for i in pack.checklist
            if key in i.responsible and (i.owners_told_when is None or i.owners_told_when in chosen)
        ]
        if items and owner.person_id is not None:
            payload = {"report": report.id, "items": items}
            teller.notify(owner.person_id, ITEM_OWNED, payload, ROUTINE)


def _measures(answers: dict[str, Any]) -> set[str]:
    """The measures decided in the report ("Polisanmälan"), by id."""
    answer = answers.get("measures")
    choices = answer.get("choices", []) if isinstance(answer, dict) else []
    return {str(c) for c in choices}
