"""Bo reads Trygg in English and read "Security unit of Sjöviks kommun": the municipality's
Swedish name in an English sentence. The org file may now give a municipality an English
name (``name_en``); English text uses it, Swedish text and a file without it keep ``name``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot import orgfile
from bot.app import App
from conversations.i18n import place_name
from storage.directory import PlaceName
from storage.errors import DirectoryError
from storage.models import Municipality
from tests.conftest import Chat
from tests.test_orgfile import DEMO_ORG


def test_english_reads_the_english_name_swedish_the_name() -> None:
    sjovik = PlaceName("Sjöviks kommun", "Sjövik Municipality")
    assert place_name("en", sjovik) == "Sjövik Municipality"
    assert place_name("sv", sjovik) == "Sjöviks kommun"
    assert place_name("en", PlaceName("Norrby kommun")) == "Norrby kommun"  # none given


def test_the_org_file_may_give_an_english_name_and_not_an_empty_one(tmp_path: Path) -> None:
    assert orgfile.parse(DEMO_ORG).municipalities[0].name_en == "Sjövik Municipality"
    text = DEMO_ORG.read_text(encoding="utf-8")
    without = tmp_path / "without.yaml"
    without.write_text(text.replace("    name_en: Sjövik Municipality\n", ""), encoding="utf-8")
    assert orgfile.parse(without).municipalities[0].name_en is None
    empty = tmp_path / "empty.yaml"
    empty.write_text(text.replace("name_en: Sjövik Municipality", 'name_en: " "'), "utf-8")
    with pytest.raises(DirectoryError, match="name_en"):
        orgfile.parse(empty)


async def test_bo_reads_the_english_name_and_anna_the_swedish(chat: Any) -> None:
    bo: Chat = chat("bo")
    shown = await bo.say("/contacts")
    assert "Security unit of Sjövik Municipality: +46 8 465 004 10" in shown, shown
    assert "kommun" not in shown, shown
    anna: Chat = chat("anna")
    assert "Sjöviks kommun" in await anna.say("/kontakter")


async def test_a_file_without_it_leaves_english_with_the_name(
    demo_app: App, chat: Any, tmp_path: Path
) -> None:
    without = tmp_path / "org.yaml"
    text = DEMO_ORG.read_text(encoding="utf-8")
    without.write_text(text.replace("    name_en: Sjövik Municipality\n", ""), encoding="utf-8")
    async with demo_app.db.unit_of_work() as session:
        await orgfile.apply(session, orgfile.parse(without), demo_app.keyring)
    async with demo_app.db.unit_of_work() as session:
        assert (await session.get(Municipality, 1)).name_en is None  # type: ignore[union-attr]
    bo: Chat = chat("bo")
    assert "Security unit of Sjöviks kommun: +46 8 465 004 10" in await bo.say("/contacts")


async def test_someone_not_yet_in_trygg_reading_english_is_given_the_english_name(
    chat: Any,
) -> None:
    stranger: Chat = chat("newcomer", locale_hint="en")
    listed = await stranger.say("/contacts")
    assert "• Sjövik Municipality: +46 8 465 004 10 (switchboard" in listed, listed


async def test_among_many_he_is_told_the_english_command(demo_app: App, chat: Any) -> None:
    async with demo_app.db.unit_of_work() as session:
        for n, name in enumerate(("Åby", "Älvdal", "Öby", "Ekby", "Fjällby", "Gölby")):
            phone = f"+46 8 465 004 {20 + n}"
            session.add(Municipality(key=f"m{n}", name=f"{name} kommun", security_unit_phone=phone))
    stranger: Chat = chat("newcomer", locale_hint="en")
    asked = await stranger.say("/contacts")
    assert "Write /contacts and your municipality, for example /contacts" in asked, asked
    assert "/kontakter" not in asked, asked
    named = await stranger.say("/contacts sjovik")  # his, by its English name too
    assert "• Sjövik Municipality: +46 8 465 004 10" in named, named
    assert "Älvdal" not in named, named


async def test_statistics_in_english_name_the_municipality_in_english(demo_app: App) -> None:
    sara = Chat(demo_app, "sara")
    await sara.say("/start")
    await sara.say("English")  # she switches language
    said = await sara.say("/stats 2025")
    assert "Sjövik Municipality" in said and "Sjöviks kommun" not in said, said
    kent = Chat(demo_app, "kent")  # who reads Swedish
    assert "Sjöviks kommun" in await kent.say("/statistik 2025")
