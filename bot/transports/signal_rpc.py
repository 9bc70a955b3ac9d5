"""Talk JSON-RPC to a signal-cli daemon: requests matched by id, notifications, reconnects.

Framing per ../shared/signal-cli/protocol.md §2: one JSON value per line each way; replies
may come out of order and are matched by `id`; `receive` notifications carry no `id`. The
daemon runs with `--receive-mode on-connection`, so messages sent while we are away wait on
the Signal server and arrive after the reconnect.

Logs hold event kinds, codes and exception types only: never params, texts, numbers or ACIs.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import itertools
import json
import logging
import secrets
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from typing import Any

from bot.transports.signal_errors import (
    Disconnected,
    RpcTimeout,
    SendOutcome,
    SignalRpcError,
    error_from,
)

log = logging.getLogger(__name__)

_random = secrets.SystemRandom()

MAX_LINE = 2**28
"""Longest line read: `getAttachment` answers base64 of up to 150 MiB (protocol.md §6)."""


@dataclass(frozen=True)
class Backoff:
    """Reconnect delays: `first` doubling up to `cap` seconds, each with ±`jitter` spread."""

    first: float = 0.5
    factor: float = 2.0
    cap: float = 30.0
    jitter: float = 0.2

    def delay(self, attempt: int) -> float:
        """Seconds to wait before reconnect attempt `attempt` (0-based), never above cap."""
        base = min(self.cap, self.first * self.factor ** min(attempt, 64))
        return min(self.cap, base * _random.uniform(1 - self.jitter, 1 + self.jitter))


async def open_address(address: str) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    """Open `tcp://HOST:PORT` or `unix:PATH`."""
    if address.startswith("unix:"):
        return await asyncio.open_unix_connection(address.removeprefix("unix:"), limit=MAX_LINE)
    if address.startswith("tcp://"):
        host, _, port = address.removeprefix("tcp://").rpartition(":")
        return await asyncio.open_connection(host.strip("[]"), int(port), limit=MAX_LINE)
    raise ValueError("signal rpc address must be tcp://HOST:PORT or unix:PATH")


class SignalRpc:
    """A connection to a signal-cli daemon that stays up: call it, and read its notifications."""

    def __init__(self, address: str, *, timeout: float = 30.0, backoff: Backoff | None = None,
                 account: str | None = None) -> None:  # fmt: skip
        if not address.startswith(("tcp://", "unix:")):
            raise ValueError("signal rpc address must be tcp://HOST:PORT or unix:PATH")
        self.address, self.timeout, self.account = address, timeout, account
        self.backoff = backoff or Backoff()
        self.connected = asyncio.Event()
        self.connects = 0
        self._ids = itertools.count(1)
        self._pending: dict[str, asyncio.Future[Any]] = {}
        self._notes: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self._writer: asyncio.StreamWriter | None = None
        self._task: asyncio.Task[None] | None = None
        self._closed = False
        self._attempt = 0
        self.on_connection: Callable[[bool], None] | None = None  # told of (re)connects, drops

    async def start(self) -> None:
        """Start connecting (and reconnecting) in the background."""
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="signal-rpc")

    async def close(self) -> None:
        """Stop: close the connection and fail every waiting request."""
        self._closed = True
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        self._drop_connection()

    async def __aenter__(self) -> SignalRpc:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def _run(self) -> None:
        self._attempt = 0
        while not self._closed:
            try:
                reader, writer = await open_address(self.address)
            except OSError as e:
                log.warning("signal rpc connect failed (%s)", type(e).__name__)
            else:
                self._writer, self.connects = writer, self.connects + 1
                self.connected.set()
                log.info("signal rpc connected")
                self._tell(True)
                try:
                    await self._read(reader)
                    log.warning("signal rpc connection closed by daemon")
                except (OSError, ValueError, asyncio.IncompleteReadError) as e:
                    log.warning("signal rpc connection lost (%s)", type(e).__name__)
                finally:
                    self._drop_connection()
                    self._tell(False)
            if not self._closed:
                delay = self.backoff.delay(self._attempt)
                self._attempt += 1
                log.info("signal rpc reconnect attempt %d in %.1f s", self._attempt, delay)
                await asyncio.sleep(delay)

    def _tell(self, connected: bool) -> None:
        if self.on_connection is not None and not self._closed:
            self.on_connection(connected)

    def _drop_connection(self) -> None:
        self.connected.clear()
        if self._writer is not None:
            self._writer.close()
            self._writer = None
        pending, self._pending = self._pending, {}
        for fut in pending.values():
            if not fut.done():
                fut.set_exception(Disconnected(None, "connection lost"))

    async def _read(self, reader: asyncio.StreamReader) -> None:
        while line := await reader.readline():
            if not line.strip():
                continue
            try:
                value = json.loads(line)
            except ValueError:
                log.warning("signal rpc: unparseable line from daemon skipped")
                continue
            self._attempt = 0  # the daemon answers: a later drop starts the backoff anew
            for item in value if isinstance(value, list) else [value]:
                self._dispatch(item)

    def _dispatch(self, item: Any) -> None:
        if not isinstance(item, dict):
            return
        if "id" in item and ("result" in item or "error" in item):
            fut = self._pending.pop(str(item["id"]), None)
            if fut is None or fut.done():
                log.info("signal rpc: reply for no waiting request")
            elif "error" in item:
                fut.set_exception(error_from(item["error"]))
            else:
                fut.set_result(item.get("result"))
        elif item.get("method") and "id" not in item:
            params = item.get("params")
            if isinstance(params, dict):
                self._notes.put_nowait({"method": item["method"], "params": params})

    async def call(self, method: str, params: dict[str, Any] | None = None, *,
                   reply_within: float | None = None) -> Any:  # fmt: skip
        """Send one request and wait for its reply: typed errors, never past `reply_within` s."""
        limit = self.timeout if reply_within is None else reply_within
        rid = str(next(self._ids))
        if self.account is not None:
            params = {"account": self.account} | (params or {})
        request: dict[str, Any] = {"jsonrpc": "2.0", "method": method, "id": rid}
        if params is not None:
            request["params"] = params
        data = (json.dumps(request, ensure_ascii=False, separators=(",", ":")) + "\n").encode()
        fut: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        if self._closed:
            raise Disconnected(None, "closed")
        try:
            async with asyncio.timeout(limit):
                await self.connected.wait()
                writer = self._writer
                if writer is None:
                    raise Disconnected(None, "not connected")
                self._pending[rid] = fut
                writer.write(data)
                await writer.drain()
                return await fut
        except TimeoutError:
            log.warning("signal rpc %s: no reply in %.0f s", method, limit)
            raise RpcTimeout(None, "no reply in time") from None
        except (OSError, RuntimeError) as e:
            raise Disconnected(None, type(e).__name__) from None
        finally:
            self._pending.pop(rid, None)

    async def send(self, recipients: Sequence[str], message: str | None = None, *,
                   attachments: Sequence[str] = (), reply_within: float | None = None,
                   **extra: Any) -> SendOutcome:  # fmt: skip
        """`send` to recipients (ACIs); the outcome holds each recipient's result.

        If no recipient was reached the daemon answers with an error (-1, -4, -5); it is
        raised with its `outcome` set."""
        params: dict[str, Any] = {"recipient": list(recipients)} | extra
        if message is not None:
            params["message"] = message
        if attachments:
            params["attachment"] = list(attachments)
        return SendOutcome.parse(await self.call("send", params, reply_within=reply_within))

    async def remote_delete(self, recipient: str, timestamp: int, *,
                            reply_within: float | None = None) -> SendOutcome:  # fmt: skip
        """`remoteDelete` the bot's message ``timestamp`` (its id) for a recipient (an ACI)."""
        params = {"recipient": [recipient], "targetTimestamp": timestamp}
        return SendOutcome.parse(await self.call("remoteDelete", params, reply_within=reply_within))

    async def trust(self, recipient: str, *, reply_within: float | None = None) -> None:
        """Trust every known identity key of a recipient (after the person was confirmed)."""
        params = {"recipient": recipient, "trustAllKnownKeys": True}
        await self.call("trust", params, reply_within=reply_within)

    async def get_attachment(
        self, attachment_id: str, *, reply_within: float | None = None
    ) -> bytes:
        """An incoming attachment's bytes, by its id."""
        params = {"id": attachment_id}
        result = await self.call("getAttachment", params, reply_within=reply_within)
        data = result.get("data") if isinstance(result, dict) else None
        if not isinstance(data, str):
            raise SignalRpcError(None, "getAttachment without data")
        return base64.b64decode(data)

    async def next_notification(self) -> dict[str, Any]:
        """The next notification (`{"method", "params"}`), waiting for one."""
        return await self._notes.get()

    async def notifications(self) -> AsyncIterator[dict[str, Any]]:
        """Every notification as it arrives, across reconnects."""
        while True:
            yield await self._notes.get()
