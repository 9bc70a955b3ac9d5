"""Closing a case with the routine's evaluation, opening it again (everyone who follows it is
told; timers stop or are planned again), and the targeted person's check-ins."""

from __future__ import annotations

from typing import Any

from conversations.case_notices import CASE_CLOSED, CASE_REOPENED
from conversations.desk.access import checked
from conversations.desk.calls import plan_reminders
from conversations.desk.errors import Refused
from conversations.desk.words import name_of
from conversations.flow import Context
from conversations.followups import (
    CHECKIN,
    FOLLOWUP_CALL,
    FOLLOWUP_DUE,
    FOLLOWUP_FIRST,
    FOLLOWUP_TELL,
    PURGE,
    PURGE_WARNING,
    reminder_due,
    restart_checkins,
    schedule_retention,
)
from conversations.i18n import DISPLAY_TZ, format_day, names_list
from conversations.notice_later import notify_routine
from conversations.schedule import days_after, quiet_hours_of
from storage.access import Access
from storage.calls import CallRepo
from storage.cases import CaseRepo
from storage.models import Report, ReportStatus
from storage.timers import Planned, TimerRepo
from storage.trust import AuditRepo


async def _may_close(ctx: Context, report: Report) -> CaseRepo:
    """Refuse a viewer who may not close or reopen the case (a director, a targeted person)."""
    await checked(ctx, report, Access.HANDLER)
    repo = CaseRepo(ctx.session, ctx.keyring)
    if not await repo.may_close(ctx.viewer, report):
        raise Refused(ctx._("Only a security contact who handles the case can close it."))
    return repo


async def close_case(
    ctx: Context,
    report: Report,
    access: Access,
    applied: str,
    routine: str | None,
    plan: str | None,
) -> str:
    """Close the case with the routine's evaluation; its timers stop, the retention clock
    starts; audited; everyone who follows it is told."""
    _ = ctx._
    repo = await _may_close(ctx, report)
    if report.status is ReportStatus.CLOSED:
        raise Refused(_("The case is closed."))
    if not applied.strip():
        raise Refused(_("Was the routine applied?"))
    evaluation = {"routine_applied": applied, "routine": routine or "", "plan": plan or ""}
    calls = CallRepo(ctx.session, ctx.keyring)
    today = ctx.now.astimezone(DISPLAY_TZ).date()
    days_off = await calls.days_ahead(ctx.viewer, report, today)  # planned, no time booked
    off = await calls.call_off(ctx.viewer, report, ctx.now)
    await repo.close(ctx.viewer, report, evaluation, ctx.now)
    await cancel_case_timers(ctx, report)
    await schedule_retention(ctx.session, report, ctx.now)
    AuditRepo(ctx.session).record(
        ctx.person.handle, "case_closed", report.ref, report.municipality_id, ctx.now, report=report
    )
    payload = {
        "off": [when.isoformat() for when in off],
        "days_off": [day.isoformat() for day in days_off],
    }
    told = await tell(ctx, report, CASE_CLOSED, payload)
    lines = [_("Case {ref} is closed. Thank you.").format(ref=report.ref)]
    lines += [
        _("The follow-up call booked for {when} is called off.").format(when=ctx.when(when))
        for when in off
    ]
    lines += [
        _("The follow-up call planned for around {day} is called off.").format(
            day=format_day(day, today, ctx.locale)
        )
        for day in days_off
    ]
    return "\n".join([*lines, told])


async def reopen_case(ctx: Context, report: Report, access: Access) -> str:
    """Open a closed case again: audited, its reminders planned again, everyone told."""
    _ = ctx._
    repo = await _may_close(ctx, report)
    if report.status is not ReportStatus.CLOSED:
        raise Refused(_("The case is open."))
    await repo.reopen(ctx.viewer, report, ctx.now)
    AuditRepo(ctx.session).record(
        ctx.person.handle,
        "case_reopened",
        report.ref,
        report.municipality_id,
        ctx.now,
        report=report,
    )
    await replan_timers(ctx, report)
    told = await tell(ctx, report, CASE_REOPENED)
    return "\n".join([_("Case {ref} is open again.").format(ref=report.ref), told])


async def toggle_checkins(ctx: Context, report: Report, access: Access) -> str:
    """Stop (or restart) the check-ins in the targeted person's own case."""
    _ = ctx._
    if await checked(ctx, report, Access.OWN) is not Access.OWN:
        raise Refused(_("That case is not available to you."))
    if report.checkins:
        report.checkins = False
        return _("I will stop asking how you are. You can always write to me.")
    due = await restart_checkins(ctx, report)
    return _("I will check in with you again. Next check-in: {when}").format(when=ctx.when(due))


async def tell(ctx: Context, report: Report, kind: str, more: dict[str, Any] | None = None) -> str:
    """Push ``kind`` to the person and everyone else who may access the case; say who."""
    _ = ctx._
    staff = [p for p, _level in await CaseRepo(ctx.session, ctx.keyring).staff(report)]
    people = [p for p in [report.reporter_id, *staff] if p is not None and p != ctx.person.id]
    payload = {"report": report.id, "by": ctx.person.id, **(more or {})}
    for person_id in dict.fromkeys(people):  # not in the quiet hours: it is routine
        await notify_routine(ctx, report.municipality_id, person_id, kind, payload)
    if not people:
        return _("Nobody else follows the case.")
    names = [await name_of(ctx, p) for p in dict.fromkeys(people)]
    return _("I have told {names}.").format(names=names_list(_, names))


async def cancel_case_timers(ctx: Context, report: Report) -> None:
    """A closed case gets no more nudges, check-ins or call reminders."""
    timers = TimerRepo(ctx.session)
    for kind in (FOLLOWUP_FIRST, CHECKIN):
        await timers.cancel(kind, report.id)
    for number in (1, 2, 3):
        for kind in (FOLLOWUP_DUE, FOLLOWUP_CALL, FOLLOWUP_TELL):
            await timers.cancel(kind, f"{report.id}:{number}")


async def replan_timers(ctx: Context, report: Report) -> None:
    """After reopening: no purge; follow-up 1, if never documented, is asked for again as for
    a new case (from today); a call booked for later is reminded of as when it was booked;
    planned calls 2–3 whose day has passed are due tomorrow; the check-ins still ahead in
    the plan (or one tomorrow, if none is left)."""
    timers = TimerRepo(ctx.session)
    for kind in (PURGE_WARNING, PURGE):
        await timers.cancel(kind, report.id)
    plan = ctx.packs.get(report.pack).followup
    if plan is None:
        return
    now, planned = ctx.now, []
    quiet = await quiet_hours_of(ctx.session, report.municipality_id)
    followups = await CaseRepo(ctx.session, ctx.keyring).followups_for_jobs(report)
    first = followups.get(1)
    booked = first is not None and first.planned_for is not None and first.planned_for > now
    if first is None or first.status != "documented":
        stages = (
            ("nudge", plan.first_nudge_day),
            ("remind", plan.first_remind_day),
            ("escalate", plan.first_escalate_day),
        )
        for stage, day in stages:
            if booked and stage == "nudge":  # "please book call 1": it is booked
                continue
            asked: dict[str, Any] = {"stage": stage}
            due = reminder_due(FOLLOWUP_FIRST, asked, days_after(now, day), quiet)
            planned.append(Planned(FOLLOWUP_FIRST, report.id, due, asked))
    for number in (1, 2, 3):
        row = followups.get(number)
        if row is None or row.status != "planned" or row.planned_for is None:
            continue
        if row.planned_for > now:
            await plan_reminders(ctx, report, number, row.planned_for, quiet)
        elif number > 1:
            payload = {"report": report.id, "n": number}
            due = reminder_due(FOLLOWUP_DUE, payload, days_after(now, 1), quiet)
            planned.append(Planned(FOLLOWUP_DUE, f"{report.id}:{number}", due, payload))
    start = report.submitted_at or now
    ahead = [d for d in plan.checkin_days if days_after(start, d) > now]
    checkins = [days_after(start, d) for d in ahead] or [days_after(now, 1)]
    planned += [Planned(CHECKIN, report.id, due, {}) for due in checkins]
    await timers.schedule_all(planned)
