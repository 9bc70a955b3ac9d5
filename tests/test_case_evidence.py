"""A file she sends after her report (a photo of the next letter) is kept with her open
case and its handlers are told: it had been answered with advice and dropped, from the
menu and from her case alike. Words typed in her case reach the handlers too."""

from __future__ import annotations

from typing import Any

from bot.app import App
from tests.conftest import Chat, FakeClock
from tests.reporting import attach
from tests.test_alerts import ack, outbox, submit_report
from tests.test_case import MONDAY_10, last_outbox_id

PHOTO = b"\x89PNG\r\n\x1a\n" + b"brev" * 400


async def test_a_file_sent_after_the_report_is_kept_with_her_case(
    chat: Any, demo_app: App, clock: FakeClock
) -> None:
    clock.now = MONDAY_10  # by day (in the quiet hours: tests/test_words_at_night.py)
    case = await submit_report(chat, "anna", "party")
    await ack(chat("pia"), case.alert_id)
    anna: Chat = chat("anna")
    await anna.say("/meny")
    mark = await last_outbox_id(demo_app)
    kept = await attach(anna, PHOTO, name="nytt_brev.png", caption="kom idag")
    kept_line = f"Jag har sparat det du skickade i ditt ärende {case.ref} som bevis: foto"
    assert kept.startswith(f"I fara nu: ring 112.\n{kept_line}"), kept
    assert "Pia Lind ser det." in kept, kept
    told = [(h, k) for _, h, k, _ in await outbox(demo_app, mark)]
    assert told == [("pia", "case_evidence")]
    shown = await chat("pia").say("visa rapporten")
    assert "”kom idag”" in shown, shown  # the file is listed in the case, with her caption

    # with her case open in the chat: the same
    await anna.say(f"/arende {case.ref}")
    again = await attach(anna, PHOTO + b"2", name="kuvert.png")
    assert f"Jag har sparat det du skickade i ditt ärende {case.ref} som bevis" in again, again


async def test_a_contact_is_told_when_words_typed_in_her_case_are_kept(
    chat: Any, demo_app: App, clock: FakeClock
) -> None:
    clock.now = MONDAY_10  # by day (in the quiet hours: tests/test_words_at_night.py)
    case = await submit_report(chat, "anna", "party")
    await ack(chat("pia"), case.alert_id)
    anna: Chat = chat("anna")
    await anna.say(f"/arende {case.ref}")
    mark = await last_outbox_id(demo_app)
    await anna.say("sover dåligt men klarar mig")
    assert [(h, k) for _, h, k, _ in await outbox(demo_app, mark)] == [("pia", "checkin_reply")]


async def test_with_a_report_begun_short_words_and_files_go_with_it(
    chat: Any, demo_app: App, clock: FakeClock
) -> None:
    """After /akut kept "Per Ek hotar mig" as a report she began, "passar ej" and a photo from
    the menu were answered with the menu alone, and lost."""
    case = await submit_report(chat, "anna", "party")
    await ack(chat("pia"), case.alert_id)
    anna: Chat = chat("anna")
    await anna.say("/akut")
    await anna.say("Per Ek hotar mig")  # kept in a report of her own, not in Pia's case
    await anna.say("/meny")
    said = await anna.say("passar ej")  # with the unit's alert (she named Per) and the report
    assert "Sara Strand ser det du skrev" in said, said
    assert "Det finns också i rapporten som du kan fortsätta med" in said, said
    filed = await attach(anna, PHOTO, name="skarm.png")
    assert filed.startswith(
        "I fara nu: ring 112.\nJag har sparat det du skickade i rapporten du har börjat på: foto"
    ), filed
    begun = await anna.say("/rapportera")  # her words just kept: that report goes on
    assert "Det du skrev finns redan med" in begun and "Vem gäller det?" in begun, begun


async def test_the_unit_the_case_was_sent_to_is_told_of_her_words_and_files(
    chat: Any, demo_app: App, clock: FakeClock
) -> None:
    """A case about her assignment goes to Pia and the unit; Pia takes it. Anna's later words
    and files reached Pia alone: Sara, who documents the case and assesses it with the police
    (3.1.2), was not told, and Anna was told only Pia sees them."""
    clock.now = MONDAY_10
    case = await submit_report(chat, "anna", "assignment")
    await ack(chat("pia"), case.alert_id)
    anna: Chat = chat("anna")
    await anna.say(f"/arende {case.ref}")
    mark = await last_outbox_id(demo_app)
    await anna.say("Han ringde igen i morse och nämnde min dotters namn")
    kept = await attach(anna, PHOTO, name="sms.png")
    assert "Pia Lind och Sara Strand ser det." in kept, kept
    told = sorted((h, k) for _, h, k, _ in await outbox(demo_app, mark))
    assert told == [
        ("pia", "case_evidence"),
        ("pia", "checkin_reply"),
        ("sara", "case_evidence"),
        ("sara", "checkin_reply"),
    ]
