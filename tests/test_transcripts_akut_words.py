"""/akut as a frightened person writes to it, as golden transcripts: words instead of the
buttons, and a cry in the middle of a report (language.md rules 1, 2 and 4)."""

from __future__ import annotations

from bot.app import App
from tests.golden import Transcript
from tests.test_core import alert_count


async def test_akut_in_words_sv(demo_app: App) -> None:
    t = Transcript("akut_in_words_sv", demo_app)
    anna = t.person("anna")
    t.note("23:00: Anna writes instead of pressing")
    await t.say(anna, "/akut")
    short = await t.say(anna, "ok tack")
    kept = await t.say(anna, "han står kvar utanför")
    alerted = await t.say(anna, "larma pia snälla")
    t.check()
    assert short.count("112") == 1 and "Säkerhetsenheten" not in short  # not the whole again
    assert "Jag sparade det du skrev" in kept
    assert alerted.startswith("I fara nu: ring 112.\nJag har larmat Pia Lind")
    assert await alert_count(demo_app) == 1


async def test_akut_in_words_en_and_a_cry_inside_a_report(demo_app: App) -> None:
    t = Transcript("akut_in_words_en", demo_app)
    bo = t.person("bo")
    t.note("Bo starts a report; halfway through, the man comes back")
    await t.say(bo, "/rapportera")
    await t.say(bo, "It happened to me")
    cry = await t.say(bo, "help he is back at the door")
    alerted = await t.say(bo, "call britt")
    t.check()
    assert cry.startswith("Are you in danger right now? Call 112.")
    assert "I have alerted Britt Holm" in alerted
    assert await alert_count(demo_app) == 1
