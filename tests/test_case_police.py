"""The director reads on the case's card whether a police report was decided and made, before
he decides on the municipality's own report; the unit's card says the same, and storage gives
him the report's decided measures only, never its words."""

from __future__ import annotations

from bot.app import App
from storage.models import Report
from storage.reports import ReportRepo
from tests.conftest import Chat, FakeClock
from tests.reporting import SKIPPED
from tests.test_case import MONDAY_10
from tests.test_case_reading import STORY, latest, viewer, write_anna
from tests.test_transcripts_case_walk import anna_reports

DECIDED = "Polisanmälan: ja, beslutad i rapporten – inte gjord än"


def header(card: str) -> str:
    """The card above its checklist."""
    return card.split("Checklista")[0]


async def test_the_director_reads_that_she_decided_on_a_police_report(
    demo_app: App, clock: FakeClock
) -> None:
    ref = await anna_reports(demo_app, clock, "pia", "sara", "kent")
    kent, sara = Chat(demo_app, "kent"), Chat(demo_app, "sara")
    assert DECIDED in header(await kent.say(f"/arende {ref}"))
    assert DECIDED in header(await sara.say(f"/arende {ref}"))
    await kent.say("Svara på nästa punkt")
    await kent.say("Ja")
    await kent.say("Hoppa över")
    made = "Polisanmälan: ja, gjord 23 november"
    assert made in header(await kent.say(f"/arende {ref}"))
    assert made in header(await sara.say(f"/arende {ref}"))
    anna = await Chat(demo_app, "anna").say(f"/arende {ref}")
    assert "Polisanmälan:" not in anna  # her own card: she knows what she decided


async def test_nothing_decided_yet_is_said_so_and_not_applicable_is_a_no(
    demo_app: App, clock: FakeClock
) -> None:
    clock.now = MONDAY_10
    for handle in ("pia", "sara", "kent"):
        await Chat(demo_app, handle).say("/hjalp")
    anna = Chat(demo_app, "anna")
    await write_anna(anna, (STORY,), skip=SKIPPED)  # the measures question left unanswered
    await anna.press("send")
    ref = (await latest(demo_app)).ref
    kent = Chat(demo_app, "kent")
    assert "Polisanmälan: inte bestämt än" in header(await kent.say(f"/arende {ref}"))
    await kent.say("Svara på nästa punkt")
    await kent.say("Inte aktuellt")
    await kent.say("Hoppa över")
    assert "Polisanmälan: nej, ska inte göras" in header(await kent.say(f"/arende {ref}"))


async def test_the_decided_measures_are_read_only_by_who_may_see_the_case(
    demo_app: App, clock: FakeClock
) -> None:
    await anna_reports(demo_app, clock, "pia", "sara", "kent")
    case = await latest(demo_app)
    kent, per = await viewer(demo_app, "kent"), await viewer(demo_app, "per")
    async with demo_app.db.unit_of_work() as session:
        report = await session.get(Report, case.id)
        assert report is not None
        repo = ReportRepo(session, demo_app.keyring)
        assert await repo.decided_measures(kent, report) == {"police_report"}
        assert await repo.decided_measures(per, report) == frozenset()  # not alerted: nothing
