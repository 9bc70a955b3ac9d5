"""The console's statistics, drills and audit log (issue 21): the chat's figures as
tables, the chart and the statistics file; drills started and ended from the web by the
municipal unit only; the audit log of the unit's municipality, a page at a time."""

from __future__ import annotations

import html
import io
import re
from datetime import date, timedelta

import httpx
from PIL import Image
from sqlalchemy import select

from bot import cli, cli_stats
from bot.app import App
from conversations.drill_notices import DRILL_BRIEF, DRILL_REPORT
from conversations.stats.periods import Period
from storage.models import AuditEntry, Drill, OutboxMessage, Person, Report
from storage.stats import HIDDEN, StatsRepo
from storage.trust import AuditRepo
from storage.viewer import Viewer
from tests.conftest import FakeClock
from tests.stats_seed import SECRET_WHAT, TARGETED, ostvik, seed
from tests.test_alerts import connect, person_ids
from tests.test_drill import mark
from tests.test_outbox import FakeTransport
from tests.test_stats import viewer_of
from tests.web_support import browser, csrf_in, signed_in_as, switch_on

YEAR = {"from": "2025-01", "to": "2025-12"}
ROW = re.compile(r'<tr><th scope="row">(.*?)</th><td>(.*?)</td></tr>')
LISTED = re.compile(r"(.+?) (\d+|< 3)(?:, |$)")


def web_tables(page: str) -> list[list[tuple[str, str]]]:
    """The (label, count) rows of each figures table on the statistics page."""
    parts = page.split('<table class="figures">')[1:]
    return [
        [(html.unescape(a).casefold(), html.unescape(b)) for a, b in ROW.findall(part)]
        for part in parts
    ]


def chat_bullets(said: str) -> list[str]:
    """What follows the label of each "• " line of the chat's summary."""
    return [line.split(": ", 1)[1] for line in said.splitlines() if line.startswith("• ")]


async def test_the_page_shows_the_chats_figures_for_the_unit_and_a_contact(  # type: ignore[no-untyped-def]
    chat, demo_app: App
) -> None:
    switch_on(demo_app)
    await seed(demo_app, 150)
    for handle in ("sara", "pia"):
        said = await chat(handle).say("/statistik 2025")
        async with browser(demo_app) as client:
            await signed_in_as(chat, handle, client)
            page = await client.get("/stats", params=YEAR)
        assert page.status_code == 200, page.text
        total = re.search(r"Ärenden: (\d+|< 3)", said)
        assert total and f"Ärenden: {total.group(1)}" in html.unescape(page.text), handle
        bullets, tables = chat_bullets(said), web_tables(page.text)
        assert len(bullets) == 5 and len(tables) == 5, (said, tables)
        for listing, table in zip(bullets[:3], tables[:3], strict=True):
            assert [(a.casefold(), b) for a, b in LISTED.findall(listing)] == table, handle
        police = re.findall(r"\d+|< 3", bullets[3])
        assert police == [count for _label, count in tables[3]], handle
        [(_label, median)] = tables[4]
        if any(c.isdigit() for c in median):
            assert bullets[4] == median, (bullets[4], median)
        if handle == "pia":  # a party contact counts cases she may not open: small ones hidden
            assert HIDDEN in said and html.escape(HIDDEN) in page.text
        assert 'alt="' in page.text and "<caption>" in page.text and 'scope="col"' in page.text
        assert '<label for="from">' in page.text and '<label for="to">' in page.text


async def test_the_period_is_chosen_in_the_address_and_checked(  # type: ignore[no-untyped-def]
    chat, demo_app: App
) -> None:
    switch_on(demo_app)
    await seed(demo_app, 40)
    async with browser(demo_app) as client:
        page = await signed_in_as(chat, "sara", client)
        plain = await client.get("/stats")
        assert plain.status_code == 200 and 'value="2026-01"' in plain.text  # this year
        assert "/stats?from=2025-12&amp;to=2026-11" in plain.text  # the last 12 months
        for odd in ({"from": "2026-13", "to": "x"}, {"from": "2026-05", "to": "2026-01"}):
            wrong = await client.get("/stats", params=odd)
            assert wrong.status_code == 200 and 'class="error"' in wrong.text
        future = await client.get("/stats", params={"from": "2025-06", "to": "2031-01"})
        assert 'value="2026-11"' in future.text  # not past this month
        assert page.status_code == 200


async def test_the_chart_is_a_png_made_for_the_person(chat, demo_app: App) -> None:  # type: ignore[no-untyped-def]
    switch_on(demo_app)
    await seed(demo_app, 60)
    async with browser(demo_app) as client:
        await signed_in_as(chat, "pia", client)
        page = await client.get("/stats", params=YEAR)
        assert '<img class="chart" src="/stats/chart.png?from=2025-01&amp;to=2025-12"' in page.text
        chart = await client.get("/stats/chart.png", params=YEAR)
        assert chart.status_code == 200 and chart.headers["content-type"] == "image/png"
        assert chart.content.startswith(b"\x89PNG\r\n\x1a\n")
        image = Image.open(io.BytesIO(chart.content))
        image.verify()
        assert image.size == (900, 480)
        assert (await client.get("/stats/chart.png", params={"from": "x"})).status_code == 404
    async with browser(demo_app) as stranger:
        assert (await stranger.get("/stats/chart.png", params=YEAR)).status_code == 401


async def test_the_csv_is_the_clis_file_for_the_cases_the_person_may_open(  # type: ignore[no-untyped-def]
    chat, demo_app: App, tmp_path
) -> None:
    switch_on(demo_app)
    seeded = await seed(demo_app, 200)
    async with browser(demo_app) as client:
        page = await signed_in_as(chat, "sara", client)
        stats = await client.get("/stats", params=YEAR)
        got = await client.post("/stats/csv", data={**YEAR, "csrf": csrf_in(stats.text)})
        assert (await client.post("/stats/csv", data=YEAR)).status_code == 403
        assert page.status_code == 200
    assert got.status_code == 200, got.text
    assert got.headers["content-type"].startswith("text/csv")
    assert 'filename="statistik-2025-01-2025-12.csv"' in got.headers["content-disposition"]
    lines = got.text.splitlines()
    assert lines[0].split(",") == list(cli_stats.COLUMNS)
    sara = viewer_of(seeded, "sara")
    async with demo_app.db.unit_of_work() as session:
        start, end = Period(date(2025, 1, 1), date(2025, 12, 1)).bounds()
        repo = StatsRepo(session, demo_app.keyring)
        counted = await repo.cases(sara, start, end)
        readable = await repo.cases(sara, start, end, readable_only=True)
        refs = list(await session.scalars(select(Report.ref)))
        entries = await AuditRepo(session).entries(Viewer.operator())
    assert 0 < len(readable) < len(counted)  # one row per case Sara may open herself
    assert len(lines) == 1 + len(readable)
    for secret in (SECRET_WHAT, "Ekvägen", "Facebook", TARGETED, "Anna", "Sara Strand", "Sjövik"):
        assert secret not in got.text, secret
    assert not any(ref in got.text for ref in refs)
    # the same rows as the operator's file of the municipality (numbered apart)
    out = tmp_path / "all.csv"
    flags = ["--from", "2025-01", "--to", "2025-12", "--municipality", "sjovik"]
    args = cli._parser().parse_args(["stats", *flags, "--csv", str(out)])
    assert await cli_stats.run(demo_app, args) == 0
    operator = [line.split(",", 1)[1] for line in out.read_text().splitlines()[1:]]
    for line in lines[1:]:
        assert line.split(",", 1)[1] in operator, line
    assert ("sara", "stats_exported", "2025-01..2025-12") in [
        (e.actor, e.action, e.subject) for e in entries
    ]


async def test_a_party_contact_has_no_drills_and_no_audit_log(chat, demo_app: App) -> None:  # type: ignore[no-untyped-def]
    switch_on(demo_app)
    async with browser(demo_app) as client:
        page = await signed_in_as(chat, "pia", client)
        assert 'href="/drills"' not in page.text and 'href="/audit"' not in page.text
        assert 'href="/stats"' in page.text
        token = csrf_in(page.text)
        for path in ("/drills", "/audit"):
            refused = await client.get(path)
            assert refused.status_code == 404, path
        ids = await person_ids(demo_app)
        start = await client.post(
            "/drills/start", data={"csrf": token, "official": str(ids["anna"]), "speed": "60"}
        )
        assert start.status_code == 404
    async with demo_app.db.unit_of_work() as session:
        assert not (await session.scalars(select(Drill))).all()


async def test_the_unit_starts_a_drill_on_the_web_and_ends_it(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    switch_on(demo_app)
    await connect(chat, "anna", "pia", "per", "sara")
    ids = await person_ids(demo_app)
    async with browser(demo_app) as client:
        await signed_in_as(chat, "sara", client)
        offer = await client.get("/drills")
        assert offer.status_code == 200
        assert f'name="official" value="{ids["anna"]}"' in offer.text and "Anna Berg" in offer.text
        token = csrf_in(offer.text)
        started = await client.post(
            "/drills/start",
            data={"csrf": token, "official": str(ids["anna"]), "speed": "60"},
            follow_redirects=True,
        )
        said = demo_app.catalogs.gettext("sv")("The drill has started.")
        assert started.status_code == 200 and said in started.text, started.text
        async with demo_app.db.unit_of_work() as session:
            [drill] = (await session.scalars(select(Drill))).all()
            assert drill.ended_at is None and drill.speed == 60 and drill.started_by == ids["sara"]
            briefs = (
                await session.scalars(
                    select(OutboxMessage).where(OutboxMessage.kind == DRILL_BRIEF)
                )
            ).all()
            assert [(b.recipient_id, b.drill_id) for b in briefs] == [(ids["anna"], drill.id)]
        transport = FakeTransport()
        while await demo_app.outbox_sender(transport).deliver_due():
            pass
        [brief] = transport.texts("anna")
        assert brief.startswith(mark(demo_app) + "\n") and "112" in brief
        assert any(t.startswith(mark(demo_app)) for t in transport.texts("pia"))

        running = await client.get("/drills")
        assert 'action="/drills/end"' in running.text and 'name="official"' not in running.text
        again = await client.post(
            "/drills/start",
            data={"csrf": token, "official": str(ids["anna"]), "speed": "60"},
            follow_redirects=True,
        )
        assert 'class="error"' in again.text  # one drill at a time
        clock.advance(seconds=30)
        ended = await client.post(
            "/drills/end", data={"csrf": token, "drill": str(drill.id)}, follow_redirects=True
        )
        over = demo_app.catalogs.gettext("sv")("The drill has ended. The report comes in a moment.")
        assert over in ended.text, ended.text
        assert "Anna Berg" in ended.text and "Sara Strand" in ended.text  # in the table
    async with demo_app.db.unit_of_work() as session:
        finished = await session.get(Drill, drill.id)
        assert finished is not None and finished.ended_at is not None and finished.summary
        reports = (
            await session.scalars(
                select(OutboxMessage.recipient_id).where(OutboxMessage.kind == DRILL_REPORT)
            )
        ).all()
        assert ids["sara"] in reports
        actions = [(e.actor, e.action) for e in await AuditRepo(session).entries(Viewer.operator())]
        assert ("sara", "drill_started") in actions and ("sara", "drill_ended") in actions


async def test_a_drill_in_real_time_and_forms_without_their_token(  # type: ignore[no-untyped-def]
    chat, demo_app: App
) -> None:
    switch_on(demo_app)
    ids = await person_ids(demo_app)
    async with browser(demo_app) as client:
        page = await signed_in_as(chat, "sara", client)
        token = csrf_in(page.text)
        chosen = {"official": str(ids["anna"]), "speed": "1"}
        for path, data in (
            ("/drills/start", chosen),
            ("/drills/end", {"drill": "1"}),
            ("/stats/csv", YEAR),
        ):
            assert (await client.post(path, data=data)).status_code == 403, path
            forged = await client.post(path, data={**data, "csrf": "forged"})
            assert forged.status_code == 403, path
        odd = await client.post(
            "/drills/start", data={**chosen, "speed": "7", "csrf": token}, follow_redirects=True
        )
        assert 'class="error"' in odd.text
        await client.post("/drills/start", data={**chosen, "csrf": token})
    async with demo_app.db.unit_of_work() as session:
        [drill] = (await session.scalars(select(Drill))).all()
        assert drill.speed == 1


async def test_the_audit_log_is_the_units_municipality_a_page_at_a_time(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    switch_on(demo_app)
    other, _party = await ostvik(demo_app)
    ids = await person_ids(demo_app)
    async with demo_app.db.unit_of_work() as session:
        sara = await session.get(Person, ids["sara"])
        assert sara is not None and sara.municipality_id is not None
        here = sara.municipality_id
        audit = AuditRepo(session)
        audit.record("operator", "role_changed", "pia", here, clock.now)
        audit.record("operator", "something_new", "X-42", here, clock.now)
        audit.record("operator", "stats_exported", "2099-01..2099-02", other, clock.now)
        for n in range(60):
            audit.record("system", "purged_drafts", str(n), here, clock.now - timedelta(days=1))
    async with browser(demo_app) as client:
        await signed_in_as(chat, "sara", client)
        first = await client.get("/audit")
        assert first.status_code == 200
        text = html.unescape(first.text)
        assert "2099-01..2099-02" not in text  # another municipality's entry
        assert "Pia Lind" in text and "something_new" in text and "X-42" in text
        assert "role_changed" not in text  # in words, not the id
        assert text.count("<tr>") == 1 + 50 and "/audit?page=2" in text
        assert '<th scope="col">' in text and "<caption>" in text
        second = html.unescape((await client.get("/audit", params={"page": "2"})).text)
        assert second.count("<tr>") > 1 and "/audit?page=1" in second
        assert "/audit?page=3" not in second
        odd = await client.get("/audit", params={"page": "-1"})
        assert odd.status_code == 200
    async with demo_app.db.unit_of_work() as session:
        viewed = (
            await session.scalars(select(AuditEntry).where(AuditEntry.action == "audit_viewed"))
        ).all()
        assert [(e.actor, e.subject, e.municipality_id) for e in viewed][:2] == [
            ("sara", "1", here),
            ("sara", "2", here),
        ]


async def test_the_sections_carry_no_inline_script_or_style(chat, demo_app: App) -> None:  # type: ignore[no-untyped-def]
    switch_on(demo_app)
    async with browser(demo_app) as client:
        await signed_in_as(chat, "sara", client)
        for path in ("/stats", "/drills", "/audit"):
            page: httpx.Response = await client.get(path)
            assert page.status_code == 200, path
            assert "<script" not in page.text and "style=" not in page.text, path
            assert "<h1>" in page.text and page.headers["cache-control"] == "no-store"
