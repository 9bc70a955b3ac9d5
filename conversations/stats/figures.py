"""The figures of a period, from the counted cases: per month, kind, channel, category,
police report and time to first take. Every count is a storage.stats.Cell, so a small
one is shown as "< 3" wherever it goes (text, chart)."""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from conversations.i18n import DISPLAY_TZ
from conversations.packs import PackLibrary
from conversations.stats import ptu
from conversations.stats.periods import Period
from storage.stats import SMALL, CaseFacts, Cell, tally, withhold

UNKNOWN_CATEGORY = "unknown"
YES, NO = "yes", "no"
DECIDED = "decided"  # a police report chosen in the report, not yet confirmed in the checklist
NOT_KNOWN = "unknown"  # neither: the checklist does not say yet, and none was chosen


def month_of(case: CaseFacts) -> date:
    """The month the case was sent in, in Stockholm."""
    return case.submitted_at.astimezone(DISPLAY_TZ).date().replace(day=1)


def kinds_of(case: CaseFacts) -> frozenset[str]:
    """Every PTU category the case names."""
    return ptu.categories_of(case.choices)


def stacked_under(case: CaseFacts) -> str:
    """The one category the chart stacks the case under (its most serious)."""
    return ptu.most_serious(kinds_of(case))


def police_state(case: CaseFacts) -> str:
    """Whether the incident was reported to the police: YES once the checklist says it was
    made, NO once it says it was not; DECIDED while only the report says a police report was
    decided on (an intention, not yet a report); else NOT_KNOWN (an unanswered question is
    not a no)."""
    if case.checked_yes & ptu.POLICE_CHECKS:
        return YES
    if case.checked_no & ptu.POLICE_CHECKS:
        return NO
    return DECIDED if ptu.POLICE_MEASURE in case.measures else NOT_KNOWN


def whole_minutes(span: timedelta) -> int:
    """A time to first take in whole minutes, by one rule wherever it is said (the chat, the
    console, `trygg stats`, the CSV): to the nearest minute, a half up, and at least 1 above
    zero (a take within seconds is not "0 minutes")."""
    if span <= timedelta(0):
        return 0
    return max(1, nearest(span / timedelta(minutes=1)))


def nearest(value: float) -> int:
    """To the nearest whole number, a half up (round() goes to the even: 4.5 -> 4)."""
    return math.floor(value + 0.5)


def category_of(case: CaseFacts) -> str:
    return case.category or UNKNOWN_CATEGORY


def channel_ids(packs: PackLibrary) -> frozenset[str]:
    """Every channel id any pack offers (the answers mix kinds and channels)."""
    return frozenset(c.id for pack in packs.packs.values() for c in pack.channels)


@dataclass(slots=True)
class Figures:
    """What /statistik and the chart show for one period."""

    period: Period
    total: Cell
    monthly: dict[date, dict[str, Cell]]  # month -> stacked category -> cases
    kinds: dict[str, Cell]  # PTU category -> cases naming it
    channels: dict[str, Cell]  # channel id -> cases
    categories: dict[str, Cell]  # party / assignment / internal / unknown -> cases
    police: dict[str, Cell]  # yes / decided / no / unknown -> cases
    taken: Cell = field(default_factory=Cell)  # cases whose first alert was taken
    median_take: timedelta | None = None  # None: nobody took one, or too few to show

    @property
    def median_hidden(self) -> bool:
        """The median of one or two cases the viewer may not read would tell their times."""
        return self.taken.hidden

    def partitions(self) -> list[list[Cell]]:
        """The counts that add up to the total, each case in one of them (a case may name
        several kinds and channels, so those do not)."""
        months = [cell for cells in self.monthly.values() for cell in cells.values()]
        return [list(self.categories.values()), list(self.police.values()), months]

    def cells(self) -> list[Cell]:
        """Every count the summary shows."""
        groups = [self.kinds, self.channels, self.categories, self.police]
        return [self.total, self.taken, *(cell for group in groups for cell in group.values())]

    def any_hidden(self) -> bool:
        """Whether the summary shows a "< 3"."""
        return any(cell.hidden for cell in self.cells())

    def any_withheld(self) -> bool:
        """Whether the summary leaves a count out so that a "< 3" stays unknown."""
        return any(cell.withheld for cell in self.cells())


def figures(facts: Iterable[CaseFacts], period: Period, channels: frozenset[str]) -> Figures:
    """Count the cases of a period."""
    cases = list(facts)
    total = Cell()
    for case in cases:
        total.add(case.readable)
    monthly: dict[date, dict[str, Cell]] = {month: {} for month in period.months}
    for case in cases:
        month = monthly.setdefault(month_of(case), {})
        month.setdefault(stacked_under(case), Cell()).add(case.readable)
    taken = [c for c in cases if c.first_take is not None]
    taken_cell = Cell()
    for case in taken:
        taken_cell.add(case.readable)
    median = None
    if taken and not taken_cell.hidden:
        median = timedelta(
            seconds=statistics.median(
                c.first_take.total_seconds() for c in taken if c.first_take is not None
            )
        )
    figs = Figures(
        period=period,
        total=total,
        monthly=monthly,
        kinds=tally(cases, kinds_of),
        channels=tally(cases, lambda c: c.choices & channels),
        categories=tally(cases, lambda c: (category_of(c),)),
        police=tally(cases, lambda c: (police_state(c),)),
        taken=taken_cell,
        median_take=median,
    )
    for parts in figs.partitions():
        withhold(total, parts)
    return figs


__all__ = ["SMALL", "Figures", "figures"]
