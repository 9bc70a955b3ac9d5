"""Anna has alerted Pia, and the alert asked for a call to her. Five minutes on, nobody has
called: "kan du ringa mig?". She read "Ingen har tagit ditt larm än. Pia Lind ser det du
skrev." and that her words were in her report, "Vad hände: kan du ringa mig?". She is now
told the alert already asks Pia to call her, and nothing is added to her report."""

from __future__ import annotations

from typing import Any

from bot.app import App
from tests.conftest import Chat
from tests.test_report import answers


async def test_asking_for_a_call_again_is_told_it_is_asked(chat: Any, demo_app: App) -> None:
    anna: Chat = chat("anna")
    await anna.say("akut")
    alerted = await anna.say("1")
    assert "bett om ett samtal till dig nu" in alerted, alerted
    said = await anna.say("kan du ringa mig?")
    assert "Larmet ber redan Pia Lind att ringa dig." in said, said
    assert "/rapportera" not in said, said
    danger = await anna.say("han står utanför fönstret nu")
    assert "Larmet ber redan" not in danger, danger


async def test_a_call_asked_for_is_not_kept_as_what_happened(chat: Any, demo_app: App) -> None:
    anna: Chat = chat("anna")
    await anna.say("akut")
    await anna.say("1")
    await anna.say("kan någon ringa mig?")
    await anna.say("han har ringt fem gånger i kväll")
    kept = await answers(demo_app, "anna")
    assert kept["what"]["text"] == "han har ringt fem gånger i kväll", kept
