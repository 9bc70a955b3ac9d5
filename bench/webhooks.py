"""The fake Telegram over real HTTP, for bots in other processes (bench/cluster.py).

* :class:`ApiServer` serves bench/fakeapi.py's Bot API on 127.0.0.1 (HTTP/1.1, keep-alive),
  with the same round trip: ``delay/2`` before the call is answered and ``delay/2`` after.
* :class:`Balancer` is Telegram posting updates to a load-balanced webhook URL: it keeps at
  most ``connections`` connections open (Telegram's ``max_connections``), spread evenly over
  the processes, and each free connection takes the next update. A chat's next update is
  posted once its previous one was answered with 200 (Trygg answers once the update's unit
  of work committed); an update that fails is posted again, on whichever connection is
  free next.

Both speak just enough HTTP/1.1 for python-telegram-bot's httpx client and tornado's
server: a request line, headers, a body of Content-Length bytes.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections import Counter, deque
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from bench.fakeapi import FakeBotApi

Connection = tuple[asyncio.StreamReader, asyncio.StreamWriter]
LOST = (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError)


async def read_head(reader: asyncio.StreamReader) -> tuple[str, dict[str, str]]:
    """The first line and the headers (names in lower case) of a request or response."""
    head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1")
    first, *lines = head.split("\r\n")
    headers = {}
    for line in lines:
        name, colon, value = line.partition(":")
        if colon:
            headers[name.strip().lower()] = value.strip()
    return first, headers


def decode_params(content_type: str, body: bytes) -> dict[str, Any]:
    """A Bot API call's parameters: a JSON object or a urlencoded form (PTB's httpx)."""
    if not body:
        return {}
    if content_type.startswith("application/json"):
        params = json.loads(body)
        return params if isinstance(params, dict) else {}
    if content_type.startswith("application/x-www-form-urlencoded"):
        return dict(parse_qsl(body.decode(), keep_blank_values=True))
    raise ValueError(f"unsupported content type {content_type!r}")


class ApiServer:
    """The in-memory fake Bot API, served over HTTP."""

    def __init__(self, api: FakeBotApi) -> None:
        self.api = api
        self.unsupported: Counter[str] = Counter()  # calls the fake could not answer
        self._server: asyncio.Server | None = None

    async def start(self) -> ApiServer:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        return self

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._server.wait_closed(), 5)

    @property
    def base_url(self) -> str:
        """TELEGRAM_API_BASE_URL for a bot (python-telegram-bot adds the token)."""
        assert self._server is not None
        port = self._server.sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{port}/bot"

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(*LOST):
            while True:
                first, headers = await read_head(reader)
                body = await reader.readexactly(int(headers.get("content-length", "0")))
                method = first.split(" ")[1].rsplit("/", 1)[-1]
                try:
                    params = decode_params(headers.get("content-type", ""), body)
                except ValueError:
                    status, answer = 400, b'{"ok":false,"error_code":400}'
                else:
                    status, answer = await self.api.round_trip(method, params)
                if status != 200:
                    self.unsupported[method] += 1
                writer.write(
                    b"HTTP/1.1 %d X\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n"
                    % (status, len(answer))
                    + answer
                )
                await writer.drain()
        writer.close()


class Balancer:
    """Posts updates to the processes' webhooks over a bounded set of connections."""

    def __init__(self, urls: list[str], secret: str, connections: int) -> None:
        self.urls = urls
        self.secret = secret
        self.per_process = max(1, connections // len(urls))
        self.posted: Counter[int] = Counter()  # updates answered with 200, by process
        self.retried = 0  # posts that failed and went again
        self._ready: asyncio.Queue[tuple[int, bytes]] = asyncio.Queue()
        self._held: dict[int, deque[bytes]] = {}  # chat: its updates behind the one posted
        self._tasks: list[asyncio.Task[None]] = []

    def post(self, chat_id: int, body: bytes) -> None:
        """Post an update (FakeBotApi.webhook): now, or after the chat's earlier ones."""
        held = self._held.get(chat_id)
        if held is not None:
            held.append(body)
            return
        self._held[chat_id] = deque()
        self._ready.put_nowait((chat_id, body))

    def start(self) -> None:
        for index in range(len(self.urls)):
            for _ in range(self.per_process):
                self._tasks.append(asyncio.create_task(self._connection(index)))

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    def _answered(self, chat_id: int) -> None:
        held = self._held[chat_id]
        if held:
            self._ready.put_nowait((chat_id, held.popleft()))
        else:
            del self._held[chat_id]

    async def _connection(self, index: int) -> None:
        url = urlsplit(self.urls[index])
        host, port = url.hostname or "127.0.0.1", url.port or 80
        request = (
            f"POST {url.path} HTTP/1.1\r\nHost: {host}:{port}\r\n"
            f"Content-Type: application/json\r\nX-Telegram-Bot-Api-Secret-Token: {self.secret}\r\n"
        ).encode()
        connection: Connection | None = None
        while True:
            chat_id, body = await self._ready.get()
            status = None
            try:
                if connection is None:
                    connection = await asyncio.open_connection(host, port)
                reader, writer = connection
                writer.write(request + b"Content-Length: %d\r\n\r\n" % len(body) + body)
                first, headers = await read_head(reader)
                await reader.readexactly(int(headers.get("content-length", "0")))
                status = int(first.split(" ")[1])
            except LOST:
                if connection is not None:
                    connection[1].close()
                connection = None
            if status == 200:
                self.posted[index] += 1
                self._answered(chat_id)
                continue
            self.retried += 1
            self._ready.put_nowait((chat_id, body))
            await asyncio.sleep(0.1)  # this process may be down: let another connection try
