"""The day a follow-up call is planned for, with no time booked yet: read from what was
typed (a day nobody works on is asked about), planned from the case, and moved, taken away
or found not needed once planned."""

from __future__ import annotations

from datetime import date, timedelta

from conversations import dates
from conversations.case.calls import book_call
from conversations.case.common import Case, found_case, gone, keep_typed, on_case
from conversations.case.day_off import ask_day_off, day_chosen
from conversations.case.next_step import carry_on
from conversations.case.planned import MOVE_DAY, day_button
from conversations.case.view import show_case
from conversations.desk import followup as desk
from conversations.desk.errors import Refused
from conversations.desk.words import card_name as name_of
from conversations.desk.words import next_call
from conversations.events import Button, InboundEvent
from conversations.flow import Context, StateResult
from conversations.i18n import DISPLAY_TZ
from conversations.report.typed import normalised
from conversations.schedule import is_day_off, working_day
from storage.access import Access
from storage.calls import CallRepo
from storage.models import Report, ReportStatus

NOTE_WORDS = 5  # words: this many where a day was asked, and no day in them: kept as a note
MOVE = MOVE_DAY  # the card's button: change the day of the next call
DROP = {  # typed instead of pressed
    "ta bort": "drop",
    "ta bort dagen": "drop",
    "ingen dag": "drop",
    "ingen dag än": "drop",
    "no day yet": "drop",
    "remove": "drop",
    "remove the day": "drop",
    "no day": "drop",
    "behövs inte": "none",
    "inte nödvändigt": "none",
    "not needed": "none",
}


def move_button(ctx: Context, report: Report, number: int) -> Button:
    """The card's button to change the day call ``number`` is planned for."""
    return day_button(ctx, report, number)


async def day_typed(
    ctx: Context, event: InboundEvent, number: int
) -> tuple[date | None, StateResult]:
    """Read the day typed for call ``number`` ("tisdag", 20/12, "om en vecka": the next
    working day). None and the next state when it is not a day to plan: a time said books
    the call at once, "i dag" asks the time, a day nobody works on ("24/12", "lördag") asks
    whether the next working day is better, and nothing to come asks again (long words kept
    as a note)."""
    _ = ctx._
    today = ctx.now.astimezone(DISPLAY_TZ).date()
    moment = dates.coming(event.text, ctx.now, ctx.locale)
    if moment is not None and moment.time is not None:  # a time said: booked at once
        ctx.data["book"], ctx.data["day"] = number, None
        return None, await book_call(ctx, event)
    day = dates.coming_day(event.text, ctx.now, ctx.locale)
    if day is None and moment is not None:  # "om en vecka", "nästa vecka": a working day
        day = working_day(moment.day)
    if day == today:  # "i dag": a call today has a time
        ctx.data["book"], ctx.data["day"] = number, today.isoformat()
        said = dates.say_day(today, ctx.now, ctx.locale, weekday=True)
        ctx.reply(
            _("At what time on {day}? Write it like “14:00”.").format(day=said),
            [[Button("case:view", _("Back"))]],
        )
        return None, Case.BOOK
    if day is None or day < today:
        ask = _("Write a day to come, like “Monday” or 20/12.")
        if len(event.text.split()) >= NOTE_WORDS:  # "Anna är bortrest, vi hörs när hon …"
            kept = await keep_typed(ctx, event.text.strip())
            ask = f"{kept}\n{ask}" if kept else ask
        ctx.reply(ask)
        ctx.again()
        return None, None
    if is_day_off(day):  # "24/12", "lördag": said so, with the next working day offered
        return None, ask_day_off(ctx, number, day)
    return day, None


async def _to_plan(ctx: Context, report: Report, number: int) -> tuple[bool, date | None]:
    """Whether call ``number`` (2 or 3) is the next, in an open case, with no time booked;
    and the day it is planned for, if any."""
    log = await CallRepo(ctx.session, ctx.keyring).log(ctx.viewer, report)
    if report.status is not ReportStatus.SUBMITTED or number < 2 or next_call(log) != number:
        return False, None
    entry = next((e for e in log if e.number == number), None)
    if entry is not None and entry.planned_for is not None:
        return False, None
    return True, entry.planned_day if entry is not None else None


async def start_day_move(ctx: Context, event: InboundEvent) -> StateResult:
    """Ask which day the next call, planned for a day, should be instead; or, with no day
    yet ("Ingen dag än"), which day it should be."""
    _ = ctx._
    found = await found_case(ctx, Access.HANDLER)
    if found is None:
        return await gone(ctx)
    report, _access = found
    number = next_call(await CallRepo(ctx.session, ctx.keyring).log(ctx.viewer, report))
    open_call, planned = await _to_plan(ctx, report, number)
    if not open_call:
        return await show_case(ctx)  # booked, documented or closed since
    ctx.data["fu"], ctx.data["day"] = number, None
    name = await name_of(ctx, report.reporter_id)
    how = _("Write the day, like “Friday” or 15/12, or:")
    not_needed = [Button("day:none", _("Call {n} is not needed").format(n=number))]
    if planned is None:
        question = _("Follow-up call {n} with {name} has no day yet. Which day should it be?")
        ctx.reply(
            question.format(n=number, name=name) + "\n" + how,
            [
                [Button("day:14", _("In 2 weeks")), Button("day:30", _("In a month"))],
                not_needed,
                [Button("case:view", _("Back"))],
            ],
        )
        return Case.DAY
    said = dates.say_day(planned, ctx.now, ctx.locale, weekday=True)
    question = _(
        "Follow-up call {n} with {name} is planned for around {day}. Which day should it be "
        "instead?"
    ).format(n=number, name=name, day=said)
    ctx.reply(
        question + "\n" + how,
        [
            [Button("day:1", _("A day later")), Button("day:7", _("A week later"))],
            [Button("day:drop", _("No day yet"))],
            not_needed,
            [Button("case:view", _("Back"))],
        ],
    )
    return Case.DAY


async def move_day(ctx: Context, event: InboundEvent) -> StateResult:
    """Plan the call for the day chosen or typed (a day or a week later: a working day),
    take its day away, or note that it is not needed."""
    _ = ctx._
    found = await found_case(ctx, Access.HANDLER)
    if found is None:
        return await gone(ctx)
    report, access = found
    number = int(ctx.data.get("fu") or 0)
    open_call, planned = await _to_plan(ctx, report, number)
    if not open_call:
        return await show_case(ctx)  # booked or documented meanwhile
    choice = event.button.removeprefix("day:") if event.button else DROP.get(normalised(event.text))
    today = ctx.now.astimezone(DISPLAY_TZ).date()
    day: date | None = None
    if choice and choice.isdigit():  # from the day planned, or today if that has gone
        day = working_day(max(planned or today, today) + timedelta(days=int(choice)))
    elif choice not in ("none", "drop"):
        day, state = await day_typed(ctx, event, number)
        if day is None:
            return state
    if choice == "drop":
        try:
            said = await desk.drop_day(ctx, report, access, number)
        except Refused as refused:
            said = refused.message
        # still to be booked: the card's buttons for it, to book a time or plan a day again
        book = on_case(report, "case:book", _("Book call {n}").format(n=number))
        return await carry_on(ctx, said, again=[book, day_button(ctx, report, number, False)])
    return await planned_on(ctx, report, access, number, day)


async def planned_on(
    ctx: Context, report: Report, access: Access, number: int, day: date | None
) -> StateResult:
    """Plan call ``number`` for ``day`` (None: not needed), and say so with the button to
    change the day."""
    try:
        said = await desk.plan_next(ctx, report, access, number, day)
    except Refused as refused:
        return await carry_on(ctx, refused.message)
    # the day can be changed at once, as a booked time can
    return await carry_on(ctx, said, again=move_button(ctx, report, number) if day else None)


async def day_off_chosen(ctx: Context, event: InboundEvent) -> StateResult:
    """Plan the call for the working day offered, or for the day off she typed and keeps; a
    day typed instead is read as any day typed for the call."""
    found = await found_case(ctx, Access.HANDLER)
    if found is None:
        return await gone(ctx)
    report, access = found
    number = int(ctx.data.get("fu") or 0)
    open_call, _planned = await _to_plan(ctx, report, number)
    if not open_call:
        return await show_case(ctx)  # booked, documented or closed since
    day = day_chosen(ctx, event)
    if day is None:
        day, state = await day_typed(ctx, event, number)
        if day is None:
            return state
    return await planned_on(ctx, report, access, number, day)
