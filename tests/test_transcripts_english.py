"""Bo lives Trygg in English, typing every answer in his own words. His "I haven't decided
about the police yet" at "Has anything been decided?" ticked "Police report": Britt read
"Polisanmälan: ja, beslutad i rapporten"."""

from __future__ import annotations

import pytest

from bot.app import App
from conversations.report.form import BY_STEP
from conversations.report.form import ReportStep as S
from conversations.report.typed import read
from tests.golden import Transcript

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
