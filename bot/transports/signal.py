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
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import replace

from bot.account_status import AccountStatus, proof_detail
from bot.app import App, settle_heap
from bot.delivery import OutboxLoop
from bot.dispatcher import log_failure
from bot.timers import TimerWaker
from bot.transports.base import GONE, IDENTITY, DeliveryFailed
from bot.transports.signal_choices import Choices, numbered
from bot.transports.signal_envelopes import Incoming, Untrusted, parse_receive, untrusted_of
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
from bot.transports.signal_inbound import (
    CAPABILITIES,
    CHANNEL,
    DOWNLOAD_LIMIT,
    event_for,
    event_id,
)
from bot.transports.signal_rpc import SignalRpc
from conversations.events import Attachment, Delivery, EventKind, InboundEvent, Reply
from conversations.housekeeping import ensure_housekeeping
from conversations.identity import hold_address
from conversations.registry import COMMANDS
from storage.bindings import BindingRepo
from storage.outbox import CONVERSATION
from storage.timers import TimerRepo

log = logging.getLogger(__name__)

SEND_WITHIN = 60.0  # seconds for a send's answer (an attachment upload takes a while)
FETCH_WITHIN = 120.0
RATE_LIMIT_WAIT = 60.0  # when Signal does not say how long
PROOF_WAIT = 300.0  # a captcha waits for the operator: try again every few minutes
URGENT_BATCH = 50


def data_uri(content: bytes, name: str) -> str:
    """A file as signal-cli takes it inline: ``data:<mime>;filename=<name>;base64,<data>``."""
    mime = mimetypes.guess_type(name)[0] or "application/octet-stream"
    safe = "".join(c for c in name if c.isalnum() or c in "._-")[:80] or "file"
    return f"data:{mime};filename={safe};base64,{base64.b64encode(content).decode()}"


def delivery_failed(failure: RecipientFailure) -> DeliveryFailed:
    """What the outbox does about one recipient's failure."""
    if isinstance(failure, ProofRequired):
        wait = float(failure.retry_after or PROOF_WAIT)
        return DeliveryFailed("proof required", retry_after=wait)
    if isinstance(failure, RateLimited):
        wait = float(failure.retry_after or RATE_LIMIT_WAIT)
        return DeliveryFailed("rate limited", retry_after=wait)
    if isinstance(failure, Unregistered):
        return DeliveryFailed("unregistered", permanent=True, kind=GONE)
    if isinstance(failure, IdentityChanged):
        log.warning(
            "signal: a recipient's safety number changed; nothing is sent to them until "
            "they are confirmed again"
        )
        return DeliveryFailed("identity changed", permanent=True, kind=IDENTITY)
    return DeliveryFailed(failure.result.type.lower())


Confirmed = Callable[[str], Awaitable[bool]]
"""Whether an address was confirmed after an identity change (and the mark taken away)."""


class SignalTransport:
    """Sends replies to Signal ACIs; turns incoming messages into events."""

    channel = CHANNEL
    capabilities = CAPABILITIES

    def __init__(
        self,
        rpc: SignalRpc,
        *,
        confirmed: Confirmed | None = None,
        status: AccountStatus | None = None,
    ) -> None:
        self.rpc = rpc
        self.choices = Choices()
        self.confirmed = confirmed
        self.status = status

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
        """Send one message. After an identity change the unit (or a fresh invite) has
        confirmed, the daemon is told to trust the new identity and it is sent once more."""
        failure = await self._attempt(address, text, files, within)
        if isinstance(failure, IdentityChanged) and await self._confirmed(address):
            await self._trust(address)
            failure = await self._attempt(address, text, files, within)
        if failure is None:
            if self.status is not None:
                await self.status.ok()
            return
        if isinstance(failure, ProofRequired) and self.status is not None:
            await self.status.proof_required(proof_detail(failure.result.token))
        raise delivery_failed(failure)

    async def _attempt(
        self, address: str, text: str, files: list[str], within: float
    ) -> RecipientFailure | None:
        """One `send`: None if it arrived, the recipient's failure, or DeliveryFailed."""
        try:
            outcome = await self.rpc.send([address], text, attachments=files, reply_within=within)
        except SignalRpcError as exc:
            failures = exc.outcome.failures() if exc.outcome is not None else []
            if failures:
                return failures[0]
            if isinstance(exc, RpcTimeout | Disconnected):
                raise DeliveryFailed(type(exc).__name__) from None
            if isinstance(exc, ProtocolError | UserError):
                log.warning("signal: send refused (%s)", exc.code)
                raise DeliveryFailed("refused", permanent=True) from None
            raise DeliveryFailed(type(exc).__name__) from None
        failures = outcome.failures()
        return failures[0] if failures else None

    async def _confirmed(self, address: str) -> bool:
        if self.confirmed is None:
            return False
        try:
            return await self.confirmed(address)
        except Exception as exc:
            log_failure("reading whether an address was confirmed", exc)
            return False

    async def _trust(self, address: str) -> None:
        """Tell the daemon to trust the recipient's new identity (confirmed by people)."""
        try:
            await self.rpc.trust(address, reply_within=SEND_WITHIN)
        except SignalRpcError as exc:
            log.warning("signal: trusting a confirmed identity failed (%s)", type(exc).__name__)
        else:
            log.info("signal: a confirmed recipient's new safety number is trusted now")

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
    """The running Signal bot: daemon connection, transport, dispatcher, outbox, timers.

    Mirrors bot.transports.telegram.TelegramBot; both should share bot/runtime once it
    exists (one dispatcher, outbox and timer runner for every channel)."""

    def __init__(self, app: App, rpc: SignalRpc | None = None) -> None:
        settings = app.settings
        if rpc is None:
            if not settings.signal_rpc:
                raise ValueError("TRYGG_SIGNAL_RPC is not set")
            rpc = SignalRpc(settings.signal_rpc)
        self.app, self.rpc = app, rpc
        self.account = settings.signal_account
        self.status = AccountStatus(app.db, CHANNEL, app.clock)
        self.transport = SignalTransport(rpc, confirmed=self._confirmed, status=self.status)
        self._status_tasks: set[asyncio.Task[None]] = set()
        rpc.on_connection = self._connection
        self.dispatcher = app.dispatcher(self._reply)
        self.outbox = OutboxLoop(self._deliver_outbox)
        self.urgent = OutboxLoop(self._deliver_urgent)
        self.timers = app.timer_runner()
        self.waker = TimerWaker(self.timers)
        self.dispatcher.on_notices = self._after_commit
        self.timers.on_notices = self._wake_outbox
        self.stop = asyncio.Event()
        self._sender = app.outbox_sender(self.transport)
        self._sender.on_idle = self.urgent.wake.set
        self.handled = 0
        self._intake_tasks: dict[str, asyncio.Task[None]] = {}  # per sender: the latest

    async def _confirmed(self, address: str) -> bool:
        async with self.app.db.unit_of_work(urgent=True) as session:
            return await BindingRepo(session).take_confirmed(CHANNEL, address, self.app.clock())

    def _connection(self, connected: bool) -> None:
        task = asyncio.create_task(self.status.connection(connected))
        self._status_tasks.add(task)
        task.add_done_callback(self._status_tasks.discard)

    def _after_commit(self) -> None:
        self._wake_outbox()
        self.waker.poke()

    def _wake_outbox(self) -> None:
        self.urgent.wake.set()
        self.outbox.wake.set()

    async def _reply(self, delivery: Delivery) -> None:
        await self.transport.send(delivery.address, delivery.replies)

    async def _deliver_outbox(self) -> int:
        return await self._sender.deliver_due(concurrent=True)

    async def _deliver_urgent(self) -> int:
        return await self._sender.start_due(max_priority=CONVERSATION, limit=URGENT_BATCH)

    async def start(self) -> None:
        """Connect, fire what came due while down, resend replies a crash left unsent."""
        await self.rpc.start()
        async with self.app.db.unit_of_work() as session:
            await ensure_housekeeping(TimerRepo(session), self.app.clock())
        await self.timers.run_due()
        self.waker.start()
        await self.dispatcher.resend(CHANNEL)

    async def handle(self, params: object) -> None:
        """One `receive` notification: its message (with its file's bytes) to the dispatcher."""
        untrusted = untrusted_of(params)
        if untrusted is not None:
            if not self.account or untrusted.account in (None, self.account):
                await self._untrusted(untrusted)
            return
        incoming = parse_receive(params)
        if incoming is None or incoming.group_id is not None:
            return  # receipts, typing, reactions; group messages are not for the bot
        if self.account and incoming.account and incoming.account != self.account:
            return
        await self._submit(incoming)

    async def _untrusted(self, untrusted: Untrusted) -> None:
        """A message from a changed identity: hold the address and tell the unit; the
        person gets the safety basics and why (the held address's answer)."""
        address = untrusted.source_aci
        async with self.app.db.unit_of_work() as session:
            notices = await hold_address(session, CHANNEL, address, self.app.clock())
            held = await BindingRepo(session).is_held(CHANNEL, address)
        if notices:
            self._wake_outbox()
        if held:
            log.warning("signal: a message came from a changed safety number; address held")
            incoming = Incoming(address, untrusted.timestamp, None)
            self.dispatcher.submit(
                InboundEvent(
                    event_id(incoming),
                    CHANNEL,
                    address,
                    EventKind.UNSUPPORTED,
                    ref=str(untrusted.timestamp),
                )
            )
        self.handled += 1

    def _take(self, params: object) -> None:
        """Handle a notification in a task of its own, after the same sender's earlier ones:
        a large download holds up only its sender, never everyone's messages."""
        incoming = parse_receive(params)
        untrusted = untrusted_of(params)
        sender = incoming.source_aci if incoming is not None else ""
        sender = untrusted.source_aci if untrusted is not None else sender
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

    async def _intake(self) -> None:
        while not self.stop.is_set():
            note = await self.rpc.next_notification()
            if note.get("method") == "receive":
                self._take(note.get("params"))

    async def run(self) -> None:
        """Run until ``stop`` is set."""
        await self.start()
        lanes = [asyncio.create_task(lane.run(self.stop)) for lane in (self.urgent, self.outbox)]
        intake = asyncio.create_task(self._intake(), name="signal-intake")
        try:
            await self.stop.wait()
        finally:
            self.stop.set()
            intake.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await intake
            await asyncio.gather(*list(self._intake_tasks.values()), return_exceptions=True)
            self._wake_outbox()
            await asyncio.gather(*lanes)
            await self._sender.drain()
            await self.dispatcher.drain()
            await self.shutdown()

    async def shutdown(self) -> None:
        await self.waker.stop()
        await self.rpc.close()
        await asyncio.gather(*list(self._status_tasks), return_exceptions=True)
        await self.status.connection(False)  # the bot is down: nothing reaches the daemon


async def run_signal(app: App) -> None:
    """Run the Signal bot until SIGINT/SIGTERM."""
    bot = SignalBot(app)
    settle_heap()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, bot.stop.set)
    await bot.run()
