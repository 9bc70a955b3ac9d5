"""`/skriv` alone, typed by a contact: with one alert she may write about, it writes to that
person at once; with several, it asks whom, as numbered choices on Signal. It only worked
while the alert's own choices were in the newest message (on Signal, nothing else counts);
compare with tests/transcripts/signal_write_alone_sv.txt."""

from __future__ import annotations

from typing import Any

from bot.app import App
from storage.alert_notes import AlertNotes
from tests.conftest import Chat
from tests.signal_harness import (  # noqa: F401
    SignalHarness,
    fake_signal_fixture,
    signal_app_fixture,
    signal_fixture,
)
from tests.test_akut_after import akut_alerts
from tests.test_followup_calls import viewer
from tests.test_transcripts_signal import SignalTranscript
from tests.test_trust import SQLITE_ONLY

ASKED_ANNA = "Vad vill du skriva till Anna Berg? Anna Berg får det i Trygg direkt."


@SQLITE_ONLY
async def test_skriv_alone_on_signal_writes_to_the_one_she_took_or_asks_whom(
    sg: SignalHarness,
) -> None:
    t = SignalTranscript("signal_write_alone_sv", sg)
    anna, pia, bo, sara = [await t.person(h) for h in ("anna", "pia", "bo", "sara")]
    for handle in ("per", "britt"):
        await t.person(handle)
    t.note("Anna alerts Pia; Pia takes it; Anna writes more, so that is the newest message")
    await t.say(anna, "akut")
    await t.choose(anna, "Larma Pia Lind")
    await t.say(pia, "Jag tar det")
    await t.say(anna, "han står kvar utanför")
    t.note("Pia types /skriv alone: the one she took is the one she writes to")
    await t.say(pia, "/skriv")
    said = "\n".join(t.t.lines)
    assert ASKED_ANNA in said, said
    await t.say(pia, "Jag ringer dig om fem minuter.")
    t.note("Later Anna, and then Bo, alert the municipality's unit; Sara types /skriv alone")
    await t.say(anna, "/akut")
    await t.choose(anna, "Larma säkerhetsenheten")
    await t.say(bo, "/akut")
    await t.choose(bo, "Alert the security unit")
    await t.say(sara, "/skriv")
    assert sorted(sg.choices(sara)) == ["Skriv till Anna Berg", "Skriv till Bo Sand"]
    await t.choose(sara, "Skriv till Bo Sand")
    assert "Vad vill du skriva till Bo Sand?" in "\n".join(t.t.lines)
    t.check()
    (alert,) = [a for a in await akut_alerts(sg.app) if a.acknowledged_by is not None]
    async with sg.app.db.unit_of_work() as session:
        thread = await AlertNotes(session, sg.app.keyring).thread(
            await viewer(sg.app, "anna"), alert.id
        )
    assert "Jag ringer dig om fem minuter." in [w.text for w in thread]


async def test_skriv_alone_in_the_chat_writes_to_the_one_she_took(chat: Any, demo_app: App) -> None:
    anna, pia = chat("anna"), chat("pia")
    await pia.say("/hjalp")
    await anna.say("/akut")
    await anna.press("akut:alert")
    (alert,) = await akut_alerts(demo_app)
    await pia.press(f"ack:{alert.id}")
    await pia.say("/hjalp")  # the alert's buttons are further up now
    asked = await pia.say("/skriv")
    assert asked.startswith(ASKED_ANNA), asked


async def test_skriv_alone_with_no_alert_to_write_about_says_where_it_is(chat: Any) -> None:
    pia: Chat = chat("pia")
    said = await pia.say("/skriv")
    assert said.startswith("Vill du skriva till den som larmade"), said
