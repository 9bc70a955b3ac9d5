"""/statistik (/stats): the municipal unit's or party contact's cases of a period, counted.

The person chooses a period (buttons with stable ids, or written: "2025", "mars–juni");
they get a short summary at once and the chart as a file, built when it is sent.
"""

from __future__ import annotations

from enum import StrEnum

from conversations.events import Button, FileRef, InboundEvent, Reply
from conversations.flow import END, Context, Flow, Input, StateResult
from conversations.stats import periods
from conversations.stats.periods import Period
from conversations.stats.view import CHART, file_name, gather, scope_of, summary
from conversations.texts import menu_buttons


class Stats(StrEnum):
    PERIOD = "period"


def _period_buttons(ctx: Context) -> list[list[Button]]:
    _ = ctx._
    last_year = periods.this_year(ctx.now).first.year - 1
    return [
        [Button(periods.THIS_YEAR, _("This year")), Button(periods.LAST_12, _("Last 12 months"))],
        [Button(f"{periods.YEAR}{last_year}", str(last_year))],
    ]


async def ask_period(ctx: Context, event: InboundEvent) -> StateResult:
    """Ask which period to count (or refuse kindly: statistics are for handlers)."""
    _ = ctx._
    scope = await scope_of(ctx.session, ctx.packs, ctx.viewer, ctx.locale)
    if scope is None:
        ctx.reply(
            _(
                "Statistics are for the municipal security unit and the party security "
                "contacts. If something has happened to you, I can help you report it."
            ),
            menu_buttons(ctx),
        )
        return END
    if event.text.strip():  # "/statistik 2025"
        return await typed(ctx, event)
    ctx.reply(
        "\n".join(
            [
                _("Statistics for {scope}. Which period?").format(scope=scope.name),
                _("Choose, or write a year or months, e.g. “2025” or “March–June 2026”."),
            ]
        ),
        _period_buttons(ctx),
    )
    return Stats.PERIOD


async def chosen(ctx: Context, event: InboundEvent) -> StateResult:
    """Count the period the button stands for."""
    period = periods.from_button(event.button, ctx.now)
    if period is None:
        ctx.reply(ctx._("There is no such choice here."))
        ctx.again()
        return None
    return await show(ctx, period)


async def typed(ctx: Context, event: InboundEvent) -> StateResult:
    """Read a written period, say what was understood, and count it."""
    _ = ctx._
    period = periods.read(event.text, ctx.now, ctx.locale)
    if period is None:
        ctx.reply(
            _(
                "I could not read a period in that. Write a year, e.g. “2025”, or months, "
                "e.g. “March–June 2026”."
            ),
            _period_buttons(ctx),
        )
        return Stats.PERIOD
    return await show(
        ctx, period, _("I read: {period}.").format(period=periods.say(period, ctx.locale))
    )


async def show(ctx: Context, period: Period, heard: str = "") -> StateResult:
    """The summary now; the chart as a file, made for the person when it is sent."""
    scope = await scope_of(ctx.session, ctx.packs, ctx.viewer, ctx.locale)
    if scope is None:
        return END
    figs = await gather(ctx.session, ctx.keyring, ctx.packs, ctx.viewer, period)
    ctx.reply(summary(figs, scope, ctx.locale, ctx._, ctx.ngettext, heard))
    if figs.total.n:
        chart = FileRef("", "photo", file_name(period), made=CHART, spec=period.spec())
        ctx.replies.append(Reply(ctx._("Cases per month, by kind."), file=chart))
    return END


FLOW = Flow(
    name="stats",
    states=Stats,
    entry=ask_period,
    table={Stats.PERIOD: {"stats:*": chosen, Input.TEXT: typed}},
)
