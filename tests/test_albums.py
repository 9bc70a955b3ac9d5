"""Several photos sent as one message (an album on Telegram, several files in one Signal
message) arrive one by one, but she sent them once: she is answered once, every file is
kept, and her case's handlers are told once. One answer per photo read as a flood at night,
and at /akut asked "Ska jag larma Pia Lind nu?" once per photo."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import func, select

from bot.app import App
from storage.models import Evidence
from tests.conftest import Chat, FakeClock
from tests.reporting import attach
from tests.signal_harness import (  # noqa: F401
    SignalHarness,
    fake_signal_fixture,
    signal_app_fixture,
    signal_fixture,
)
from tests.test_alerts import ack, outbox, submit_report
from tests.test_case import MONDAY_10, last_outbox_id
from tests.test_trust import SQLITE_ONLY

PHOTO = b"\x89PNG\r\n\x1a\n" + b"hot" * 300


async def kept_files(app: App) -> int:
    async with app.db.unit_of_work() as session:
        return int(await session.scalar(select(func.count(Evidence.id))) or 0)


async def album(person: Chat, n: int, group: str = "4711") -> list[str]:
    """Send ``n`` photos as one message; what she read after each."""
    return [
        await attach(person, PHOTO + bytes([i]), name=f"bild{i}.png", album=group) for i in range(n)
    ]


async def test_an_album_at_the_menu_is_answered_once_and_kept_whole(
    chat: Any, demo_app: App
) -> None:
    anna: Chat = chat("anna")
    said = await album(anna, 3)
    assert said[0].startswith("I fara nu: ring 112."), said
    assert "som bevis i en ny rapport: foto" in said[0], said
    assert "Resten av det du skickade samtidigt sparas där också." in said[0], said
    assert said[1:] == ["", ""], said  # the other two: kept, without a word each
    assert await kept_files(demo_app) == 3
    # a second album is a new message: answered again, with the report she began
    said = await album(anna, 2, group="4712")
    assert "i rapporten du har börjat på" in said[0] and said[1] == "", said
    assert await kept_files(demo_app) == 5
    # a photo alone is still answered on its own
    alone = await attach(anna, PHOTO + b"x", name="ensam.png")
    assert "i rapporten du har börjat på" in alone and "samtidigt" not in alone, alone


async def test_an_album_in_the_report_is_answered_once(chat: Any, demo_app: App) -> None:
    anna: Chat = chat("anna")
    await anna.say("/rapportera")
    said = await album(anna, 3)
    assert said[0] == (
        "Sparat som bevis: foto, 1 kB, och resten av det du skickade samtidigt. Du kan ta bort "
        "dem innan du skickar."
    ), said
    assert said[1:] == ["", ""], said
    assert await kept_files(demo_app) == 3


async def test_an_album_at_akut_asks_to_alert_once(chat: Any, demo_app: App) -> None:
    anna: Chat = chat("anna")
    await anna.say("/akut")
    said = await album(anna, 3)
    assert "Ska jag larma Pia Lind nu?" in said[0], said
    assert said[1:] == ["", ""], said
    assert await kept_files(demo_app) == 3
    # her answer still works: the question asked with the first photo is the open one
    alerted = await anna.say("Larma Pia Lind")
    assert "Jag har larmat Pia Lind" in alerted, alerted


async def test_an_album_to_her_open_case_tells_the_handlers_once(
    chat: Any, demo_app: App, clock: FakeClock
) -> None:
    clock.now = MONDAY_10  # by day: the handlers are told at once
    case = await submit_report(chat, "anna", "party")
    await ack(chat("pia"), case.alert_id)
    anna: Chat = chat("anna")
    await anna.say("/meny")
    mark = await last_outbox_id(demo_app)
    said = await album(anna, 4)
    assert f"i ditt ärende {case.ref} som bevis: foto" in said[0], said
    assert "Resten av det du skickade samtidigt sparas där också." in said[0], said
    assert said[1:] == ["", "", ""], said
    told = [(h, k) for _, h, k, _ in await outbox(demo_app, mark)]
    assert told == [("pia", "case_evidence")], told


@SQLITE_ONLY
async def test_several_files_in_one_signal_message_are_answered_once(
    sg: SignalHarness, sg_app: App
) -> None:
    anna = await sg.bind("anna")
    await sg.say(anna, "/rapportera")

    seen = len(sg.texts(anna))
    files = [(PHOTO + bytes([i]), "image/png", f"b{i}.png") for i in range(3)]
    await sg.fake.push_attachments(anna, files)
    text = await sg.wait_text(anna, "och resten av det du skickade samtidigt")
    for _ in range(200):  # the three are handled one after the other
        if await kept_files(sg_app) == 3:
            break
        await asyncio.sleep(0.05)
    assert await kept_files(sg_app) == 3, text
    assert [t for t in sg.texts(anna)[seen:] if "Sparat som bevis" in t] == [text]
