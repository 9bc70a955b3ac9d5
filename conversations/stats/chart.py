"""The statistics chart: cases per month, stacked by kind, as a PNG (matplotlib, Agg).

A count the viewer may not see ("< 3": storage.stats.Cell) is not drawn; its month is
marked "< 3" instead, and the footnote says so only then (a small count the viewer may read
is drawn like any other). A count left out so that a "< 3" cannot be worked out from the
total (storage.stats.withhold) is marked "..". The figure is built without pyplot: no
global state, safe to build for several people at once.
"""

from __future__ import annotations

import io
from collections.abc import Mapping

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from conversations.stats import ptu
from conversations.stats.figures import Figures
from conversations.stats.periods import month_label
from storage.stats import HIDDEN, WITHHELD

COLOURS = {
    ptu.VIOLENCE: "#b2182b",
    ptu.THREATS: "#ef8a62",
    ptu.DAMAGE: "#8c6d31",
    ptu.INFLUENCE: "#67a9cf",
    ptu.HARASSMENT: "#2166ac",
    ptu.UNSTATED: "#bdbdbd",
}
STACK = (*ptu.SEVERITY, ptu.UNSTATED)  # most serious at the bottom


def month_marks(figs: Figures) -> list[str]:
    """Per month of the chart, what its bar leaves out: "< 3", WITHHELD (so that a "< 3"
    stays unknown), both ("< 3, ..") or nothing ("")."""
    marks = []
    for cells in figs.monthly.values():
        left_out = [cell.shown() for cell in cells.values() if cell.secret]
        marks.append(", ".join(mark for mark in (HIDDEN, WITHHELD) if mark in left_out))
    return marks


def build(
    figs: Figures, title: str, labels: Mapping[str, str], axis: str, footnote: str, locale: str
) -> Figure:
    """Draw the chart; ``labels`` names each category, ``axis`` the y axis."""
    months = list(figs.monthly)
    figure = Figure(figsize=(9, 4.8), dpi=100)
    FigureCanvasAgg(figure)
    ax = figure.add_subplot()
    bottoms = [0] * len(months)
    for category in STACK:
        heights = []
        for month in months:
            cell = figs.monthly[month].get(category)
            heights.append(0 if cell is None or cell.secret else cell.n)
        if not any(heights):
            continue
        ax.bar(
            range(len(months)),
            heights,
            bottom=bottoms,
            color=COLOURS[category],
            label=labels[category][:1].upper() + labels[category][1:],
            width=0.75,
        )
        bottoms = [b + h for b, h in zip(bottoms, heights, strict=True)]
    for index, mark in enumerate(month_marks(figs)):
        if mark:
            ax.annotate(
                mark,
                (index, bottoms[index]),
                xytext=(0, 3),
                textcoords="offset points",
                ha="center",
                fontsize=8,
                color="#444444",
            )
    ticks = [month_label(m, locale, first=i == 0) for i, m in enumerate(months)]
    ax.set_xticks(range(len(months)), ticks, fontsize=8)
    ax.set_ylabel(axis)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_ylim(bottom=0, top=max([*bottoms, 1]) * 1.15 + 0.5)
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_title(title, fontsize=11, loc="left")
    if ax.get_legend_handles_labels()[0]:
        ax.legend(frameon=False, fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    figure.text(0.01, 0.01, footnote, fontsize=7, color="#444444")
    figure.tight_layout(rect=(0, 0.04, 1, 1))
    return figure


def png(figure: Figure) -> bytes:
    """The figure as PNG bytes."""
    out = io.BytesIO()
    figure.savefig(out, format="png", metadata={"Software": None})
    return out.getvalue()
