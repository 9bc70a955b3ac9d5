"""A check-in stopped in her own words and started again: "jag vill inte ha fler" was kept
as news for Pia ("svarade på avstämningen med något nytt") and the check-ins went on; the
stop said nothing of the way back, and "du får gärna fråga igen" ten days later was only
kept as a note, with no check-in ever again."""

from __future__ import annotations

from sqlalchemy import select

from bot.app import App
from conversations.checkin_words import asks_again, checkin_answer
from storage.models import Alert, Report
from tests.conftest import FakeClock
from tests.golden import Transcript
from tests.reporting import Script, write_report
from tests.test_transcripts_checkin_words import checked_in
from tests.test_transcripts_english import WHAT


def test_stop_and_again_in_words() -> None:
    for said in ("jag vill inte ha fler", "inga fler frågor tack", "No more check-ins"):
        assert checkin_answer(said) == "stop", said
    for said in ("du får gärna fråga igen hur jag mår", "you can check in again"):
        assert asks_again(said), said
    assert not asks_again("fråga inte igen")
    assert checkin_answer("fråga inte igen") == "stop"


async def _checkins(demo_app: App, case: str) -> bool:
    async with demo_app.db.unit_of_work() as session:
        return bool((await session.get(Report, case)).checkins)  # type: ignore[union-attr]


async def test_check_ins_stopped_and_started_again(demo_app: App, clock: FakeClock) -> None:
    t = Transcript("checkin_stopped_sv", demo_app)
    case = await checked_in(demo_app, clock, t)
    anna, pia = t.person("anna"), t.person("pia")
    clock.advance(days=6)
    await demo_app.timer_runner().run_due()
    t.note("a week later the next check-in; she never answered the first")
    await t.deliver()
    clock.advance(hours=3)
    t.note("she presses 'No' on the first one, then writes what happened")
    await t.press(anna, f"checkin:{case}:no", "Nej, jag klarar mig")
    await t.say(anna, "han stod utanför igen i går")
    assert "Läs det nu" in "\n".join(r.text for _, r in await t.deliver())
    clock.advance(hours=2)
    stopped = await t.say(anna, "jag vill inte ha fler")
    assert stopped.startswith("Jag slutar fråga hur du mår. Du kan alltid skriva"), stopped
    assert not await _checkins(demo_app, case)
    assert not await t.deliver()  # not news for Pia
    again = await t.press(anna, f"checkin:{case}:again", "Fråga igen")
    assert again.startswith("Jag hör av mig till dig igen. Nästa avstämning:"), again
    assert await _checkins(demo_app, case)
    await t.say(anna, "sluta fråga")
    t.note("Pia opens the case")
    seen = await t.say(pia, f"/arende {(await _ref(demo_app))}")
    assert "Anna Berg har bett Trygg" in seen, seen
    clock.advance(days=30)
    t.note("a month later")
    await demo_app.timer_runner().run_due()
    assert not [r for _, r in await t.deliver() if "Hur mår du?" in r.text]
    back = await t.say(anna, "du får gärna fråga igen hur jag mår")
    assert back.startswith("Jag hör av mig till dig igen. Nästa avstämning:"), back
    assert await _checkins(demo_app, case)
    clock.advance(days=7)
    await demo_app.timer_runner().run_due()
    t.note("a week later Trygg asks again")
    assert [r for _, r in await t.deliver() if "Hur mår du?" in r.text]
    t.check()


async def _ref(demo_app: App) -> str:
    async with demo_app.db.unit_of_work() as session:
        return str((await session.scalars(select(Report.ref))).one())


async def test_bo_stops_the_check_ins_and_asks_again(demo_app: App, clock: FakeClock) -> None:
    t = Transcript("checkin_stopped_en", demo_app)
    bo, britt = t.person("bo"), t.person("britt")
    await britt.say("/hjalp")
    await write_report(bo, Script(category="assignment", what=(WHAT,)))
    async with demo_app.db.unit_of_work() as session:
        alert = (await session.scalars(select(Alert))).one()
    await britt.press(f"ack:{alert.id}", token="n")
    clock.advance(days=1, hours=10)
    await demo_app.timer_runner().run_due()
    t.note("a day later Trygg asks Bo how he is")
    await t.deliver()
    stopped = await t.say(bo, "no more check-ins please")
    assert stopped.startswith("I will stop asking how you are."), stopped
    assert not await t.deliver()
    clock.advance(days=10)
    t.note("ten days later")
    back = await t.say(bo, "you can check in again")
    assert back.startswith("I will check in with you again. Next check-in:"), back
    t.check()
