"""Follow-up conversations: documenting them, and planning the next."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from conversations import dates
from conversations.about import about_someone_else, named_target
from conversations.case.common import YES_NO, Case, chosen, found_case, gone, said_as_typed
from conversations.case.day_moves import day_typed, planned_on
from conversations.case.next_step import carry_on
from conversations.desk import notes
from conversations.desk.errors import Refused
from conversations.desk.followup import finish_followup, followup_to_document
from conversations.desk.words import name_of
from conversations.events import Button, InboundEvent
from conversations.flow import Context, StateResult
from conversations.i18n import DISPLAY_TZ, format_day
from conversations.schedule import working_day
from storage.access import Access
from storage.calls import CallRepo
from storage.cases import CaseRepo
from storage.models import FollowUp, Report
from storage.reports import ReportRepo

NOTE_WORDS = 5  # words: this many where a day was asked say something else; kept

PROFESSIONAL = {  # professional support, typed instead of pressed
    "behövs inte": "not_needed",
    "inte nödvändigt": "not_needed",
    "nej": "not_needed",
    "not needed": "not_needed",
    "no": "not_needed",
    "behövs": "assessed",
    "needed": "assessed",
    "ja": "assessed",
    "yes": "assessed",
    "beställt": "ordered",
    "beställd": "ordered",
    "ordered": "ordered",
}


async def start_followup(ctx: Context, event: InboundEvent) -> StateResult:
    """Document the next follow-up conversation: date, present, notes, needs."""
    _ = ctx._
    found = await found_case(ctx, Access.HANDLER)
    if found is None:
        return await gone(ctx)
    report, _access = found
    repo = CaseRepo(ctx.session, ctx.keyring)
    rows = await CallRepo(ctx.session, ctx.keyring).rows(ctx.viewer, report)
    number = await followup_to_document(ctx, report)
    if number == 0:
        return await carry_on(ctx, _("All three follow-up calls are done or not needed."))
    ctx.data["fu"] = number
    ctx.data["fu_notes"] = {}
    row = rows.get(number)
    begun = repo.notes_of(row) if row is not None else {}
    if row is not None and row.status != "documented" and begun.get("date"):
        return await _resume(ctx, number, begun)
    buttons = [
        [Button("fu:today", _("Today")), Button("fu:yesterday", _("Yesterday"))],
        [Button("case:view", _("Back"))],
    ]
    day = _planned_day(row)
    if day is not None and day <= ctx.now.astimezone(DISPLAY_TZ).date():
        said = dates.say_day(day, ctx.now, ctx.locale)
        label = _("As booked: {day}") if row and row.planned_for else _("As planned: {day}")
        buttons.insert(0, [Button("fu:booked", label.format(day=said))])
    ctx.reply(
        _("Follow-up call {n}. When was it held? Write the date, or:").format(n=number),
        buttons,
    )
    return Case.FU_DATE


LEFT_IN = (Case.FU_PRESENT, Case.FU_NOTES, Case.FU_SUPPORT, Case.FU_PROFESSIONAL)
"""The steps of documenting a call after its day was kept: what she wrote so far is saved."""


async def left_followup(ctx: Context, state: str, data: dict[str, Any]) -> str | None:
    """She left documenting a call for a command: what she wrote is saved, and how to go on."""
    if state not in LEFT_IN or not data.get("case"):
        return None
    found = await found_case(ctx, Access.HANDLER, str(data["case"]))
    if found is None:
        return None
    return ctx._(
        "What you have written about follow-up call {n} is saved. Continue with “Document a "
        "follow-up call” in case {ref}."
    ).format(n=int(data.get("fu") or 1), ref=found[0].ref)


async def _resume(ctx: Context, number: int, begun: dict[str, Any]) -> StateResult:
    """Go on documenting call ``number`` where she left it, saying what is kept."""
    _ = ctx._
    today = ctx.now.astimezone(DISPLAY_TZ).date()
    lines = [
        _("You have begun documenting follow-up call {n}. What you wrote is saved:").format(
            n=number
        ),
        "• "
        + _("Held: {day}").format(
            day=format_day(date.fromisoformat(begun["date"]), today, ctx.locale)
        ),
    ]
    if begun.get("present"):
        lines.append("• " + _("Took part: {who}").format(who=begun["present"]))
    if begun.get("situation"):
        lines.append("• " + _("The situation: {text}").format(text=begun["situation"]))
    back = [[Button("case:view", _("Back"))]]
    name = await _targeted(ctx)
    if not begun.get("present"):
        ctx.reply("\n".join([*lines, _("Who took part?")]), back)
        return Case.FU_PRESENT
    if not begun.get("situation"):
        question = _("The current situation and the need for continued support for {name}:")
        ctx.reply("\n".join([*lines, question.format(name=name)]), back)
        return Case.FU_NOTES
    if not begun.get("continued_support"):
        question = _("Does {name} need continued support?").format(name=name)
        ctx.reply(
            "\n".join([*lines, question]), [[Button("fu:yes", _("Yes")), Button("fu:no", _("No"))]]
        )
        return Case.FU_SUPPORT
    ctx.reply(
        "\n".join([*lines, _("Professional support (occupational health service)?")]),
        [
            [Button("fu:not_needed", _("Not needed")), Button("fu:assessed", _("Needed"))],
            [Button("fu:ordered", _("Ordered via occupational health"))],
        ],
    )
    return Case.FU_PROFESSIONAL


def _planned_day(row: FollowUp | None) -> date | None:
    """The day a planned call was booked or planned for (None: not planned)."""
    if row is None or row.status != "planned":
        return None
    if row.planned_for is not None:
        return row.planned_for.astimezone(DISPLAY_TZ).date()
    return row.planned_day


async def _save_notes(ctx: Context, key: str, value: str) -> Report | None:
    found = await found_case(ctx, Access.HANDLER)
    if found is None:
        return None
    report, _access = found
    notes = dict(ctx.data.get("fu_notes") or {})
    repo = CaseRepo(ctx.session, ctx.keyring)
    number = int(ctx.data.get("fu", 1))
    row = (await CallRepo(ctx.session, ctx.keyring).rows(ctx.viewer, report)).get(number)
    stored = repo.notes_of(row) if row is not None else {}
    stored.update(notes)
    stored[key] = value
    await repo.save_followup_notes(ctx.viewer, report, number, stored)
    return report


async def followup_date(ctx: Context, event: InboundEvent) -> StateResult:
    """Record when the follow-up was held."""
    _ = ctx._
    today = ctx.now.astimezone(DISPLAY_TZ).date()
    booked = None
    if event.button == "fu:booked":
        found = await found_case(ctx, Access.HANDLER)
        calls = CallRepo(ctx.session, ctx.keyring)
        rows = await calls.rows(ctx.viewer, found[0]) if found else {}
        booked = _planned_day(rows.get(int(ctx.data.get("fu", 1))))
    if booked is not None:
        held = booked
    elif event.button == "fu:today":
        held = today
    elif event.button == "fu:yesterday":
        held = today - timedelta(days=1)
    else:
        found = await found_case(ctx, Access.HANDLER)
        if found is None:
            return await gone(ctx)
        moment = dates.understand(event.text, ctx.now, ctx.locale)
        reported = (found[0].submitted_at or ctx.now).astimezone(DISPLAY_TZ).date()
        # "… till fredag" or "… i morgon": no day it was held (after the report, by today)
        no_day = moment is None or not reported <= moment.day <= today
        telling = len(event.text.split()) >= NOTE_WORDS
        if no_day and telling:  # a note, not the day
            return await _kept_as_note(ctx, event.text)
        if moment is None or no_day:
            ctx.reply(_("Write the day it was held, like “yesterday” or 20/11."))
            ctx.again()
            return None
        held = moment.day
        said = _("I wrote: held {day}.").format(day=format_day(held, today, ctx.locale))
        if telling:  # "Pratade med Anna i går kväll, hon mår bättre": the day, and the words
            try:
                await notes.keep_note(ctx, found[0], found[1], event.text)
            except Refused as refused:  # not a note to keep: said
                said += " " + refused.message
            else:
                said += " " + _("I also kept what you wrote as an internal note on the case.")
        ctx.reply(said)
    if await _save_notes(ctx, "date", held.isoformat()) is None:
        return await gone(ctx)
    ctx.reply(_("Who took part?"), [[Button("case:view", _("Back"))]])
    return Case.FU_PRESENT


async def _kept_as_note(ctx: Context, text: str) -> StateResult:
    """Words typed where the call's day was asked ("Anna vill vänta med polisanmälan…"):
    kept as an internal note on the case, and the day asked again."""
    found = await found_case(ctx, Access.HANDLER)
    if found is None:
        return await gone(ctx)
    report, access = found
    try:
        await notes.keep_note(ctx, report, access, text)
    except Refused as refused:  # not a note to keep: said
        ctx.reply(refused.message)
    else:
        ctx.reply(
            ctx._(
                "I found no day in that, so I kept it as an internal note on the case. "
                "When was the call held?"
            )
        )
    ctx.again()
    return None


async def _targeted(ctx: Context) -> str:
    """Whom the case is about, by name: she who reported it, or whom she reported for."""
    found = await found_case(ctx, Access.HANDLER)
    if found is None:
        return ctx._("the person")
    report = found[0]
    answers = ReportRepo(ctx.session, ctx.keyring).answers(report)
    if about_someone_else(answers):
        return named_target(answers) or ctx._("the person")
    return await name_of(ctx, report.reporter_id)


async def followup_present(ctx: Context, event: InboundEvent) -> StateResult:
    """Record who was present."""
    _ = ctx._
    if not event.text.strip():
        ctx.again()
        return None
    if await _save_notes(ctx, "present", event.text.strip()) is None:
        return await gone(ctx)
    ctx.reply(
        _("The current situation and the need for continued support for {name}:").format(
            name=await _targeted(ctx)
        ),
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
        _("Does {name} need continued support?").format(name=await _targeted(ctx)),
        [[Button("fu:yes", _("Yes")), Button("fu:no", _("No"))]],
    )
    return Case.FU_SUPPORT


async def followup_support(ctx: Context, event: InboundEvent) -> StateResult:
    """Record the need for continued support."""
    _ = ctx._
    need = chosen(event, "fu:", YES_NO)
    if not need:
        ctx.again()
        return None
    if await _save_notes(ctx, "continued_support", need) is None:
        return await gone(ctx)
    said_as_typed(ctx, need, YES_NO)
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
    support = chosen(event, "fu:", PROFESSIONAL)
    if not support:
        ctx.again()
        return None
    report = await _save_notes(ctx, "professional_support", support)
    if report is None:
        return await gone(ctx)
    said_as_typed(ctx, support, PROFESSIONAL)
    repo = CaseRepo(ctx.session, ctx.keyring)
    number = int(ctx.data.get("fu", 1))
    row = (await CallRepo(ctx.session, ctx.keyring).rows(ctx.viewer, report)).get(number)
    notes = repo.notes_of(row) if row is not None else {}
    documented = await finish_followup(ctx, report, number, notes)
    pack = ctx.packs.get(report.pack)
    later = pack.followup.later_conversations if pack.followup else 2
    if number >= 1 + later:
        return await carry_on(ctx, documented)
    ctx.data["fu"] = ctx.data["book"] = number + 1
    ctx.reply(
        documented + "\n" + _("When should follow-up call {m} be held?").format(m=number + 1),
        [
            [Button("next:14", _("In 2 weeks")), Button("next:30", _("In a month"))],
            [Button("next:book", _("Book a time")), Button("next:none", _("Not needed"))],
        ],
    )
    return Case.FU_NEXT


async def plan_next(ctx: Context, event: InboundEvent) -> StateResult:
    """Plan follow-up 2 or 3 for a day ("in 2 weeks", "tisdag"), to have its time booked
    later, or book it at once when a time is said ("tisdag 10:00"); or 'not needed'."""
    _ = ctx._
    found = await found_case(ctx, Access.HANDLER)
    if found is None:
        return await gone(ctx)
    report, access = found
    number = int(ctx.data.get("fu", 2))
    choice = event.button.removeprefix("next:")
    today = ctx.now.astimezone(DISPLAY_TZ).date()
    day: date | None = None
    if choice.isdigit():  # "Om 2 veckor" on a Sunday or on juldagen: the next working day
        day = working_day(today + timedelta(days=int(choice)))
    elif choice != "none":
        day, state = await day_typed(ctx, event, number)
        if day is None:  # booked at once, a time asked, or asked again
            return state
    return await planned_on(ctx, report, access, number, day)
