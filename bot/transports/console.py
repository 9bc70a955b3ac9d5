"""The console transport: a terminal chat as one person (`trygg chat --as HANDLE`).

Bot messages go to stdout; buttons are printed numbered on one line (``[1] Ja  [2] Nej``);
typing the number or the exact label presses the button; lines starting with ``/`` are
commands; `/bifoga PATH` sends a local file (evidence). Works with piped stdin and exits
cleanly on EOF.

What others typed reaches this terminal: control characters (escape sequences among them)
are printed visibly, as ``\x1b``, never raw. `/bifoga` reads regular files only, never
through a symlink, and at most DOWNLOAD_LIMIT bytes; any other path becomes a file the
flows cannot use (they say so), never text.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import mimetypes
import os
import re
import stat
import sys
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from bot.app import App, deliver_via
from conversations.capabilities import Capabilities
from conversations.events import (
    Attachment,
    Button,
    EventKind,
    InboundEvent,
    Reply,
)
from conversations.invite_code import invite_code
from storage.files import PRIVATE_FILE, private_dir

CHANNEL = "console"
DOWNLOAD_LIMIT = 20 * 1024 * 1024  # as on Telegram: a file is refused alike on both
CAPABILITIES = Capabilities(
    max_download_bytes=DOWNLOAD_LIMIT,
    max_text_length=None,  # a terminal shows any length
    delete_window=None,  # printed lines cannot be taken back
    deletes_incoming=False,
    has_buttons=True,  # shown numbered; the number or the label presses one
    can_send_files=True,  # written owner-only, its path printed
    address_is_handle=True,  # it runs on the server: its operator may act as any handle
)
ATTACH_COMMANDS = {"bifoga", "attach"}  # `/bifoga PATH` sends a file, as a photo would be
POLL_SECONDS = 1.0
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # C0 but newline and tab, DEL, C1
OPEN_FLAGS = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC


def printable(text: str) -> str:
    """Show control characters as ``\\xNN``, so no escape sequence reaches the terminal."""
    return CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)


def read_regular(path: Path, limit: int) -> tuple[int, bytes | None]:
    """Read a regular file that is no symlink: (its size, its bytes, or None over ``limit``).

    Raises OSError for anything else (missing, unreadable, a directory, a device, a FIFO, a
    symlink) and for a file whose bytes do not match its size (/proc files report 0).
    """
    if not stat.S_ISREG(os.lstat(path).st_mode):  # devices and FIFOs are never opened
        raise OSError("not a regular file")
    with os.fdopen(os.open(path, OPEN_FLAGS), "rb") as file:  # a symlink swapped in: ELOOP
        info = os.fstat(file.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise OSError("not a regular file")
        if info.st_size > limit:
            return info.st_size, None
        content = file.read(limit + 1)
    if len(content) > limit:  # it grew while being read
        return len(content), None
    if len(content) != info.st_size:
        raise OSError("the file's size and content differ")
    return len(content), content


def write_private(folder: Path, name: str, content: bytes) -> Path:
    """Write a file owner-only (0600) into an owner-only folder (0700), under a name of its
    own: the name given (its last part, never a path), numbered if it is taken."""
    private_dir(folder, "the folder of opened files")
    base = CONTROL.sub("_", Path(name.replace("\\", "/")).name).lstrip(".") or "file"
    stem, suffix = Path(base).stem[:80] or "file", Path(base).suffix[:16]
    for number in range(1, 1000):
        path = folder / (f"{stem}{suffix}" if number == 1 else f"{stem}-{number}{suffix}")
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, PRIVATE_FILE)
        except FileExistsError:
            continue
        with os.fdopen(fd, "wb") as file:
            file.write(content)
        return path
    raise OSError("no free file name")


class ConsoleTransport:
    """Prints replies and turns typed lines into events for one person."""

    channel = CHANNEL
    capabilities = CAPABILITIES

    def __init__(self, handle: str, out: TextIO, files_dir: Path | None = None) -> None:
        self.handle = handle
        self.out = out
        self.files_dir = files_dir  # where files sent to this person are written (owner-only)
        self._buttons: list[Button] = []
        self._token = ""

    async def send(self, address: str, replies: Sequence[Reply], priority: int = 3) -> None:
        """Print replies; remember the last keyboard so numbers and labels press it. A file
        is written owner-only under ``files_dir`` and its path printed after its caption."""
        for reply in replies:
            self.out.write(printable(reply.text.rstrip()) + "\n")
            if reply.file is not None and reply.file.content is not None and self.files_dir:
                path = write_private(self.files_dir, reply.file.name, reply.file.content)
                self.out.write(printable(f"📎 {path}") + "\n")
            buttons = [b for row in reply.buttons for b in row]
            if buttons:
                labels = "  ".join(f"[{n}] {b.label}" for n, b in enumerate(buttons, 1))
                self.out.write(printable(labels) + "\n")
                self._buttons, self._token = buttons, reply.token
            self.out.write("\n")
        self.out.flush()

    def event_for(self, line: str) -> InboundEvent:
        """Turn one typed line into an event."""
        event_id = f"console:{uuid.uuid4().hex}"
        text = line.rstrip("\r\n")
        stripped = text.strip()
        code = invite_code(stripped)
        if code is not None:
            return InboundEvent(
                event_id, CHANNEL, self.handle, EventKind.COMMAND, text=code, command="start"
            )
        if stripped.startswith("/") and len(stripped) > 1:
            name, _, args = stripped[1:].partition(" ")
            if name.lower() in ATTACH_COMMANDS:
                return self._attachment(event_id, args.strip())
            return InboundEvent(
                event_id,
                CHANNEL,
                self.handle,
                EventKind.COMMAND,
                text=args.strip(),
                command=name.lower(),
            )
        if stripped.isdigit() and len(stripped) <= 3:
            number = int(stripped)
            pressed = self._buttons[number - 1] if 0 < number <= len(self._buttons) else None
            return InboundEvent(
                event_id,
                CHANNEL,
                self.handle,
                EventKind.BUTTON,
                button=pressed.id if pressed else "",
                token=self._token,
            )
        for button in self._buttons:
            if stripped and stripped.casefold() == button.label.casefold():
                return InboundEvent(
                    event_id,
                    CHANNEL,
                    self.handle,
                    EventKind.BUTTON,
                    button=button.id,
                    token=self._token,
                )
        return InboundEvent(event_id, CHANNEL, self.handle, EventKind.TEXT, text=text)

    def _attachment(self, event_id: str, path_text: str) -> InboundEvent:
        """Turn `/bifoga PATH` into an attachment event carrying the file's bytes; a path
        that is no readable regular file gives an attachment without content."""
        size: int | None
        content: bytes | None
        try:
            size, content = read_regular(Path(path_text).expanduser(), DOWNLOAD_LIMIT)
        except (OSError, ValueError, RuntimeError):  # ValueError: NUL; RuntimeError: ~nobody
            size, content = None, None
        name = Path(path_text).name or None
        mime = mimetypes.guess_type(name or "")[0]
        kind = "photo" if (mime or "").startswith("image/") else "document"
        attachment = Attachment(kind, path_text, size, mime, name, False, content)
        return InboundEvent(
            event_id, CHANNEL, self.handle, EventKind.ATTACHMENT, attachment=attachment
        )


async def _read_line(stream: TextIO) -> str:
    return await asyncio.to_thread(stream.readline)


async def run_console(
    app: App, handle: str, stdin: TextIO = sys.stdin, out: TextIO = sys.stdout
) -> None:
    """Chat as ``handle`` until EOF; deliver messages addressed to them, live."""
    transport = ConsoleTransport(handle, out, app.settings.data_dir / "opened" / handle)
    dispatcher = app.dispatcher(deliver_via(transport))
    sender = app.outbox_sender(transport)
    async with app.db.unit_of_work() as session:
        person_id = await app.core.person_id(session, CHANNEL, handle)
    await app.timer_runner().run_due()  # e.g. an escalation that came due while nobody ran
    # Replies the last run committed but never printed (it was killed) come first;
    # otherwise "welcome back, here is where we were".
    if not await dispatcher.resend(CHANNEL, person_id):
        async with app.db.unit_of_work() as session:
            resumed = await app.core.resume(session, CHANNEL, handle)
        if resumed is not None:
            await transport.send(handle, resumed.replies)
        else:
            dispatcher.submit(transport.event_for("/start"))
            await dispatcher.drain()
    # Messages that waited for this person come last, so their buttons are the ones
    # that numbers refer to (e.g. "[1] Jag tar det" on an alert).
    await sender.deliver_due(recipient_id=person_id)

    timers = app.timer_runner()

    async def poll() -> None:
        while True:
            await asyncio.sleep(POLL_SECONDS)
            await timers.run_due()
            await sender.deliver_due(recipient_id=person_id)

    poller = asyncio.create_task(poll())
    if isinstance(stdin, io.TextIOWrapper):
        stdin.reconfigure(errors="replace")  # bytes that are not UTF-8 must not end the chat
    interactive = stdin.isatty()
    try:
        while True:
            if interactive:
                out.write("> ")
                out.flush()
            line = await _read_line(stdin)
            if line == "":
                break
            dispatcher.submit(transport.event_for(line))
            await dispatcher.drain()
    finally:
        poller.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await poller
        await sender.deliver_due(recipient_id=person_id)
