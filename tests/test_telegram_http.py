"""The Bot API calls over aiohttp, against the fake Bot API: texts, uploads with their file
names and captions, downloads, and PTB's errors for timeouts and lost connections."""

from __future__ import annotations

import io

import pytest
from telegram import Bot
from telegram.error import BadRequest, NetworkError, TimedOut

from bot.transports.telegram_http import AiohttpRequest
from tests.fakebotapi import FakeBotApi, fake_bot_api_fixture  # noqa: F401

CHAT = 4242


def client(fake: FakeBotApi, read_timeout: float = 5.0) -> Bot:
    return Bot(
        fake.token,
        base_url=fake.base_url,
        base_file_url=fake.base_file_url,
        request=AiohttpRequest(4, read_timeout=read_timeout),
    )


async def test_a_text_an_upload_and_a_download_arrive_whole(fake_bot_api: FakeBotApi) -> None:
    fake_bot_api.add_chat(CHAT)
    pdf = b"%PDF-1.4 " + bytes(range(256)) * 40
    async with client(fake_bot_api) as bot:
        await bot.send_message(CHAT, "Hej Anna, åäö & <b>")
        await bot.send_document(
            CHAT, io.BytesIO(pdf), filename="ärende-T-2026-0001.pdf", caption="Ärendet"
        )
        stored = fake_bot_api.add_file(b"\xff\xd8 a photo \xff\xd9")
        file = await bot.get_file(stored["file_id"])
        downloaded = await file.download_as_bytearray()
    assert fake_bot_api.messages_to(CHAT)[0] == "Hej Anna, åäö & <b>"
    document = fake_bot_api.sent(CHAT)[-1]["document"]
    assert document["file_name"] == "ärende-T-2026-0001.pdf"
    assert fake_bot_api.sent(CHAT)[-1]["caption"] == "Ärendet"
    assert fake_bot_api.file_content(document["file_id"]) == pdf
    assert bytes(downloaded) == b"\xff\xd8 a photo \xff\xd9"
    fake_bot_api.assert_valid()  # every call as the Bot API documents it


async def test_the_errors_are_ptbs_own(fake_bot_api: FakeBotApi) -> None:
    fake_bot_api.add_chat(CHAT)
    async with client(fake_bot_api, read_timeout=0.3) as bot:
        fake_bot_api.set_delay("sendMessage", 1.0)
        with pytest.raises(TimedOut):
            await bot.send_message(CHAT, "slow")
        fake_bot_api.set_delay("sendMessage", 0.0)
        fake_bot_api.reset_next("sendMessage")
        with pytest.raises(NetworkError) as lost:
            await bot.send_message(CHAT, "reset")
        assert not isinstance(lost.value, TimedOut)
        with pytest.raises(BadRequest):  # the API's own refusal, as PTB reads it
            await bot.send_message(999_999, "no such chat")
        await bot.send_message(CHAT, "and on it goes")
    assert fake_bot_api.messages_to(CHAT)[-1] == "and on it goes"


async def test_a_call_before_initialize_or_after_shutdown_is_refused() -> None:
    request = AiohttpRequest(1)
    with pytest.raises(RuntimeError):
        await request.do_request("http://127.0.0.1:9/bot1:a/getMe", "POST")
    await request.initialize()
    await request.shutdown()
    with pytest.raises(RuntimeError):
        await request.do_request("http://127.0.0.1:9/bot1:a/getMe", "POST")
