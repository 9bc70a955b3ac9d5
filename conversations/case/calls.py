"""Booking a follow-up call, and moving a check-in or a reminder."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from conversations import dates
from conversations.case.common import Case, found_case, gone
from conversations.case.planned import name_of, next_call, say
from conversations.case.view import show_case
from conversations.events import Button, InboundEvent
from conversations.flow import Context, StateResult
from conversations.followups import (
    FOLLOWUP_CALL,
    FOLLOWUP_DUE,
    FOLLOWUP_FIRST,
    FOLLOWUP_TELL,
    quiet_hours_of,
)
from conversations.i18n import DISPLAY_TZ
from conversations.notices import FOLLOWUP_BOOKED
from conversations.schedule import is_quiet, on_day, out_of_quiet_hours, quiet_span
from storage.access import Access
from storage.calls import CHECKIN_KINDS, REMINDER_KINDS, CallRepo
from storage.models import Report, ReportStatus, TimerState
from storage.outbox import ROUTINE
from storage.timers import TimerRepo
from storage.trust import AuditRepo

MORNING_GAP = timedelta(hours=2)  # a call this long after the quiet hours end: a morning push
SOON = timedelta(hours=1)  # and a push an hour before
SLOT_HOURS = (10, 14)  # the times offered as buttons on the next working days


# --- booking a call --------------------------------------------------------------------------


def _slots(ctx: Context) -> list[datetime]:
    """Likely times for a call: the next two working days, at 10 and at 14."""
    today = ctx.now.astimezone(DISPLAY_TZ).date()
    days = [today + timedelta(days=d) for d in range(1, 6)]
    working = [d for d in days if d.weekday() < 5][:2]
    hours = [time(h) for h in SLOT_HOURS]
    return [on_day(d, h) for d, h in zip(working, hours, strict=False)]


def _ask_time(ctx: Context, question: str) -> None:
    _ = ctx._
    slots = [Button(f"at:{when:%Y-%m-%dT%H:%M}", say(ctx, when)) for when in _slots(ctx)]
    ctx.reply(
        question + "\n" + _("Write the day and time, like “Tuesday 14:00” or “8/12 2 pm”, or:"),
        [[slot] for slot in slots] + [[Button("case:view", _("Back"))]],
    )


async def start_booking(ctx: Context, event: InboundEvent) -> StateResult:
    """Ask when the next follow-up call is to be held (or moved to)."""
    _ = ctx._
    found = await found_case(ctx, Access.HANDLER)
    if found is None:
        return await gone(ctx)
    report, _access = found
    chosen = 0 if event.button == "case:book" else int(ctx.data.get("book") or 0)
    number = chosen or next_call(await CallRepo(ctx.session, ctx.keyring).log(ctx.viewer, report))
    if number == 0 or report.status is not ReportStatus.SUBMITTED:
        return await show_case(ctx)
    ctx.data["book"], ctx.data["day"] = number, None
    who = await name_of(ctx, report.reporter_id)
    _ask_time(ctx, _("When is follow-up call {n} with {name}?").format(n=number, name=who))
    return Case.BOOK


def _passed(ctx: Context, said: str) -> str:
    """Say that a moment has passed; the moment opens the sentence, so it gets a capital."""
    text = ctx._("{when} has already been. Write a day and time to come.").format(when=said)
    return text[:1].upper() + text[1:]


def _read_time(ctx: Context, event: InboundEvent) -> tuple[datetime | None, str | None]:
    """Return the time chosen or typed, or None and what to say: not understood, no time,
    or gone already. A day without a time is kept in ``ctx.data["day"]``."""
    _ = ctx._
    if event.button.startswith("at:"):
        try:
            local = datetime.fromisoformat(event.button.removeprefix("at:"))
        except ValueError:
            return None, _("Please choose one of the buttons below.")
        return local.replace(tzinfo=DISPLAY_TZ), None
    moment = dates.coming(event.text, ctx.now, ctx.locale)
    today = ctx.now.astimezone(DISPLAY_TZ).date()
    kept = ctx.data.get("day")
    if moment is not None and kept and moment.day == today and moment.time is not None:
        moment = dates.Moment(date.fromisoformat(str(kept)), moment.time)  # "14:00" after a day
    if moment is None:
        return None, _(
            "I did not understand the day. Write it like “Tuesday 14:00” or “8/12 2 pm”."
        )
    if moment.day < today:
        said = dates.say_day(moment.day, ctx.now, ctx.locale, weekday=True)
        return None, _passed(ctx, said)
    if moment.time is None:
        ctx.data["day"] = moment.day.isoformat()
        said = dates.say_day(moment.day, ctx.now, ctx.locale, weekday=True)
        return None, _("At what time on {day}? Write it like “14:00”.").format(day=said)
    return dates.starts_at(moment), None


async def book_call(ctx: Context, event: InboundEvent) -> StateResult:
    """Book the call: keep the time, plan the reminders, tell the targeted person."""
    _ = ctx._
    found = await found_case(ctx, Access.HANDLER)
    if found is None:
        return await gone(ctx)
    report, _access = found
    when, problem = _read_time(ctx, event)
    if when is not None and when <= ctx.now:
        problem = _passed(ctx, say(ctx, when))
    if when is None or problem:
        ctx.reply(problem or _("Please choose one of the buttons below."))
        ctx.again()
        return None
    number = int(ctx.data.get("book") or 1)
    calls = CallRepo(ctx.session, ctx.keyring)
    moved = any(e.number == number and e.planned_for for e in await calls.log(ctx.viewer, report))
    await calls.book(ctx.viewer, report, number, when, ctx.now)
    quiet = await quiet_hours_of(ctx.session, report.municipality_id)
    reminders = await plan_reminders(ctx, report, number, when, quiet)
    who = await name_of(ctx, report.reporter_id)
    lines = [
        _("Booked: follow-up call {n} with {name}, {when}.").format(
            n=number, name=who, when=say(ctx, when)
        )
    ]
    if len(reminders) == 2:
        lines.append(_("I will remind you that morning and an hour before."))
    elif reminders:
        lines.append(_("I will remind you {when}.").format(when=say(ctx, reminders[0])))
    if report.reporter_id is not None and report.reporter_id != ctx.person.id:
        _tell_reporter(ctx, report, number, moved, quiet)
        lines.append(_("{name} is told the time.").format(name=who))
    AuditRepo(ctx.session).record(
        ctx.person.handle, "call_booked", report.ref, report.municipality_id, ctx.now, report=report
    )
    ctx.data["book"] = ctx.data["day"] = None
    ctx.reply("\n".join(lines))
    return await show_case(ctx)


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


def _tell_reporter(ctx: Context, report: Report, number: int, moved: bool, quiet: str) -> None:
    """Tell the targeted person the call's time now, or when the quiet hours end."""
    if report.reporter_id is None:
        return
    payload = {"report": report.id, "n": number, "by": ctx.person.id, "moved": moved}
    if not is_quiet(ctx.now, quiet):
        ctx.notify(report.reporter_id, FOLLOWUP_BOOKED, payload, ROUTINE)
        return
    due = out_of_quiet_hours(ctx.now, quiet)
    TimerRepo(ctx.session).schedule(FOLLOWUP_TELL, f"{report.id}:{number}", due, payload)


# --- moving a check-in or a reminder -----------------------------------------------------------


def _kinds(access: Access) -> frozenset[str]:
    return CHECKIN_KINDS if access is Access.OWN else REMINDER_KINDS


async def start_move(ctx: Context, event: InboundEvent) -> StateResult:
    """Ask when the next check-in (the targeted person) or reminder (the contact) should come."""
    _ = ctx._
    found = await found_case(ctx, Access.OWN)
    if found is None:
        return await gone(ctx)
    report, access = found
    if access not in (Access.OWN, Access.HANDLER):
        return await show_case(ctx)
    upcoming = await CallRepo(ctx.session, ctx.keyring).upcoming(ctx.viewer, report, _kinds(access))
    if not upcoming or report.status is not ReportStatus.SUBMITTED:
        return await show_case(ctx)
    ctx.data["day"] = None
    when = say(ctx, upcoming[0].due_at)
    if access is Access.OWN:
        question = _("Your next check-in is {when}. When should I write to you instead?")
    else:
        question = _("Your next reminder is {when}. When should it come instead?")
    ctx.reply(
        question.format(when=when) + "\n" + _("Write the day and time, like “Friday 10:00”, or:"),
        [
            [Button("move:1", _("A day later")), Button("move:7", _("A week later"))],
            [Button("case:view", _("Back"))],
        ],
    )
    return Case.MOVE


async def move_to(ctx: Context, event: InboundEvent) -> StateResult:
    """Move the next check-in or reminder; outside the quiet hours, and say when it comes."""
    _ = ctx._
    found = await found_case(ctx, Access.OWN)
    if found is None:
        return await gone(ctx)
    report, access = found
    calls = CallRepo(ctx.session, ctx.keyring)
    kinds = _kinds(access)
    upcoming = await calls.upcoming(ctx.viewer, report, kinds)
    if not upcoming or access not in (Access.OWN, Access.HANDLER):
        return await show_case(ctx)
    if event.button.startswith("move:") and event.button[5:].isdigit():
        when: datetime | None = upcoming[0].due_at + timedelta(days=int(event.button[5:]))
        problem = None
    else:
        today = ctx.now.astimezone(DISPLAY_TZ).date()
        moment = dates.coming(event.text, ctx.now, ctx.locale) if event.text else None
        if moment is not None and moment.time is None and moment.day >= today:
            # a day without a time: at the time of day it was planned for
            clock = upcoming[0].due_at.astimezone(DISPLAY_TZ).time()
            when, problem = datetime.combine(moment.day, clock, DISPLAY_TZ), None
        else:
            when, problem = _read_time(ctx, event)
    if when is not None and when <= ctx.now:
        problem = _passed(ctx, say(ctx, when))
    if when is None or problem:
        ctx.reply(problem or _("Please choose one of the buttons below."))
        ctx.again()
        return None
    quiet = await quiet_hours_of(ctx.session, report.municipality_id)
    moved = out_of_quiet_hours(when, quiet)
    await calls.move_next(ctx.viewer, report, kinds, moved, ctx.now)
    start, end = quiet_span(quiet)
    lines = []
    if moved != when:
        quiet_line = (
            _("I don't write to you between {start} and {end}.")
            if access is Access.OWN
            else _("I send no reminders between {start} and {end}.")
        )
        lines.append(quiet_line.format(start=f"{start:%H}", end=f"{end:%H}"))
    if access is Access.OWN:
        lines.append(_("Moved. Your next check-in: {when}").format(when=say(ctx, moved)))
    else:
        lines.append(_("Moved. Your next reminder: {when}").format(when=say(ctx, moved)))
    ctx.data["day"] = None
    ctx.reply("\n".join(lines))
    return await show_case(ctx)
