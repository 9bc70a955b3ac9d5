"""Issue 18, item 1, on Telegram: a case of more than 6,000 characters reaches Pia whole
and in order (in several messages, none over Telegram's limit), and a piece of evidence she
opens arrives in her chat as the original file, with its SHA-256 in the caption."""

from __future__ import annotations

import hashlib

from sqlalchemy import select

from bot.app import App
from storage.models import AuditEntry
from tests.fakebotapi import MAX_TEXT, FakeBotApi, fake_bot_api_fixture  # noqa: F401
from tests.reporting import SKIPPED, Script, write_report
from tests.telegram_harness import (  # noqa: F401
    TelegramHarness,
    TelegramWriter,
    telegram_app_fixture,
    telegram_fixture,
    wait_text,
)
from tests.test_trust import REF_RE

ANNA, PIA = 1001, 1002
FIRST = "Det började i september. " + "Han skrev till mig varje kväll om mitt beslut. " * 65
SECOND = "Sedan kom han hem till mig. " + "Han stod vid grinden och tittade på huset. " * 70
PHOTO = b"\x89PNG\r\n\x1a\n" + b"brevet i brevladan " * 500
PHOTO_SHA = hashlib.sha256(PHOTO).hexdigest()


def offered(tg: TelegramHarness, chat: int) -> dict[str, tuple[int, str]]:
    """The latest keyboard's buttons: id -> (message id, callback data)."""
    message = tg.keyboard_message(chat)["message_id"]
    return {data.partition("|")[2]: (message, data) for _l, data in tg.fake.buttons(chat, message)}


def flat(text: str) -> str:
    return " ".join(text.split())


async def test_a_long_case_and_its_evidence_reach_pia_on_telegram(
    tg: TelegramHarness, tg_app: App
) -> None:
    assert len(FIRST) < MAX_TEXT and len(SECOND) < MAX_TEXT and len(FIRST + SECOND) > 6000
    await tg.bind("anna", ANNA)
    await tg.bind("pia", PIA)
    tg.fake.add_chat(PIA)  # she has talked to the bot before
    script = Script(
        category="assignment",
        what=(FIRST, SECOND),
        skip=SKIPPED,
        choose=None,
        evidence=[(PHOTO, "brevet.png", "Brevet låg i brevlådan")],
    )
    sent = await write_report(TelegramWriter(tg, ANNA), script)
    found = REF_RE.search(sent)
    assert found, sent
    ref = found.group(1)
    await wait_text(tg.fake, PIA, ref)
    buttons = offered(tg, PIA)
    [ack] = [data for button, data in buttons.items() if button.startswith("ack:")]
    [show] = [data for button, data in buttons.items() if button.startswith("show:")]
    await tg.press_data(PIA, *ack)

    pieces = await tg.press_data(PIA, *show)
    assert len(pieces) >= 2 and all(len(piece) <= MAX_TEXT for piece in pieces), pieces
    assert pieces[0].startswith(f"Incidentrapport {ref}")
    whole = flat("\n".join(pieces))
    assert flat(FIRST + " " + SECOND) in whole  # every word, in order
    assert f"SHA-256 {PHOTO_SHA}" in pieces[-1]  # the evidence comes last, with its buttons

    [open_file] = [data for b, data in offered(tg, PIA).items() if b.startswith("ev_open:")]
    start = len(tg.fake.requests)
    await tg.press_data(PIA, *open_file)
    request = await tg.fake.wait_for("sendDocument", after=start)
    assert request.params["chat_id"] == PIA
    message = tg.fake.sent(PIA)[-1]
    document = message["document"]
    assert tg.fake.file_content(document["file_id"]) == PHOTO
    assert document["file_name"] == "brevet.png"
    assert message["caption"].startswith(f"Fil 1 i ärende {ref}: fil, mottaget ")
    assert f"SHA-256: {PHOTO_SHA}" in message["caption"]
    async with tg_app.db.unit_of_work() as session:
        opened = await session.execute(
            select(AuditEntry.subject).where(AuditEntry.action == "evidence_opened")
        )
        assert list(opened.scalars()) == [ref]
