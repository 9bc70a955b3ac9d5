"""What every response of the console carries (a strict CSP, no framing, no caching of
pages), and a small limit on how often one client may try login links."""

from __future__ import annotations

import time
from collections import deque
from collections.abc import MutableMapping
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
)
HEADERS = {
    b"content-security-policy": CSP.encode(),
    b"x-frame-options": b"DENY",
    b"x-content-type-options": b"nosniff",
    b"referrer-policy": b"no-referrer",  # a login link never leaks in a Referer
    b"permissions-policy": b"camera=(), microphone=(), geolocation=()",
    b"cross-origin-opener-policy": b"same-origin",
}
NO_STORE = b"no-store"
HSTS = b"max-age=31536000"


class SecurityHeaders:
    """Add the console's security headers; pages (everything but /static) are never cached."""

    def __init__(self, app: ASGIApp, *, secure: bool) -> None:
        self.app = app
        self.secure = secure

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = str(scope.get("path", "")).startswith("/static/")

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers: list[tuple[bytes, bytes]] = [
                    (k, v)
                    for k, v in message.get("headers", [])
                    if k.lower() not in HEADERS and k.lower() != b"cache-control"
                ]
                headers += list(HEADERS.items())
                headers.append((b"cache-control", b"max-age=3600" if static else NO_STORE))
                if self.secure:
                    headers.append((b"strict-transport-security", HSTS))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)


class Attempts:
    """At most ``limit`` tries per client within ``window`` seconds (kept in memory: a
    login token is unguessable; this only stops a client hammering the endpoint)."""

    def __init__(self, limit: int = 20, window: float = 60.0) -> None:
        self.limit = limit
        self.window = window
        self._seen: MutableMapping[str, deque[float]] = {}

    def allow(self, client: str, now: float | None = None) -> bool:
        """Count one try by ``client``; False if it is over the limit."""
        moment = time.monotonic() if now is None else now
        tries = self._seen.setdefault(client, deque())
        while tries and tries[0] <= moment - self.window:
            tries.popleft()
        if len(tries) >= self.limit:
            return False
        tries.append(moment)
        if len(self._seen) > 10_000:  # forget idle clients rather than grow without end
            for key in [k for k, v in self._seen.items() if not v]:
                del self._seen[key]
        return True


def client_of(scope: Any) -> str:
    """The client's address as the server saw it (behind a proxy: as it forwarded)."""
    client = scope.get("client")
    return str(client[0]) if client else "-"
