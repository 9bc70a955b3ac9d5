"""A party contact writing an instruction about a case at her menu ("ring Per om ärendet",
"ring Anna om ärendet", "ring Per om Annas ärende"): it had opened /akut as her own alarm
("Jag kan inte ringa åt dig. Är du i fara just nu?", "Larma Per Ek") and kept her words as a
report in her own name that nobody reads; "ring Anna om ärendet" got the bare menu, her words
gone without a word. Now she is told that nothing was sent, whom to call herself, and where
to write it: her cases, listed. Her own request ("kan du ringa Per åt mig", "ring min
kontakt") still opens /akut, as anyone's does."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select

from bot.app import App
from conversations.call_words import about_a_case, for_a_case
from storage.models import Alert, Report, Role
from storage.viewer import Viewer
from tests.conftest import FakeClock
from tests.golden import Transcript
from tests.test_transcripts_list import bind, report

NOT_SENT = "Jag kan inte ringa, och det du skrev har inte skickats till någon."
WRITE_THERE = "Gäller det ett ärende? Öppna det och skriv där: då sparas det med ärendet."
GUIDANCE = "Är du i fara just nu? Ring 112."


def _viewer(role: Role) -> Viewer:
    return Viewer(person_id=1, role=role, municipality_id=1, party_id=1)


@pytest.mark.parametrize(
    "typed",
    [
        "ring Per om ärendet",
        "ring Anna om ärendet",
        "ring Per om Annas ärende",
        "kan du ringa Per om ärendet?",
        "ring polisen angående ärendet",
        "ring Per om Anna Bergs ärende",
        "call Per about the case",
        "please call Anna about Anna's report",
    ],
)
def test_a_call_about_a_case_from_a_contact_is_no_request_of_hers(typed: str) -> None:
    assert about_a_case(typed)
    assert for_a_case(typed, _viewer(Role.PARTY_SECURITY))
    assert for_a_case(typed, _viewer(Role.MUNICIPAL_SECURITY))
    assert not for_a_case(typed, _viewer(Role.OFFICIAL))  # hers: as before


@pytest.mark.parametrize(
    "typed",
    [
        "kan du ringa Per åt mig",
        "ring min kontakt",
        "ring Per om mitt ärende",  # her own case
        "ring mig om något händer",
        "ring polisen om han kommer tillbaka",
        "ring Per nu",
        "jag har skrivit om ärendet",  # no call asked
    ],
)
def test_her_own_request_is_not_about_a_case(typed: str) -> None:
    assert not for_a_case(typed, _viewer(Role.PARTY_SECURITY))


async def _counts(app: App) -> tuple[int, int]:
    """(reports, alerts) in the database."""
    async with app.db.unit_of_work() as session:
        reports = await session.scalar(select(func.count()).select_from(Report))
        alerts = await session.scalar(select(func.count()).select_from(Alert))
    return int(reports or 0), int(alerts or 0)


async def test_a_contacts_call_about_a_case_is_answered_not_alarmed_sv(
    demo_app: App, clock: FakeClock
) -> None:
    t = Transcript("call_about_a_case_sv", demo_app)
    await bind(t, "pia", "per")
    await report(t, "anna", "party")
    await t.deliver()
    pia = t.person("pia")
    t.note("Pia takes the case from the push")
    await t.say(pia, "Jag tar det")
    await t.deliver()
    clock.advance(hours=2)
    before = await _counts(demo_app)
    t.note("Pia, at her menu, writes what is to be done about Anna's case")
    for typed in ("ring Per om ärendet", "ring Anna om ärendet", "ring Per om Annas ärende"):
        said = await t.say(pia, typed)
        assert said.startswith(NOT_SENT), said
        assert WRITE_THERE in said and GUIDANCE not in said, said
        assert "Öppna ärenden:" in said, said  # her cases, to open and write in
    assert "Ring Per Ek: +46 70 174 06 12" in t.text()
    t.note("a note of a call to make later: not a call asked of Trygg, and not lost either")
    said = await t.say(pia, "ring Per imorgon om ärendet")
    assert said.startswith("Det du skrev har inte skickats till någon.\n" + WRITE_THERE), said
    assert await _counts(demo_app) == before  # no report in her name, no alarm
    t.note("she opens the case from the list and writes it there: kept as a note")
    await t.say(pia, "1")
    kept = await t.say(pia, "ring Per om ärendet")
    assert "intern anteckning" in kept, kept
    t.check()


async def test_her_own_request_to_call_still_opens_akut(chat: Any) -> None:
    pia = chat("pia")
    await pia.say("/hjalp")
    for typed in ("kan du ringa Per åt mig", "ring min kontakt"):
        said = await pia.say(typed)
        assert said.startswith("Jag kan inte ringa åt dig.\n" + GUIDANCE), said
        assert "akut:alert" in [b for b, _label, _token in pia.buttons], said
        await pia.say("/meny")
    anna = chat("anna")  # an official's "om ärendet" is her own matter: as before
    await anna.say("/hjalp")
    said = await anna.say("ring Per om ärendet")
    assert said.startswith("Jag kan inte ringa åt dig.\n" + GUIDANCE), said
