"""Statistics in the console: the figures /statistik gives in the chat, as tables, the
chart as an image made for the person when asked, and the statistics file (CSV)."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.web.desk import signed_in
from bot.web.forms import form_of, refused
from bot.web.render import page
from conversations.flow import Context
from conversations.i18n import N_
from conversations.stats import periods, ptu
from conversations.stats.export import export_for
from conversations.stats.figures import DECIDED, NO, NOT_KNOWN, YES, Figures
from conversations.stats.periods import Period
from conversations.stats.view import Scope, chart_file, gather, median_span, scope_of
from storage.errors import NotFound
from storage.stats import Cell

BAD_PERIOD = N_("Choose the months as year and month, e.g. 2026-03, the first not after the last.")


@dataclass(frozen=True, slots=True)
class Table:
    """One table of the page: its heading, its caption and its (label, count) rows."""

    heading: str
    caption: str
    column: str
    rows: list[tuple[str, str]]


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def _cells(cells: dict[str, Cell], order: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [(_capital(label), cells.get(key, Cell()).shown()) for key, label in order]


def tables(ctx: Context, figs: Figures, scope: Scope) -> list[Table]:
    """The figures of the period as tables, in the order the chat's summary says them."""
    _, locale = ctx._, ctx.locale
    shown = ptu.labels_for(frozenset(k.id for k in scope.pack.kinds))
    kinds = [(k, _(label)) for k, label in shown.items() if k != ptu.UNSTATED]
    channels = [(c.id, c.shown(locale, neutral=True)) for c in scope.pack.channels]
    categories = [(c.id, c.shown(locale, neutral=True)) for c in scope.pack.categories]
    police = [
        (YES, _("Reported to the police")),
        (DECIDED, _("Decided, not confirmed")),
        (NO, _("Not reported")),
        (NOT_KNOWN, _("Not known")),
    ]
    if figs.median_hidden:
        median = _("Not shown, too few cases")
    elif figs.median_take is None:
        median = _("No alert has been taken")
    else:
        median = median_span(figs.median_take, ctx.ngettext)
    cases = _("Cases")
    return [
        Table(_("By kind"), _("Cases by kind"), cases, _cells(figs.kinds, kinds)),
        Table(_("How it came"), _("Cases by how it came"), cases, _cells(figs.channels, channels)),
        Table(_("By category"), _("Cases by category"), cases, _cells(figs.categories, categories)),
        Table(_("Police report"), _("Cases by police report"), cases, _cells(figs.police, police)),
        Table(
            _("Time to first take"),
            _("Time from the alert until someone took it"),
            _("Time"),
            [(_("Median"), median)],
        ),
    ]


def _asked(request: Request, ctx: Context) -> tuple[Period, bool]:
    """The period in the address (this year if none), and whether it could be read."""
    query = request.query_params
    if "from" not in query and "to" not in query:
        return periods.this_year(ctx.now), True
    spec = {"from": query.get("from", "")[:7], "to": query.get("to", "")[:7]}
    period = Period.from_spec(spec)
    counted = periods.within(period, ctx.now) if period is not None else None
    return (counted, True) if counted is not None else (periods.this_year(ctx.now), False)


def _query(period: Period) -> str:
    return urlencode(dict(period.spec()))


def _choices(ctx: Context) -> list[tuple[str, str]]:
    """Quick choices as links: (address, label)."""
    _ = ctx._
    last_year = periods.this_year(ctx.now).first.year - 1
    offered = [
        (periods.this_year(ctx.now), _("This year")),
        (periods.last_12(ctx.now), _("Last 12 months")),
        (periods.whole_year(last_year, ctx.now), str(last_year)),
    ]
    return [(f"/stats?{_query(p)}", label) for p, label in offered]


async def stats_page(request: Request) -> Response:
    """Show the person's statistics of the period asked for."""
    async with signed_in(request) as desk:
        ctx = desk.ctx
        scope = await scope_of(ctx.session, ctx.packs, ctx.viewer, ctx.locale)
        if scope is None:
            raise NotFound("statistics")
        period, understood = _asked(request, ctx)
        figs = await gather(ctx.session, ctx.keyring, ctx.packs, ctx.viewer, period)
        return page(
            request,
            desk,
            "stats.html",
            scope=scope.name,
            period=period,
            period_words=periods.say(period, ctx.locale),
            months={"from": f"{period.first:%Y-%m}", "to": f"{period.last:%Y-%m}"},
            latest=f"{periods.this_year(ctx.now).last:%Y-%m}",
            bad_period=None if understood else ctx._(BAD_PERIOD),
            choices=_choices(ctx),
            total=figs.total.shown(),
            empty=figs.total.n == 0,
            tables=tables(ctx, figs, scope),
            hidden=figs.any_hidden(),
            withheld=figs.any_withheld(),
            chart=f"/stats/chart.png?{_query(period)}",
        )


async def chart_png(request: Request) -> Response:
    """The chart of the period, made for the person now (404: not theirs to see)."""
    query = request.query_params
    spec = {"from": query.get("from", "")[:7], "to": query.get("to", "")[:7]}
    async with signed_in(request) as desk:
        ctx = desk.ctx
        period = Period.from_spec(spec)
        counted = periods.within(period, ctx.now) if period is not None else None
        if counted is None:
            raise NotFound("period")
        made = await chart_file(
            ctx.session,
            ctx.keyring,
            ctx.packs,
            ctx.viewer,
            dict(counted.spec()),
            ctx.locale,
            ctx._,
        )
        if made is None:
            raise NotFound("statistics")
    return Response(made, media_type="image/png")


async def stats_csv(request: Request) -> Response:
    """The statistics file of the period: what `trygg stats --csv` writes, for the person's
    own cases, recorded in the audit log."""
    form = await form_of(request)
    spec = {"from": form.get("from", "")[:7], "to": form.get("to", "")[:7]}
    async with signed_in(request, form) as desk:
        ctx = desk.ctx
        if await scope_of(ctx.session, ctx.packs, ctx.viewer, ctx.locale) is None:
            raise NotFound("statistics")
        period = Period.from_spec(spec)
        counted = periods.within(period, ctx.now) if period is not None else None
        if counted is None:
            message = ctx._(BAD_PERIOD)
        else:
            made = await export_for(
                ctx.session, ctx.keyring, ctx.packs, ctx.viewer, ctx.person.handle, counted, ctx.now
            )
    if counted is None:
        return await refused(request, message, "/stats")
    name = f"statistik-{counted.first:%Y-%m}-{counted.last:%Y-%m}.csv"
    return Response(
        made.text,
        media_type="text/csv; charset=utf-8",
        headers={"content-disposition": f'attachment; filename="{name}"'},
    )


ROUTES = [
    Route("/stats", stats_page),
    Route("/stats/chart.png", chart_png),
    Route("/stats/csv", stats_csv, methods=["POST"]),
]
