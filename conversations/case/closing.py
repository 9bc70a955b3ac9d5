"""Closing a case with the routine's evaluation."""

from __future__ import annotations

from conversations.case.common import Case, found_case, gone
from conversations.events import Button, InboundEvent
from conversations.flow import END, Context, StateResult
from conversations.followups import CHECKIN, FOLLOWUP_DUE, FOLLOWUP_FIRST, schedule_retention
from conversations.texts import menu_buttons
from storage.access import Access
from storage.cases import CaseRepo
from storage.models import Report
from storage.timers import TimerRepo
from storage.trust import AuditRepo


def _closing_question(ctx: Context, report: Report, index: int, fallback: str) -> str:
    """The plan's own wording of closing question ``index``, or ours."""
    pack = ctx.packs.get(report.pack)
    closing = pack.followup.closing if pack.followup else []
    return closing[index].get(ctx.locale) if len(closing) > index else fallback


async def start_close(ctx: Context, event: InboundEvent) -> StateResult:
    """Close the case with the form's evaluation, question by question."""
    _ = ctx._
    found = await found_case(ctx, Access.HANDLER)
    if found is None:
        return await gone(ctx)
    report, _access = found
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
    ctx.data["evaluation"] = {"routine_applied": event.button.removeprefix("applied:")}
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
    """Record findings about the plan and close the case; nothing more is sent."""
    _ = ctx._
    found = await found_case(ctx, Access.HANDLER)
    if found is None:
        return await gone(ctx)
    report, _access = found
    repo = CaseRepo(ctx.session, ctx.keyring)
    evaluation = {**repo.evaluation_of(report), "plan": "" if event.button else event.text.strip()}
    await repo.close(ctx.viewer, report, evaluation, ctx.now)
    await cancel_case_timers(ctx, report)
    await schedule_retention(ctx.session, report, ctx.now)
    AuditRepo(ctx.session).record(
        ctx.person.handle, "case_closed", report.ref, report.municipality_id, ctx.now, report=report
    )
    ctx.reply(_("Case {ref} is closed. Thank you.").format(ref=report.ref), menu_buttons(ctx))
    return END


async def cancel_case_timers(ctx: Context, report: Report) -> None:
    timers = TimerRepo(ctx.session)
    for kind in (FOLLOWUP_FIRST, CHECKIN):
        await timers.cancel(kind, report.id)
    for number in (2, 3):
        await timers.cancel(FOLLOWUP_DUE, f"{report.id}:{number}")
