"""Files sent to the browser: their real type (read from the bytes where we know the format),
a safe name in Content-Disposition, and inline only for pictures and PDFs whose bytes are
what the type says (everything else is a download)."""

from __future__ import annotations

import mimetypes
import re
import unicodedata
from urllib.parse import quote

from starlette.responses import Response

OCTETS = "application/octet-stream"
MAGIC = (
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"GIF87a", "image/gif"),
    (b"GIF89a", "image/gif"),
    (b"%PDF-", "application/pdf"),
)
SNIFFED = {"image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf"}
INLINE = SNIFFED  # shown in the browser on ?view=1; never SVG or HTML
TYPE_SHAPE = re.compile(r"[a-z0-9][a-z0-9!#$&^_.+-]{0,63}/[a-z0-9][a-z0-9!#$&^_.+-]{0,63}")
UNSAFE_NAME = re.compile(r'[\x00-\x1f\x7f/\\"<>:|?*;]')


def sniffed(content: bytes) -> str | None:
    """The type the bytes themselves show (a few formats we know), or None."""
    for magic, kind in MAGIC:
        if content.startswith(magic):
            return kind
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return "image/webp"
    return None


def content_type(content: bytes, declared: str, name: str) -> str:
    """The file's real type: what its bytes show; else the type it was sent with (unless that
    names a format its bytes are not); else what its name says; else plain bytes."""
    found = sniffed(content)
    if found is not None:
        return found
    said = declared.split(";", 1)[0].strip().lower()
    if TYPE_SHAPE.fullmatch(said) and said not in SNIFFED:
        return said
    guessed = mimetypes.guess_type(name, strict=False)[0] if name else None
    return guessed if guessed and guessed not in SNIFFED else OCTETS


def safe_name(name: str, fallback: str) -> str:
    """The name without path parts, quotes or control characters (``fallback`` if none left)."""
    base = re.split(r"[/\\]", name)[-1]
    cleaned = UNSAFE_NAME.sub("_", base).strip(" .")[:120]
    return cleaned or fallback


def disposition(kind: str, name: str) -> str:
    """A Content-Disposition header value with an ASCII name and the UTF-8 name (RFC 6266)."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    plain = re.sub(r"[^A-Za-z0-9._-]", "_", plain) or "file"
    return f"{kind}; filename=\"{plain}\"; filename*=UTF-8''{quote(name, safe='')}"


def file_response(content: bytes, media_type: str, name: str, *, inline: bool = False) -> Response:
    """The bytes as a download, or shown in the browser if asked and of a type it may show."""
    kind = "inline" if inline and media_type in INLINE else "attachment"
    headers = {
        "content-disposition": disposition(kind, name),
        "x-content-type-options": "nosniff",
    }
    return Response(content, media_type=media_type, headers=headers)
