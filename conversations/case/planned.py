"""What the case view shows of follow-up calls and the schedule: the follow-up log (date
held, who took part, notes: for those who handle the case), the next check-in or reminder,
and the buttons to book, move or document."""

from __future__ import annotations

from datetime import date

from conversations import dates
from conversations.case.common import on_case
from conversations.checkin_timing import asked_at
from conversations.desk.words import call_anyway, next_call
from conversations.desk.words import card_name as name_of
from conversations.events import Button
from conversations.flow import Context
from conversations.followups import FOLLOWUP_CALL
from conversations.i18n import names_list
from storage.access import Access
from storage.calls import CHECKIN_KINDS, REMINDER_KINDS, CallEntry, CallRepo
from storage.cases import CaseRepo
from storage.errors import NotFound
from storage.models import Report, ReportStatus, Timer

ANYWAY = "case:anyway"  # book a call found not needed after all: the situation changed

# --- the case view -------------------------------------------------------------------------

MOVE_DAY = "case:day"  # the card's button: change (or plan) the day of the next call


def day_button(ctx: Context, report: Report, number: int, planned: bool = True) -> Button:
    """The card's button to change the day call ``number`` is planned for, or, with no day
    (``planned`` False), to plan one."""
    _ = ctx._
    label = _("Change the day of call {n}") if planned else _("Plan a day for call {n}")
    return on_case(report, MOVE_DAY, label.format(n=number))


async def schedule_section(
    ctx: Context, report: Report, access: Access
) -> tuple[list[str], list[list[Button]]]:
    """The follow-up log and what is planned, as the viewer may read it, with their buttons."""
    _ = ctx._
    calls = CallRepo(ctx.session, ctx.keyring)
    try:
        log = await calls.log(ctx.viewer, report)
    except NotFound:  # the director: the calls are not theirs to read
        log = []
    lines: list[str] = []
    for entry in log:
        lines += await _call_lines(ctx, report, entry, access)
    if lines:
        lines.insert(0, "")
    is_open = report.status is ReportStatus.SUBMITTED
    buttons: list[list[Button]] = []
    if not is_open or access not in (Access.OWN, Access.HANDLER):
        return lines, buttons
    if access is Access.OWN:
        upcoming = await calls.upcoming(ctx.viewer, report, CHECKIN_KINDS)
        if report.checkins and upcoming:  # not moments after she wrote: when it will come
            when = await asked_at(ctx.session, ctx.keyring, upcoming[0], report, ctx.now)
            lines += ["", _("Next check-in: {when}").format(when=ctx.when(when))]
            buttons.append([on_case(report, "case:move", _("Move the check-in"))])
        return lines, buttons
    upcoming = await calls.upcoming(ctx.viewer, report, REMINDER_KINDS)
    if upcoming:
        lines += ["", await _reminder_line(ctx, report, upcoming[0])]
    if not report.checkins:  # she pressed "Stop asking": Trygg no longer asks how she is
        name = await name_of(ctx, report.reporter_id)
        lines += ["", _("{name} has asked Trygg to stop the check-ins.").format(name=name)]
    number = next_call(log)
    planned = next((e for e in log if e.number == number and e.planned_for), None)
    if number and planned is None:
        buttons.append([on_case(report, "case:book", _("Book call {n}").format(n=number))])
        if number > 1:  # calls 2–3 may be planned for a day, with no time yet
            planned_day = any(e.number == number and e.planned_day for e in log)
            buttons.append([day_button(ctx, report, number, planned_day)])
    elif number:
        buttons.append([on_case(report, "case:book", _("Move call {n}").format(n=number))])
    if call_anyway(log):  # no further calls were needed: one may still be, if things change
        buttons.append([on_case(report, ANYWAY, _("Book another call"))])
    if upcoming:
        buttons.append([on_case(report, "case:move", _("Move the reminder"))])
    return lines, buttons


async def _reminder_line(ctx: Context, report: Report, timer: Timer) -> str:
    """'Nästa påminnelse: …' to the one it reminds; to the others on the case, whom it goes
    to ('Nästa påminnelse går till Pia Lind: …'): the unit reads Pia's reminder as Pia's."""
    _ = ctx._
    when = ctx.when(timer.due_at)
    booked = timer.payload.get("by") if timer.kind == FOLLOWUP_CALL else None
    handlers = await CaseRepo(ctx.session, ctx.keyring).handlers(report)
    reminded = list(dict.fromkeys([*([booked] if isinstance(booked, int) else []), *handlers]))
    if not reminded or ctx.person.id in reminded:
        return _("Next reminder: {when}").format(when=when)
    names = names_list(_, [await name_of(ctx, person_id) for person_id in reminded])
    return _("Next reminder, to {names}: {when}").format(names=names, when=when)


async def _call_lines(ctx: Context, report: Report, entry: CallEntry, access: Access) -> list[str]:
    _ = ctx._
    n = entry.number
    if entry.status == "not_needed":
        return [_("Follow-up call {n}: not needed").format(n=n)]
    if entry.status == "documented":
        held = (
            dates.say_day(date.fromisoformat(entry.held_on), ctx.now, ctx.locale)
            if entry.held_on
            else "–"
        )
        lines = [_("Follow-up call {n}: held on {day}").format(n=n, day=held)]
        if access is Access.HANDLER:
            lines.append("  " + _("Took part: {who}").format(who=entry.participants or "–"))
            lines.append("  " + _("Notes (internal): {text}").format(text=entry.notes or "–"))
        return lines
    if entry.planned_for is None and entry.planned_day is not None:
        return await _day_lines(ctx, report, entry.number, entry.planned_day, access)
    if entry.planned_for is None:
        return []
    when = ctx.when(entry.planned_for)
    # the other side of the call: the targeted person for those who handle the case, the
    # one who holds it for her (staff names to the registered only)
    sides = {Access.HANDLER: report.reporter_id, Access.OWN: entry.booked_by}
    other = sides.get(access)
    cases = CaseRepo(ctx.session, ctx.keyring)
    if access is Access.OWN and other is not None and other not in await cases.handlers(report):
        other = await cases.taken_by(report)  # Pia left the role: the call is with Per now
    if other is not None and other != ctx.person.id and ctx.viewer.registered:
        who = await name_of(ctx, other)
        return [_("Follow-up call {n} with {name}: {when}").format(n=n, name=who, when=when)]
    return [_("Follow-up call {n}: planned for {when}").format(n=n, when=when)]


async def _day_lines(
    ctx: Context, report: Report, n: int, planned: date, access: Access
) -> list[str]:
    """A call planned for a day with no time booked yet: said as the day, "around" it; she
    reads who will get in touch about the time."""
    _ = ctx._
    day = dates.say_day(planned, ctx.now, ctx.locale, weekday=True)
    if access is Access.HANDLER:
        who = await name_of(ctx, report.reporter_id)
        text = _("Follow-up call {n} with {name}: around {day}, no time booked yet")
        return [text.format(n=n, name=who, day=day)]
    holder = await CaseRepo(ctx.session, ctx.keyring).taken_by(report)
    if holder is None or not ctx.viewer.registered:
        text = _(
            "Follow-up call {n}: around {day}. The person handling your case will get in "
            "touch with you about the time."
        )
        return [text.format(n=n, day=day)]
    text = _("Follow-up call {n}: around {day}. {name} will get in touch with you about the time.")
    return [text.format(n=n, day=day, name=await name_of(ctx, holder))]
