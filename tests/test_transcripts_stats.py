"""/statistik as the security unit and a party contact read it, and the kind refusal an
elected official gets (golden transcripts, Swedish)."""

from __future__ import annotations

from bot.app import App
from tests.conftest import FakeClock
from tests.golden import Transcript
from tests.stats_seed import seed


async def test_statistics_for_the_unit_and_a_party_contact(demo_app: App, clock: FakeClock) -> None:
    await seed(demo_app, 80, seed=7)
    t = Transcript("statistics_sv", demo_app)
    sara, pia, anna = t.person("sara"), t.person("pia"), t.person("anna")
    t.note("Sara (the municipal security unit) counts this year, by button")
    await t.say(sara, "/statistik")
    await t.say(sara, "1")
    t.note("then writes a period instead of choosing one")
    await t.say(sara, "/statistik")
    await t.say(sara, "mars–juni 2026")
    t.note("Pia (Gröna partiet's security contact) counts last year: her party's cases only")
    await t.say(pia, "/statistik")
    await t.say(pia, "3")
    t.note("something no period: she is asked again")
    await t.say(pia, "/statistik")
    await t.say(pia, "bananer")
    await t.say(pia, "senaste 12 månaderna")
    t.note("Anna is an elected official: statistics are not hers to see")
    await t.say(anna, "/statistik")
    t.check()
    said = t.text()
    assert "Ekvägen" not in said and "Anna Berg, byggnadsnämnden" not in said
