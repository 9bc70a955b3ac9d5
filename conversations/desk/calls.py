"""Follow-up calls: booking or moving one (with its reminders), moving the next check-in or
reminder, and the list of calls."""

from __future__ import annotations

from datetime import datetime, timedelta

from conversations.checkin_timing import CHOSEN, replan_held
from conversations.desk.access import checked
from conversations.desk.errors import Refused
from conversations.desk.followup import next_call_assessed
from conversations.desk.words import card_name as name_of
from conversations.desk.words import next_call
from conversations.flow import Context
from conversations.followups import (
    FOLLOWUP_CALL,
    FOLLOWUP_DUE,
    FOLLOWUP_FIRST,
    FOLLOWUP_TELL,
)
from conversations.i18n import DISPLAY_TZ, format_clock
from conversations.notices import FOLLOWUP_BOOKED
from conversations.schedule import is_quiet, out_of_quiet_hours, quiet_hours_of, quiet_span
from storage.access import Access
from storage.calls import CHECKIN_KINDS, REMINDER_KINDS, CallEntry, CallRepo
from storage.models import Person, Report, ReportStatus, TimerState
from storage.outbox import ROUTINE
from storage.timers import TimerRepo
from storage.trust import AuditRepo

MORNING_GAP = timedelta(hours=2)  # a call this long after the quiet hours end: a morning push
SOON = timedelta(hours=1)  # and a push an hour before


def passed(ctx: Context, said: str) -> str:
    """Say that a moment has passed; the moment opens the sentence, so it gets a capital."""
    text = ctx._("{when} has already been. Write a day and time to come.").format(when=said)
    return text[:1].upper() + text[1:]


def _to_come(ctx: Context, when: datetime) -> None:
    """Refuse a moment that is not timezone-aware or not still to come."""
    if when.tzinfo is None:
        raise Refused(ctx._("Please choose one of the buttons below."))
    if when <= ctx.now:
        raise Refused(passed(ctx, ctx.when(when)))


async def calls(ctx: Context, report: Report, access: Access) -> list[CallEntry]:
    """List the case's follow-up calls, planned, held or not needed, as the viewer may read."""
    await checked(ctx, report, Access.OWN)
    return await CallRepo(ctx.session, ctx.keyring).log(ctx.viewer, report)


async def book_call(
    ctx: Context, report: Report, access: Access, when: datetime, number: int | None = None
) -> str:
    """Book follow-up call ``number`` (the next one not held) for ``when``: plan the
    reminders, tell the targeted person, audit."""
    _ = ctx._
    await checked(ctx, report, Access.HANDLER)
    repo = CallRepo(ctx.session, ctx.keyring)
    log = await repo.log(ctx.viewer, report)
    number = number or next_call(log)
    if report.status is not ReportStatus.SUBMITTED:
        raise Refused(_("The case is closed."))
    if number not in (1, 2, 3) or any(e.number == number and e.status == "documented" for e in log):
        raise Refused(_("All three follow-up calls are done or not needed."))
    _to_come(ctx, when)
    was = next((e.planned_for for e in log if e.number == number and e.planned_for), None)
    await repo.book(ctx.viewer, report, number, when, ctx.now)
    await replan_held(ctx.session, ctx.keyring, report, ctx.now)  # moved: her check-in with it
    quiet = await quiet_hours_of(ctx.session, report.municipality_id)
    reminders = await plan_reminders(ctx, report, number, when, quiet)
    who = await name_of(ctx, report.reporter_id)
    lines = [
        _("Booked: follow-up call {n} with {name}, {when}.").format(
            n=number, name=who, when=ctx.when(when)
        )
    ]
    if len(reminders) == 2:
        lines.append(_("I will remind you that morning and an hour before."))
    elif reminders:
        lines.append(_("I will remind you {when}.").format(when=ctx.when(reminders[0])))
    reporter = await ctx.session.get(Person, report.reporter_id) if report.reporter_id else None
    if reporter is not None and reporter.erased_at is not None:  # /glom: nobody to tell
        lines.append(_("The person who reported it has left Trygg and cannot be told."))
    elif report.reporter_id is not None and report.reporter_id != ctx.person.id:
        _tell_reporter(ctx, report, number, was, quiet)
        lines.append(_("{name} is told the time.").format(name=who))
    AuditRepo(ctx.session).record(
        ctx.person.handle, "call_booked", report.ref, report.municipality_id, ctx.now, report=report
    )
    if number > 1:  # a later call booked: the need for it was assessed
        lines.append(await next_call_assessed(ctx, report))
    return "\n".join(filter(None, lines))


async def move_call(
    ctx: Context, report: Report, access: Access, number: int, when: datetime
) -> str:
    """Move booked follow-up call ``number`` to ``when`` (as booking it again does)."""
    await checked(ctx, report, Access.HANDLER)
    log = await CallRepo(ctx.session, ctx.keyring).log(ctx.viewer, report)
    if not any(e.number == number and e.status == "planned" and e.planned_for for e in log):
        raise Refused(ctx._("Follow-up call {n} is not booked.").format(n=number))
    return await book_call(ctx, report, access, when, number)


async def plan_reminders(
    ctx: Context, report: Report, number: int, when: datetime, quiet: str
) -> list[datetime]:
    """Remind the contact the morning of the day and an hour before, never in the quiet hours
    (a reminder that would only fit after the call is left out)."""
    timers = TimerRepo(ctx.session)
    subject = f"{report.id}:{number}"
    await timers.cancel(FOLLOWUP_CALL, subject)
    await timers.cancel(FOLLOWUP_TELL, subject)
    await timers.cancel(FOLLOWUP_DUE, subject)  # a booked time replaces "due that day"
    for asked in await timers.pending(FOLLOWUP_FIRST, report.id):
        if asked.payload.get("stage") == "nudge":  # "please book call 1": it is booked
            asked.state = TimerState.CANCELLED
    _start, end = quiet_span(quiet)
    local = when.astimezone(DISPLAY_TZ)
    morning = datetime.combine(local.date(), end, DISPLAY_TZ)
    planned = []
    if when - morning >= MORNING_GAP:
        planned.append(morning)
    soon = out_of_quiet_hours(when - SOON, quiet)
    if soon < when and (not planned or soon > planned[0]):
        planned.append(soon)
    planned = [moment for moment in planned if moment > ctx.now]
    payload = {"report": report.id, "n": number, "by": ctx.person.id}
    for moment in planned:
        timers.schedule(FOLLOWUP_CALL, subject, moment, payload)
    return planned


def _tell_reporter(
    ctx: Context, report: Report, number: int, was: datetime | None, quiet: str
) -> None:
    """Tell the targeted person the call's time (and the one it replaces) now, or when the
    quiet hours end."""
    if report.reporter_id is None:
        return
    payload: dict[str, object] = {"report": report.id, "n": number, "by": ctx.person.id}
    payload["moved"] = was is not None
    if was is not None:
        payload["was"] = was.isoformat()
    if not is_quiet(ctx.now, quiet):
        ctx.notify(report.reporter_id, FOLLOWUP_BOOKED, payload, ROUTINE)
        return
    due = out_of_quiet_hours(ctx.now, quiet)
    TimerRepo(ctx.session).schedule(FOLLOWUP_TELL, f"{report.id}:{number}", due, payload)


def kinds_for(access: Access) -> frozenset[str]:
    """The timers a viewer moves: her check-ins, or the contact's reminders."""
    return CHECKIN_KINDS if access is Access.OWN else REMINDER_KINDS


async def move_next(ctx: Context, report: Report, access: Access, when: datetime) -> str:
    """Move the next check-in (the targeted person) or reminder (the contact) to ``when``,
    out of the quiet hours."""
    _ = ctx._
    level = await checked(ctx, report, Access.OWN)
    if level not in (Access.OWN, Access.HANDLER) or report.status is not ReportStatus.SUBMITTED:
        raise Refused(_("That case is not available to you."))
    repo = CallRepo(ctx.session, ctx.keyring)
    kinds = kinds_for(level)
    upcoming = await repo.upcoming(ctx.viewer, report, kinds)
    if not upcoming:
        raise Refused(_("Nothing is planned to move."))
    _to_come(ctx, when)
    quiet = await quiet_hours_of(ctx.session, report.municipality_id)
    moved = out_of_quiet_hours(when, quiet)
    if upcoming[0].kind == FOLLOWUP_CALL:  # a reminder of a booked call comes before it
        number = int(upcoming[0].payload.get("n", 1))
        call = next((e for e in await repo.log(ctx.viewer, report) if e.number == number), None)
        if call is not None and call.planned_for is not None and moved >= call.planned_for:
            raise Refused(
                _(
                    "That reminder is for follow-up call {n}, {when}: it must come before "
                    "the call. To change the day, move the call."
                ).format(n=number, when=ctx.when(call.planned_for))
            )
    timer = await repo.move_next(ctx.viewer, report, kinds, moved, ctx.now)
    if timer is not None:  # her own time: kept, however lately she wrote, or on a day off
        timer.payload = {**timer.payload, CHOSEN: True}
    start, end = quiet_span(quiet)
    lines = []
    if moved != when:
        quiet_line = (
            _("I don't write to you between {start} and {end}.")
            if level is Access.OWN
            else _("I send no reminders between {start} and {end}.")
        )
        lines.append(
            quiet_line.format(
                start=format_clock(start, ctx.locale), end=format_clock(end, ctx.locale)
            )
        )
    if level is Access.OWN:
        lines.append(_("Moved. Your next check-in: {when}").format(when=ctx.when(moved)))
    else:
        lines.append(_("Moved. Your next reminder: {when}").format(when=ctx.when(moved)))
    return "\n".join(lines)
