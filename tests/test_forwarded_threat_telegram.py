"""A frightened official at 23:00 forwards the threatening message itself into the bot on
Telegram, sends screenshots, a PDF, a voice message and an album, edits a message and taps
buttons twice or on an old message: everything she sends is kept as sealed evidence (a
forwarded message with who first sent it and when, as Telegram tells), and she is told
plainly where it went. The conversation is kept in tests/transcripts/forwarded_threat_sv.txt."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import select

from bot.app import App
from bot.transports.telegram_updates import origin_of
from storage.models import Evidence
from tests.fakebotapi import FakeBotApi, fake_bot_api_fixture  # noqa: F401
from tests.golden import Transcript
from tests.reporting import SKIPPED, Script, write_report
from tests.telegram_harness import (  # noqa: F401
    TelegramHarness,
    TelegramWriter,
    telegram_app_fixture,
    telegram_fixture,
    wait_text,
)
from tests.test_case_reading_telegram import offered
from tests.test_trust import REF_RE

ANNA, PIA = 1001, 1002
THREAT = "Vi vet var du bor. Akta dig i kväll."
KALLE = {
    "type": "user",
    "date": 1_795_000_000,
    "sender_user": {"id": 555, "is_bot": False, "first_name": "Kalle", "username": "kalle_h"},
}
HIDDEN = {"type": "hidden_user", "date": 1_795_000_100, "sender_user_name": "Sanningen"}


class Chat:
    """Anna's Telegram chat, recorded as a golden transcript."""

    def __init__(self, tg: TelegramHarness, t: Transcript) -> None:
        self.tg, self.t = tg, t

    async def act(self, what: str, inject: Callable[[], int]) -> str:
        self.t.lines += ["", f"anna (telegram)> {what}"]
        out = await self.tg.act(ANNA, inject)
        self.record(out)
        return "\n".join(out)

    def record(self, out: list[str]) -> None:
        """The bot's messages, as she reads them, with the last one's buttons."""
        for text in out:
            self.t.lines.append("bot → anna:")
            self.t.lines += [f"    {line}" if line else "" for line in text.splitlines()]
        self.t.lines += [f"    [{label}]" for label, _d in self._buttons(out)]

    def _buttons(self, out: list[str]) -> list[tuple[str, str]]:
        sent = self.tg.fake.sent(ANNA)
        return self.tg.fake.buttons(ANNA, sent[-1]["message_id"]) if out and sent else []

    async def say(self, text: str) -> str:
        return await self.act(text, lambda: self.tg.fake.send_text(ANNA, text))

    async def forward(self, origin: dict[str, Any], text: str = THREAT) -> str:
        extra = {"forward_origin": origin}
        return await self.act(
            f"(vidarebefordrar) {text}", lambda: self.tg.fake.send_text(ANNA, text, extra=extra)
        )

    async def press(self, label: str, message_id: int | None = None) -> str:
        message = self.tg.keyboard_message(ANNA, message_id)["message_id"]
        data = dict(self.tg.fake.buttons(ANNA, message))[label]
        old = "  (further up)" if message_id is not None else ""
        out = await self.act(f"[{label}]{old}", lambda: self.tg.fake.press(ANNA, message, data))
        await self.tg.fake.wait_for("answerCallbackQuery")
        return out


async def kept(app: App) -> list[tuple[str, dict[str, Any]]]:
    """Every piece of evidence kept, oldest first: its kind and its (opened) meta."""
    async with app.db.unit_of_work() as session:
        rows = (await session.execute(select(Evidence).order_by(Evidence.received_at))).scalars()
        return [
            (
                row.kind,
                app.keyring.open_json(row.meta, table="evidence", column="meta", row=row.id),
            )
            for row in rows
        ]


async def test_a_forwarded_threat_is_kept_at_the_menu_at_akut_and_in_the_report(
    tg: TelegramHarness, tg_app: App
) -> None:
    await tg.bind("anna", ANNA)
    t = Transcript("forwarded_threat_sv", tg_app)
    anna = Chat(tg, t)

    t.note("before anything: she forwards the threat itself")
    said = await anna.forward(KALLE)
    assert "som bevis i en ny rapport" in said and "Kalle (@kalle_h)" in said, said
    t.note("/akut, then the threat forwarded again, and a forwarded screenshot")
    await anna.say("/akut")
    said = await anna.forward(KALLE)
    assert "Jag har sparat det du skickade" in said and "Ska jag larma Pia Lind nu?" in said, said
    said = await anna.act(
        "(vidarebefordrar en skärmdump) Han igen",
        lambda: tg.fake.send_photo(ANNA, caption="Han igen", extra={"forward_origin": KALLE}),
    )
    assert "foto" in said and "Kalle (@kalle_h)" in said, said
    t.note("the report: her forwards are in it, as evidence, not as her words")
    said = await anna.say("/rapportera")
    assert "Det du skickade finns redan med, som bevis." in said and "Det du skrev" not in said, (
        said
    )
    await anna.press("Det hände mig")
    t.note("at a question with buttons: a forward from someone who hides their account")
    said = await anna.forward(HIDDEN, "Du borde vara rädd.")
    assert "Sanningen" in said and "Vilket uppdrag har du?" not in said, said

    meta = [
        (kind, m.get("origin"), m.get("origin_at"), m.get("caption"))
        for kind, m in await kept(tg_app)
    ]
    assert meta == [
        ("forward", "Kalle (@kalle_h)", "2026-11-18T11:06:40+00:00", THREAT),
        ("forward", "Kalle (@kalle_h)", "2026-11-18T11:06:40+00:00", THREAT),
        ("photo", "Kalle (@kalle_h)", "2026-11-18T11:06:40+00:00", "Han igen"),
        ("forward", "Sanningen", "2026-11-18T11:08:20+00:00", "Du borde vara rädd."),
    ], meta
    t.check()


async def test_files_mid_report_a_double_tap_and_an_old_button(
    tg: TelegramHarness, tg_app: App
) -> None:
    await tg.bind("anna", ANNA)
    t = Transcript("files_mid_report_telegram_sv", tg_app)
    anna = Chat(tg, t)
    await anna.say("/rapportera")
    first = tg.keyboard_message(ANNA)["message_id"]
    data = dict(tg.fake.buttons(ANNA, first))["Det hände mig"]

    t.note("she taps “Det hände mig” twice, fast")
    t.lines += ["", "anna (telegram)> [Det hände mig] [Det hände mig]"]
    twice = [tg.fake.press(ANNA, first, data) for _ in range(2)]
    for update in twice:
        await tg.handled(update)
    anna.record(tg.since(ANNA, first))
    said = tg.since(ANNA, first)
    assert said == ["Vilket uppdrag har du? Till exempel: ledamot i byggnadsnämnden."]  # once

    t.note("a screenshot with a caption, a photo, a PDF and a voice message")
    photo = await anna.act("(skärmdump) Facebook", lambda: tg.fake.send_photo(ANNA, caption="Fb"))
    bare = await anna.act("(foto)", lambda: tg.fake.send_photo(ANNA))
    pdf = await anna.act("(pdf)", lambda: tg.fake.send_document(ANNA))
    voice = await anna.act("(röstmeddelande)", lambda: tg.fake.send_voice(ANNA))
    assert "Sparat som bevis: foto" in photo and "Sparat som bevis: foto" in bare
    assert "Sparat som bevis: fil" in pdf and "Sparat som bevis: röstmeddelande" in voice

    t.note("an album: three photos at once")
    t.lines += ["", "anna (telegram)> (album: tre foton, texten Album)"]
    mark = tg.mark(ANNA)
    album = {"media_group_id": "13579"}
    updates = [
        tg.fake.send_photo(ANNA, caption="Album" if n == 0 else None, extra=album) for n in range(3)
    ]
    for update in updates:
        await tg.handled(update)
    anna.record(tg.since(ANNA, mark))
    assert tg.since(ANNA, mark) == [  # one message, one answer: not one line per photo
        "Sparat som bevis: foto, 1 kB, och resten av det du skickade samtidigt. Du kan ta bort "
        "dem innan du skickar."
    ]

    await anna.say("Ledamot i byggnadsnämnden")
    [mine] = [m for m in tg.user_messages(ANNA) if m.get("text") == "Ledamot i byggnadsnämnden"]
    t.note("she corrects her answer by editing the message")
    edited = await anna.act(
        "(ändrar sitt svar) Ersättare i byggnadsnämnden",
        lambda: tg.fake.edit_text(ANNA, mine["message_id"], "Ersättare i byggnadsnämnden"),
    )
    assert edited == "Jag ändrade ditt senaste meddelande i rapporten.", edited

    t.note("she presses “Det hände mig” on the first question, further up")
    stale = await anna.act(
        "[Det hände mig]  (further up)", lambda: tg.fake.press(ANNA, first, data)
    )
    assert stale.startswith("Den knappen hör till ett tidigare meddelande"), stale
    assert [kind for kind, _m in await kept(tg_app)] == ["photo", "photo", "document", "voice"] + [
        "photo"
    ] * 3
    t.check()


async def test_pia_reads_who_first_sent_the_threat_anna_forwarded_into_her_case(
    tg: TelegramHarness, tg_app: App
) -> None:
    """End to end: Telegram's forward_origin, kept with Anna's open case, read by Pia."""
    await tg.bind("anna", ANNA)
    await tg.bind("pia", PIA)
    tg.fake.add_chat(PIA)  # she has talked to the bot before
    script = Script(category="assignment", what=("Hot på Telegram.",), skip=SKIPPED, choose=None)
    found = REF_RE.search(await write_report(TelegramWriter(tg, ANNA), script))
    assert found, "no case reference"
    await wait_text(tg.fake, PIA, found.group(1))
    buttons = offered(tg, PIA)
    [ack] = [data for button, data in buttons.items() if button.startswith("ack:")]
    [show] = [data for button, data in buttons.items() if button.startswith("show:")]
    await tg.press_data(PIA, *ack)
    extra = {"forward_origin": KALLE}
    said = "\n".join(await tg.act(ANNA, lambda: tg.fake.send_text(ANNA, THREAT, extra=extra)))
    assert "i ditt ärende" in said and "Kalle (@kalle_h)" in said, said
    shown = "\n".join(await tg.press_data(PIA, *show))
    first_sent = "   Först skickat av Kalle (@kalle_h), onsdag 18 november kl. 12.06"
    assert first_sent in shown.splitlines(), shown


def test_who_first_sent_it_for_each_kind_of_message_origin() -> None:
    """MessageOrigin as the Bot API schema has it: user, hidden_user, chat and channel."""
    channel = {"id": -100_999, "type": "channel", "title": "Hatkanalen", "username": "hat"}
    group = {"id": -100_998, "type": "supergroup", "title": "Grannar i Sjövik"}
    cases = {
        "Kalle (@kalle_h)": KALLE,
        "Sanningen": HIDDEN,
        "Grannar i Sjövik": {"type": "chat", "date": 1, "sender_chat": group},
        "Admin, Hatkanalen (@hat)": {
            "type": "channel",
            "date": 1,
            "chat": channel,
            "message_id": 77,
            "author_signature": "Admin",
        },
    }
    for who, origin in cases.items():
        assert origin_of({"forward_origin": origin})[0] == who
    assert origin_of({"forward_origin": {"type": "future", "date": 0}}) == ("", None)
