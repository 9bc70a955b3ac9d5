"""Logging: Trygg's own loggers at the level asked for; other libraries capped and shown
without their values, whatever TRYGG_LOG_LEVEL says.

Trygg's own log calls write event kinds, counts, exception types and code locations only.
The libraries' do not: below WARNING they write what passes through them (see CAPPED), and
even their warnings and errors may carry it in their arguments or exception messages. So
their records are dropped below WARNING, and from WARNING up shown as the fixed text of the
log call, without its arguments. An exception, in any record, is shown as its type and code
location only.
"""

from __future__ import annotations

import copy
import logging
import re
import sys
import traceback
from types import TracebackType
from typing import TextIO

log = logging.getLogger(__name__)
ExcInfo = tuple[type[BaseException], BaseException, TracebackType | None] | tuple[None, None, None]

OWN = ("bot", "conversations", "storage")
"""Trygg's packages: their loggers keep the level asked for."""

CAPPED = {
    "telegram": "every Bot API call and answer: updates, message texts, names, phone numbers, "
    "invite codes; the API address with the bot token",
    "httpx": "every request's address, with the bot token and file paths",
    "httpcore": "every request's and answer's headers",
    "aiohttp": "client connection errors with the address called (the bot token in it)",
    "tornado": "every webhook request (access log); requests with their headers on errors",
    "sqlalchemy": "SQL statements, and result rows with names and phone numbers",
    "aiosqlite": "every statement with its parameters",
    "asyncpg": "connection and pool events",
    "alembic": "migration steps",
    "apscheduler": "jobs and their arguments",
    "asyncio": "slow callbacks with their arguments; failed tasks with their exceptions",
    "tzlocal": "the contents of time zone files",
    "uvicorn": "every web request's path (case references, login links) and client address",
    "starlette": "requests and their errors",
    "multipart": "the fields of posted forms",
}
"""Libraries Trygg runs with, held at WARNING or above: what they would write below it."""

VETTED = ("telegram", "httpx", "httpcore", "tornado", "sqlalchemy", "aiosqlite", "asyncpg",
          "alembic", "apscheduler")  # fmt: skip
"""Libraries whose log calls were read: what a person wrote could only be in a record's
arguments, never in its message. Any other library's message is withheld whole (asyncio
builds its messages from reprs of callbacks and exceptions)."""

WITHHELD = "(text withheld: it may carry personal data)"
_PLACEHOLDER = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[a-zA-Z%]")


def _within(name: str, packages: tuple[str, ...]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in packages)


def own(name: str) -> bool:
    """Whether a logger is one of Trygg's own."""
    return _within(name, OWN)


def shown(record: logging.LogRecord) -> bool:
    """Keep Trygg's records at any level, another library's from WARNING up only."""
    return own(record.name) or record.levelno >= logging.WARNING


def _template(record: logging.LogRecord) -> str:
    """A library record's fixed text with its placeholders shown as '…'."""
    if not _within(record.name, VETTED) or not isinstance(record.msg, str):
        return WITHHELD
    return _PLACEHOLDER.sub(lambda m: "%" if m.group() == "%%" else "…", record.msg)


def without_values(record: logging.LogRecord) -> logging.LogRecord:
    """A copy of a library's record with its arguments taken out."""
    safe = copy.copy(record)
    safe.msg, safe.args = _template(record), ()
    safe.exc_text, safe.stack_info = None, None
    return safe


class PrivateFormatter(logging.Formatter):
    """Format Trygg's records as they are and other libraries' without their values; any
    exception as its type and where it was raised, never its message."""

    def format(self, record: logging.LogRecord) -> str:
        return super().format(record if own(record.name) else without_values(record))

    def formatException(self, ei: ExcInfo) -> str:
        _, exc, tb = ei
        if exc is None:
            return ""
        frames = "".join(traceback.format_tb(tb)[-4:])
        return f"Traceback (last frames):\n{frames}{type(exc).__name__} (message withheld)"


class PrivateHandler(logging.StreamHandler[TextIO]):
    """The handler Trygg logs through (one per process)."""


def configure(level: str, stream: TextIO | None = None) -> None:
    """Log to ``stream`` (stderr): Trygg at ``level``, libraries capped and without values."""
    wanted = logging.getLevelName(level.upper())
    wanted = wanted if isinstance(wanted, int) else logging.INFO
    root = logging.getLogger()
    for old in [h for h in root.handlers if isinstance(h, PrivateHandler)]:
        root.removeHandler(old)
        old.close()
    handler = PrivateHandler(stream or sys.stderr)
    handler.setFormatter(PrivateFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(shown)
    root.addHandler(handler)
    root.setLevel(wanted)
    cap = max(wanted, logging.WARNING)
    for library in CAPPED:
        logging.getLogger(library).setLevel(cap)
    log.debug(
        "Trygg logs from %s up; other libraries from %s up, without their values",
        logging.getLevelName(wanted),
        logging.getLevelName(cap),
    )
