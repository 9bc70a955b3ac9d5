"""A "< 3" must not be worked out by subtraction: where a total and every other part of it
were shown, the hidden part was the total less the others ("Ärenden: 5 … polisanmälda: < 3,
uppgift saknas: 4" told that one case was reported). The parts that add up to the total
(category, police report, the chart's months) now leave out more until it cannot be."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from itertools import product

import pytest

from bot.app import App
from conversations.stats import view
from conversations.stats.figures import NOT_KNOWN, YES, Figures
from conversations.stats.periods import Period
from storage.stats import HIDDEN, WITHHELD, Cell, withhold
from tests.stats_seed import add_case, directory, seed
from tests.test_stats import counted, viewer_of

MARCH = Period(date(2026, 3, 1), date(2026, 3, 1))


def possible(total: str, parts: list[str]) -> list[set[int]]:
    """What a reader can tell each part is, from the counts as shown: every way the parts
    shown as "< 3" (1 or 2) and WITHHELD (at least 1) add up to the total."""
    whole = int(total)
    ranges = [
        [int(p)] if p not in (HIDDEN, WITHHELD) else [1, 2] if p == HIDDEN else range(1, whole + 1)
        for p in parts
    ]
    seen: list[set[int]] = [set() for _ in parts]
    for values in product(*ranges):
        if sum(values) == whole:
            for index, value in enumerate(values):
                seen[index].add(value)
    return seen


def cells(*counts: tuple[int, int]) -> list[Cell]:
    return [Cell(n, unreadable) for n, unreadable in counts]


@pytest.mark.parametrize(
    "counts",
    [
        [(1, 1), (4, 0), (0, 0), (0, 0)],  # one reported, four unknown
        [(2, 1), (8, 0)],
        [(1, 1), (2, 0)],
        [(1, 1), (1, 1), (1, 0)],  # three cases, each part 1: only the total can hide it
        [(1, 1), (1, 1), (5, 0), (9, 0)],  # two small ones adding up to 2 tell both
        [(2, 1), (2, 1), (7, 0)],
        [(1, 1), (2, 1), (6, 0)],  # 1 + 2 = 3 already leaves each free
        [(1, 0), (1, 1), (3, 0), (12, 0)],
    ],
)
def test_no_small_count_can_be_worked_out_from_the_total(counts: list[tuple[int, int]]) -> None:
    parts = cells(*counts)
    total = Cell(sum(c.n for c in parts), sum(c.unreadable for c in parts))
    withhold(total, parts)
    if total.withheld:  # nothing else would do
        assert total.shown() == WITHHELD and not total.hidden
        return
    after = possible(total.shown(), [c.shown() for c in parts])
    for cell, seen in zip(parts, after, strict=True):
        if cell.hidden:
            assert seen == {1, 2}, ([c.shown() for c in parts], seen)
    shown = [c for c in parts if not c.secret]
    assert all(c.shown() == str(c.n) for c in shown)


def test_the_smallest_part_is_left_out_and_no_more_than_needed() -> None:
    parts = cells((1, 1), (9, 0), (4, 0), (0, 0))
    withhold(Cell(14, 1), parts)
    assert [c.shown() for c in parts] == [HIDDEN, "9", WITHHELD, "0"]
    nothing_small = cells((3, 1), (4, 0))
    withhold(Cell(7, 1), nothing_small)
    assert [c.shown() for c in nothing_small] == ["3", "4"]


def test_a_hidden_total_needs_nothing_more_left_out() -> None:
    parts = cells((1, 1), (1, 0))
    total = Cell(2, 1)
    withhold(total, parts)
    assert total.shown() == HIDDEN and [c.shown() for c in parts] == [HIDDEN, "1"]


async def test_a_contact_who_may_not_read_a_case_cannot_subtract_its_police_report(
    demo_app: App,
) -> None:
    """Per (never alerted) read "Ärenden: 5", "Polisanmälda: < 3" and "uppgift saknas: 4"."""
    seeded = await directory(demo_app)
    march = datetime(2026, 3, 10, 9, tzinfo=UTC)
    await add_case(
        demo_app, seeded, submitted=march, kinds=("harassment",), checklist=(("3.1.3", "yes"),)
    )
    for hours in range(1, 5):
        await add_case(demo_app, seeded, submitted=march + timedelta(hours=hours))
    per = await counted(demo_app, viewer_of(seeded, "per"), MARCH)
    assert per.total.shown() == "5"
    assert per.police[YES].shown() == HIDDEN
    assert per.police[NOT_KNOWN].shown() == WITHHELD
    police = [per.police.get(k, Cell()).shown() for k in per.police]
    assert all(len(seen) > 1 for seen in possible("5", police))
    async with demo_app.db.unit_of_work() as session:
        scope = await view.scope_of(session, demo_app.packs, viewer_of(seeded, "per"))
    assert scope is not None
    sv = demo_app.catalogs.gettext("sv")
    text = view.summary(per, scope, "sv", sv, demo_app.catalogs.ngettext("sv"))
    assert "uppgift saknas: .." in text, text
    assert "”..”: utelämnat, så att ett ”< 3” inte kan räknas fram ur summan." in text, text
    figure = view.draw(per, scope, "sv", sv)  # the month: threats 4, harassment 1
    [note] = [t.get_text() for t in figure.axes[0].texts]
    assert note == "< 3, .."
    assert sum(bar.get_height() for bar in figure.axes[0].patches) == 0
    assert "”..”: utelämnat" in figure.texts[0].get_text()
    pia = await counted(demo_app, viewer_of(seeded, "pia"), MARCH)  # she may read all five
    assert pia.police[YES].shown() == "1" and pia.police[NOT_KNOWN].shown() == "4"


def partitions_shown(figs: Figures) -> list[list[str]]:
    return [[c.shown() for c in parts] for parts in figs.partitions()]


async def test_no_part_of_500_cases_can_be_worked_out_by_any_viewer(demo_app: App) -> None:
    seeded = await seed(demo_app, 500)
    for handle in ("sara", "pia", "per", "britt"):
        figs = await counted(demo_app, viewer_of(seeded, handle))
        if figs.total.secret:
            continue
        for shown in partitions_shown(figs):
            unknown = [p for p in shown if p in (HIDDEN, WITHHELD)]
            known = sum(int(p) for p in shown if p not in (HIDDEN, WITHHELD))
            rest = figs.total.n - known
            for index, part in enumerate(shown):
                if part != HIDDEN:
                    continue
                others = unknown.copy()
                others.remove(HIDDEN)
                least = len(others)  # each at least 1: a part left out is never a 0
                most = sum(2 if other == HIDDEN else rest for other in others)
                for mine in (1, 2):  # each value must leave the others a way to add up
                    assert least <= rest - mine <= most, (handle, index, shown)
