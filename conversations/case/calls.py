"""Booking a follow-up call, and moving a check-in or a reminder."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta

from conversations import dates
from conversations.case.common import Case, found_case, gone, on_case
from conversations.case.next_step import carry_on
from conversations.case.planned import ANYWAY
from conversations.case.view import show_case
from conversations.checkin_timing import asked_at
from conversations.desk import calls as desk
from conversations.desk.calls import passed
from conversations.desk.errors import Refused
from conversations.desk.notes import keep_note
from conversations.desk.words import call_anyway, next_call
from conversations.desk.words import card_name as name_of
from conversations.events import Button, InboundEvent
from conversations.flow import Context, StateResult
from conversations.followups import to_book
from conversations.i18n import DISPLAY_TZ
from conversations.schedule import is_day_off, on_day, working_day
from conversations.texts import choose_below
from storage.access import Access
from storage.calls import CallRepo
from storage.models import Report, ReportStatus, Timer

SLOT_HOURS = (10, 14)  # the times offered as buttons on the next working days


# --- booking a call --------------------------------------------------------------------------


def _slots(ctx: Context, planned: date | None = None) -> list[datetime]:
    """Likely times for a call: on the day it was planned for, at 10 and at 14; else the
    next two working days (no weekend, no holiday), at 10 and at 14."""
    hours = [time(h) for h in SLOT_HOURS]
    if planned is not None:
        on_it = [on_day(planned, h) for h in hours if on_day(planned, h) > ctx.now]
        if on_it:
            return on_it
    today = ctx.now.astimezone(DISPLAY_TZ).date()
    days = [today + timedelta(days=d) for d in range(1, 15)]  # over jul, 24–27 December are off
    working = [d for d in days if not is_day_off(d)][:2]
    return [on_day(d, h) for d, h in zip(working, hours, strict=False)]


def _ask_time(ctx: Context, question: str, planned: date | None = None) -> None:
    _ = ctx._
    slots = [
        Button(f"at:{when.astimezone(DISPLAY_TZ):%Y-%m-%dT%H:%M}", ctx.when(when))
        for when in _slots(ctx, planned)
    ]
    how = (
        _("Write the time, like “14:00”, or another day and time, or choose:")
        if planned is not None
        else _("Write the day and time, like “Tuesday 14:00” or “8/12 2 pm”, or:")
    )
    ctx.reply(
        question + "\n" + how,
        [[slot] for slot in slots] + [[Button("case:view", _("Back"))]],
    )


async def start_booking(ctx: Context, event: InboundEvent) -> StateResult:
    """Ask when the next follow-up call is to be held (or moved to)."""
    _ = ctx._
    found = await found_case(ctx, Access.HANDLER)
    if found is None:
        return await gone(ctx)
    report, _access = found
    log = await CallRepo(ctx.session, ctx.keyring).log(ctx.viewer, report)
    if event.action == ANYWAY:  # found not needed, and needed after all
        chosen = call_anyway(log)
    else:
        chosen = 0 if event.action == "case:book" else int(ctx.data.get("book") or 0)
    number = chosen or next_call(log)
    if number == 0 or report.status is not ReportStatus.SUBMITTED:
        return await show_case(ctx)
    ctx.data["book"], ctx.data["day"] = number, None
    who = await name_of(ctx, report.reporter_id)
    calls = await CallRepo(ctx.session, ctx.keyring).log(ctx.viewer, report)
    entry = next((e for e in calls if e.number == number and e.planned_day), None)
    today = ctx.now.astimezone(DISPLAY_TZ).date()
    if entry is not None and entry.planned_day is not None and entry.planned_day >= today:
        # planned for a day: "14:00" is a time on it
        ctx.data["day"] = entry.planned_day.isoformat()
        said = dates.say_day(entry.planned_day, ctx.now, ctx.locale, weekday=True)
        question = _(
            "Follow-up call {n} with {name} is planned for around {day}. At what time?"
        ).format(n=number, name=who, day=said)
        _ask_time(ctx, question, entry.planned_day)
        return Case.BOOK
    _ask_time(ctx, _("When is follow-up call {n} with {name}?").format(n=number, name=who))
    return Case.BOOK


def _read_time(ctx: Context, event: InboundEvent) -> tuple[datetime | None, str | None]:
    """Return the time chosen or typed, or None and what to say: not understood, no time,
    or gone already. A day without a time is kept in ``ctx.data["day"]``."""
    _ = ctx._
    if event.button.startswith("at:"):
        try:
            local = datetime.fromisoformat(event.button.removeprefix("at:"))
        except ValueError:
            return None, choose_below(ctx)
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
        return None, passed(ctx, said)
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
    report, access = found
    when, problem = _read_time(ctx, event)
    if when is not None and when <= ctx.now:
        problem = passed(ctx, ctx.when(when))
    if when is None or problem:
        ctx.reply(problem or choose_below(ctx))
        ctx.again()
        return None
    number = int(ctx.data.get("book") or 1)
    try:
        said = await desk.book_call(ctx, report, access, when, number)
        if _more_than_a_time(event.text):  # "onsdag kl 9.30, Lena vill att Bo är med"
            await keep_note(ctx, report, access, event.text)
            said += "\n" + _("I kept what you wrote as an internal note in the case.")
    except Refused as refused:
        return await carry_on(ctx, refused.message)
    ctx.data["book"] = ctx.data["day"] = None
    moved = on_case(report, "case:book", _("Move call {n}").format(n=number))  # as the card
    return await carry_on(ctx, said, again=moved)


def _more_than_a_time(typed: str) -> bool:
    """Whether typed words tell more than when (a clause after a comma, or a long message):
    those words are kept, not thrown away with the time read from them."""
    parts = re.split(r"[,;\n]", typed)
    return len(typed.split()) >= 7 or any(len(part.split()) >= 3 for part in parts[1:])


# --- moving a check-in or a reminder -----------------------------------------------------------


async def start_move(ctx: Context, event: InboundEvent) -> StateResult:
    """Ask when the next check-in (the targeted person) or reminder (the contact) should come."""
    _ = ctx._
    found = await found_case(ctx, Access.OWN)
    if found is None:
        return await gone(ctx)
    report, access = found
    if access not in (Access.OWN, Access.HANDLER):
        return await show_case(ctx)
    upcoming = await CallRepo(ctx.session, ctx.keyring).upcoming(
        ctx.viewer, report, desk.kinds_for(access)
    )
    if not upcoming or report.status is not ReportStatus.SUBMITTED:
        return await show_case(ctx)
    ctx.data["day"] = None
    when = ctx.when(await _comes_at(ctx, report, access, upcoming[0]))
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


async def _comes_at(ctx: Context, report: Report, access: Access, timer: Timer) -> datetime:
    """When the next check-in will be put to her (not moments after her words, nor around a
    call), or when the next reminder comes."""
    if access is Access.OWN:
        return await asked_at(ctx.session, ctx.keyring, timer, report, ctx.now)
    return timer.due_at


async def move_to(ctx: Context, event: InboundEvent) -> StateResult:
    """Move the next check-in or reminder; outside the quiet hours, and say when it comes."""
    _ = ctx._
    found = await found_case(ctx, Access.OWN)
    if found is None:
        return await gone(ctx)
    report, access = found
    upcoming = await CallRepo(ctx.session, ctx.keyring).upcoming(
        ctx.viewer, report, desk.kinds_for(access)
    )
    if not upcoming or access not in (Access.OWN, Access.HANDLER):
        return await show_case(ctx)
    if event.button.startswith("move:") and event.button[5:].isdigit():
        comes = await _comes_at(ctx, report, access, upcoming[0])
        when: datetime | None = comes + timedelta(days=int(event.button[5:]))
        if when is not None and to_book(upcoming[0].kind, upcoming[0].payload):
            # a reminder to book a call "a day later" than a Friday's: on Monday
            local = when.astimezone(DISPLAY_TZ)
            when = datetime.combine(working_day(local.date()), local.time(), DISPLAY_TZ)
        problem = None
    else:
        today = ctx.now.astimezone(DISPLAY_TZ).date()
        moment = dates.coming(event.text, ctx.now, ctx.locale) if event.text else None
        if moment is not None and moment.time is None and moment.day >= today:
            # a day without a time: in the part of the day she named ("fredag kväll"), else
            # at the time of day it was planned for
            planned = upcoming[0].due_at.astimezone(DISPLAY_TZ).time()
            clock = dates.STARTS[moment.part] if moment.part is not None else planned
            when, problem = datetime.combine(moment.day, clock, DISPLAY_TZ), None
        else:
            when, problem = _read_time(ctx, event)
    if when is not None and when <= ctx.now:
        problem = passed(ctx, ctx.when(when))
    if when is None or problem:
        ctx.reply(problem or choose_below(ctx))
        ctx.again()
        return None
    try:
        said = await desk.move_next(ctx, report, access, when)
    except Refused as refused:
        return await carry_on(ctx, refused.message)
    ctx.data["day"] = None
    label = _("Move the check-in") if access is Access.OWN else _("Move the reminder")
    return await carry_on(ctx, said, again=on_case(report, "case:move", label))  # as the card
