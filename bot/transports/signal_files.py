"""Read an incoming file from signal-cli's attachments directory, safely.

signal-cli writes each downloaded attachment to ``<data-dir>/attachments/<id>`` before it
announces the message (protocol.md §3); the id is the server's id with every character
outside ``[A-Za-z0-9_.-]`` replaced, plus an extension. An id of any other shape, or one
that would leave the directory, is refused; a symlink is not followed. Reading the file
saves a base64 round trip through the socket for large files.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
import stat
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

# signal-cli keeps these characters of the server id (the rest become "_"): it may begin
# with "-"; one beginning with a dot (or holding "..") is refused here
_ID = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9_.-]{0,254}")


@dataclass(frozen=True, slots=True)
class Local:
    """What the directory held: the bytes, or only the size when over the limit."""

    size: int
    content: bytes | None  # None: larger than the limit, not read


def safe_id(attachment_id: str) -> bool:
    """Whether an id has the shape signal-cli gives (no separators, no leading dot)."""
    return bool(_ID.fullmatch(attachment_id)) and ".." not in attachment_id


def _read(folder: Path, attachment_id: str, limit: int) -> Local | None:
    path = folder / attachment_id
    if path.parent != folder:
        return None
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except OSError:
        return None  # absent (download failed, --ignore-attachments) or a symlink
    with os.fdopen(fd, "rb") as file:
        info = os.fstat(file.fileno())
        if not stat.S_ISREG(info.st_mode):
            return None
        if info.st_size > limit:
            return Local(info.st_size, None)
        content = file.read(limit + 1)
    if len(content) > limit:
        return Local(len(content), None)
    return Local(len(content), content)


async def read_attachment(folder: Path, attachment_id: str, limit: int) -> Local | None:
    """The file for this id in the attachments directory; None if absent or refused."""
    if not safe_id(attachment_id):
        log.warning("signal: an attachment id of an unexpected shape was refused")
        return None
    try:
        return await asyncio.to_thread(_read, folder, attachment_id, limit)
    except OSError as exc:
        log.warning("signal: reading a file from the attachments directory failed (%s)",
                    type(exc).__name__)  # fmt: skip
        return None
