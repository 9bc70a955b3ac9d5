"""/arende <ref>: a case after the report — its checklist, follow-up conversations, closing.

The checklist and the follow-up plan come from the municipality's routine pack. Each item
is offered to the role the routine names as responsible; answers are recorded with who
and when. Follow-up notes and the closing evaluation are sealed at rest.
"""

from __future__ import annotations

from datetime import timedelta
from enum import StrEnum

from conversations import dates
from conversations.alerts import list_cases
from conversations.events import Button, InboundEvent
from conversations.flow import END, Context, Flow, Input, StateResult
from conversations.followups import CHECKIN, FOLLOWUP_DUE, FOLLOWUP_FIRST, schedule_retention
from conversations.i18n import DISPLAY_TZ, N_, format_when
from conversations.packs import ChecklistItem, Pack
from conversations.schedule import days_after, on_day
from conversations.texts import menu_buttons
from storage.access import Access
from storage.cases import CaseRepo, ItemState, normalised_ref
from storage.directory import DirectoryRepo
from storage.errors import NotFound
from storage.models import Report, ReportStatus, Role
from storage.timers import TimerRepo
from storage.trust import AuditRepo

ANSWERS = {"yes": N_("Yes"), "no": N_("No"), "na": N_("Not applicable")}
ROLE_LABELS = {
    "targeted": N_("the targeted person"),
    "party_security": N_("party security contact"),
    "municipal_security": N_("municipal security unit"),
    "municipal_director": N_("municipal director"),
    "association": N_("party association"),
}
FOLLOWUP_STATUS = {
    "planned": N_("planned"),
    "not_needed": N_("not needed"),
    "documented": N_("documented"),
}


class Case(StrEnum):
    VIEW = "view"
    CHECK = "check"
    CHECK_COMMENT = "check_comment"
    FU_DATE = "fu_date"
    FU_PRESENT = "fu_present"
    FU_NOTES = "fu_notes"
    FU_SUPPORT = "fu_support"
    FU_PROFESSIONAL = "fu_professional"
    FU_NEXT = "fu_next"
    CLOSE_APPLIED = "close_applied"
    CLOSE_ROUTINE = "close_routine"
    CLOSE_PLAN = "close_plan"


def role_key(access: Access, role: Role) -> str:
    if access is Access.OWN:
        return "targeted"
    return role.value


def responsible_for(item: ChecklistItem, key: str) -> bool:
    return key in item.responsible


async def _case(ctx: Context, minimum: Access = Access.OWN) -> tuple[Report, Access] | None:
    report_id = ctx.data.get("case")
    if not report_id:
        return None
    repo = CaseRepo(ctx.session, ctx.keyring)
    try:
        report = await repo.by_id(ctx.viewer, str(report_id), minimum)
    except NotFound:
        return None
    return report, await repo.access(ctx.viewer, report)


async def gone(ctx: Context) -> StateResult:
    """Say the case is not available and show the menu."""
    ctx.reply(ctx._("That case is not available to you."), menu_buttons(ctx))
    return END


def _answer_label(ctx: Context, state: ItemState) -> str:
    if state.answer == "text":
        return state.comment or "–"
    label = ctx._(ANSWERS.get(state.answer, state.answer))
    return f"{label} ({state.comment})" if state.comment else label


async def open_case(ctx: Context, event: InboundEvent) -> StateResult:
    """Show a case by reference: its state, checklist and next steps (/arende REF)."""
    _ = ctx._
    ref = event.text.strip()
    if not ref:
        ctx.reply(_("Write the case reference after the command, e.g. /arende K7M4-QX2P."))
        await list_cases(ctx, event)
        return END
    try:
        report, _access = await CaseRepo(ctx.session, ctx.keyring).by_ref(ctx.viewer, ref[:20])
    except NotFound:
        # a reference-shaped attempt is kept (who tried which reference), never other text
        tried = normalised_ref(ref[:20])
        AuditRepo(ctx.session).record(
            ctx.person.handle, "case_denied", tried or "-", ctx.person.municipality_id, ctx.now
        )
        ctx.reply(_("There is no case {ref} that you can see.").format(ref=ref[:20]))
        return END
    ctx.data.clear()
    ctx.data["case"] = report.id
    AuditRepo(ctx.session).record(
        ctx.person.handle, "case_opened", report.ref, report.municipality_id, ctx.now, report=report
    )
    return await show_case(ctx)


async def show_case(ctx: Context) -> StateResult:
    """Render the case for the viewer's role, with the actions they may take."""
    _ = ctx._
    found = await _case(ctx, Access.CHECKLIST)
    if found is None:
        return await gone(ctx)
    report, access = found
    repo = CaseRepo(ctx.session, ctx.keyring)
    pack = ctx.packs.get(report.pack)
    state = await repo.checklist(report)
    key = role_key(access, ctx.person.role)
    status = _("closed") if report.status is ReportStatus.CLOSED else _("open")
    lines = [_("Case {ref} – {status}").format(ref=report.ref, status=status)]
    if report.submitted_at:
        lines.append(_("Reported {when}").format(when=format_when(report.submitted_at, ctx.locale)))
    if access is not Access.OWN and report.reporter_id is not None:
        card, party, _m = await DirectoryRepo(ctx.session).describe(ctx.viewer, report.reporter_id)
        lines.append(
            _("Reported by: {who}").format(who=f"{card.name}, {card.phone or '–'}")
            + (f" ({party})" if party else "")
        )
    if access is Access.OWN:
        lines += ["", _("What has been done in your case, step by step:")]
    else:
        lines += ["", _("Checklist:")]
    for item in pack.checklist:
        done = state.get(item.id)
        mark = "✓" if done else "·"
        text = item.check.get(ctx.locale)
        line = f"{mark} {item.step} {text}"
        if done:
            line += f" – {_answer_label(ctx, done)}"
        elif access is not Access.OWN:
            line += f" ({', '.join(_(ROLE_LABELS[r]) for r in item.responsible)})"
        lines.append(line)
    followups = await repo.followups(report)
    if followups:
        lines.append("")
        for number, row in sorted(followups.items()):
            when = format_when(row.planned_for, ctx.locale) if row.planned_for else ""
            lines.append(
                _("Follow-up conversation {n}: {status}").format(
                    n=number,
                    status=_(FOLLOWUP_STATUS.get(row.status, row.status))
                    + (f" {when}" if when else ""),
                )
            )
    notes = await repo.notes(ctx.viewer, report)
    if notes:
        lines += ["", _("Answers to the check-ins:")]
        lines += [
            f"• {format_when(row.created_at, ctx.locale)}: " + _("“{text}”").format(text=text)
            for row, text in notes
        ]
    buttons: list[list[Button]] = []
    open_case = report.status is not ReportStatus.CLOSED
    mine = [i for i in pack.checklist if i.id not in state and responsible_for(i, key)]
    if open_case and mine and access in (Access.HANDLER, Access.CHECKLIST, Access.OWN):
        buttons.append(
            [Button("case:check", _("Answer the next item ({n} open)").format(n=len(mine)))]
        )
    if open_case and access is Access.HANDLER:
        buttons.append([Button("case:followup", _("Document a follow-up conversation"))])
        buttons.append([Button(f"show:{report.id}", _("Show the report"))])
        if ctx.person.role in (Role.PARTY_SECURITY, Role.MUNICIPAL_SECURITY):
            buttons.append([Button("case:close", _("Close the case"))])
    if access is Access.OWN and open_case:
        label = _("Stop the check-ins") if report.checkins else _("Start the check-ins again")
        buttons.append([Button("case:checkins", label)])
    ctx.reply("\n".join(lines), buttons)
    return Case.VIEW


# --- checklist -------------------------------------------------------------------------------


async def next_item(ctx: Context, event: InboundEvent) -> StateResult:
    """Offer the next open checklist item that is the viewer's to answer."""
    _ = ctx._
    found = await _case(ctx, Access.CHECKLIST)
    if found is None:
        return await gone(ctx)
    report, access = found
    if report.status is ReportStatus.CLOSED:
        return await show_case(ctx)
    pack = ctx.packs.get(report.pack)
    state = await CaseRepo(ctx.session, ctx.keyring).checklist(report)
    key = role_key(access, ctx.person.role)
    item = next((i for i in pack.checklist if i.id not in state and responsible_for(i, key)), None)
    if item is None:
        ctx.reply(_("You have no open checklist items in this case. Thank you."))
        return await show_case(ctx)
    ctx.data["item"] = item.id
    text = f"{item.step}: {item.action.get(ctx.locale)}\n\n{item.check.get(ctx.locale)}"
    if item.comment is not None:
        text += f"\n({item.comment.get(ctx.locale)})"
    if item.answer == "text":
        ctx.reply(text + "\n" + _("Write your answer."), [[Button("case:view", _("Back"))]])
    else:
        ctx.reply(
            text,
            [
                [
                    Button("check:yes", _("Yes")),
                    Button("check:no", _("No")),
                    Button("check:na", _("Not applicable")),
                ],
                [Button("case:view", _("Back"))],
            ],
        )
    return Case.CHECK


def _item(pack: Pack, item_id: object) -> ChecklistItem | None:
    return next((i for i in pack.checklist if i.id == item_id), None)


async def answer_item(ctx: Context, event: InboundEvent) -> StateResult:
    """Record Ja / Nej / Inte aktuellt (or a written answer) and ask for a comment."""
    _ = ctx._
    found = await _case(ctx, Access.CHECKLIST)
    if found is None:
        return await gone(ctx)
    report, _access = found
    item = _item(ctx.packs.get(report.pack), ctx.data.get("item"))
    if item is None:
        return await show_case(ctx)
    repo = CaseRepo(ctx.session, ctx.keyring)
    if event.button:
        answer = event.button.removeprefix("check:")
        if answer not in ANSWERS or item.answer == "text":
            return await next_item(ctx, event)
        await repo.answer_item(ctx.viewer, report, item.id, answer, None, ctx.now)
        ctx.data["answer"] = answer
        ctx.reply(
            _("Saved: {answer}. Add a comment (e.g. who), or skip.").format(
                answer=_(ANSWERS[answer])
            ),
            [[Button("check:skip", _("Skip"))]],
        )
        return Case.CHECK_COMMENT
    if item.answer != "text" or not event.text.strip():
        ctx.reply(_("Please choose one of the buttons below."))
        ctx.again()
        return None
    await repo.answer_item(ctx.viewer, report, item.id, "text", event.text.strip(), ctx.now)
    return await next_item(ctx, event)


async def comment_item(ctx: Context, event: InboundEvent) -> StateResult:
    """Keep the comment with the answer, then offer the next item."""
    found = await _case(ctx, Access.CHECKLIST)
    if found is None:
        return await gone(ctx)
    report, _access = found
    item_id, answer = ctx.data.get("item"), ctx.data.get("answer")
    if event.text.strip() and item_id and answer:
        await CaseRepo(ctx.session, ctx.keyring).answer_item(
            ctx.viewer, report, str(item_id), str(answer), event.text.strip(), ctx.now
        )
    return await next_item(ctx, event)


# --- follow-up conversations -----------------------------------------------------------------


async def _next_followup_number(ctx: Context, report: Report) -> int:
    rows = await CaseRepo(ctx.session, ctx.keyring).followups(report)
    for number in (1, 2, 3):
        row = rows.get(number)
        if row is None or row.status == "planned":
            return number
    return 0


async def start_followup(ctx: Context, event: InboundEvent) -> StateResult:
    """Document the next follow-up conversation: date, present, notes, needs."""
    _ = ctx._
    found = await _case(ctx, Access.HANDLER)
    if found is None:
        return await gone(ctx)
    report, _access = found
    number = await _next_followup_number(ctx, report)
    if number == 0:
        ctx.reply(_("All three follow-up conversations are done or not needed."))
        return await show_case(ctx)
    ctx.data["fu"] = number
    ctx.data["fu_notes"] = {}
    ctx.reply(
        _("Follow-up conversation {n}. When was it held? Write the date, or:").format(n=number),
        [
            [Button("fu:today", _("Today")), Button("fu:yesterday", _("Yesterday"))],
            [Button("case:view", _("Back"))],
        ],
    )
    return Case.FU_DATE


async def _save_notes(ctx: Context, key: str, value: str) -> Report | None:
    found = await _case(ctx, Access.HANDLER)
    if found is None:
        return None
    report, _access = found
    notes = dict(ctx.data.get("fu_notes") or {})
    repo = CaseRepo(ctx.session, ctx.keyring)
    number = int(ctx.data.get("fu", 1))
    row = (await repo.followups(report)).get(number)
    stored = repo.notes_of(row) if row is not None else {}
    stored.update(notes)
    stored[key] = value
    await repo.save_followup_notes(ctx.viewer, report, number, stored)
    return report


async def followup_date(ctx: Context, event: InboundEvent) -> StateResult:
    """Record when the follow-up was held."""
    _ = ctx._
    today = ctx.now.astimezone(DISPLAY_TZ).date()
    if event.button == "fu:today":
        held = today
    elif event.button == "fu:yesterday":
        held = today - timedelta(days=1)
    else:
        moment = dates.understand(event.text, ctx.now, ctx.locale)
        if moment is None or moment.day > today:
            ctx.reply(_("Write the day it was held, like “i går” or 20/11."))
            ctx.again()
            return None
        held = moment.day
    if await _save_notes(ctx, "date", held.isoformat()) is None:
        return await gone(ctx)
    ctx.reply(_("Who was present?"), [[Button("case:view", _("Back"))]])
    return Case.FU_PRESENT


async def followup_present(ctx: Context, event: InboundEvent) -> StateResult:
    """Record who was present."""
    _ = ctx._
    if not event.text.strip():
        ctx.again()
        return None
    if await _save_notes(ctx, "present", event.text.strip()) is None:
        return await gone(ctx)
    ctx.reply(
        _("The current situation and the need for continued support for the person:"),
        [[Button("case:view", _("Back"))]],
    )
    return Case.FU_NOTES


async def followup_notes(ctx: Context, event: InboundEvent) -> StateResult:
    """Record the notes on the current situation."""
    _ = ctx._
    if not event.text.strip():
        ctx.again()
        return None
    if await _save_notes(ctx, "situation", event.text) is None:
        return await gone(ctx)
    ctx.reply(
        _("Does the person need continued support?"),
        [[Button("fu:yes", _("Yes")), Button("fu:no", _("No"))]],
    )
    return Case.FU_SUPPORT


async def followup_support(ctx: Context, event: InboundEvent) -> StateResult:
    """Record the need for continued support."""
    _ = ctx._
    if await _save_notes(ctx, "continued_support", event.button.removeprefix("fu:")) is None:
        return await gone(ctx)
    ctx.reply(
        _("Professional support (occupational health service)?"),
        [
            [Button("fu:not_needed", _("Not needed")), Button("fu:assessed", _("Needed"))],
            [Button("fu:ordered", _("Ordered via occupational health"))],
        ],
    )
    return Case.FU_PROFESSIONAL


async def followup_professional(ctx: Context, event: InboundEvent) -> StateResult:
    """Record professional support; document the conversation; plan the next one."""
    _ = ctx._
    report = await _save_notes(ctx, "professional_support", event.button.removeprefix("fu:"))
    if report is None:
        return await gone(ctx)
    repo = CaseRepo(ctx.session, ctx.keyring)
    number = int(ctx.data.get("fu", 1))
    row = (await repo.followups(report)).get(number)
    notes = repo.notes_of(row) if row is not None else {}
    await repo.document_followup(ctx.viewer, report, number, notes, ctx.now)
    await TimerRepo(ctx.session).cancel(FOLLOWUP_DUE, f"{report.id}:{number}")
    pack = ctx.packs.get(report.pack)
    later = pack.followup.later_conversations if pack.followup else 2
    if number >= 1 + later:
        ctx.reply(_("Follow-up conversation {n} is documented.").format(n=number))
        return await show_case(ctx)
    ctx.data["fu"] = number + 1
    ctx.reply(
        _("Follow-up conversation {n} is documented. When should conversation {m} be held?").format(
            n=number, m=number + 1
        ),
        [
            [Button("next:14", _("In 2 weeks")), Button("next:30", _("In a month"))],
            [Button("next:none", _("Not needed"))],
        ],
    )
    return Case.FU_NEXT


async def plan_next(ctx: Context, event: InboundEvent) -> StateResult:
    """Plan follow-up 2 or 3 (or 'not needed'); the bot nudges on that date."""
    _ = ctx._
    found = await _case(ctx, Access.HANDLER)
    if found is None:
        return await gone(ctx)
    report, _access = found
    number = int(ctx.data.get("fu", 2))
    choice = event.button.removeprefix("next:")
    repo = CaseRepo(ctx.session, ctx.keyring)
    if choice == "none":
        await repo.plan_followup(ctx.viewer, report, number, None)
        ctx.reply(_("Noted: follow-up conversation {n} is not needed.").format(n=number))
        return await show_case(ctx)
    if choice.isdigit():
        when = days_after(ctx.now, int(choice))
    else:
        day = dates.coming_day(event.text, ctx.now, ctx.locale)
        if day is None or on_day(day) <= ctx.now:
            ctx.reply(_("Write a day to come, like “måndag” or 20/12."))
            ctx.again()
            return None
        when = on_day(day)
    await repo.plan_followup(ctx.viewer, report, number, when)
    timers = TimerRepo(ctx.session)
    await timers.cancel(FOLLOWUP_DUE, f"{report.id}:{number}")
    timers.schedule(FOLLOWUP_DUE, f"{report.id}:{number}", when, {"report": report.id, "n": number})
    ctx.reply(
        _("Follow-up conversation {n} is planned for {when}. I will remind you that day.").format(
            n=number, when=format_when(when, ctx.locale)
        )
    )
    return await show_case(ctx)


# --- closing ---------------------------------------------------------------------------------


def _closing_question(ctx: Context, report: Report, index: int, fallback: str) -> str:
    """The plan's own wording of closing question ``index``, or ours."""
    pack = ctx.packs.get(report.pack)
    closing = pack.followup.closing if pack.followup else []
    return closing[index].get(ctx.locale) if len(closing) > index else fallback


async def start_close(ctx: Context, event: InboundEvent) -> StateResult:
    """Close the case with the form's evaluation, question by question."""
    _ = ctx._
    found = await _case(ctx, Access.HANDLER)
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
    found = await _case(ctx, Access.HANDLER)
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
    found = await _case(ctx, Access.HANDLER)
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
    found = await _case(ctx, Access.HANDLER)
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


# --- the targeted person's choices -----------------------------------------------------------


async def toggle_checkins(ctx: Context, event: InboundEvent) -> StateResult:
    """Stop (or restart) the check-ins for the person's own case."""
    _ = ctx._
    found = await _case(ctx, Access.OWN)
    if found is None:
        return await gone(ctx)
    report, access = found
    if access is not Access.OWN:
        return await show_case(ctx)
    report.checkins = not report.checkins
    ctx.reply(
        _("I will check in with you now and then.")
        if report.checkins
        else _("I will not check in with you any more. You can always write to me.")
    )
    return await show_case(ctx)


async def view(ctx: Context, event: InboundEvent) -> StateResult:
    """Show the case again."""
    return await show_case(ctx)


async def repeat(ctx: Context, event: InboundEvent) -> StateResult:
    """Ask the open question again."""
    ctx.reply(ctx._("Please answer with the buttons below, or write your answer."))
    ctx.again()
    return None


BACK = {"case:view": view}

FLOW = Flow(
    name="case",
    states=Case,
    entry=open_case,
    table={
        Case.VIEW: {
            "case:check": next_item,
            "case:followup": start_followup,
            "case:close": start_close,
            "case:checkins": toggle_checkins,
            **BACK,
            Input.TEXT: repeat,
        },
        Case.CHECK: {"check:*": answer_item, Input.TEXT: answer_item, **BACK},
        Case.CHECK_COMMENT: {"check:skip": next_item, Input.TEXT: comment_item, **BACK},
        Case.FU_DATE: {"fu:*": followup_date, Input.TEXT: followup_date, **BACK},
        Case.FU_PRESENT: {Input.TEXT: followup_present, **BACK},
        Case.FU_NOTES: {Input.TEXT: followup_notes, **BACK},
        Case.FU_SUPPORT: {"fu:*": followup_support, Input.TEXT: repeat},
        Case.FU_PROFESSIONAL: {"fu:*": followup_professional, Input.TEXT: repeat},
        Case.FU_NEXT: {"next:*": plan_next, Input.TEXT: plan_next},
        Case.CLOSE_APPLIED: {"applied:*": close_applied, Input.TEXT: repeat, **BACK},
        Case.CLOSE_ROUTINE: {"close:skip": close_routine, Input.TEXT: close_routine},
        Case.CLOSE_PLAN: {"close:skip": close_plan, Input.TEXT: close_plan},
    },
)
