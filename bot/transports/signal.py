"""The Signal transport: signal-cli's JSON-RPC daemon (bot.transports.signal_rpc).

Incoming messages become InboundEvents (bot.transports.signal_inbound) for the same
dispatcher as every other channel; replies go out as `send` to the person's ACI, buttons as
numbered choices in the text, files as data URIs with the text as their caption. Signal's
per-recipient failures become DeliveryFailed: a rate limit waits as long as Signal says,
a captcha (proof required) waits for the operator, an unregistered recipient or a changed
safety number fails for good (an alert then escalates).

Logs name failure kinds only: never a number, an ACI or a text.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import logging
import mimetypes
import signal
from collections.abc import Sequence
from dataclasses import replace

from bot.app import App, settle_heap
from bot.dispatcher import log_failure
from bot.runtime import Channel, Runtime, run
from bot.transports.base import DeliveryFailed
from bot.transports.signal_choices import Choices, numbered
from bot.transports.signal_envelopes import Incoming, parse_receive
from bot.transports.signal_errors import (
    Disconnected,
    IdentityChanged,
    ProofRequired,
    ProtocolError,
    RateLimited,
    RecipientFailure,
    RpcTimeout,
    SignalRpcError,
    Unregistered,
    UserError,
)
from bot.transports.signal_inbound import CAPABILITIES, CHANNEL, DOWNLOAD_LIMIT, event_for
from bot.transports.signal_rpc import SignalRpc
from conversations.events import Attachment, Delivery, Reply
from conversations.registry import COMMANDS
from storage.outbox import CONVERSATION

log = logging.getLogger(__name__)

SEND_WITHIN = 60.0  # seconds for a send's answer (an attachment upload takes a while)
FETCH_WITHIN = 120.0
RATE_LIMIT_WAIT = 60.0  # when Signal does not say how long
PROOF_WAIT = 300.0  # a captcha waits for the operator: try again every few minutes


def data_uri(content: bytes, name: str) -> str:
    """A file as signal-cli takes it inline: ``data:<mime>;filename=<name>;base64,<data>``."""
    mime = mimetypes.guess_type(name)[0] or "application/octet-stream"
    safe = "".join(c for c in name if c.isalnum() or c in "._-")[:80] or "file"
    return f"data:{mime};filename={safe};base64,{base64.b64encode(content).decode()}"


def delivery_failed(failure: RecipientFailure) -> DeliveryFailed:
    """What the outbox does about one recipient's failure."""
    if isinstance(failure, ProofRequired):
        log.warning(
            "signal: Signal asks this account to solve a captcha (proof required); "
            "messages wait until the operator submits it (submitRateLimitChallenge)"
        )
        wait = float(failure.retry_after or PROOF_WAIT)
        return DeliveryFailed("proof required", retry_after=wait)
    if isinstance(failure, RateLimited):
        wait = float(failure.retry_after or RATE_LIMIT_WAIT)
        return DeliveryFailed("rate limited", retry_after=wait)
    if isinstance(failure, Unregistered):
        return DeliveryFailed("unregistered", permanent=True)
    if isinstance(failure, IdentityChanged):
        log.warning(
            "signal: a recipient's safety number changed; nothing is sent to them until "
            "they are confirmed again"
        )
        return DeliveryFailed("identity changed", permanent=True)
    return DeliveryFailed(failure.result.type.lower())


class SignalTransport:
    """Sends replies to Signal ACIs; turns incoming messages into events."""

    channel = CHANNEL
    capabilities = CAPABILITIES

    def __init__(self, rpc: SignalRpc) -> None:
        self.rpc = rpc
        self.choices = Choices()

    async def send(
        self, address: str, replies: Sequence[Reply], priority: int = CONVERSATION
    ) -> None:
        """Send replies in order; buttons as numbered choices; a file with its caption."""
        for reply in replies:
            text = numbered(reply) or "…"
            files: list[str] = []
            if reply.file is not None and reply.file.content is not None:
                files.append(data_uri(reply.file.content, reply.file.name))
            await self._send_one(address, text, files)
            self.choices.sent(address, reply)

    async def _send_one(
        self, address: str, text: str, files: list[str], within: float = SEND_WITHIN
    ) -> None:
        try:
            outcome = await self.rpc.send([address], text, attachments=files, reply_within=within)
        except SignalRpcError as exc:
            failures = exc.outcome.failures() if exc.outcome is not None else []
            if failures:
                raise delivery_failed(failures[0]) from None
            if isinstance(exc, RpcTimeout | Disconnected):
                raise DeliveryFailed(type(exc).__name__) from None
            if isinstance(exc, ProtocolError | UserError):
                log.warning("signal: send refused (%s)", exc.code)
                raise DeliveryFailed("refused", permanent=True) from None
            raise DeliveryFailed(type(exc).__name__) from None
        failures = outcome.failures()
        if failures:
            raise delivery_failed(failures[0])

    async def fetch(self, attachment: Attachment) -> Attachment:
        """An incoming file's bytes from the daemon; unchanged if too large or not there."""
        if not attachment.file_ref or (attachment.size or 0) > DOWNLOAD_LIMIT:
            return attachment
        try:
            content = await self.rpc.get_attachment(attachment.file_ref, reply_within=FETCH_WITHIN)
        except SignalRpcError as exc:
            log.warning("signal: fetching a file failed (%s)", type(exc).__name__)
            return attachment
        except ValueError:  # not base64
            log.warning("signal: fetching a file failed (bad data)")
            return attachment
        return replace(attachment, content=content, size=len(content))


class SignalBot:
    """The running Signal bot: daemon connection, transport and intake, on a runtime of its
    own or on one it shares with other transports (see bot.run_all)."""

    def __init__(
        self, app: App, rpc: SignalRpc | None = None, runtime: Runtime | None = None
    ) -> None:
        settings = app.settings
        if rpc is None:
            if not settings.signal_rpc:
                raise ValueError("TRYGG_SIGNAL_RPC is not set")
            rpc = SignalRpc(settings.signal_rpc)
        self.app, self.rpc = app, rpc
        self.account = settings.signal_account
        self.transport = SignalTransport(rpc)
        self.channel = Channel(self.transport, self._reply)
        self.runtime = runtime or Runtime(app)
        self.runtime.add(self.channel)
        self.dispatcher = self.runtime.dispatcher
        self.timers = self.runtime.timers
        self.waker = self.runtime.waker
        self.stop = self.runtime.stop
        self.handled = 0
        self._intake_tasks: dict[str, asyncio.Task[None]] = {}  # per sender: the latest

    async def _reply(self, delivery: Delivery) -> None:
        await self.transport.send(delivery.address, delivery.replies)

    async def handle(self, params: object) -> None:
        """One `receive` notification: its message (with its file's bytes) to the dispatcher."""
        incoming = parse_receive(params)
        if incoming is None or incoming.group_id is not None:
            return  # receipts, typing, reactions; group messages are not for the bot
        if self.account and incoming.account and incoming.account != self.account:
            return
        await self._submit(incoming)

    def _take(self, params: object) -> None:
        """Handle a notification in a task of its own, after the same sender's earlier ones:
        a large download holds up only its sender, never everyone's messages."""
        incoming = parse_receive(params)
        sender = incoming.source_aci if incoming is not None else ""
        before = self._intake_tasks.get(sender)

        async def in_turn() -> None:
            if before is not None:
                await asyncio.wait({before})
            try:
                await self.handle(params)
            except Exception as exc:
                log_failure("handling a Signal message", exc)

        task = asyncio.create_task(in_turn())
        self._intake_tasks[sender] = task
        task.add_done_callback(
            lambda done: (
                self._intake_tasks.pop(sender, None)
                if self._intake_tasks.get(sender) is done
                else None
            )
        )

    async def _submit(self, incoming: Incoming) -> None:
        """Submit the message; several files in one message are one event each, in order."""
        parts = [incoming]
        if len(incoming.attachments) > 1:
            parts = [
                replace(incoming, attachments=(file,), text=incoming.text if n == 0 else None)
                for n, file in enumerate(incoming.attachments)
            ]
        for n, part in enumerate(parts):
            event = event_for(part, self.transport.choices, COMMANDS)
            if n:
                event = replace(event, event_id=f"{event.event_id}-{n}")
            if event.attachment is not None:
                event = replace(event, attachment=await self.transport.fetch(event.attachment))
            self.dispatcher.submit(event)  # ordered per person; later ones queue behind it
        self.handled += 1

    async def _read(self) -> None:
        while not self.stop.is_set():
            note = await self.rpc.next_notification()
            if note.get("method") == "receive":
                self._take(note.get("params"))

    async def open(self) -> None:
        """Connect to the daemon (it reconnects by itself when the daemon goes away)."""
        await self.rpc.start()

    async def receive(self) -> None:
        """Read messages until ``stop``; then let the messages being taken in finish."""
        reader = asyncio.create_task(self._read(), name="signal-intake")
        stopped = asyncio.create_task(self.stop.wait())
        try:
            await asyncio.wait({reader, stopped}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            stopped.cancel()
            reader.cancel()
            await asyncio.gather(*list(self._intake_tasks.values()), return_exceptions=True)
            with contextlib.suppress(asyncio.CancelledError):
                await reader  # a failure of the reader is raised here

    async def close(self) -> None:
        await self.rpc.close()

    async def run(self) -> None:
        """Run alone until ``stop`` is set."""
        await run(self.runtime, [self])


async def run_signal(app: App) -> None:
    """Run the Signal bot until SIGINT/SIGTERM."""
    bot = SignalBot(app)
    settle_heap()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, bot.stop.set)
    await bot.run()
