"""The Bot API calls over aiohttp: python-telegram-bot's networking, made cheaper per call.

PTB's default client (httpx over httpcore) costs a busy bot most of its CPU: each call
passes through several layers of locks, events and checks of every pooled connection.
PTB lets the networking be replaced (``telegram.request.BaseRequest``); this one sends the
same requests through aiohttp's connection pool and maps its errors as PTB's own does:
a timeout is ``TimedOut``, any other failure to talk to the server ``NetworkError``.
"""

from __future__ import annotations

from typing import Any

import aiohttp
from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, RequestData


def _seconds(value: object, default: float | None) -> float | None:
    """A timeout PTB passes: a number, None (no limit) or its DEFAULT_NONE (ours)."""
    if value is BaseRequest.DEFAULT_NONE:
        return default
    return None if value is None else float(value)  # type: ignore[arg-type]


class AiohttpRequest(BaseRequest):
    """A ``BaseRequest`` on one aiohttp session with at most ``connections`` connections."""

    __slots__ = ("_connect", "_connections", "_media_write", "_read", "_session")

    def __init__(
        self,
        connections: int,
        read_timeout: float | None = 5.0,
        connect_timeout: float | None = 5.0,
        media_write_timeout: float | None = 20.0,
    ) -> None:
        self._connections = connections
        self._read = read_timeout
        self._connect = connect_timeout
        self._media_write = media_write_timeout
        self._session: aiohttp.ClientSession | None = None

    @property
    def read_timeout(self) -> float | None:
        return self._read

    @property
    def connections(self) -> int:
        """The most connections kept open, and calls out at once."""
        return self._connections

    async def initialize(self) -> None:
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(limit=self._connections)
            self._session = aiohttp.ClientSession(
                connector=connector, headers={"User-Agent": self.USER_AGENT}
            )

    async def shutdown(self) -> None:
        if self._session is not None and not self._session.closed:
            await self._session.close()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        if self._session is None or self._session.closed:
            raise RuntimeError("This AiohttpRequest is not initialized!")
        data: Any = None
        read = _seconds(read_timeout, self._read)
        if request_data is not None and request_data.contains_files:
            form = aiohttp.FormData(quote_fields=False)  # file names in UTF-8, as httpx sends
            for name, value in request_data.json_parameters.items():
                form.add_field(name, value)
            for name, (filename, content, mimetype) in request_data.multipart_data.items():
                form.add_field(name, content, filename=filename, content_type=mimetype)
            data = form
            written = _seconds(write_timeout, self._media_write)
            read = None if read is None or written is None else read + written
        elif request_data is not None:
            data = request_data.json_parameters
        timeout = aiohttp.ClientTimeout(
            total=None,
            connect=_seconds(pool_timeout, None),  # waiting for a free pooled connection
            sock_connect=_seconds(connect_timeout, self._connect),
            sock_read=read,
        )
        try:
            async with self._session.request(method, url, data=data, timeout=timeout) as answer:
                return answer.status, await answer.read()
        except TimeoutError as exc:  # aiohttp's timeouts are TimeoutErrors too
            raise TimedOut from exc
        except aiohttp.ClientError as exc:
            raise NetworkError(f"aiohttp.{type(exc).__name__}") from exc
