"""A fake signal-cli JSON-RPC daemon for tests, written from ../shared/signal-cli/protocol.md.

It speaks the daemon's socket framing (UTF-8, one JSON value per line, batches, replies only
to requests with an `id`, concurrent so replies may come out of order) on 127.0.0.1 TCP or a
UNIX socket, in `--receive-mode on-connection` style: inbound messages wait until a client is
connected, then every connected client gets each one as a `receive` notification.

Like the real daemon it ignores unknown param keys and answers with its own error codes; on
top, every request is recorded (`requests`) and any deviation from the reference is noted in
`violations`, which `assert_valid()` turns into a test failure.

Test hooks: `push_text`, `push_attachment` (file written to the attachments directory first),
`fail_recipient` (per-recipient send result type, with `retryAfterSeconds` / `token`),
`change_identity` (the person's safety number changed: sends fail with IDENTITY_FAILURE until
`trust`), `push_untrusted` (a message the daemon could not accept from a changed identity),
`require_proof` (RATE_LIMIT_FAILURE with a captcha `token` until `submitRateLimitChallenge`),
`fail_next` (a whole-request error), `silence` (never answer a method), `hold` / `release`
(answer later, out of order), `drop` (close every connection), `stop` / `restart` (the daemon
goes away and comes back on the same address); edits and other envelopes: fakesignal_push.
`sent` lists every message delivered
(timestamp, recipient, text); `deleted` every `remoteDelete` (recipient, timestamp), which
must name a message this daemon sent to that recipient.

Self-contained on purpose: it imports none of the bot's packages.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import contextlib
import itertools
import json
import re
import time
import uuid
from collections import deque
from pathlib import Path
from typing import Any

from tests.fakesignal_protocol import (  # noqa: F401 (tests import Person, RpcFailure here)
    _BOOLS,
    _DATA_URI,
    _LISTS,
    _MENTION,
    _SEND_KEYS,
    _STRINGS,
    _STYLE,
    _TIMESTAMPS,
    _UUID,
    CAPTCHA_REJECTED,
    INTERNAL,
    INVALID_PARAMS,
    INVALID_REQUEST,
    IO_ERROR,
    METHOD_NOT_FOUND,
    METHODS,
    PARSE_ERROR,
    RATE_LIMITED,
    RESULT_TYPES,
    UNTRUSTED,
    USER_ERROR,
    Person,
    RpcFailure,
    _as_list,
    _Conn,
    _is_ts,
)


class FakeSignal:
    """A fake `signal-cli -a ACCOUNT daemon --tcp … --receive-mode on-connection`."""

    def __init__(self, account: str = "+46700000000", data_dir: Path | None = None) -> None:
        self.account = account
        self.data_dir = data_dir
        self.requests: list[dict[str, Any]] = []
        self.violations: list[str] = []
        self.people: dict[str, Person] = {}
        self.attachments: dict[str, bytes] = {}
        self.sent: list[tuple[int, str, str | None]] = []  # (timestamp, recipient, message)
        self.deleted: list[tuple[str, int]] = []  # (recipient, timestamp) remoteDeleted
        self.pending: deque[dict[str, Any]] = deque()
        self.connections: set[_Conn] = set()
        self.connected = asyncio.Event()
        self.accepted = 0
        self._recipient_fail: dict[str, tuple[str, dict[str, Any]]] = {}
        self.untrusted: set[str] = set()  # ACIs whose new identity key is not trusted yet
        self.trusted: list[str] = []  # ACIs `trust` was called for, in order
        self.challenge: str | None = None  # the captcha token Signal asks for, if any
        self._proof_retry: int | None = None
        self._next_errors: dict[str, deque[RpcFailure]] = {}
        self._silenced: set[str] = set()
        self._held: dict[str, list[asyncio.Event]] = {}
        self._hold_methods: set[str] = set()
        self._last_ts = 0
        self._server: asyncio.AbstractServer | None = None
        self._tasks: set[asyncio.Task[None]] = set()
        self._subs = itertools.count()
        self.host, self.port = "127.0.0.1", 0
        self.socket_path: Path | None = None

    # ---- lifecycle ---------------------------------------------------------
    @property
    def address(self) -> str:
        """The address to give the client: `tcp://HOST:PORT` or `unix:PATH`."""
        if self.socket_path is not None:
            return f"unix:{self.socket_path}"
        return f"tcp://{self.host}:{self.port}"

    async def start(self, socket_path: Path | None = None) -> FakeSignal:
        """Listen on a free loopback port (or on a UNIX socket at `socket_path`)."""
        if socket_path is not None:
            self.socket_path = socket_path
        await self._listen()
        return self

    async def _listen(self) -> None:
        if self.socket_path is not None:
            self._server = await asyncio.start_unix_server(self._serve, path=self.socket_path)
        else:
            self._server = await asyncio.start_server(self._serve, self.host, self.port)
            self.port = self._server.sockets[0].getsockname()[1]

    async def drop(self) -> None:
        """Close every client connection (the daemon stays up)."""
        for conn in list(self.connections):
            conn.writer.close()
            with contextlib.suppress(Exception):
                await conn.writer.wait_closed()
        self.connections.clear()
        self.connected.clear()

    async def stop(self) -> None:
        """The daemon goes away: stop listening and close every connection."""
        if self._server is not None:
            self._server.close()
            self._server = None
        await self.drop()
        for t in list(self._tasks):
            t.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    async def restart(self) -> None:
        """The daemon comes back on the same address."""
        await self._listen()

    async def __aenter__(self) -> FakeSignal:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    def assert_valid(self) -> None:
        """Fail if any request broke the reference's rules."""
        assert not self.violations, "\n".join(self.violations)

    # ---- test hooks --------------------------------------------------------
    def person(self, aci: str | None = None, number: str | None = None, name: str | None = None
               ) -> Person:  # fmt: skip
        """Register a Signal user (a fresh ACI unless given)."""
        p = Person(aci or str(uuid.uuid4()), number, name)
        self.people[p.aci] = p
        if number:
            self.people[number] = p
        return p

    def fail_recipient(self, recipient: str, kind: str, *, retry_after: int | None = None,
                       token: str | None = None, times: int | None = None) -> None:  # fmt: skip
        """Make sends to `recipient` (ACI or number) come back with result type `kind`."""
        assert kind in RESULT_TYPES
        extra: dict[str, Any] = {}
        if retry_after is not None:
            extra["retryAfterSeconds"] = retry_after
        if token is not None:
            extra["token"] = token
        extra["_times"] = times
        self._recipient_fail[recipient] = (kind, extra)

    def change_identity(self, recipient: str) -> None:
        """The person's safety number changed: sends to them fail with IDENTITY_FAILURE
        until `trust` is called for them (on-first-use: a changed key is untrusted)."""
        p = self.people.get(recipient)
        self.untrusted.add(p.aci if p is not None else recipient)

    async def push_untrusted(self, sender: Person) -> int:
        """A message from `sender`'s changed identity: the daemon could not decrypt it, so
        the notification holds the envelope without content and an `exception`."""
        env = self.envelope(sender, {})
        del env["dataMessage"]
        self.untrusted.add(sender.aci)
        await self.push(
            env,
            exception={
                "message": "Untrusted identity for the sender",
                "type": "UntrustedIdentityException",
            },
        )
        return int(env["timestamp"])

    def require_proof(self, token: str, retry_after: int | None = None) -> None:
        """Signal asks this account for a captcha: every send fails with RATE_LIMIT_FAILURE
        and `token` until `submitRateLimitChallenge` with that token."""
        self.challenge = token
        self._proof_retry = retry_after

    def clear_failures(self) -> None:
        """Let every recipient succeed again."""
        self._recipient_fail.clear()

    def fail_next(self, method: str, code: int, message: str = "Failed", data: Any = None) -> None:
        """Answer the next `method` request with this JSON-RPC error."""
        self._next_errors.setdefault(method, deque()).append(RpcFailure(code, message, data))

    def silence(self, method: str) -> None:
        """Never answer `method` (the request is recorded, nothing comes back)."""
        self._silenced.add(method)

    def hold(self, method: str) -> None:
        """Hold answers to `method` until `release(method)`."""
        self._hold_methods.add(method)

    def release(self, method: str) -> None:
        """Let held answers to `method` go, and stop holding."""
        self._hold_methods.discard(method)
        for ev in self._held.pop(method, []):
            ev.set()

    async def held(self, method: str, count: int = 1, timeout: float = 10.0) -> None:
        """Wait until `count` answers to `method` are held."""
        async with asyncio.timeout(timeout):
            while len(self._held.get(method, [])) < count:
                await asyncio.sleep(0.005)

    async def wait_for_request(self, method: str, count: int = 1, timeout: float = 10.0
                               ) -> list[dict[str, Any]]:  # fmt: skip
        """Wait until `count` requests for `method` have arrived; return them."""
        async with asyncio.timeout(timeout):
            while len(found := self.calls(method)) < count:
                await asyncio.sleep(0.005)
        return found

    def calls(self, method: str) -> list[dict[str, Any]]:
        """The recorded requests for `method`."""
        return [r for r in self.requests if isinstance(r, dict) and r.get("method") == method]

    def envelope(self, sender: Person, data_message: dict[str, Any]) -> dict[str, Any]:
        """An incoming envelope from `sender` (nulls kept, as the daemon writes them)."""
        ts = self.timestamp()
        data_message = {"timestamp": ts, "expiresInSeconds": 0, "isExpirationUpdate": False,
                        "viewOnce": False} | data_message  # fmt: skip
        return {
            "source": sender.number or sender.aci,
            "sourceNumber": sender.number,
            "sourceUuid": sender.aci,
            "sourceName": sender.name,
            "sourceDevice": 1,
            "timestamp": ts,
            "serverReceivedTimestamp": ts + 50,
            "serverDeliveredTimestamp": ts + 90,
            "dataMessage": data_message,
        }

    async def push(self, envelope: dict[str, Any], exception: dict[str, str] | None = None
                   ) -> None:  # fmt: skip
        """Deliver an envelope (maybe with a decrypt/trust `exception`) now, or on connect."""
        params: dict[str, Any] = {"envelope": envelope, "account": self.account}
        if exception is not None:
            params["exception"] = exception
        self.pending.append(params)
        await self._flush()

    async def push_text(self, sender: Person, text: str | None, **extra: Any) -> int:
        """`sender` writes `text` to the bot; returns the message timestamp."""
        env = self.envelope(sender, {"message": text} | extra)
        await self.push(env)
        return int(env["timestamp"])

    async def push_attachment(self, sender: Person, data: bytes, content_type: str,
                              filename: str | None = None, text: str | None = None,
                              *, download_failed: bool = False) -> dict[str, Any]:  # fmt: skip
        """`sender` sends a file; it is stored (as the daemon does) before the notification."""
        att = self.store_attachment(data, content_type, filename, download_failed=download_failed)
        await self.push(self.envelope(sender, {"message": text, "attachments": [att]}))
        return att

    async def push_attachments(self, sender: Person, files: list[tuple[bytes, str, str]],
                               text: str | None = None) -> list[dict[str, Any]]:  # fmt: skip
        """`sender` sends several files (data, content type, name) in one message."""
        atts = [self.store_attachment(data, mime, name) for data, mime, name in files]
        await self.push(self.envelope(sender, {"message": text, "attachments": atts}))
        return atts

    def store_attachment(self, data: bytes, content_type: str, filename: str | None = None,
                         *, download_failed: bool = False) -> dict[str, Any]:  # fmt: skip
        """Store an incoming file as the daemon does; its attachment description."""
        ext = {"image/jpeg": ".jpg", "image/png": ".png", "application/pdf": ".pdf",
               "audio/aac": ".aac"}.get(content_type, "")  # fmt: skip
        if filename and "." in filename:
            ext = "." + filename.rsplit(".", 1)[1]
        att_id = base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=") + ext
        att_id = re.sub(r"[^A-Za-z0-9_.-]", "_", att_id)
        if not download_failed:
            self.attachments[att_id] = data
            if self.data_dir is not None:
                folder = self.data_dir / "attachments"
                folder.mkdir(parents=True, exist_ok=True)
                (folder / att_id).write_bytes(data)
        return {"contentType": content_type, "filename": filename, "id": att_id,
                "size": len(data), "width": None, "height": None, "caption": None,
                "uploadTimestamp": self.timestamp()}  # fmt: skip

    def timestamp(self) -> int:
        """A unique, increasing 13-digit millisecond timestamp."""
        self._last_ts = max(self._last_ts + 1, int(time.time() * 1000))
        return self._last_ts

    # ---- the socket --------------------------------------------------------
    async def _flush(self) -> None:
        while self.pending:
            live = [c for c in self.connections if not c.writer.is_closing()]
            if not live:
                return  # on-connection: it waits on the server
            params = self.pending.popleft()
            note = {"jsonrpc": "2.0", "method": "receive", "params": params}
            for conn in live:
                await conn.write(note)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        conn = _Conn(writer)
        self.connections.add(conn)
        self.accepted += 1
        self.connected.set()
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        try:
            await self._flush()
            while line := await reader.readline():
                self._spawn(self._line(conn, line))
        except (ConnectionError, asyncio.CancelledError):
            pass
        finally:
            self._tasks.discard(task)
            self.connections.discard(conn)
            if not self.connections:
                self.connected.clear()
            writer.close()

    def _spawn(self, coro: Any) -> None:
        t = asyncio.ensure_future(coro)
        self._tasks.add(t)
        t.add_done_callback(self._tasks.discard)

    async def _line(self, conn: _Conn, raw: bytes) -> None:
        try:
            value = json.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError):
            self.violations.append("unparseable line")
            return await conn.write(_error(None, PARSE_ERROR, "Parse error"))
        if isinstance(value, list):
            if not value:
                self.violations.append("empty batch")
                return await conn.write(_error(None, INVALID_REQUEST, "Invalid request"))
            replies = await asyncio.gather(*(self._request(v) for v in value))
            answered = [r for r in replies if r is not None]
            if answered:
                await conn.write(answered)
            return None
        reply = await self._request(value)
        if reply is not None:
            await conn.write(reply)
        return None

    async def _request(self, req: Any) -> dict[str, Any] | None:
        self.requests.append(req)
        if not isinstance(req, dict):
            self.violations.append("request is not an object")
            return _error(None, INVALID_REQUEST, "Invalid request")
        rid = req.get("id")
        has_id = "id" in req and rid is not None
        if has_id and (isinstance(rid, bool) or not isinstance(rid, str | int)):
            self.violations.append("id neither string nor number")
        method = req.get("method")
        if req.get("jsonrpc") != "2.0" or not isinstance(method, str):
            self.violations.append("not jsonrpc 2.0 or no method")
            return _error(rid, INVALID_REQUEST, "Invalid request") if has_id else None
        if not has_id:
            self.violations.append(f"{method}: request without id gets no answer")
        try:
            if method in self._silenced:
                return None
            result = await self._call(method, req.get("params"))
            reply: dict[str, Any] = {"jsonrpc": "2.0", "result": result, "id": rid}
        except RpcFailure as e:
            reply = _error(rid, e.code, e.message, e.data)
        if method in self._hold_methods:
            ev = asyncio.Event()
            self._held.setdefault(method, []).append(ev)
            await ev.wait()
        return reply if has_id else None

    async def _call(self, method: str, params: Any) -> Any:
        if method not in METHODS:
            self.violations.append(f"unknown method {method!r}")
            raise RpcFailure(METHOD_NOT_FOUND, "Method not implemented")
        if params is None:
            params = {}
        if not isinstance(params, dict):
            self.violations.append(f"{method}: params not an object")
            raise RpcFailure(INVALID_REQUEST, "Invalid params")
        for key in params:
            if key not in METHODS[method]:
                self.violations.append(f"{method}: unknown param {key!r} (ignored by daemon)")
        self._check_types(method, params)
        queued = self._next_errors.get(method)
        if queued:
            raise queued.popleft()
        return await getattr(self, f"_do_{method}", self._do_empty)(params)

    def _check_types(self, method: str, params: dict[str, Any]) -> None:
        for key, value in params.items():
            single = next((s for s, p in _LISTS.items() if key in (s, p)), None)
            values = _as_list(value) if single else [value]
            for v in values:
                if key in _TIMESTAMPS and not _is_ts(v):
                    self._bad(f"{method}: {key} must be a 13-digit ms integer")
                elif single and key not in _TIMESTAMPS and not isinstance(v, str):
                    self._bad(f"{method}: {key} must be a string or a list of strings")
                elif key in _STRINGS and not isinstance(v, str):
                    self._bad(f"{method}: {key} must be a string")
                elif key in _BOOLS and not isinstance(v, bool):
                    self._bad(f"{method}: {key} must be a boolean")

    def _bad(self, why: str) -> None:
        self.violations.append(why)
        raise RpcFailure(INVALID_REQUEST, "Invalid params")

    @staticmethod
    def _get_list(params: dict[str, Any], single: str) -> list[Any]:
        out: list[Any] = []
        for key in (single, _LISTS[single]):
            if params.get(key) is not None:
                out += _as_list(params[key])
        return out

    # ---- methods -----------------------------------------------------------
    async def _do_empty(self, params: dict[str, Any]) -> Any:
        return {}

    async def _do_version(self, params: dict[str, Any]) -> Any:
        return {"version": "0.14.7-SNAPSHOT"}

    async def _do_subscribeReceive(self, params: dict[str, Any]) -> Any:
        return next(self._subs)

    async def _do_getAttachment(self, params: dict[str, Any]) -> Any:
        att_id = params.get("id")
        if att_id not in self.attachments:
            raise RpcFailure(USER_ERROR, f"Could not find attachment with ID: {att_id}")
        return {"data": base64.b64encode(self.attachments[att_id]).decode()}

    async def _do_send(self, params: dict[str, Any]) -> Any:
        recipients = self._get_list(params, "recipient")
        groups = self._get_list(params, "groupId")
        if not recipients and not groups and not params.get("noteToSelf"):
            self.violations.append("send: no recipient")
            raise RpcFailure(USER_ERROR, "No recipients given")
        for g in groups:
            try:
                base64.b64decode(g, validate=True)
            except (binascii.Error, ValueError):
                self._bad("send: groupId is not base64")
        attachments = self._get_list(params, "attachment")
        for a in attachments:
            if not (_DATA_URI.match(a) or Path(a).is_file()):
                self.violations.append("send: attachment neither a file nor a data URI")
                raise RpcFailure(INTERNAL, "Failed to send message: attachment not found")
        if params.get("quoteTimestamp") is not None and not params.get("quoteAuthor"):
            self.violations.append("send: quoteTimestamp without quoteAuthor")
            raise RpcFailure(USER_ERROR, "Quote author is required with quote timestamp")
        for key, rx in (("mention", _MENTION), ("textStyle", _STYLE)):
            if not all(rx.match(m) for m in self._get_list(params, key)):
                self._bad(f"send: malformed {key}")
        has_content = params.get("message") or attachments or params.get("sticker")
        if not has_content and params.get("quoteTimestamp") is None:
            self.violations.append("send: no message, attachment, sticker or quote")
            raise RpcFailure(USER_ERROR, "No message given")
        response = self._deliver(recipients)
        message = params.get("message")
        for result, recipient in zip(response["results"], recipients, strict=True):
            if result["type"] == "SUCCESS":
                self.sent.append((response["timestamp"], recipient, message))
        return response

    async def _do_trust(self, params: dict[str, Any]) -> Any:
        recipients = self._get_list(params, "recipient")
        if len(recipients) != 1:
            self.violations.append("trust: exactly one recipient")
            raise RpcFailure(USER_ERROR, "trust takes one recipient")
        all_keys = params.get("trustAllKnownKeys")
        number = params.get("verifiedSafetyNumber")
        if bool(all_keys) == (number is not None):
            self.violations.append("trust: trustAllKnownKeys or verifiedSafetyNumber, one")
            raise RpcFailure(USER_ERROR, "You need to specify how to trust")
        if number is not None and not isinstance(number, str):
            self._bad("trust: verifiedSafetyNumber must be a string")
        p = self.people.get(recipients[0])
        aci = p.aci if p is not None else recipients[0]
        self.untrusted.discard(aci)
        self.trusted.append(aci)
        return {}

    async def _do_submitRateLimitChallenge(self, params: dict[str, Any]) -> Any:
        challenge, captcha = params.get("challenge"), params.get("captcha")
        if not isinstance(challenge, str) or not isinstance(captcha, str) or not captcha:
            self._bad("submitRateLimitChallenge: challenge and captcha are strings")
        if challenge != self.challenge:
            raise RpcFailure(CAPTCHA_REJECTED, "Captcha rejected")
        self.challenge = None
        return {}

    async def _do_remoteDelete(self, params: dict[str, Any]) -> Any:
        target = params.get("targetTimestamp")
        if target is None:
            self.violations.append("remoteDelete: no targetTimestamp")
            raise RpcFailure(USER_ERROR, "No target timestamp given")
        if not _is_ts(target):  # one message per request (--target-timestamp takes one)
            self._bad("remoteDelete: targetTimestamp must be one 13-digit ms integer")
        if not (recipients := self._get_list(params, "recipient")):
            self._bad("remoteDelete: no recipient")
        response = self._deliver(recipients)
        for result, recipient in zip(response["results"], recipients, strict=True):
            if not any(t == target and r == recipient for t, r, _m in self.sent):
                self.violations.append("remoteDelete: not a message sent to that recipient")
            if result["type"] == "SUCCESS":
                self.deleted.append((recipient, target))
        return response

    async def _do_sendReceipt(self, params: dict[str, Any]) -> Any:
        return self._deliver(self._get_list(params, "recipient"))

    async def _do_sendTyping(self, params: dict[str, Any]) -> Any:
        self._deliver(self._get_list(params, "recipient"))
        return {}

    async def _do_sendReaction(self, params: dict[str, Any]) -> Any:
        return self._deliver(self._get_list(params, "recipient"))

    def _deliver(self, recipients: list[str]) -> dict[str, Any]:
        ts = self.timestamp()
        results = [self._result(r) for r in recipients]
        response = {"timestamp": ts, "results": results}
        kinds = {r["type"] for r in results}
        if results and "SUCCESS" not in kinds:
            if kinds == {"IDENTITY_FAILURE"}:
                raise RpcFailure(
                    UNTRUSTED,
                    "Failed to send message due to untrusted identities",
                    {"response": response},
                )
            if kinds == {"RATE_LIMIT_FAILURE"}:
                raise RpcFailure(
                    RATE_LIMITED,
                    "Failed to send message due to rate limiting",
                    {"response": response},
                )
            raise RpcFailure(USER_ERROR, "Failed to send message", {"response": response})
        return response

    def _result(self, recipient: str) -> dict[str, Any]:
        p = self.people.get(recipient)
        if p is None:
            aci = (
                recipient
                if _UUID.match(recipient)
                else str(uuid.uuid5(uuid.NAMESPACE_URL, recipient))
            )
            number = None if _UUID.match(recipient) else recipient
            p = Person(aci, number)
        address = {"uuid": p.aci, "number": p.number, "username": None}
        out: dict[str, Any] = {"recipientAddress": address, "type": "SUCCESS"}
        if self.challenge is not None:
            out |= {"type": "RATE_LIMIT_FAILURE", "token": self.challenge}
            if self._proof_retry is not None:
                out["retryAfterSeconds"] = self._proof_retry
            return out
        if p.aci in self.untrusted:
            out["type"] = "IDENTITY_FAILURE"
            return out
        fail = self._recipient_fail.get(p.aci)
        if fail is None and p.number:
            fail = self._recipient_fail.get(p.number)
        if fail:
            kind, extra = fail
            out["type"] = kind
            out |= {k: v for k, v in extra.items() if not k.startswith("_")}
            if extra["_times"] is not None:
                extra["_times"] -= 1
                if extra["_times"] <= 0:
                    self._recipient_fail = {k: v for k, v in self._recipient_fail.items()
                                            if v is not fail}  # fmt: skip
        return out


def _error(rid: Any, code: int, message: str, data: Any = None) -> dict[str, Any]:
    return {"jsonrpc": "2.0", "error": {"code": code, "message": message, "data": data}, "id": rid}
