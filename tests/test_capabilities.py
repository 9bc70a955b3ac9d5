"""Per-channel limits are what each transport declares; the flows hold none of their own."""

from __future__ import annotations

import ast
import re
import uuid
from pathlib import Path

from bot.app import App, declared_capabilities
from bot.transports import console, telegram_updates
from bot.transports.console import ConsoleTransport
from bot.transports.telegram import TelegramTransport
from conversations.capabilities import Capabilities
from conversations.events import Attachment, EventKind, InboundEvent
from tests.conftest import Chat

MB = 1024 * 1024
CONVERSATIONS = Path(__file__).resolve().parent.parent / "conversations"
TOO_LARGE = (
    "That file is larger than {limit} MB, the most I can receive. Keep the original, "
    "and send a smaller copy (e.g. a screenshot), or give it to your security contact "
    "another way."
)
CHANNEL_NAMES = {"telegram", "console", "signal"}
PLATFORM_NUMBERS = [
    re.compile(r"\b20\s*\*\s*1024\s*\*\s*1024\b"),  # Telegram's download limit
    re.compile(r"\b20_?971_?520\b"),
    re.compile(r"\b4096\b"),  # Telegram's message length
    re.compile(r"hours\s*=\s*4[78]\b"),  # Telegram's deletion window
    re.compile(r"BOT_DOWNLOAD_LIMIT"),
]


def _code_strings(tree: ast.AST) -> list[str]:
    """String literals that are not docstrings."""
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
    ]


def test_conversations_name_no_channel_and_hold_no_platform_limit() -> None:
    sources = sorted(CONVERSATIONS.rglob("*.py"))
    assert len(sources) > 20
    for path in sources:
        source = path.read_text()
        named = [s for s in _code_strings(ast.parse(source)) if s.casefold() in CHANNEL_NAMES]
        assert not named, f"{path.name} tests a channel by its name: {named}"
        code = "\n".join(line.partition("#")[0] for line in source.splitlines())
        for pattern in PLATFORM_NUMBERS:
            assert not pattern.search(code), f"{path.name} holds {pattern.pattern}"


def test_every_transport_declares_its_capabilities() -> None:
    declared = declared_capabilities()
    assert declared[telegram_updates.CHANNEL] is TelegramTransport.capabilities
    assert declared[console.CHANNEL] is ConsoleTransport.capabilities
    assert TelegramTransport.capabilities.max_download_bytes == 20 * MB
    assert TelegramTransport.capabilities.max_text_length == 4096
    # Signal: no buttons (numbered choices in the text), files as attachments, ACI addresses
    from bot.transports.signal import SignalTransport

    assert declared["signal"] is SignalTransport.capabilities
    assert not SignalTransport.capabilities.has_buttons
    assert not SignalTransport.capabilities.address_is_handle


def _file(chat: Chat, size: int) -> InboundEvent:
    return InboundEvent(
        f"t-{uuid.uuid4().hex}",
        chat.channel,
        chat.address,
        EventKind.ATTACHMENT,
        attachment=Attachment("document", f"file-{uuid.uuid4().hex}", size, "application/pdf"),
    )


async def test_a_file_over_the_channels_own_limit_is_refused_with_that_limit(app: App) -> None:
    app.core.capabilities["small"] = Capabilities(max_download_bytes=5 * MB, has_buttons=False)
    _ = app.catalogs.gettext(app.catalogs.default)
    small = Chat(app, "4601", channel="small")
    assert _(TOO_LARGE).format(limit=5) in Chat.text(await small.send(_file(small, 6 * MB)))
    # the same file fits Telegram's 20 MB: nothing is said about its size there
    tg = Chat(app, "4602", channel=telegram_updates.CHANNEL)
    shown = Chat.text(await tg.send(_file(tg, 6 * MB)))
    assert _(TOO_LARGE).format(limit=20) not in shown
    assert _(TOO_LARGE).format(limit=5) not in shown
    # ... and a larger one gets Telegram's own limit, as before
    assert _(TOO_LARGE).format(limit=20) in Chat.text(await tg.send(_file(tg, 21 * MB)))


async def test_a_channel_that_cannot_delete_never_claims_to_clear(app: App) -> None:
    app.core.capabilities["small"] = Capabilities(max_download_bytes=5 * MB)
    small = Chat(app, "4603", channel="small")
    shown = await small.say("/rensa")
    _ = app.catalogs.gettext(app.catalogs.default)
    assert _("There is no recent report conversation to clear here.") in shown
