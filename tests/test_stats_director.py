"""The municipal director answers for revising the plan (Oxelösund: "Kommundirektören
ansvarar för detta") but had no /statistik. He now counts every sent case of his
municipality, as the security unit does; an internal case is not his to count."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from bot.app import App
from conversations.menu import ROLE_COMMANDS
from conversations.stats.periods import Period
from storage.models import Role
from storage.stats import HIDDEN
from storage.viewer import Viewer
from tests.conftest import Chat
from tests.stats_seed import add_case, directory
from tests.test_stats import counted, viewer_of

MARCH = Period(date(2026, 3, 1), date(2026, 3, 1))


async def test_the_director_counts_his_municipality_and_not_what_he_may_not_read(
    demo_app: App,
) -> None:
    seeded = await directory(demo_app)
    march = datetime(2026, 3, 10, 9, tzinfo=UTC)
    for hours, party in enumerate(("gp", "gp", "bp", "bp", "gp")):
        await add_case(demo_app, seeded, submitted=march + timedelta(hours=hours), party=party)
    await add_case(demo_app, seeded, submitted=march, party="bp", category="internal")
    kent = Viewer(seeded.people["kent"], Role.MUNICIPAL_DIRECTOR, seeded.sjovik, None)
    figs = await counted(demo_app, kent, MARCH)
    sara = await counted(demo_app, viewer_of(seeded, "sara"), MARCH)
    assert figs.total.shown() == sara.total.shown() == "5"  # both parties; not the internal one
    assert figs.categories["party"].shown() == "5"
    assert "statistik" in [name for name, _ in ROLE_COMMANDS[Role.MUNICIPAL_DIRECTOR]]


async def test_kent_asks_for_statistics_in_the_chat(demo_app: App, chat: Chat) -> None:
    seeded = await directory(demo_app)
    await add_case(demo_app, seeded, submitted=datetime(2026, 3, 10, 9, tzinfo=UTC))
    kent = chat("kent")
    asked = await kent.say("/statistik")
    assert "Statistik för Sjöviks kommun. Vilken period?" in asked, asked
    said = await kent.say("mars 2026")
    assert "Statistik för Sjöviks kommun, mars 2026\nÄrenden: 1\n" in said, said
    assert HIDDEN not in said  # a case of his municipality is his to read: no "< 3"
