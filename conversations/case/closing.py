"""Closing a case with the routine's evaluation (after a look at what is still open), telling
everyone who follows it, and opening it again."""

from __future__ import annotations

import contextlib

from conversations.case.common import (
    NOTHING,
    YES_NO,
    Case,
    chosen,
    found_case,
    gone,
    repeat,
    role_key,
    said_as_typed,
)
from conversations.case.lines import open_counts, open_items, reader_of
from conversations.case.next_step import carry_on
from conversations.desk import closing as desk
from conversations.desk.errors import Refused
from conversations.events import Button, InboundEvent, phrase_of
from conversations.flow import END, Context, StateResult
from conversations.i18n import DISPLAY_TZ, format_day, shown_name
from conversations.texts import choose_hint, menu_buttons
from storage.access import Access
from storage.alerts import AlertRepo
from storage.calls import CallRepo
from storage.cases import CaseRepo
from storage.directory import DirectoryRepo
from storage.models import Alert, Report, ReportStatus


def _closing_question(ctx: Context, report: Report, index: int, fallback: str) -> str:
    """The plan's own wording of closing question ``index``, or ours, asked as a question:
    the form's lines are a statement to tick ("… har tillämpats"), then findings to fill in
    ("… har konstaterats:")."""
    _ = ctx._
    pack = ctx.packs.get(report.pack)
    closing = pack.followup.closing if pack.followup else []
    worded = (closing[index].get(ctx.locale) if len(closing) > index else fallback).rstrip()
    step = _("Closing the case, question {n} of 3.").format(n=index + 1)
    if index == 0:  # to tick: yes or no
        asked = worded if worded.endswith("?") else f"{worded.rstrip('.')}.\n" + _("Is that right?")
        return f"{step}\n{asked}"
    how = choose_hint(
        ctx,
        _("Write them here, or press “Nothing to add”."),
        _("Write them here, or answer 1 if there is nothing to add."),
    )
    return f"{step}\n{worded if worded.endswith(':') else worded + ':'}\n{how}"


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
    repo = CaseRepo(ctx.session, ctx.keyring)
    state = await repo.checklist(report, ctx.viewer)
    access = await repo.access(ctx.viewer, report)
    key = role_key(access, ctx.person.role, report)
    mine, still_open = open_items(pack, state, key, await reader_of(ctx, report, access))
    booked = await CallRepo(ctx.session, ctx.keyring).booked_ahead(ctx.viewer, report, ctx.now)
    today = ctx.now.astimezone(DISPLAY_TZ).date()
    days = await CallRepo(ctx.session, ctx.keyring).days_ahead(ctx.viewer, report, today)
    calls = await AlertRepo(ctx.session).untaken_calls(report.id)
    if not still_open and not booked and not days and not calls:
        return await _ask_applied(ctx, report)
    lines, buttons = await _calls_owed(ctx, report, calls), []
    if calls:  # she asked for a call: closing does not call it off
        buttons.append([Button(f"ack:{calls[0].id}", _("I'll take it"))])
    if still_open:  # once, briefly: the card she came from lists them whole
        counts = open_counts(ctx, len(mine), len(still_open))
        lines.append(_("Left in the checklist: {counts}.").format(counts=counts))
        others = [i for i in still_open if i not in mine]
        for label, items in ((_("For you"), mine), (_("For others"), others)):
            if items:
                steps = ", ".join(dict.fromkeys(i.step for i in items))
                lines.append(f"• {label}: {steps}")
    lines += [  # closing calls them off: say so before, not only after
        _("The follow-up call booked for {when} is called off if you close.").format(
            when=ctx.when(when)
        )
        for when in booked
    ]
    lines += [
        _("The follow-up call planned for around {day} is called off if you close.").format(
            day=format_day(day, today, ctx.locale)
        )
        for day in days
    ]
    lines.append(_("Close anyway?"))
    buttons += [[Button("close:confirm", _("Close anyway"))], [Button("case:view", _("Back"))]]
    ctx.reply("\n".join(lines), buttons)
    return Case.CLOSE_CONFIRM


async def _calls_owed(ctx: Context, report: Report, calls: list[Alert]) -> list[str]:
    """Her asks for a call that nobody has taken: said first, and that they stand."""
    if not calls or report.reporter_id is None:
        return []
    card, _party, _m = await DirectoryRepo(ctx.session).describe(ctx.viewer, report.reporter_id)
    asked = ctx._("{name} asked for a call {when}, and nobody has taken it yet.").format(
        name=shown_name(ctx._, card), when=ctx.when(calls[0].created_at)
    )
    return [asked, ctx._("Closing the case does not call it off."), ""]


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


def _finding(event: InboundEvent) -> str:
    """A finding as typed ("" for the button, or words that mean there is none)."""
    typed = "" if event.button else event.text.strip()
    return "" if phrase_of(typed) in NOTHING else typed


async def close_routine(ctx: Context, event: InboundEvent) -> StateResult:
    """Record findings about the routine; ask about the plan."""
    _ = ctx._
    found = await found_case(ctx, Access.HANDLER)
    if found is None:
        return await gone(ctx)
    report, _access = found
    text = _finding(event)
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
    evaluation = CaseRepo(ctx.session, ctx.keyring).evaluation_of(report)
    applied, routine = str(evaluation.get("routine_applied", "")), evaluation.get("routine")
    plan = _finding(event)
    access = await CaseRepo(ctx.session, ctx.keyring).access(ctx.viewer, report)
    try:
        ctx.reply(
            await desk.close_case(ctx, report, access, applied, routine, plan), menu_buttons(ctx)
        )
    except Refused:
        return await gone(ctx)
    return END


async def reopen(ctx: Context, event: InboundEvent) -> StateResult:
    """Open a closed case again: audited, its reminders planned again, everyone told."""
    _ = ctx._
    found = await found_case(ctx, Access.HANDLER)
    if found is None:
        return await gone(ctx)
    report, access = found
    said = ""
    with contextlib.suppress(Refused):
        said = await desk.reopen_case(ctx, report, access)
    return await carry_on(ctx, said)
