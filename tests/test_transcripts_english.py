"""Bo lives Trygg in English, typing every answer in his own words, and an invited official
chooses English. His "I haven't decided about the police yet" at "Has anything been
decided?" ticked "Police report": Britt read "Polisanmälan: ja, beslutad i rapporten". After
he wrote "someone is outside my house" at night and Britt took it from the urgent push, he
read "Britt Holm has seen your report", not that she had read his words. The invited official
read "you are registered as elected official", without its article."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.app import App
from conversations.report.form import BY_STEP
from conversations.report.form import ReportStep as S
from conversations.report.typed import read
from storage.models import Alert, Report, Role
from tests.conftest import FakeClock
from tests.golden import Transcript
from tests.reporting import Script, write_report
from tests.test_trust import invite

MEASURES = (
    ("police_report", "Police report"),
    ("protection", "Protection"),
    ("none", "Nothing yet"),
)


@pytest.mark.parametrize(
    ("typed", "ticked"),
    [
        ("I haven't decided about the police yet", []),
        ("not sure about the police", []),
        ("maybe a police report", []),
        ("har inte bestämt mig om polisen än", []),
        ("funderar på en polisanmälan", []),
        ("police report", ["police_report"]),
        ("polisanmälan", ["police_report"]),
        ("nothing decided yet", ["none"]),
        ("not yet", ["none"]),
    ],
)
def test_words_that_leave_the_police_undecided_tick_no_report(
    typed: str, ticked: list[str]
) -> None:
    assert read(BY_STEP[S.MEASURES], MEASURES, typed).answer["choices"] == ticked


WHAT = "A text message tonight: he knows where I live and I should watch out."
REPORT = (
    "it happened to me",
    "skip",
    "I don't know",
    "A man keeps sending me messages on Facebook saying he will find me",
    "threats, on facebook",
    "yesterday evening around 9",
    "no",
    "I don't know",
    "a man, maybe 40",
    "I don't know",
    "the school closure vote",
    "I haven't decided about the police yet",
    "scared, I think he means it",
    "a few weeks ago he wrote something similar",
    "When and where",
    "a few weeks ago, on Facebook",
    "send",
)


async def test_bo_writes_his_report_in_his_own_words(demo_app: App) -> None:
    t = Transcript("report_own_words_en", demo_app)
    bo, britt = t.person("bo"), t.person("britt")
    await britt.say("/hjalp")
    await t.say(bo, "/start")
    await t.say(bo, "Report an incident")
    for typed in REPORT:
        await t.say(bo, typed)
    await t.deliver()
    t.note("Britt opens the report")
    await t.say(britt, "2")
    t.check()
    text = t.text()
    assert "I ticked: Police report" not in text
    assert "Measures decided: I haven't decided about the police yet\n" in text
    assert "Beslutade åtgärder: I haven't decided about the police yet\n" in text  # Britt's


async def _ref(app: App) -> str:
    async with app.db.unit_of_work() as session:
        return str((await session.scalars(select(Report.ref))).one())


async def test_bo_at_night_and_britt_takes_what_he_wrote(demo_app: App, clock: FakeClock) -> None:
    bo = Transcript("akut_at_night_taken_en", demo_app).person("bo")
    await write_report(bo, Script(category="assignment", what=(WHAT,)))
    t = Transcript("akut_at_night_taken_en", demo_app)
    bo, britt = t.person("bo"), t.person("britt")
    await britt.say("/hjalp")
    await t.deliver()
    clock.advance(hours=3)
    t.note("at one in the night, nobody has taken his report yet")
    await t.say(bo, "/akut")
    await t.say(bo, "someone is outside my house")
    await t.deliver()
    t.note("Britt takes it from the urgent message")
    await t.say(britt, "Jag tar det")
    told = [reply.text for address, reply in await t.deliver() if address == "bo"]
    assert told == [
        "In danger now: call 112.\nBritt Holm has read what you wrote and will contact you."
    ], told
    t.note("Britt books a follow-up call and answers 3.1.1")
    await t.say(britt, f"/arende {await _ref(demo_app)}")
    await t.say(britt, "Boka samtal 1")
    await t.say(britt, "i morgon 10:00")
    await t.deliver()
    await t.say(britt, "Svara på nästa punkt")
    await t.say(britt, "ja")
    await t.say(britt, "Hoppa över")
    await t.deliver()
    t.note("Bo looks at his cases and the checklist")
    await t.say(bo, "/cases")
    await t.say(bo, "1")
    t.check()


async def test_bo_answers_the_check_in_in_words(demo_app: App, clock: FakeClock) -> None:
    bo, britt = Transcript("x", demo_app).person("bo"), Transcript("x", demo_app).person("britt")
    await britt.say("/hjalp")
    await write_report(bo, Script(category="assignment", what=(WHAT,)))
    async with demo_app.db.unit_of_work() as session:
        alert = (await session.scalars(select(Alert))).one()
    await britt.press(f"ack:{alert.id}", token="n")
    await Transcript("x", demo_app).deliver()  # "Britt Holm has seen your report …"
    t = Transcript("checkin_in_words_en", demo_app)
    bo = t.person("bo")
    clock.advance(days=1, hours=9)
    t.note("the next morning Bo opens his case")
    await t.say(bo, "/cases")
    await t.say(bo, "1")
    clock.advance(hours=1)
    await demo_app.timer_runner().run_due()
    t.note("a day later Trygg asks Bo how he is")
    await t.deliver()
    thanked = await t.say(bo, "better thanks")
    assert "Do you want someone to call you?" in thanked, thanked  # the check-in's answer
    assert "What has been done in your case" not in thanked  # not his card again
    await t.deliver()
    await t.say(bo, "he wrote again last night")
    await t.deliver()
    await t.say(bo, "/cases")
    t.check()


async def test_an_invited_official_chooses_english(demo_app: App) -> None:
    code = await invite(demo_app, Role.OFFICIAL, party="bp")
    t = Transcript("onboarding_invitee_en", demo_app)
    tom = t.person("tom", locale_hint="en")
    await t.say(tom, f"/start {code}")
    assert "registered as an elected official (Blå partiet" in tom.text(tom.last)
    await t.say(tom, "English")
    await t.say(tom, "My name is Tom Berg")
    await t.say(tom, "0701234567")
    await t.say(tom, "/help")
    t.check()
