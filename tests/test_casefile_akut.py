"""An /akut alert Anna raised while her case was open belongs to the case: its timeline (the
PDF, the archive JSON) says she raised it, who it went to, who took it and when. What she
wrote with it stays out (only that she wrote is said); Kent, the director, sees no alert.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from bot import cli_case
from bot.app import App
from tests.conftest import FakeClock
from tests.test_alerts import ack, raise_akut
from tests.test_case import MONDAY_10, submit_report, take
from tests.test_casefile import (
    STORY,
    export_from_chat,
    flat,
    report_with_evidence,
    sent_pdf,
    text_of,
)

WORDS = "han står utanför dörren nu"


async def _case_with_akut(chat, clock: FakeClock):  # type: ignore[no-untyped-def]
    """Anna sends her report, presses /akut ten seconds later and writes; Pia takes both."""
    clock.now = MONDAY_10
    case = await report_with_evidence(chat("anna"), STORY)
    clock.advance(seconds=10)
    akut = await raise_akut(chat, "anna")
    await chat("anna").say(WORDS)
    clock.advance(minutes=2)
    await take(chat, "pia", case)
    await ack(chat("pia"), akut)
    return case


async def test_the_akut_alert_is_in_the_handlers_pdf(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock, tmp_path: Path
) -> None:
    case = await _case_with_akut(chat, clock)
    pdf = await sent_pdf(demo_app, "pia", await export_from_chat(chat("pia"), case))
    assert pdf is not None
    whole = flat("\n".join(text_of(pdf, tmp_path)))
    assert (
        "Anna Berg larmade med /akut och skrev till dem som larmades (finns inte i ärendet)"
        in whole
    ), whole
    assert "Larm från /akut skickat till Pia Lind (nivå 1)" in whole
    assert "Pia Lind tog larmet från /akut" in whole
    assert WORDS not in whole


async def test_the_akut_alert_is_in_the_archive(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock, tmp_path: Path
) -> None:
    case = await _case_with_akut(chat, clock)
    path = tmp_path / "case.json"
    args = argparse.Namespace(ref=case.ref, pdf=None, json=path, locale="en")
    assert await cli_case.export(demo_app, args) == 0
    data = json.loads(path.read_text(encoding="utf-8"))
    what = [m["what"] for m in data["timeline"]]
    raised = (
        "Anna Berg raised an alert with /akut and wrote to those alerted (not in the case file)"
    )
    assert raised in what, what
    assert "Alert from /akut sent to Pia Lind (level 1)" in what
    assert "Pia Lind took the alert from /akut" in what
    at = {m["what"]: m["at"] for m in data["timeline"]}
    assert at[raised] > at["Reported"]
    [akut] = data["akut_alerts"]
    assert akut["raised_by"] == "Anna Berg" and akut["wrote"] is True
    assert akut["raised_at"] == at[raised]
    assert [(s["name"], s["level"]) for s in akut["sent_to"]] == [("Pia Lind", 1)]
    [taken] = akut["taken"]
    assert taken["name"] == "Pia Lind" and taken["taken_at"] > akut["raised_at"]
    assert WORDS not in path.read_text(encoding="utf-8")


async def test_kent_sees_no_akut_alert(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock, tmp_path: Path
) -> None:
    case = await _case_with_akut(chat, clock)
    pdf = await sent_pdf(demo_app, "kent", await export_from_chat(chat("kent"), case))
    assert pdf is not None
    whole = flat("\n".join(text_of(pdf, tmp_path)))
    assert case.ref in whole
    assert "/akut" not in whole and "larm" not in whole.lower()


async def test_an_akut_hours_later_belongs_to_her_open_case(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock, tmp_path: Path
) -> None:
    clock.now = MONDAY_10
    case = await report_with_evidence(chat("anna"), STORY)
    await take(chat, "pia", case)
    clock.advance(hours=5)
    await raise_akut(chat, "anna")  # hours later, her case still open
    path = tmp_path / "case.json"
    args = argparse.Namespace(ref=case.ref, pdf=None, json=path, locale="en")
    assert await cli_case.export(demo_app, args) == 0
    [akut] = json.loads(path.read_text(encoding="utf-8"))["akut_alerts"]
    assert akut["raised_by"] == "Anna Berg" and akut["wrote"] is False and akut["taken"] == []
    assert "Anna Berg raised an alert with /akut" in path.read_text(encoding="utf-8")


async def test_an_akut_to_the_unit_instead_is_not_shown_to_her_party(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock, tmp_path: Path
) -> None:
    """Anna alerted the municipality's unit instead of her party ("Kommer hotet inifrån ditt
    parti?"): Pia, her party's contact who handles the case, must not read in its file that
    she did, nor to whom."""
    clock.now = MONDAY_10
    case = await submit_report(chat, "anna", "party")  # for her party's contacts alone
    await take(chat, "pia", case)
    clock.advance(hours=2)
    anna = chat("anna")
    await anna.say("/akut")
    assert "Sara Strand" in await anna.press("akut:unit")
    pdf = await sent_pdf(demo_app, "pia", await export_from_chat(chat("pia"), case))
    assert pdf is not None
    whole = flat("\n".join(text_of(pdf, tmp_path)))
    assert case.ref in whole and "Pia Lind tog larmet" in whole, whole
    assert "/akut" not in whole and "Sara Strand" not in whole, whole
