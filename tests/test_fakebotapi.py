"""The fake Bot API: its schema validator, and the server driven by a real PTB Bot."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Mapping
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
import telegram
from telegram import InlineKeyboardButton, InlineKeyboardMarkup
from telegram.error import BadRequest, Conflict, Forbidden, InvalidToken, NetworkError, RetryAfter

from tests.fakebotapi import (
    ApiSchema,
    FakeBotApi,
    api_json_path,
    fake_bot_api_fixture,  # noqa: F401
    parse_html,
)

CHAT = 4242
KEYBOARD = json.dumps({"inline_keyboard": [[{"text": "Ja", "callback_data": "yes"}]]})


@pytest.fixture(scope="module")
def schema() -> ApiSchema:
    return ApiSchema.load()


@pytest.fixture
async def bot(fake_bot_api: FakeBotApi) -> AsyncIterator[telegram.Bot]:
    bot = telegram.Bot(
        fake_bot_api.token,
        base_url=fake_bot_api.base_url,
        base_file_url=fake_bot_api.base_file_url,
    )
    async with bot:
        yield bot


# --------------------------------------------------------------------------- validator


def test_schema_location_and_override(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    shared = Path(__file__).resolve().parents[2] / "shared/telegram-bot-api/api.json"
    vendored = Path(__file__).resolve().parent / "botapi/api.json"
    assert api_json_path() == (shared if shared.exists() else vendored)
    assert api_json_path().exists()
    if shared.exists():  # the vendored copy is the same data
        assert vendored.read_bytes() == shared.read_bytes()
    monkeypatch.setenv("TRYGG_BOT_API_JSON", str(tmp_path / "api.json"))
    assert api_json_path() == tmp_path / "api.json"


def test_good_send_message_passes_as_form_and_as_json(schema: ApiSchema) -> None:
    form = {
        "chat_id": "42",
        "text": "Hej",
        "reply_markup": KEYBOARD,
        "disable_notification": "true",
    }
    assert schema.validate("sendMessage", form) == []
    as_json = {"chat_id": 42, "text": "Hej", "reply_markup": json.loads(KEYBOARD)}
    assert schema.validate("sendMessage", as_json) == []
    decoded, _ = schema.decode("sendMessage", form)
    assert decoded["chat_id"] == 42 and decoded["reply_markup"] == json.loads(KEYBOARD)


@pytest.mark.parametrize(
    ("method", "params", "expected"),
    [
        ("sendMessag", {"chat_id": 1, "text": "x"}, "unknown method"),
        ("sendMessage", {"text": "Hej"}, "missing required field 'chat_id'"),
        ("sendMessage", {"chat_id": 1, "text": "x", "colour": "red"}, "unknown field 'colour'"),
        ("sendMessage", {"chat_id": 1.5, "text": "x"}, "expected Integer or String"),
        ("sendMessage", {"chat_id": "1", "text": "x", "disable_notification": "yes"}, "Boolean"),
        ("sendMessage", {"chat_id": 1, "text": "x" * 4097}, "4097 characters"),
        ("sendMessage", {"chat_id": 1, "text": " \n"}, "must be 1-4096"),
        ("sendMessage", {"chat_id": 1, "text": "<br>", "parse_mode": "HTML"}, "parse entities"),
        ("sendMessage", {"chat_id": 1, "text": "1 < 2", "parse_mode": "HTML"}, "parse entities"),
        ("answerCallbackQuery", {"callback_query_id": "1", "text": "x" * 201}, "over 200"),
        (
            "getUpdates",
            {"allowed_updates": '["message", 3]'},
            "allowed_updates[1]: expected String",
        ),
        ("deleteMessages", {"chat_id": 1, "message_ids": "[1, true]"}, "message_ids[1]"),
        ("setMyCommands", {"commands": '[{"command": "Start", "description": "x"}]'}, "a-z"),
        ("setMyCommands", {"commands": "[]", "scope": '{"type": "chat"}'}, "'chat_id'"),
        ("setMyCommands", {"commands": "[]", "scope": '{"type": "room"}'}, "is no BotCommandScope"),
        ("setMyCommands", {"commands": "[]", "language_code": "swe"}, "two-letter"),
    ],
)
def test_violations(
    schema: ApiSchema, method: str, params: dict[str, object], expected: str
) -> None:
    violations = schema.validate(method, params)
    assert any(expected in v for v in violations), violations


def _keyboard(*buttons: Mapping[str, object]) -> str:
    return json.dumps({"inline_keyboard": [list(buttons)]})


@pytest.mark.parametrize(
    ("button", "expected"),
    [
        ({"text": "x", "callback_data": "a" * 65}, "65 bytes"),
        ({"text": "x", "callback_data": "å" * 33}, "66 bytes"),
        ({"text": "x", "callback_data": ""}, "0 bytes"),
        ({"text": "x"}, "exactly one action"),
        ({"text": "x", "callback_data": "a", "url": "https://example.org"}, "exactly one action"),
        ({"text": 5, "callback_data": "a"}, "expected String, got int"),
        ({"callback_data": "a"}, "missing required field 'text'"),
        ({"text": "x", "callback_data": "a", "colour": "red"}, "unknown field 'colour'"),
    ],
)
def test_keyboard_violations(schema: ApiSchema, button: dict[str, object], expected: str) -> None:
    params = {"chat_id": "1", "text": "Hej", "reply_markup": _keyboard(button)}
    violations = schema.validate("sendMessage", params)
    assert any(expected in v for v in violations), violations


def test_limits_are_inclusive(schema: ApiSchema) -> None:
    ok_button = {"text": "x", "callback_data": "a" * 64}
    assert schema.validate("sendMessage", {"chat_id": 1, "text": "x" * 4096}) == []
    params = {"chat_id": 1, "text": "Hej", "reply_markup": _keyboard(ok_button)}
    assert schema.validate("sendMessage", params) == []
    assert (
        schema.validate("answerCallbackQuery", {"callback_query_id": "1", "text": "x" * 200}) == []
    )


def test_html_is_measured_as_shown(schema: ApiSchema) -> None:
    assert parse_html('<b>Hej</b> &amp; <a href="https://x">då</a>') == ("Hej & då", None)
    text = "<b>" + "x" * 4096 + "</b>"
    assert schema.validate("sendMessage", {"chat_id": 1, "text": text, "parse_mode": "HTML"}) == []
    assert schema.validate("sendMessage", {"chat_id": 1, "text": text}) != []


def test_injected_updates_match_the_schema(schema: ApiSchema) -> None:
    api = FakeBotApi()
    api.send_text(CHAT, "/start abc")
    api.send_text(-100, "hej alla", user_id=7, chat_type="group")
    api.send_text(-200, "post", chat_type="channel")
    api.send_photo(CHAT, "PHOTO", 3000, b"jpeg", caption="Bild")
    api.send_document(CHAT, content=b"%PDF")
    api.send_voice(CHAT)
    api.send_video(CHAT)
    api.send_sticker(CHAT)
    api.send_location(CHAT)
    api.edit_text(CHAT, 1, "/start def")
    api.press(CHAT, 1, "forged")
    api.press(CHAT, 999, "gone")
    origin = {"type": "hidden_user", "sender_user_name": "Anon", "date": 1}
    api.send_text(CHAT, "vidarebefordrat", extra={"forward_origin": origin})
    assert schema.check("Array of Update", api.pending_updates) == []
    assert api.pending_updates[0]["message"]["entities"] == [
        {"type": "bot_command", "offset": 0, "length": 6}
    ]


# --------------------------------------------------------------------------- server


async def test_get_me_and_urls(fake_bot_api: FakeBotApi, bot: telegram.Bot) -> None:
    assert fake_bot_api.base_url == f"http://127.0.0.1:{fake_bot_api.port}/bot"
    assert bot.base_url == f"{fake_bot_api.base_url}{fake_bot_api.token}"
    me = await bot.get_me()
    assert me.is_bot and me.username == "trygg_test_bot"
    assert [r.method for r in fake_bot_api.requests] == ["getMe", "getMe"]


async def test_send_message_with_inline_keyboard(
    fake_bot_api: FakeBotApi, bot: telegram.Bot
) -> None:
    fake_bot_api.add_chat(CHAT)
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("Ja", callback_data="yes")]])
    first = await bot.send_message(CHAT, "<b>Hej</b>", parse_mode="HTML", reply_markup=markup)
    second = await bot.send_message(CHAT, "Igen")
    assert (first.message_id, second.message_id) == (1, 2)
    assert first.text == "Hej" and first.reply_markup == markup
    assert first.chat.id == CHAT and first.from_user and first.from_user.is_bot
    assert fake_bot_api.messages_to(CHAT) == ["Hej", "Igen"]
    assert fake_bot_api.buttons(CHAT) == [("Ja", "yes")]
    recorded = fake_bot_api.calls("sendMessage")[0]
    assert recorded.params["chat_id"] == CHAT
    assert recorded.params["reply_markup"] == markup.to_dict()


async def test_get_updates_text_and_callback(fake_bot_api: FakeBotApi, bot: telegram.Bot) -> None:
    fake_bot_api.add_chat(CHAT)
    sent = await bot.send_message(CHAT, "Välj", reply_markup=InlineKeyboardMarkup(
        [[InlineKeyboardButton("Ja", callback_data="yes")]]
    ))  # fmt: skip
    text_id = fake_bot_api.send_text(CHAT, "/start inbjudan", language_code="en")
    press_id = fake_bot_api.press_button(CHAT, "Ja")

    updates = await bot.get_updates(timeout=1)
    assert [u.update_id for u in updates] == [text_id, press_id]
    message, query = updates[0].message, updates[1].callback_query
    assert message and message.text == "/start inbjudan"
    assert message.from_user and message.from_user.language_code == "en"
    assert message.parse_entities() == {message.entities[0]: "/start"}
    assert query and query.data == "yes" and query.message
    assert query.message.message_id == sent.message_id
    assert await query.answer("Tack")

    assert await bot.get_updates(offset=press_id + 1) == ()  # confirmed, gone


async def test_long_poll_returns_when_an_update_arrives(
    fake_bot_api: FakeBotApi, bot: telegram.Bot
) -> None:
    started = time.monotonic()
    poll = asyncio.create_task(bot.get_updates(timeout=5))
    await fake_bot_api.wait_for("getUpdates", answered=False)
    fake_bot_api.send_text(CHAT, "hej")
    updates = await asyncio.wait_for(poll, 2)
    assert [u.message.text for u in updates if u.message] == ["hej"]
    assert time.monotonic() - started < 1


async def test_long_poll_times_out_empty(fake_bot_api: FakeBotApi, bot: telegram.Bot) -> None:
    started = time.monotonic()
    assert await bot.get_updates(timeout=1) == ()
    assert 0.9 < time.monotonic() - started < 2


async def test_second_poller_conflicts_the_first(
    fake_bot_api: FakeBotApi, bot: telegram.Bot
) -> None:
    first = asyncio.create_task(bot.get_updates(timeout=5))
    await fake_bot_api.wait_for("getUpdates", answered=False)
    async with httpx.AsyncClient(timeout=5) as other_instance:
        second = await other_instance.post(f"{bot.base_url}/getUpdates")
    assert second.json() == {"ok": True, "result": []}
    with pytest.raises(Conflict, match="terminated by other getUpdates"):
        await asyncio.wait_for(first, 2)


async def test_photo_get_file_and_download(fake_bot_api: FakeBotApi, bot: telegram.Bot) -> None:
    content = bytes(range(256)) * 40
    fake_bot_api.send_photo(CHAT, "PHOTO-1", None, content, caption="Hotet")
    (update,) = await bot.get_updates()
    assert update.message and update.message.caption == "Hotet"
    largest = update.message.photo[-1]
    assert (largest.file_id, largest.file_size) == ("PHOTO-1", len(content))

    file = await bot.get_file(largest.file_id)
    assert file.file_size == len(content) and file.file_path
    assert file.file_path.startswith(fake_bot_api.base_file_url + fake_bot_api.token + "/")
    assert await file.download_as_bytearray() == content
    assert fake_bot_api.downloads == ["PHOTO-1"]


async def test_too_big_and_unknown_files(fake_bot_api: FakeBotApi, bot: telegram.Bot) -> None:
    fake_bot_api.send_document(CHAT, "BIG", 21 * 1024 * 1024, b"%PDF")
    with pytest.raises(BadRequest, match="File is too big"):
        await bot.get_file("BIG")
    with pytest.raises(BadRequest, match="Invalid file_id"):
        await bot.get_file("NOPE")


async def test_ptb_parses_every_injected_update(
    fake_bot_api: FakeBotApi, bot: telegram.Bot
) -> None:
    fake_bot_api.send_text(-100, "/akut@trygg_test_bot", user_id=7, chat_type="group")
    fake_bot_api.edit_text(-100, 1, "rättat")
    fake_bot_api.send_document(CHAT, caption="Skärmdump")
    fake_bot_api.send_sticker(CHAT)
    fake_bot_api.send_location(CHAT, 57.7, 11.97)
    fake_bot_api.send_voice(CHAT)
    fake_bot_api.send_video(CHAT)
    fake_bot_api.send_text(-200, "kanal", chat_type="channel")
    group, edited, document, sticker, location, voice, video, post = await bot.get_updates()
    assert group.message and group.message.chat.type == "group"
    assert group.message.from_user and group.message.from_user.id == 7
    assert edited.edited_message and edited.edited_message.text == "rättat"
    assert document.message and document.message.document and document.message.caption
    assert sticker.message and sticker.message.sticker
    assert location.message and location.message.location
    assert location.message.location.latitude == 57.7
    assert voice.message and voice.message.voice and video.message and video.message.video
    assert post.channel_post and post.channel_post.sender_chat


async def test_429_then_success(
    fake_bot_api: FakeBotApi, bot: telegram.Bot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PTB_TIMEDELTA", "1")  # retry_after as timedelta, no deprecation warning
    fake_bot_api.add_chat(CHAT)
    fake_bot_api.fail_next("sendMessage", 429, retry_after=3)
    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(CHAT, "Hej")
    assert caught.value.retry_after == timedelta(seconds=3)
    await bot.send_message(CHAT, "Hej")
    assert [r.status for r in fake_bot_api.calls("sendMessage")] == [429, 200]
    assert fake_bot_api.messages_to(CHAT) == ["Hej"]


async def test_blocked_unknown_and_left_chats(fake_bot_api: FakeBotApi, bot: telegram.Bot) -> None:
    fake_bot_api.add_chat(CHAT)
    fake_bot_api.block(CHAT)
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.send_message(CHAT, "Hej")
    with pytest.raises(BadRequest, match="Chat not found"):
        await bot.send_message(999, "Hej")
    fake_bot_api.send_text(-100, "hej", user_id=5, chat_type="group")
    assert await bot.leave_chat(-100)
    with pytest.raises(Forbidden, match="not a member"):
        await bot.send_message(-100, "Hej")


async def test_server_error_reset_and_delay(fake_bot_api: FakeBotApi, bot: telegram.Bot) -> None:
    fake_bot_api.add_chat(CHAT)
    fake_bot_api.fail_next("sendMessage", 500)
    with pytest.raises(NetworkError, match="Internal Server Error"):
        await bot.send_message(CHAT, "Hej")
    fake_bot_api.reset_next("*")
    with pytest.raises(NetworkError):
        await bot.send_message(CHAT, "Hej")
    fake_bot_api.set_delay("sendChatAction", 0.2)
    started = time.monotonic()
    assert await bot.send_chat_action(CHAT, "typing")
    assert time.monotonic() - started >= 0.2
    assert [r.status for r in fake_bot_api.requests[1:]] == [500, 0, 200]


async def test_edit_and_delete(fake_bot_api: FakeBotApi, bot: telegram.Bot) -> None:
    fake_bot_api.add_chat(CHAT)
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("Ja", callback_data="yes")]])
    sent = await bot.send_message(CHAT, "Välj", reply_markup=markup)
    with pytest.raises(BadRequest, match="Message is not modified"):
        await bot.edit_message_text("Välj", CHAT, sent.message_id, reply_markup=markup)
    await bot.edit_message_text("Vald: Ja", CHAT, sent.message_id)  # drops the keyboard
    assert fake_bot_api.messages_to(CHAT) == ["Vald: Ja"] and fake_bot_api.buttons(CHAT) == []
    await bot.edit_message_reply_markup(CHAT, sent.message_id, reply_markup=markup)
    assert fake_bot_api.buttons(CHAT) == [("Ja", "yes")]

    fake_bot_api.send_text(CHAT, "mitt svar")
    assert await bot.delete_message(CHAT, sent.message_id)
    with pytest.raises(BadRequest, match="Message to delete not found"):
        await bot.delete_message(CHAT, sent.message_id)
    with pytest.raises(BadRequest, match="Message to edit not found"):
        await bot.edit_message_text("x", CHAT, sent.message_id)
    assert await bot.delete_messages(CHAT, [2, 77])
    assert fake_bot_api.history(CHAT) == []

    old = await bot.send_message(CHAT, "Gammalt")
    fake_bot_api.now = lambda: time.time() + 49 * 3600
    with pytest.raises(BadRequest, match="can't be deleted for everyone"):
        await bot.delete_message(CHAT, old.message_id)


async def test_commands_per_language(fake_bot_api: FakeBotApi, bot: telegram.Bot) -> None:
    await bot.set_my_commands([("start", "Börja"), ("akut", "Akut hjälp")], language_code="sv")
    await bot.set_my_commands([("start", "Start")], language_code="en")
    assert [c.command for c in await bot.get_my_commands(language_code="sv")] == ["start", "akut"]
    assert [c.description for c in await bot.get_my_commands(language_code="en")] == ["Start"]
    assert await bot.get_my_commands() == ()


async def test_webhook_blocks_polling(fake_bot_api: FakeBotApi, bot: telegram.Bot) -> None:
    fake_bot_api.send_text(CHAT, "hej")
    await bot.set_webhook("https://trygg.example/hook", secret_token="s3cret")
    assert (await bot.get_webhook_info()).pending_update_count == 1
    with pytest.raises(Conflict, match="webhook is active"):
        await bot.get_updates()
    await bot.delete_webhook(drop_pending_updates=True)
    assert await bot.get_updates() == ()


async def test_violation_fails_assert_valid(fake_bot_api: FakeBotApi, bot: telegram.Bot) -> None:
    fake_bot_api.add_chat(CHAT)
    with pytest.raises(BadRequest):
        await bot.send_message(CHAT, "x" * 4097)
    with pytest.raises(BadRequest, match="Fakebotapi does not implement sendaudio"):
        await bot.send_audio(CHAT, b"ID3 mp3")
    assert fake_bot_api.calls("sendAudio")[0].params["audio"].body == b"ID3 mp3"
    with pytest.raises(AssertionError) as caught:
        fake_bot_api.assert_valid()
    assert "4097 characters" in str(caught.value) and "sendAudio: not implemented" in str(
        caught.value
    )
    fake_bot_api.requests.clear()  # let the fixture's own teardown check pass


async def test_files_the_bot_sends_are_kept_as_uploaded(
    fake_bot_api: FakeBotApi, bot: telegram.Bot
) -> None:
    """sendDocument, sendPhoto and sendVoice take a multipart upload (or a known file_id)
    and answer with the Message Telegram would; the bytes can be read back."""
    fake_bot_api.add_chat(CHAT)
    pdf = b"%PDF-1.4 evidence"
    sent = await bot.send_document(
        CHAT, telegram.InputFile(pdf, filename="sms.pdf"), caption="SHA-256: abc"
    )
    assert sent.document is not None and sent.document.file_name == "sms.pdf"
    assert sent.caption == "SHA-256: abc"
    assert fake_bot_api.file_content(sent.document.file_id) == pdf
    again = await bot.send_document(CHAT, sent.document.file_id)  # by file_id: no upload
    assert again.document is not None and again.document.file_id == sent.document.file_id
    photo = await bot.send_photo(CHAT, telegram.InputFile(b"\xff\xd8jpeg", filename="a.jpg"))
    assert fake_bot_api.file_content(photo.photo[-1].file_id) == b"\xff\xd8jpeg"
    voice = await bot.send_voice(CHAT, telegram.InputFile(b"OggS", filename="v.ogg"))
    assert voice.voice is not None and fake_bot_api.file_content(voice.voice.file_id) == b"OggS"
    with pytest.raises(BadRequest, match=r"(?i)wrong file identifier"):
        await bot.send_document(CHAT, "no-such-file-id")
    fake_bot_api.requests.clear()  # the refused file_id is Telegram's answer, not a violation


async def test_json_and_query_requests_and_bad_token(fake_bot_api: FakeBotApi) -> None:
    fake_bot_api.add_chat(CHAT)
    api_url = fake_bot_api.base_url + fake_bot_api.token
    async with httpx.AsyncClient(timeout=5) as client:
        sent = await client.post(f"{api_url}/sendMessage", json={"chat_id": CHAT, "text": "Hej"})
        assert sent.json()["result"]["text"] == "Hej"
        me = await client.get(f"{api_url}/GETME")  # method names are case-insensitive
        assert me.json()["result"]["is_bot"] is True
        answer = await client.get(f"{api_url}/answerCallbackQuery?callback_query_id=1")
        assert answer.status_code == 400 and "query is too old" in answer.json()["description"]
    with pytest.raises(InvalidToken):  # initialize's getMe; __aenter__ then shuts down
        async with telegram.Bot("1:WRONG", base_url=fake_bot_api.base_url):
            pass
    assert [r.method for r in fake_bot_api.requests] == [
        "sendMessage",
        "getMe",
        "answerCallbackQuery",
    ]
