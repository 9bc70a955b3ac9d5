"""Statistics as a viewer reads them: whose they are, the short summary and the chart file.

Shared by /statistik (the summary, at once) and the chart file (built when the reply is
sent, for the person as they are then: bot.outfiles calls :func:`chart_file`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta

from matplotlib.figure import Figure
from sqlalchemy.ext.asyncio import AsyncSession

from conversations.i18n import N_, place_name
from conversations.packs import Pack, PackLibrary
from conversations.stats import chart, ptu
from conversations.stats.figures import (
    DECIDED,
    NO,
    NOT_KNOWN,
    YES,
    Figures,
    channel_ids,
    figures,
    nearest,
    whole_minutes,
)
from conversations.stats.periods import Period, say
from storage.access import keeps_statistics
from storage.crypto import Keyring
from storage.directory import PlaceName
from storage.models import Municipality, Party, Role
from storage.stats import HIDDEN, WITHHELD, Cell, StatsRepo
from storage.viewer import Viewer

CHART = "stats-chart"
"""The kind of made file (events.FileRef.made) that is this chart."""

HIDDEN_NOTE = N_("“< 3”: one or two cases, and you may not read all of them.")
WITHHELD_NOTE = N_("“..”: left out, so that a “< 3” cannot be worked out from the total.")

Gettext = Callable[[str], str]
Ngettext = Callable[[str, str, int], str]


@dataclass(frozen=True, slots=True)
class Scope:
    """Whose statistics: the viewer's municipality, and their party there if they have one."""

    municipality: str
    party: str | None
    pack: Pack

    @property
    def name(self) -> str:
        return f"{self.municipality}, {self.party}" if self.party else self.municipality


async def scope_of(
    session: AsyncSession, packs: PackLibrary, viewer: Viewer, locale: str = "sv"
) -> Scope | None:
    """The viewer's scope, named in their language (None: their role keeps no statistics)."""
    if not keeps_statistics(viewer) or viewer.municipality_id is None:
        return None
    municipality = await session.get(Municipality, viewer.municipality_id)
    if municipality is None:
        return None
    party = None
    if viewer.party_id is not None and viewer.role is Role.PARTY_SECURITY:
        found = await session.get(Party, viewer.party_id)
        party = found.name if found is not None else None
    named = place_name(locale, PlaceName.of(municipality))
    return Scope(named, party, packs.get(municipality.pack))


async def gather(
    session: AsyncSession, keyring: Keyring, packs: PackLibrary, viewer: Viewer, period: Period
) -> Figures:
    """Count the viewer's cases of the period."""
    start, end = period.bounds()
    facts = await StatsRepo(session, keyring).cases(viewer, start, end)
    return figures(facts, period, channel_ids(packs))


def span(minutes: int, ngettext: Ngettext) -> str:
    """A time span as language.md says it: 25 minutes, 3 hours, 2 days (each to the
    nearest, a half up, like :func:`figures.whole_minutes`)."""
    if minutes < 120:
        return ngettext("{n} minute", "{n} minutes", minutes).format(n=minutes)
    hours = nearest(minutes / 60)
    if hours < 48:
        return ngettext("{n} hour", "{n} hours", hours).format(n=hours)
    days = nearest(minutes / 60 / 24)
    return ngettext("{n} day", "{n} days", days).format(n=days)


def median_span(median: timedelta, ngettext: Ngettext) -> str:
    """The median time to first take as it is said everywhere: "1 minute", "5 hours"."""
    return span(whole_minutes(median), ngettext)


def in_list(label: str) -> str:
    """A label inside a list: "e-post", "sms/mms", "partiet" ("SMS/MMS" stays as it is)."""
    return label if label[1:2].isupper() else label[:1].lower() + label[1:]


def _listing(cells: Mapping[str, Cell], order: list[tuple[str, str]]) -> str:
    """ "hot 12, trakasserier < 3, våld 0": every label in order, with its count."""
    return ", ".join(f"{label} {cells.get(key, Cell()).shown()}" for key, label in order)


def summary(
    figs: Figures, scope: Scope, locale: str, _: Gettext, ngettext: Ngettext, heard: str = ""
) -> str:
    """The short text that goes with the chart (``heard``: a first line saying which period
    was read from what the person wrote)."""
    lines = [heard] if heard else []
    lines.append(
        _("Statistics for {scope}, {period}").format(
            scope=scope.name, period=say(figs.period, locale)
        )
    )
    if figs.total.n == 0:
        lines.append(_("No cases were sent in this period."))
        return "\n".join(lines)
    lines.append(_("Cases: {n}").format(n=figs.total.shown()))
    shown = ptu.labels_for(frozenset(k.id for k in scope.pack.kinds))
    kinds = [(k, _(label)) for k, label in shown.items() if k != ptu.UNSTATED]
    lines.append(_("• Kind: {counts}").format(counts=_listing(figs.kinds, kinds)))
    channels = [(c.id, in_list(c.shown(locale, neutral=True))) for c in scope.pack.channels]
    lines.append(_("• How it came: {counts}").format(counts=_listing(figs.channels, channels)))
    categories = [(c.id, in_list(c.shown(locale, neutral=True))) for c in scope.pack.categories]
    lines.append(_("• Category: {counts}").format(counts=_listing(figs.categories, categories)))
    lines.append(
        _(
            "• Reported to the police: {yes}, decided but not confirmed: {decided}, "
            "not reported: {no}, not known: {unknown}"
        ).format(
            yes=figs.police.get(YES, Cell()).shown(),
            decided=figs.police.get(DECIDED, Cell()).shown(),
            no=figs.police.get(NO, Cell()).shown(),
            unknown=figs.police.get(NOT_KNOWN, Cell()).shown(),
        )
    )
    if figs.median_hidden:
        lines.append(_("• Time to first take: not shown, too few cases"))
    elif figs.median_take is None:
        lines.append(_("• Time to first take: no alert has been taken"))
    else:
        said = median_span(figs.median_take, ngettext)
        lines.append(_("• Time to first take (median): {span}").format(span=said))
    lines.append(_("A case can be of several kinds, and come in several ways."))
    if figs.any_hidden():
        lines.append(_(HIDDEN_NOTE))
    if figs.any_withheld():
        lines.append(_(WITHHELD_NOTE))
    return "\n".join(lines)


def title(figs: Figures, scope: Scope, locale: str, _: Gettext) -> str:
    """The chart's title: whose, what, when."""
    return _("{scope}: cases per month by kind, {period}").format(
        scope=scope.name, period=say(figs.period, locale)
    )


def draw(figs: Figures, scope: Scope, locale: str, _: Gettext) -> Figure:
    """The chart as a matplotlib figure (tests read its title)."""
    shown = ptu.labels_for(frozenset(k.id for k in scope.pack.kinds))
    labels = {k: _(shown.get(k, label)) for k, label in ptu.LABELS.items()}
    return chart.build(
        figs,
        title(figs, scope, locale, _),
        labels,
        _("Cases"),
        footnote(figs, _),
        locale,
    )


def footnote(figs: Figures, _: Gettext) -> str:
    """The chart's footnote: "< 3" is explained only where a month shows it."""
    notes = [_("Each case is counted once, under its most serious kind.")]
    marks = " ".join(chart.month_marks(figs))
    if HIDDEN in marks:
        notes.append(
            _(
                "“< 3”: one or two cases of a kind that month, and you may not read all of "
                "them; they are left out."
            )
        )
    if WITHHELD in marks:
        notes.append(_(WITHHELD_NOTE))
    return " ".join(notes)


def file_name(period: Period) -> str:
    return f"statistik-{period.first:%Y-%m}-{period.last:%Y-%m}.png"


async def chart_file(
    session: AsyncSession,
    keyring: Keyring,
    packs: PackLibrary,
    viewer: Viewer,
    spec: Mapping[str, str],
    locale: str,
    gettext: Gettext,
) -> bytes | None:
    """Build the chart PNG for the viewer as they are now (None: they keep no statistics
    any more, or the spec is not a period)."""
    period = Period.from_spec(dict(spec))
    scope = await scope_of(session, packs, viewer, locale)
    if period is None or scope is None:
        return None
    figs = await gather(session, keyring, packs, viewer, period)
    return chart.png(draw(figs, scope, locale, gettext))
