"""A day typed for a follow-up call that nobody works on (a weekend, a holiday): said so in
one line, with the next working day offered and her own day kept if she wants it."""

from __future__ import annotations

from datetime import date

from babel.dates import format_date

from conversations import dates
from conversations.case.common import Case
from conversations.events import Button, InboundEvent
from conversations.flow import Context, StateResult
from conversations.report.typed import normalised
from conversations.schedule import holiday_name, working_day

OFF = "off_day"  # in ctx.data: the day off she typed, while she chooses
WORKING = "dayoff:next"  # the next working day instead
KEEP = "dayoff:keep"  # her day, as typed
TYPED = {  # typed instead of pressed
    **dict.fromkeys(("ja", "ja tack", "yes"), WORKING),
    **dict.fromkeys(("nej", "no", "behåll", "behåll dagen", "keep", "keep the day"), KEEP),
}


def what_day(ctx: Context, day: date) -> str:
    """Say what a day off is: "Torsdag 24 december är julafton.", "12 december är en lördag."."""
    _ = ctx._
    holiday = holiday_name(day, ctx.locale)
    if holiday is None and day.weekday() >= 5:  # a weekend: its weekday name
        weekday = format_date(day, "EEEE", locale=ctx.locale)
        said = _("{day} is a {weekday}.").format(
            day=dates.say_day(day, ctx.now, ctx.locale), weekday=weekday
        )
    else:
        whole = dates.say_day(day, ctx.now, ctx.locale, weekday=True)
        said = _("{day} is {holiday}.").format(day=whole, holiday=holiday or _("a holiday"))
    return said[:1].upper() + said[1:]


def ask_day_off(ctx: Context, number: int, day: date) -> StateResult:
    """Tell her the day typed for call ``number`` is a day off, and offer the next working
    day or her own day."""
    _ = ctx._
    ctx.data[OFF] = day.isoformat()
    worked = working_day(day)
    instead = dates.say_day(worked, ctx.now, ctx.locale, weekday=True)
    question = _("Would you rather plan call {n} for {day}?").format(n=number, day=instead)
    kept = dates.say_day(day, ctx.now, ctx.locale)
    ctx.reply(
        what_day(ctx, day) + "\n" + question,
        [
            [Button(WORKING, instead[:1].upper() + instead[1:])],
            [Button(KEEP, _("Keep {day}").format(day=kept))],
        ],
    )
    return Case.DAY_OFF


def day_chosen(ctx: Context, event: InboundEvent) -> date | None:
    """The day she chose after being told hers is a day off (pressed, or "ja"/"behåll"
    typed); None when she wrote something else (another day, perhaps)."""
    typed = ctx.data.get(OFF)
    choice = event.button or TYPED.get(normalised(event.text))
    if not typed or choice not in (WORKING, KEEP):
        return None
    day = date.fromisoformat(str(typed))
    return working_day(day) if choice == WORKING else day
