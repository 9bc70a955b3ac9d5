"""Follow-up calls documented (date, who took part, the situation, the need for support) and
the next one planned."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from conversations.checkin_timing import replan_held
from conversations.desk.access import checked
from conversations.desk.checklist import answer_item, item_of
from conversations.desk.errors import Refused
from conversations.desk.unit import bring_in_unit, tell_unit_on_case
from conversations.desk.words import card_name as name_of
from conversations.flow import Context
from conversations.followups import FOLLOWUP_CALL, FOLLOWUP_DUE, FOLLOWUP_FIRST
from conversations.i18n import DISPLAY_TZ, format_day
from conversations.packs import FollowUpPlan
from conversations.schedule import morning_of, quiet_hours_of
from storage.access import Access
from storage.calls import CallRepo
from storage.cases import CaseRepo
from storage.models import Report
from storage.timers import TimerRepo
from storage.trust import AuditRepo

SUPPORT = ("yes", "no")  # continued support, as the chat's buttons say it
PROFESSIONAL = ("not_needed", "assessed", "ordered")  # occupational health, likewise


async def next_followup_number(ctx: Context, report: Report) -> int:
    """The first follow-up call not yet documented (1–3); 0 when none is left, or when a
    call was found not needed (no further calls were needed then)."""
    rows = await CallRepo(ctx.session, ctx.keyring).rows(ctx.viewer, report)
    for number in (1, 2, 3):
        row = rows.get(number)
        if row is None or row.status == "planned":
            return number
        if row.status == "not_needed":
            return 0
    return 0


async def followup_to_document(ctx: Context, report: Report) -> int:
    """The call a call held now documents: the next one, or, when further calls were found
    not needed and one was held after all (things changed), the first found not needed."""
    rows = await CallRepo(ctx.session, ctx.keyring).rows(ctx.viewer, report)
    anyway = next((n for n in sorted(rows) if rows[n].status == "not_needed"), 0)
    return await next_followup_number(ctx, report) or anyway


async def finish_followup(ctx: Context, report: Report, number: int, notes: dict[str, Any]) -> str:
    """Keep the call as documented with ``notes``; its reminders stop."""
    await checked(ctx, report, Access.HANDLER)
    await CaseRepo(ctx.session, ctx.keyring).document_followup(
        ctx.viewer, report, number, notes, ctx.now
    )
    await replan_held(ctx.session, ctx.keyring, report, ctx.now)  # held: no longer booked
    timers = TimerRepo(ctx.session)
    for kind in (FOLLOWUP_DUE, FOLLOWUP_CALL):
        await timers.cancel(kind, f"{report.id}:{number}")
    if number == 1:  # held: no more "book it" or "not documented yet" reminders
        await timers.cancel(FOLLOWUP_FIRST, report.id)
    AuditRepo(ctx.session).record(
        ctx.person.handle,
        "followup_documented",
        report.ref,
        report.municipality_id,
        ctx.now,
        report=report,
    )
    said = ctx._("Follow-up call {n} is documented.").format(n=number)
    if notes.get("professional_support") == "assessed":  # needed, and not ordered yet
        said = "\n".join(filter(None, [said, await professional_needed(ctx, report)]))
    pack = ctx.packs.get(report.pack)
    steps = (
        await _answer_items(ctx, report, _first_call_answers(pack.followup, report, notes))
        if (number == 1 and pack.followup)
        else []
    )
    if not steps:
        return said
    ticked = ctx.ngettext(
        "I have answered {n} item in the checklist from the call ({steps}).",
        "I have answered {n} items in the checklist from the call ({steps}).",
        len(steps),
    ).format(n=len(steps), steps=", ".join(sorted(set(steps))))
    return f"{said}\n{ticked}"


def _first_call_answers(plan: FollowUpPlan, report: Report, notes: dict[str, Any]) -> list[str]:
    """The items documenting call 1 answers: "held within two weeks" only if it was, counted
    from the report (the incident came before it)."""
    held = notes.get("date")
    sent = report.submitted_at
    if isinstance(held, str) and sent is not None:
        last = sent.astimezone(DISPLAY_TZ).date() + timedelta(days=plan.first_escalate_day)
        if date.fromisoformat(held) > last:
            return [i for i in plan.first_call_answers if i not in plan.first_call_in_time]
    return plan.first_call_answers


async def next_call_assessed(ctx: Context, report: Report) -> str:
    """A later call planned, booked or found not needed: answer the checklist items that
    say the need for further calls was assessed; the line that says so ("" if none)."""
    pack = ctx.packs.get(report.pack)
    steps = (
        await _answer_items(ctx, report, pack.followup.next_call_answers) if pack.followup else []
    )
    if not steps:
        return ""
    return ctx.ngettext(
        "The need for further calls is assessed: I have answered {n} item in the "
        "checklist ({steps}).",
        "The need for further calls is assessed: I have answered {n} items in the "
        "checklist ({steps}).",
        len(steps),
    ).format(n=len(steps), steps=", ".join(sorted(set(steps))))


async def _answer_items(ctx: Context, report: Report, wanted: list[str]) -> list[str]:
    """Answer "yes" the items ``wanted`` that are still open and the viewer's to answer;
    their steps."""
    state = await CaseRepo(ctx.session, ctx.keyring).checklist(report, ctx.viewer)
    steps = []
    for item_id in wanted:
        if item_id in state:  # answered already: the handler's own answer stands
            continue
        try:
            await answer_item(ctx, report, Access.HANDLER, item_id, "yes", None)
        except Refused:  # not theirs to answer (the unit's, the targeted person's own)
            continue
        steps.append(item_of(ctx, report, item_id).step)
    return steps


async def document_followup(
    ctx: Context,
    report: Report,
    access: Access,
    held_on: date,
    present: str,
    notes: str,
    support: str,
    professional: str,
) -> str:
    """Document the next follow-up call in one go, stored as the chat stores it step by step."""
    _ = ctx._
    await checked(ctx, report, Access.HANDLER)
    number = await followup_to_document(ctx, report)
    if number == 0:
        raise Refused(_("All three follow-up calls are done or not needed."))
    if held_on > ctx.now.astimezone(DISPLAY_TZ).date():
        raise Refused(_("Write the day it was held, like “yesterday” or 20/11."))
    if not present.strip():
        raise Refused(_("Who took part?"))
    if not notes.strip():
        raise Refused(_("The current situation and the need for continued support for the person:"))
    if support not in SUPPORT:
        raise Refused(_("Does the person need continued support?"))
    if professional not in PROFESSIONAL:
        raise Refused(_("Professional support (occupational health service)?"))
    repo = CaseRepo(ctx.session, ctx.keyring)
    row = (await CallRepo(ctx.session, ctx.keyring).rows(ctx.viewer, report)).get(number)
    stored = repo.notes_of(row) if row is not None else {}
    stored.update(
        {
            "date": held_on.isoformat(),
            "present": present.strip(),
            "situation": notes,
            "continued_support": support,
            "professional_support": professional,
        }
    )
    return await finish_followup(ctx, report, number, stored)


async def professional_needed(ctx: Context, report: Report) -> str:
    """Professional support found needed at a call: the unit, which orders it, is brought
    onto the case and told, or told if it has the case already; the line that says so."""
    pack = ctx.packs.get(report.pack)
    items = pack.followup.professional_needed_tells if pack.followup else []
    if not items:
        return ""
    return await bring_in_unit(ctx, report, items) or await tell_unit_on_case(ctx, report, items)


async def plan_next(
    ctx: Context, report: Report, access: Access, number: int, day: date | None
) -> str:
    """Plan follow-up call ``number`` for ``day``, with no time booked yet (None: not
    needed); remind the morning of that day, to book a time or document the call."""
    _ = ctx._
    await checked(ctx, report, Access.HANDLER)
    if number not in (2, 3):
        raise Refused(_("All three follow-up calls are done or not needed."))
    repo = CaseRepo(ctx.session, ctx.keyring)
    timers = TimerRepo(ctx.session)
    subject = f"{report.id}:{number}"
    if day is None:
        await repo.plan_followup(ctx.viewer, report, number, None)
        await replan_held(ctx.session, ctx.keyring, report, ctx.now)  # called off
        for kind in (FOLLOWUP_DUE, FOLLOWUP_CALL):
            await timers.cancel(kind, subject)
        said = _("Noted: follow-up call {n} is not needed.").format(n=number)
        return "\n".join(filter(None, [said, await next_call_assessed(ctx, report)]))
    if day <= ctx.now.astimezone(DISPLAY_TZ).date():
        raise Refused(_("Write a day to come, like “Monday” or 20/12."))
    await repo.plan_followup(ctx.viewer, report, number, day)
    await replan_held(ctx.session, ctx.keyring, report, ctx.now)  # a time booked is off
    quiet = await quiet_hours_of(ctx.session, report.municipality_id)
    for kind in (FOLLOWUP_DUE, FOLLOWUP_CALL):  # a time booked before is off: a day now
        await timers.cancel(kind, subject)
    payload = {"report": report.id, "n": number}
    timers.schedule(FOLLOWUP_DUE, subject, morning_of(day, quiet), payload)
    said = _(
        "Follow-up call {n} is planned for around {day}, with no time yet. I will remind "
        "you that morning, so you can book a time with {name}."
    ).format(
        n=number,
        day=format_day(day, ctx.now.astimezone(DISPLAY_TZ).date(), ctx.locale),
        name=await name_of(ctx, report.reporter_id),
    )
    return "\n".join(filter(None, [said, await next_call_assessed(ctx, report)]))


async def drop_day(ctx: Context, report: Report, access: Access, number: int) -> str:
    """Take away the day follow-up call ``number`` was planned for: it is still to be
    booked, and its morning reminder is off."""
    _ = ctx._
    await checked(ctx, report, Access.HANDLER)
    if not await CallRepo(ctx.session, ctx.keyring).drop_day(ctx.viewer, report, number, ctx.now):
        raise Refused(_("Follow-up call {n} is not planned for a day.").format(n=number))
    await TimerRepo(ctx.session).cancel(FOLLOWUP_DUE, f"{report.id}:{number}")
    return _(
        "Follow-up call {n} is no longer planned for a day, and I will not remind you of it. "
        "Book it when you have agreed a time with {name}."
    ).format(n=number, name=await name_of(ctx, report.reporter_id))
