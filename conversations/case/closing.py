"""Closing a case with the routine's evaluation (after a look at what is still open), telling
everyone who follows it, and opening it again."""

from __future__ import annotations

from conversations.case.calls import plan_reminders
from conversations.case.common import (
    YES_NO,
    Case,
    chosen,
    found_case,
    gone,
    name_of,
    repeat,
    said_as_typed,
)
from conversations.case.view import show_case
from conversations.case_notices import CASE_CLOSED, CASE_REOPENED
from conversations.events import Button, InboundEvent
from conversations.flow import END, Context, StateResult
from conversations.followups import (
    CHECKIN,
    FOLLOWUP_CALL,
    FOLLOWUP_DUE,
    FOLLOWUP_FIRST,
    FOLLOWUP_TELL,
    PURGE,
    PURGE_WARNING,
    quiet_hours_of,
    schedule_retention,
)
from conversations.i18n import names_list
from conversations.schedule import days_after
from conversations.texts import menu_buttons
from storage.access import Access
from storage.cases import CaseRepo
from storage.models import Report, ReportStatus
from storage.outbox import ROUTINE
from storage.timers import Planned, TimerRepo
from storage.trust import AuditRepo


def _closing_question(ctx: Context, report: Report, index: int, fallback: str) -> str:
    """The plan's own wording of closing question ``index``, or ours."""
    pack = ctx.packs.get(report.pack)
    closing = pack.followup.closing if pack.followup else []
    return closing[index].get(ctx.locale) if len(closing) > index else fallback


async def _closable(ctx: Context) -> Report | None:
    """The open case, if the viewer may close it."""
    found = await found_case(ctx, Access.HANDLER)
    if found is None:
        return None
    report, _access = found
    repo = CaseRepo(ctx.session, ctx.keyring)
    if report.status is ReportStatus.CLOSED or not await repo.may_close(ctx.viewer, report):
        return None
    return report


async def start_close(ctx: Context, event: InboundEvent) -> StateResult:
    """Close the case: first say what is still open in the checklist and ask to confirm."""
    _ = ctx._
    report = await _closable(ctx)
    if report is None:
        return await gone(ctx)
    pack = ctx.packs.get(report.pack)
    state = await CaseRepo(ctx.session, ctx.keyring).checklist(report, ctx.viewer)
    still_open = [i for i in pack.checklist if i.id not in state]
    if not still_open:
        return await _ask_applied(ctx, report)
    lines = [
        ctx.ngettext("{n} item is open:", "{n} items are open:", len(still_open)).format(
            n=len(still_open)
        )
    ]
    lines += [f"• {i.step} {i.check.get(ctx.locale)}" for i in still_open]
    lines.append(_("Close anyway?"))
    ctx.reply(
        "\n".join(lines),
        [[Button("close:confirm", _("Close anyway"))], [Button("case:view", _("Back"))]],
    )
    return Case.CLOSE_CONFIRM


async def confirm_close(ctx: Context, event: InboundEvent) -> StateResult:
    """Closing with open items is confirmed: go on to the evaluation."""
    report = await _closable(ctx)
    if report is None:
        return await gone(ctx)
    return await _ask_applied(ctx, report)


async def typed_close(ctx: Context, event: InboundEvent) -> StateResult:
    """Words typed at "Close anyway?": a yes closes; other words are kept, and it asks again."""
    if chosen(event, "", YES_NO) == "yes":
        return await confirm_close(ctx, event)
    return await repeat(ctx, event)


async def _ask_applied(ctx: Context, report: Report) -> StateResult:
    """Ask the form's first closing question."""
    _ = ctx._
    question = _closing_question(ctx, report, 0, _("Was the routine applied?"))
    ctx.data["evaluation"] = {}
    ctx.reply(
        question,
        [
            [Button("applied:yes", _("Yes")), Button("applied:no", _("No"))],
            [Button("case:view", _("Back"))],
        ],
    )
    return Case.CLOSE_APPLIED


async def close_applied(ctx: Context, event: InboundEvent) -> StateResult:
    """Record whether the routine was applied; ask about the routine."""
    _ = ctx._
    found = await found_case(ctx, Access.HANDLER)
    if found is None:
        return await gone(ctx)
    report, _access = found
    applied = chosen(event, "applied:", YES_NO)
    if not applied:
        ctx.again()
        return None
    said_as_typed(ctx, applied, YES_NO)
    ctx.data["evaluation"] = {"routine_applied": applied}
    question = _closing_question(
        ctx, report, 1, _("Vulnerabilities and improvements found in the routine:")
    )
    ctx.reply(question, [[Button("close:skip", _("Nothing to add"))]])
    return Case.CLOSE_ROUTINE


async def close_routine(ctx: Context, event: InboundEvent) -> StateResult:
    """Record findings about the routine; ask about the plan."""
    _ = ctx._
    found = await found_case(ctx, Access.HANDLER)
    if found is None:
        return await gone(ctx)
    report, _access = found
    text = "" if event.button else event.text.strip()
    await CaseRepo(ctx.session, ctx.keyring).save_evaluation(
        ctx.viewer, report, {**ctx.data.get("evaluation", {}), "routine": text}
    )
    question = _closing_question(
        ctx, report, 2, _("Vulnerabilities and improvements found in the plan:")
    )
    ctx.reply(question, [[Button("close:skip", _("Nothing to add"))]])
    return Case.CLOSE_PLAN


async def close_plan(ctx: Context, event: InboundEvent) -> StateResult:
    """Record findings about the plan, close the case, and tell the person and the others
    who may access it."""
    _ = ctx._
    report = await _closable(ctx)
    if report is None:
        return await gone(ctx)
    repo = CaseRepo(ctx.session, ctx.keyring)
    evaluation = {**repo.evaluation_of(report), "plan": "" if event.button else event.text.strip()}
    await repo.close(ctx.viewer, report, evaluation, ctx.now)
    await cancel_case_timers(ctx, report)
    await schedule_retention(ctx.session, report, ctx.now)
    AuditRepo(ctx.session).record(
        ctx.person.handle, "case_closed", report.ref, report.municipality_id, ctx.now, report=report
    )
    told = await _tell(ctx, report, CASE_CLOSED)
    ctx.reply(
        "\n".join([_("Case {ref} is closed. Thank you.").format(ref=report.ref), told]),
        menu_buttons(ctx),
    )
    return END


async def reopen(ctx: Context, event: InboundEvent) -> StateResult:
    """Open a closed case again: audited, its reminders planned again, everyone told."""
    _ = ctx._
    found = await found_case(ctx, Access.HANDLER)
    if found is None:
        return await gone(ctx)
    report, _access = found
    repo = CaseRepo(ctx.session, ctx.keyring)
    if report.status is not ReportStatus.CLOSED or not await repo.may_close(ctx.viewer, report):
        return await show_case(ctx)
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
    told = await _tell(ctx, report, CASE_REOPENED)
    ctx.reply("\n".join([_("Case {ref} is open again.").format(ref=report.ref), told]))
    return await show_case(ctx)


async def _tell(ctx: Context, report: Report, kind: str) -> str:
    """Push ``kind`` to the person and everyone else who may access the case; say who."""
    _ = ctx._
    staff = [p for p, _level in await CaseRepo(ctx.session, ctx.keyring).staff(report)]
    people = [p for p in [report.reporter_id, *staff] if p is not None and p != ctx.person.id]
    for person_id in dict.fromkeys(people):
        ctx.notify(person_id, kind, {"report": report.id, "by": ctx.person.id}, ROUTINE)
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
    followups = await CaseRepo(ctx.session, ctx.keyring).followups(report)
    first = followups.get(1)
    booked = first is not None and first.planned_for is not None and first.planned_for > now
    if first is None or first.status != "documented":
        stages = (
            ("nudge", plan.first_nudge_day),
            ("remind", plan.first_remind_day),
            ("escalate", plan.first_escalate_day),
        )
        planned += [
            Planned(FOLLOWUP_FIRST, report.id, days_after(now, day), {"stage": stage})
            for stage, day in stages
            if not (booked and stage == "nudge")  # "please book call 1": it is booked
        ]
    quiet = await quiet_hours_of(ctx.session, report.municipality_id)
    for number in (1, 2, 3):
        row = followups.get(number)
        if row is None or row.status != "planned" or row.planned_for is None:
            continue
        if row.planned_for > now:
            await plan_reminders(ctx, report, number, row.planned_for, quiet)
        elif number > 1:
            payload = {"report": report.id, "n": number}
            planned.append(
                Planned(FOLLOWUP_DUE, f"{report.id}:{number}", days_after(now, 1), payload)
            )
    start = report.submitted_at or now
    ahead = [d for d in plan.checkin_days if days_after(start, d) > now]
    checkins = [days_after(start, d) for d in ahead] or [days_after(now, 1)]
    planned += [Planned(CHECKIN, report.id, due, {}) for due in checkins]
    await timers.schedule_all(planned)
