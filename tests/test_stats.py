"""Issue 20, statistics: counts through the access rule, "< 3" for small counts, internal
cases only for those who may access them, the chart PNG, and the CSV without names or text.

The big test seeds 500 cases (tests/stats_seed.py) and checks every count /statistik and the
chart use against a direct query of the tables, for the security unit, two party contacts
and the operator.
"""

from __future__ import annotations

import io
import os
import stat
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from statistics import median
from typing import Any

import pytest
from PIL import Image
from sqlalchemy import and_, exists, func, select

from bot import cli, cli_stats
from bot.app import App
from bot.outfiles import with_files
from conversations.events import Delivery, FileRef
from conversations.i18n import DISPLAY_TZ
from conversations.packs import PackLibrary
from conversations.stats import periods, ptu, view
from conversations.stats.export import COLUMNS, rows
from conversations.stats.figures import Figures, channel_ids, figures, police_state
from conversations.stats.periods import Period
from storage.models import (
    Alert,
    AlertRecipient,
    AuditEntry,
    ChecklistAnswer,
    Report,
    ReportStatus,
    Role,
)
from storage.stats import HIDDEN, CaseFacts, Cell, StatsRepo
from storage.trust import PeopleRepo
from storage.viewer import Viewer
from tests.conftest import Chat, FakeClock
from tests.stats_seed import SECRET_WHAT, TARGETED, Seeded, add_case, directory, seed

WHOLE = Period(date(2025, 1, 1), date(2026, 11, 1))
NOV = datetime(2026, 11, 22, 22, 0, tzinfo=UTC)


def viewer_of(seeded: Seeded, handle: str) -> Viewer:
    """The demo person's viewer, as the directory has them."""
    party = {"pia": "gp", "per": "gp", "britt": "bp"}.get(handle)
    role = Role.MUNICIPAL_SECURITY if handle == "sara" else Role.PARTY_SECURITY
    return Viewer(
        seeded.people[handle], role, seeded.sjovik, seeded.parties[party] if party else None
    )


async def counted(app: App, viewer: Viewer, period: Period = WHOLE) -> Figures:
    async with app.db.unit_of_work() as session:
        start, end = period.bounds()
        facts = await StatsRepo(session, app.keyring).cases(viewer, start, end)
    return figures(facts, period, channel_ids(app.packs))


async def expected(app: App, seeded: Seeded, handle: str | None) -> dict[str, Any]:
    """Every count, straight from the tables (no repository, no access module)."""
    person = seeded.people[handle] if handle else None
    alerted = exists(
        select(AlertRecipient.id)
        .join(Alert, Alert.id == AlertRecipient.alert_id)
        .where(
            Alert.report_id == Report.id,
            AlertRecipient.person_id == person,
            AlertRecipient.removed.is_(False),
            AlertRecipient.notified_at.is_not(None),
        )
    )
    where = [Report.status != ReportStatus.DRAFT]
    if handle is not None:
        where.append(Report.municipality_id == seeded.sjovik)
        viewer = viewer_of(seeded, handle)
        if viewer.party_id is not None:
            where.append(Report.party_id == viewer.party_id)
        where.append((Report.category.is_(None)) | (Report.category != "internal") | alerted)
    async with app.db.unit_of_work() as session:
        by_category = dict(
            (
                await session.execute(
                    select(Report.category, func.count()).where(*where).group_by(Report.category)
                )
            ).all()
        )
        rows = (
            await session.execute(
                select(
                    Report.id, Report.submitted_at, Report.answers, alerted.label("alerted")
                ).where(*where)
            )
        ).all()
        police_checks = {
            report_id: answer
            for report_id, answer in (
                await session.execute(
                    select(ChecklistAnswer.report_id, ChecklistAnswer.answer)
                    .where(ChecklistAnswer.item_id == "3.1.3")
                    .order_by(ChecklistAnswer.answered_at)
                )
            ).all()
        }
        takes = {
            report_id: (acked - created) if acked else None
            for report_id, created, acked in (
                await session.execute(
                    select(Alert.report_id, Alert.created_at, Alert.acknowledged_at).where(
                        Alert.kind == "report"
                    )
                )
            ).all()
        }
    kinds: Counter[str] = Counter()
    channels: Counter[str] = Counter()
    months: Counter[tuple[date, str]] = Counter()
    police = Counter[str]()
    unreadable = 0
    for report_id, _submitted, sealed, was_alerted in rows:
        answers = app.keyring.open_json(sealed, table="report", column="answers", row=report_id)
        chosen = set(answers["nature"]["choices"])
        named = {ptu.OF_KIND[k] for k in chosen if k in ptu.OF_KIND}
        kinds.update(named)
        channels.update(chosen - set(ptu.OF_KIND))
        submitted = _submitted if _submitted.tzinfo else _submitted.replace(tzinfo=UTC)
        month = submitted.astimezone(DISPLAY_TZ).date().replace(day=1)
        worst = next((c for c in ptu.SEVERITY if c in named), ptu.UNSTATED)
        months[(month, worst)] += 1
        decided = "police_report" in answers["measures"]["choices"]  # an intention only
        checked = police_checks.get(report_id)  # the checklist: it was made, or it was not
        police[
            "yes"
            if checked == "yes"
            else "no"
            if checked == "no"
            else "decided"
            if decided
            else "unknown"  # not answered yet: not a no
        ] += 1
        unreadable += 0 if (handle is None or was_alerted) else 1
    taken = [takes[r[0]] for r in rows if takes.get(r[0]) is not None]
    return {
        "total": len(rows),
        "unreadable": unreadable,
        "categories": by_category,
        "kinds": dict(kinds),
        "channels": dict(channels),
        "months": dict(months),
        "police": dict(police),
        "median": median(t.total_seconds() for t in taken) if taken else None,
    }


def counts(cells: dict[str, Cell]) -> dict[str, int]:
    return {k: c.n for k, c in cells.items() if c.n}


async def test_every_count_matches_a_direct_query_of_500_cases(demo_app: App) -> None:
    seeded = await seed(demo_app, 500)
    for handle in ("sara", "pia", "britt", None):
        viewer = viewer_of(seeded, handle) if handle else Viewer.operator()
        figs = await counted(demo_app, viewer)
        want = await expected(demo_app, seeded, handle)
        assert figs.total.n == want["total"] > 0, handle
        assert figs.total.unreadable == want["unreadable"], handle
        merged: Counter[str] = Counter()
        for key, value in want["categories"].items():
            merged[key or "unknown"] += value  # no category chosen counts as "don't know"
        assert counts(figs.categories) == dict(merged), handle
        assert counts(figs.kinds) == want["kinds"], handle
        assert counts(figs.channels) == want["channels"], handle
        assert counts(figs.police) == want["police"], handle
        monthly = {
            (month, kind): cell.n
            for month, cells in figs.monthly.items()
            for kind, cell in cells.items()
        }
        assert monthly == want["months"], handle
        got = figs.median_take.total_seconds() if figs.median_take else None
        assert got == want["median"], handle
    # the unit counts every case of its municipality, a party contact only their party's
    # (internal ones: each only where they may access it)
    sara = await counted(demo_app, viewer_of(seeded, "sara"))
    pia = await counted(demo_app, viewer_of(seeded, "pia"))
    britt = await counted(demo_app, viewer_of(seeded, "britt"))
    everyone = await counted(demo_app, Viewer.operator())

    def shared(figs: Figures) -> int:  # every case but the internal ones
        return figs.total.n - figs.categories.get("internal", Cell()).n

    assert shared(pia) + shared(britt) == shared(sara) < everyone.total.n == 500


async def test_a_small_count_is_hidden_unless_the_viewer_may_read_every_case_in_it(
    demo_app: App,
) -> None:
    seeded = await seed(demo_app, 500)
    for handle in ("sara", "pia"):
        figs = await counted(demo_app, viewer_of(seeded, handle))
        cells = [c for group in figs.monthly.values() for c in group.values()]
        cells += [*figs.kinds.values(), *figs.channels.values(), *figs.categories.values()]
        small = [c for c in cells if 0 < c.n < 3]
        assert small, "the seed should make some small cells"
        for cell in small:
            assert cell.shown() == (HIDDEN if cell.unreadable else str(cell.n))
        assert all(c.shown() == str(c.n) for c in cells if c.n >= 3 or c.n == 0)


async def test_two_cases_show_as_two_only_to_a_contact_who_may_read_both(demo_app: App) -> None:
    seeded = await directory(demo_app)
    march = datetime(2026, 3, 10, 9, tzinfo=UTC)
    for hours in (0, 5):
        await add_case(demo_app, seeded, submitted=march + timedelta(hours=hours))
    period = Period(date(2026, 3, 1), date(2026, 3, 1))
    pia = await counted(demo_app, viewer_of(seeded, "pia"), period)
    assert pia.total.shown() == "2"
    assert pia.kinds[ptu.THREATS].shown() == "2"
    per = await counted(demo_app, viewer_of(seeded, "per"), period)  # never alerted
    assert per.total.shown() == HIDDEN and per.kinds[ptu.THREATS].shown() == HIDDEN
    assert per.median_take is None  # one or two times would tell whose
    operator = await counted(demo_app, Viewer.operator(), period)
    assert operator.total.shown() == "2"
    async with demo_app.db.unit_of_work() as session:
        scope = await view.scope_of(session, demo_app.packs, viewer_of(seeded, "per"))
    assert scope is not None
    text = view.summary(per, scope, "en", lambda s: s, lambda s, p, n: s if n == 1 else p)
    assert "Cases: < 3" in text and "“< 3”" in text
    assert "2" not in text.replace("2026", "")


async def test_an_internal_case_does_not_reach_the_unit_when_it_was_left_out(
    demo_app: App,
) -> None:
    seeded = await directory(demo_app)
    may = datetime(2026, 5, 4, 9, tzinfo=UTC)
    for hours in range(4):
        await add_case(
            demo_app,
            seeded,
            submitted=may + timedelta(hours=hours),
            category="internal",
            recipients=("pia",),  # she chose Pia only: the unit was left out
        )
    await add_case(demo_app, seeded, submitted=may, category="assignment", recipients=("sara",))
    period = Period(date(2026, 5, 1), date(2026, 5, 1))
    sara = await counted(demo_app, viewer_of(seeded, "sara"), period)
    assert sara.total.n == 1 and "internal" not in sara.categories
    per = await counted(demo_app, viewer_of(seeded, "per"), period)  # same party, left out
    assert per.total.n == 1 and "internal" not in per.categories
    pia = await counted(demo_app, viewer_of(seeded, "pia"), period)
    assert pia.categories["internal"].n == 4
    operator = await counted(demo_app, Viewer.operator(), period)
    assert operator.total.n == 5


def test_every_kind_of_every_pack_has_a_bra_category() -> None:
    packs = PackLibrary()
    for pack in packs.packs.values():
        for kind in pack.kinds:
            assert kind.id in ptu.OF_KIND, (pack.id, kind.id)
    assert set(ptu.OF_KIND.values()) == set(ptu.CATEGORIES)


def test_a_period_is_read_from_buttons_and_words() -> None:
    now = datetime(2026, 12, 4, 12, tzinfo=UTC)
    assert periods.from_button(periods.THIS_YEAR, now) == Period(
        date(2026, 1, 1), date(2026, 12, 1)
    )
    assert periods.from_button(periods.LAST_12, now) == Period(date(2026, 1, 1), date(2026, 12, 1))
    assert periods.from_button("stats:year:2025", now) == Period(
        date(2025, 1, 1), date(2025, 12, 1)
    )
    assert periods.from_button("stats:year:2031", now) is None
    read = {
        "2025": (date(2025, 1, 1), date(2025, 12, 1)),
        "hela 2024": (date(2024, 1, 1), date(2024, 12, 1)),
        "i år": (date(2026, 1, 1), date(2026, 12, 1)),
        "i fjol": (date(2025, 1, 1), date(2025, 12, 1)),
        "mars 2026": (date(2026, 3, 1), date(2026, 3, 1)),
        "mars–juni 2026": (date(2026, 3, 1), date(2026, 6, 1)),
        "från oktober 2025 till mars 2026": (date(2025, 10, 1), date(2026, 3, 1)),
        "november till februari": (date(2025, 11, 1), date(2026, 2, 1)),
        "senaste 12 månaderna": (date(2026, 1, 1), date(2026, 12, 1)),
        "2026-01 till 2026-06": (date(2026, 1, 1), date(2026, 6, 1)),
    }
    for text, (first, last) in read.items():
        assert periods.read(text, now, "sv") == Period(first, last), text
    assert periods.read("last year", now, "en") == Period(date(2025, 1, 1), date(2025, 12, 1))
    assert periods.read("bananer", now, "sv") is None
    assert periods.read("2030", now, "sv") is None  # nothing has happened yet
    assert periods.say(Period(date(2026, 3, 1), date(2026, 6, 1)), "sv") == "mars–juni 2026"
    assert periods.say(Period(date(2025, 11, 1), date(2026, 2, 1)), "en") == (
        "November 2025–February 2026"
    )


@pytest.mark.parametrize(
    ("text", "locale", "first"),
    [
        ("senaste 3 månaderna", "sv", date(2026, 10, 1)),
        ("i två månader", "sv", date(2026, 11, 1)),  # was October alone
        ("tre månader", "sv", date(2026, 10, 1)),
        ("last 3 months", "en", date(2026, 10, 1)),  # was September alone
        ("senaste 6 mån", "sv", date(2026, 7, 1)),
        ("de senaste två åren", "sv", date(2025, 1, 1)),
        ("last 2 years", "en", date(2025, 1, 1)),
        ("senaste 99 månaderna", "sv", date(2022, 1, 1)),  # at most five years
    ],
)
def test_the_last_months_counted_back_end_this_month(text: str, locale: str, first: date) -> None:
    now = datetime(2026, 12, 4, 12, tzinfo=UTC)
    assert periods.read(text, now, locale) == Period(first, date(2026, 12, 1))


async def test_the_chart_is_a_png_with_the_expected_title(demo_app: App) -> None:
    seeded = await seed(demo_app, 500)
    sara = viewer_of(seeded, "sara")
    period = Period(date(2026, 1, 1), date(2026, 11, 1))
    async with demo_app.db.unit_of_work() as session:
        scope = await view.scope_of(session, demo_app.packs, sara)
        assert scope is not None
        figs = await view.gather(session, demo_app.keyring, demo_app.packs, sara, period)
    gettext = demo_app.catalogs.gettext("sv")
    figure = view.draw(figs, scope, "sv", gettext)
    title = figure.axes[0].get_title(loc="left")
    assert title == view.title(figs, scope, "sv", gettext)
    assert "Sjöviks kommun" in title and "januari–november 2026" in title
    image = Image.open(io.BytesIO(view.chart.png(figure)))
    image.verify()
    assert image.format == "PNG" and image.size == (900, 480)


async def test_the_chart_explains_a_hidden_count_only_where_one_is_left_out(
    demo_app: App,
) -> None:
    """The footnote "“< 3”: ett slag med ett eller två ärenden den månaden visas inte." stood
    under every chart, also under a bar of one case the viewer may read."""
    seeded = await directory(demo_app)
    await add_case(demo_app, seeded, submitted=datetime(2026, 3, 10, 9, tzinfo=UTC))
    period = Period(date(2026, 3, 1), date(2026, 4, 1))
    gettext = demo_app.catalogs.gettext("sv")
    for handle, hidden in (("pia", False), ("per", True)):  # Per was never alerted
        viewer = viewer_of(seeded, handle)
        async with demo_app.db.unit_of_work() as session:
            scope = await view.scope_of(session, demo_app.packs, viewer)
        assert scope is not None
        figure = view.draw(await counted(demo_app, viewer, period), scope, "sv", gettext)
        [note] = [t.get_text() for t in figure.texts]
        marks = [t.get_text() for t in figure.axes[0].texts]
        drawn = sum(bar.get_height() for bar in figure.axes[0].patches)
        assert note.startswith("Varje ärende räknas en gång, under sitt allvarligaste slag.")
        if hidden:
            assert HIDDEN in note and marks == [HIDDEN] and drawn == 0, (note, marks)
        else:
            assert HIDDEN not in note and marks == [] and drawn == 1, (note, marks)


async def test_the_chart_is_made_when_sent_and_only_for_who_keeps_statistics_then(
    demo_app: App, clock: FakeClock
) -> None:
    await seed(demo_app, 120)
    sara = Chat(demo_app, "sara")
    await sara.say("/statistik")
    await sara.press(periods.THIS_YEAR)
    chart = sara.last[-1]
    assert chart.file is not None and chart.file.made == view.CHART and chart.file.content is None
    assert FileRef.from_json(chart.file.to_json()) == chart.file  # kept with the conversation
    delivery = Delivery("console", "sara", list(sara.last), "sv")
    sent = await with_files(demo_app.db, demo_app.keyring, demo_app.catalogs, delivery)
    content = sent.replies[-1].file.content if sent.replies[-1].file else None
    assert content is not None and content.startswith(b"\x89PNG\r\n\x1a\n")
    Image.open(io.BytesIO(content)).verify()
    async with demo_app.db.unit_of_work() as session:
        await PeopleRepo(session).revoke("sara", clock())
    again = await with_files(demo_app.db, demo_app.keyring, demo_app.catalogs, delivery)
    assert again.replies[-1].file is None
    assert again.replies[-1].text == "Den filen är inte tillgänglig för dig."


async def test_the_csv_has_one_row_per_case_and_no_names_or_free_text(
    demo_app: App, tmp_path: Path
) -> None:
    seeded = await seed(demo_app, 500)
    out = tmp_path / "stats.csv"
    out.write_text("old, looser file")
    os.chmod(out, 0o644)
    args = cli._parser().parse_args(
        ["stats", "--from", "2025-01", "--to", "2026-12", "--csv", str(out)]
    )
    assert await cli_stats.run(demo_app, args) == 0
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    text = out.read_text(encoding="utf-8")
    lines = text.splitlines()
    assert lines[0].split(",") == list(cli_stats.COLUMNS)
    assert len(lines) == 1 + len(seeded.reports)
    assert SECRET_WHAT not in text and "Ekvägen" not in text and "Facebook" not in text
    for name in (TARGETED, "Anna", "Berg", "Pia Lind", "Sara Strand", "Sjöviks kommun"):
        assert name not in text, name
    refs = []
    async with demo_app.db.unit_of_work() as session:
        refs = list(await session.scalars(select(Report.ref)))
    assert not any(ref in text for ref in refs)
    sjovik_gp = await _csv_count(demo_app, ["--municipality", "sjovik", "--party", "gp"], tmp_path)
    want = await expected(demo_app, seeded, None)
    assert want["total"] == 500
    async with demo_app.db.unit_of_work() as session:
        direct = await session.scalar(
            select(func.count()).where(
                and_(
                    Report.municipality_id == seeded.sjovik, Report.party_id == seeded.parties["gp"]
                )
            )
        )
    assert sjovik_gp == direct


async def _csv_count(app: App, extra: list[str], tmp_path: Path) -> int:
    out = tmp_path / "narrow.csv"
    args = cli._parser().parse_args(
        ["stats", "--from", "2025-01", "--to", "2026-12", *extra, "--csv", str(out)]
    )
    assert await cli_stats.run(app, args) == 0
    return len(out.read_text().splitlines()) - 1


def test_damage_is_said_with_violence_where_a_pack_asks_about_them_as_one() -> None:
    lumped = ptu.labels_for(frozenset({"violence", "threat", "hate"}))
    assert lumped[ptu.VIOLENCE] == ptu.VIOLENCE_OR_DAMAGE and ptu.DAMAGE not in lumped
    apart = ptu.labels_for(frozenset({"violence", "damage"}))
    assert apart[ptu.VIOLENCE] == ptu.LABELS[ptu.VIOLENCE] and ptu.DAMAGE in apart


async def test_the_english_alias_and_a_period_with_the_command(demo_app: App) -> None:
    await seed(demo_app, 60)
    britt = Chat(demo_app, "britt", locale_hint="en")
    said = await britt.say("/stats 2025")
    assert "2025" in said and "📎 statistik-2025-01-2025-12.png" in said, said
    assert britt.last[-1].file is not None


async def test_a_csv_into_a_folder_that_is_not_there_is_refused_before_anything_is_audited(
    demo_app: App, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for target in (tmp_path / "missing" / "s.csv", tmp_path):
        args = cli._parser().parse_args(
            ["stats", "--from", "2025-01", "--to", "2026-12", "--csv", str(target)]
        )
        assert await cli_stats.run(demo_app, args) == 1
        said = capsys.readouterr()
        assert said.err.startswith("Cannot write the CSV: "), said.err
        assert "Traceback" not in said.err + said.out
    async with demo_app.db.unit_of_work() as session:
        audited = await session.scalar(
            select(func.count()).where(AuditEntry.action == cli_stats.EXPORTED)
        )
    assert audited == 0  # nothing was exported


@pytest.mark.parametrize(
    ("measures", "checked", "state"),
    [
        ({"police_report"}, set(), "decided"),  # "Beslutade åtgärder: Polisanmälan": intended
        ({"police_report"}, {"3.1.3"}, "yes"),  # the checklist: "Har händelsen polisanmälts? Ja"
        (set(), {"3.1.3"}, "yes"),
        ({"protective"}, set(), "unknown"),  # 3.1.3 not answered yet: not a no
        (set(), set(), "unknown"),
        (set(), {"!3.1.3"}, "no"),
        ({"police_report"}, {"!3.1.3"}, "no"),  # decided, then "Har händelsen polisanmälts? Nej"
    ],
)
def test_a_police_report_counts_as_made_only_once_the_checklist_says_so(
    measures: set[str], checked: set[str], state: str
) -> None:
    """The report's decided measure "Polisanmälan" had been counted as a police report made
    (language of the report: "Har något beslutats, till exempel polisanmälan?")."""
    case = CaseFacts(
        id="r",
        submitted_at=datetime(2026, 11, 2, 9, tzinfo=UTC),
        municipality_id=1,
        party_id=1,
        pack="oxelosund",
        category="party",
        closed=False,
        choices=frozenset(),
        measures=frozenset(measures),
        checked_yes=frozenset(c for c in checked if not c.startswith("!")),
        checked_no=frozenset(c[1:] for c in checked if c.startswith("!")),
        first_take=None,
        readable=True,
    )
    assert police_state(case) == state


async def test_an_open_case_whose_police_question_is_unanswered_is_not_counted_as_not_reported(
    demo_app: App,
) -> None:
    """Checklist item 3.1.3 ("Har händelsen polisanmälts?") not answered was counted as
    "inte polisanmälda: 1" in the chat and "no 1" by `trygg stats`."""
    seeded = await directory(demo_app)
    await add_case(demo_app, seeded, submitted=datetime(2026, 3, 10, 9, tzinfo=UTC))
    period = Period(date(2026, 3, 1), date(2026, 3, 1))
    pia = viewer_of(seeded, "pia")
    figs = await counted(demo_app, pia, period)
    assert counts(figs.police) == {"unknown": 1}
    async with demo_app.db.unit_of_work() as session:
        scope = await view.scope_of(session, demo_app.packs, pia)
    assert scope is not None
    sv = demo_app.catalogs.gettext("sv"), demo_app.catalogs.ngettext("sv")
    said = view.summary(figs, scope, "sv", *sv)
    assert "• Polisanmälda: 0, anmälan beslutad men inte bekräftad: 0, " in said, said
    assert "inte polisanmälda: 0, uppgift saknas: 1" in said, said
    printed = "\n".join(cli_stats.printed(figs, demo_app.packs))
    assert "not reported 0, not known 1" in printed, printed


@pytest.mark.parametrize(
    ("taken_after", "chat", "cli_says", "minutes"),
    [
        (timedelta(seconds=20), "1 minut", "1 minute", "1"),  # `trygg stats` said "0 min"
        (timedelta(seconds=150), "3 minuter", "3 minutes", "3"),  # a half up, not to even 2
        (timedelta(minutes=270), "5 timmar", "5 hours", "270"),  # 4.5 hours: a half up too
    ],
)
async def test_the_median_time_to_first_take_is_said_alike_in_the_chat_and_the_cli(
    demo_app: App, taken_after: timedelta, chat: str, cli_says: str, minutes: str
) -> None:
    """The chat said "1 minut" and `trygg stats` "0 min" for the same median."""
    seeded = await directory(demo_app)
    await add_case(
        demo_app, seeded, submitted=datetime(2026, 3, 10, 9, tzinfo=UTC), taken_after=taken_after
    )
    period = Period(date(2026, 3, 1), date(2026, 3, 1))
    pia = viewer_of(seeded, "pia")
    figs = await counted(demo_app, pia, period)
    async with demo_app.db.unit_of_work() as session:
        scope = await view.scope_of(session, demo_app.packs, pia)
    assert scope is not None
    sv = demo_app.catalogs.gettext("sv"), demo_app.catalogs.ngettext("sv")
    said = view.summary(figs, scope, "sv", *sv)
    assert f"• Tid tills larmet togs (median): {chat}\n" in said, said
    printed = cli_stats.printed(figs, demo_app.packs)
    assert f"Median time to first take: {cli_says}" in printed, printed
    async with demo_app.db.unit_of_work() as session:
        start, end = period.bounds()
        facts = await StatsRepo(session, demo_app.keyring).cases(Viewer.operator(), start, end)
    [row] = rows(facts, {}, {}, frozenset())
    assert row[COLUMNS.index("first_take_minutes")] == minutes  # the CSV by the same rule


async def test_the_cli_prints_the_packs_words_not_internal_ids(
    demo_app: App, capsys: pytest.CaptureFixture[str]
) -> None:
    """`trygg stats` printed "improper_influence", "in_person", "sms_mms", "social_media"."""
    seeded = await directory(demo_app)
    await add_case(
        demo_app,
        seeded,
        submitted=datetime(2026, 3, 10, 9, tzinfo=UTC),
        category="assignment",
        kinds=("blackmail", "violence"),
        channels=("in_person", "sms_mms", "social_media"),
    )
    args = cli._parser().parse_args(["stats", "--from", "2026-03", "--to", "2026-03"])
    assert await cli_stats.run(demo_app, args) == 0
    said = capsys.readouterr().out
    assert "threats 0, harassment 0, violence or damage 1, improper influence 1\n" in said, said
    assert "By channel: letter 0, phone call 0, SMS/MMS 1, e-mail 0, social media 1, " in said
    assert "in person 1\n" in said, said
    assert "By category: the party 0, municipal assignment 1, someone within the party 0, " in said
    assert "don't know 0\n" in said, said
    assert "Reported to the police: reported 0, decided but not confirmed 0, " in said, said
    assert "_" not in said, said  # no id such as improper_influence or in_person
