"""Anna, whom the directory knows, reporting for someone else was asked "Vem är du? Ditt
namn, din funktion …", as if Trygg did not know her: she is asked only her role and how
she knows the person; someone not registered is still asked their name."""

from __future__ import annotations

from typing import Any

from tests.conftest import Chat


async def test_a_known_reporter_is_not_asked_her_name(chat: Any) -> None:
    anna: Chat = chat("anna")
    await anna.say("/rapportera")
    asked = await anna.say("Jag rapporterar för någon annan")
    assert "Vilken roll har du, och hur känner du den som utsattes?" in asked, asked
    assert "Ditt namn" not in asked


async def test_someone_not_registered_is_asked_their_name(chat: Any) -> None:
    stranger: Chat = chat("okand")
    await stranger.say("/start")
    await stranger.say("svenska")
    await stranger.say("/rapportera")
    asked = await stranger.say("Jag rapporterar för någon annan")
    for _step in range(3):  # someone unknown is asked the municipality first
        if "Vem är du?" in asked:
            break
        asked = await stranger.say("1")
    assert "Vem är du? Ditt namn" in asked, asked
