"""Golden transcripts: a conversation as people read it, kept in ``tests/transcripts/``.

A test plays a scenario through the conversation core (console channel) and the outbox,
recording every line typed and every message the bot sent, to whom, with its buttons:

    t = Transcript("onboarding_sv", demo_app)
    anna = t.person("anna")
    await t.say(anna, "/start")
    await t.deliver()            # messages queued for other people (alerts, nudges)
    t.check()                    # compare with tests/transcripts/onboarding_sv.txt

A wording change shows as a diff in the file. `TRYGG_UPDATE_TRANSCRIPTS=1 ./dev test ...`
rewrites the files; review them against ../shared/language.md before committing. References,
invite codes and other random values are replaced by stable placeholders (REF-1, CODE-1).
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Sequence
from pathlib import Path

from bot.app import App
from conversations.events import Reply
from tests.conftest import Chat
from tests.page_text import page_text

TRANSCRIPTS = Path(__file__).resolve().parent / "transcripts"
UPDATE = os.environ.get("TRYGG_UPDATE_TRANSCRIPTS") == "1"

_RANDOM = (
    (re.compile(r"\b[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}\b"), "CODE"),
    (re.compile(r"\b[0-9A-Z]{4}-[0-9A-Z]{4}\b"), "REF"),
    (re.compile(r"\b(?:co|te|si)-[0-9a-f]{10}\b"), "HANDLE"),
    (re.compile(r"\berased-[0-9a-f]{12}\b"), "ERASED"),
    (re.compile(r"(?<=/login/)[A-Za-z0-9_-]{20,}"), "TOKEN"),
)


class _Recorder:
    """A console-channel transport that records what the outbox sends, per address."""

    channel = "console"

    def __init__(self) -> None:
        self.sent: list[tuple[str, Reply]] = []

    async def send(self, address: str, replies: Sequence[Reply], priority: int = 3) -> None:
        self.sent += [(address, reply) for reply in replies]


async def delivered(app: App) -> list[tuple[str, str]]:
    """Send what the outbox holds; (address, text) of each message."""
    recorder = _Recorder()
    sender = app.outbox_sender(recorder)
    while await sender.deliver_due():
        pass
    return [(address, reply.text) for address, reply in recorder.sent]


def render(reply: Reply) -> list[str]:
    """A reply as the console shows it: its text, then its buttons numbered on one line."""
    lines = reply.text.rstrip().splitlines() or [""]
    if reply.file is not None:  # the console writes the file and prints where (see console.py)
        lines.append(f"📎 {reply.file.name}")
    labels = [b.label for row in reply.buttons for b in row]
    if labels:
        lines.append("  ".join(f"[{n}] {label}" for n, label in enumerate(labels, 1)))
    return lines


class Transcript:
    """Records one scenario; :meth:`check` compares it with its golden file."""

    def __init__(self, name: str, app: App) -> None:
        self.name = name
        self.app = app
        self.lines: list[str] = []
        self._chats: dict[str, Chat] = {}
        self._seen: dict[str, dict[str, str]] = {}

    def person(self, handle: str, locale_hint: str | None = None) -> Chat:
        """Return the chat of a person (a directory handle, or a new unregistered one)."""
        chat = self._chats.get(handle)
        if chat is None:
            chat = self._chats[handle] = Chat(self.app, handle, locale_hint=locale_hint)
        return chat

    def note(self, text: str) -> None:
        """A line for the reader of the transcript (what happens between messages)."""
        self.lines += ["", f"# {text}"]

    def page(self, who: str, method: str, path: str, status: int, html: str) -> None:
        """Record a web page as ``who`` read it: the request, then its <main> as text."""
        self.lines += ["", f"{who} (web)> {method} {path}", f"page {status}:"]
        self.lines += [f"    {line}" for line in page_text(html)]

    def _bot(self, to: str, replies: Sequence[Reply]) -> None:
        for reply in replies:
            self.lines.append(f"bot → {to}:")
            self.lines += [f"    {line}" if line else "" for line in render(reply)]

    async def say(self, chat: Chat, typed: str) -> str:
        """Type a line as ``chat`` (a command, a button label or number, or text)."""
        self.lines += ["", f"{chat.address}> {typed}"]
        reply = await chat.say(typed)
        self._bot(chat.address, chat.last if reply else [])
        return reply

    async def press(self, chat: Chat, button_id: str, shown: str, token: str | None = None) -> str:
        """Press a button by id (e.g. on a message from the outbox); ``shown``: its label;
        ``token``: the step of the message it is on, if not the latest keyboard's."""
        further_up = "  (further up)" if token is not None else ""
        self.lines += ["", f"{chat.address}> [{shown}]{further_up}"]
        reply = await chat.press(button_id, token)
        self._bot(chat.address, chat.last if reply else [])
        return reply

    async def deliver(self) -> list[tuple[str, Reply]]:
        """Send everything due in the outbox and record it under its recipient."""
        recorder = _Recorder()
        sender = self.app.outbox_sender(recorder)
        while await sender.deliver_due():
            pass
        for address, reply in recorder.sent:
            self._bot(address, [reply])
            chat = self._chats.get(address)
            if chat is not None and reply.buttons:
                chat.last = [reply]  # numbers and labels now press the message's buttons
                chat.keyboard = reply
        return recorder.sent

    def text(self) -> str:
        """The transcript, random values replaced by numbered placeholders."""
        body = "\n".join(self.lines).strip() + "\n"
        for pattern, label in _RANDOM:
            seen = self._seen.setdefault(label, {})

            def stable(
                match: re.Match[str], seen: dict[str, str] = seen, label: str = label
            ) -> str:
                return seen.setdefault(match.group(0), f"{label}-{len(seen) + 1}")

            body = pattern.sub(stable, body)
        return f"# {self.name}\n\n{body}"

    def check(self) -> None:
        """Compare with tests/transcripts/NAME.txt (rewrite it with TRYGG_UPDATE_TRANSCRIPTS=1)."""
        path = TRANSCRIPTS / f"{self.name}.txt"
        actual = self.text()
        if UPDATE:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(actual, encoding="utf-8")
            return
        if not path.exists():
            raise AssertionError(
                f"{path} is missing: run the test with TRYGG_UPDATE_TRANSCRIPTS=1, "
                "read the file against ../shared/language.md, and commit it"
            )
        expected = path.read_text(encoding="utf-8")
        if actual != expected:
            diff = "\n".join(
                difflib.unified_diff(
                    expected.splitlines(), actual.splitlines(), str(path), "now", lineterm=""
                )
            )
            raise AssertionError(f"the transcript {self.name} changed:\n{diff}")
