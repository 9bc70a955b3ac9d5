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
from pathlib import Path

from bot.account_status import AccountStatus, proof_detail
from bot.app import App, settle_heap
from bot.dispatcher import log_failure
from bot.runtime import Channel, Runtime, run
from bot.transports.base import GONE, IDENTITY, DeliveryFailed
from bot.transports.signal_choices import Choices, Offered, numbered
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
from bot.transports.signal_files import read_attachment, safe_id
from bot.transports.signal_inbound import (
    CAPABILITIES,
    CHANNEL,
    DOWNLOAD_LIMIT,
    event_for,
    event_id,
)
from bot.transports.signal_rpc import SignalRpc
from bot.transports.signal_store import SignalStore
from conversations.events import Attachment, Delivery, EventKind, InboundEvent, Reply
from conversations.identity import hold_address
from conversations.registry import COMMANDS
from storage.bindings import BindingRepo
from storage.outbox import CONVERSATION

log = logging.getLogger(__name__)

SEND_WITHIN = 60.0  # seconds for a send's answer (an attachment upload takes a while)
FETCH_WITHIN = 120.0
RATE_LIMIT_WAIT = 60.0  # when Signal does not say how long
PROOF_WAIT = 300.0  # a captcha waits for the operator: try again every few minutes
CLOCK_SLACK = 5_000  # ms: how far a phone's clock may be off the daemon's for /rensa
MAX_CLEAR = 300  # the most messages one /rensa deletes
CLEAR_AT_ONCE = 4  # remoteDelete requests in flight at once


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
"""Whether the daemon may trust an address's new identity (confirmed, or held by Trygg)."""


class SignalTransport:
    """Sends replies to Signal ACIs; turns incoming messages into events.

    ``store`` keeps sent ids (for /rensa) and offered choices (for after a restart);
    ``attachments`` is signal-cli's attachments directory, read for incoming files."""

    channel = CHANNEL
    capabilities = CAPABILITIES

    def __init__(
        self,
        rpc: SignalRpc,
        store: SignalStore | None = None,
        attachments: Path | None = None,
        *,
        confirmed: Confirmed | None = None,
        status: AccountStatus | None = None,
    ) -> None:
        self.rpc = rpc
        self.choices = Choices()
        self.store = store
        self.attachments = attachments
        self.confirmed = confirmed
        self.status = status

    async def send(
        self, address: str, replies: Sequence[Reply], priority: int = CONVERSATION
    ) -> None:
        """Send replies in order; buttons as numbered choices; a file with its caption.

        A message's choices count from the moment it is sent: the phone may show it (and
        the person answer "1") before the daemon's answer reaches the bot. If the send
        fails, the choices before it count again."""
        sent: list[int] = []
        offered: Offered | None = None
        try:
            for reply in replies:
                text = numbered(reply) or "…"
                files: list[str] = []
                if reply.file is not None and reply.file.content is not None:
                    files.append(data_uri(reply.file.content, reply.file.name))
                before = self.choices.current(address)
                new = self.choices.sent(address, reply)
                try:
                    timestamp = await self._send_one(address, text, files)
                except BaseException:
                    if new is not None:
                        self.choices.restore(address, before)
                    raise
                if timestamp is not None:
                    sent.append(timestamp)
                offered = new or offered
        finally:
            if self.store is not None:
                self.store.sent(address, sent, offered)

    async def close(self) -> None:
        """Wait until the ids and choices of messages sent so far are kept."""
        if self.store is not None:
            await self.store.flush()

    async def _send_one(
        self, address: str, text: str, files: list[str], within: float = SEND_WITHIN
    ) -> int | None:
        """Send one message; return its timestamp (its Signal id) when the daemon says.

        After an identity change the daemon refuses to send until told to trust the new
        identity. It is told so (and the message sent once more) when people have confirmed
        the person (the unit, or a fresh invite), or while Trygg holds the address: then
        only the safety basics go there (the outbox skips held addresses, and a held
        address's answers hold nothing else), and a person writing from a new phone is not
        left without 112."""
        failure, stamp = await self._attempt(address, text, files, within)
        if isinstance(failure, IdentityChanged) and await self._confirmed(address):
            await self._trust(address)
            failure, stamp = await self._attempt(address, text, files, within)
        if failure is None:
            if self.status is not None:
                await self.status.ok()
            return stamp
        if isinstance(failure, ProofRequired) and self.status is not None:
            await self.status.proof_required(proof_detail(failure.result.token))
        raise delivery_failed(failure)

    async def _attempt(
        self, address: str, text: str, files: list[str], within: float
    ) -> tuple[RecipientFailure | None, int | None]:
        """One `send`: its failure (or DeliveryFailed) and, if it arrived, its timestamp."""
        try:
            outcome = await self.rpc.send([address], text, attachments=files, reply_within=within)
        except SignalRpcError as exc:
            failures = exc.outcome.failures() if exc.outcome is not None else []
            if failures:
                return failures[0], None
            if isinstance(exc, RpcTimeout | Disconnected):
                raise DeliveryFailed(type(exc).__name__) from None
            if isinstance(exc, ProtocolError | UserError):
                log.warning("signal: send refused (%s)", exc.code)
                raise DeliveryFailed("refused", permanent=True) from None
            raise DeliveryFailed(type(exc).__name__) from None
        failures = outcome.failures()
        if failures:
            return failures[0], None
        return None, outcome.timestamp

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
            log.info("signal: a recipient's new safety number is trusted now (confirmed or held)")

    async def clear(self, address: str, first: int, last: int) -> None:
        """Delete the bot's own messages to an address sent from ``first`` to ``last`` (ms)."""
        # The range is on the person's clock, the ids on the daemon's: CLOCK_SLACK either
        # side. Best effort, as on Telegram: what fails stays.
        if self.store is None or not 10**12 <= first <= last:
            return  # not Signal's 13-digit timestamps: nothing of this chat to delete
        found = await self.store.sent_between(address, first - CLOCK_SLACK, last + CLOCK_SLACK)
        targets = found[-MAX_CLEAR:]
        gate = asyncio.Semaphore(CLEAR_AT_ONCE)

        async def delete(timestamp: int) -> int | None:
            async with gate:
                try:
                    outcome = await self.rpc.remote_delete(
                        address, timestamp, reply_within=SEND_WITHIN
                    )
                except SignalRpcError as exc:
                    log.warning("signal: remoteDelete failed (%s)", type(exc).__name__)
                    return None
                if outcome.failures():
                    log.warning("signal: remoteDelete not delivered")
                    return None
                return timestamp

        done = await asyncio.gather(*(delete(t) for t in targets))
        with contextlib.suppress(Exception):
            await self.store.deleted(address, [t for t in done if t is not None])

    async def event(self, incoming: Incoming) -> InboundEvent:
        """Make the event for one message (its first file), with the file's bytes."""
        # the choices last offered are read back after a restart, once per address
        address = incoming.source_aci
        if self.store is not None and incoming.text and not self.choices.known(address):
            try:
                self.choices.load(address, await self.store.offered(address))
            except Exception as exc:
                log.warning("signal: reading offered choices failed (%s)", type(exc).__name__)
        event = event_for(incoming, self.choices, COMMANDS)
        if event.attachment is not None:
            event = replace(event, attachment=await self.fetch(event.attachment))
        return event

    async def fetch(self, attachment: Attachment) -> Attachment:
        """Fetch a file's bytes (attachments directory, else the daemon); none if too large."""
        ref = attachment.file_ref
        if not ref or (attachment.size or 0) > DOWNLOAD_LIMIT:
            return attachment
        if not safe_id(ref):
            log.warning("signal: an attachment id of an unexpected shape was refused")
            return attachment
        if self.attachments is not None:
            local = await read_attachment(self.attachments, ref, DOWNLOAD_LIMIT)
            if local is not None:
                return replace(attachment, content=local.content, size=local.size)
        try:
            content = await self.rpc.get_attachment(ref, reply_within=FETCH_WITHIN)
        except SignalRpcError as exc:
            log.warning("signal: fetching a file failed (%s)", type(exc).__name__)
            return attachment
        except ValueError:  # not base64
            log.warning("signal: fetching a file failed (bad data)")
            return attachment
        if len(content) > DOWNLOAD_LIMIT:
            return replace(attachment, size=len(content))
        return replace(attachment, content=content, size=len(content))


def transport_for(
    app: App,
    rpc: SignalRpc,
    *,
    confirmed: Confirmed | None = None,
    status: AccountStatus | None = None,
) -> SignalTransport:
    """The Signal transport of a running bot: its ids and choices kept in the database."""
    store = SignalStore(app.db, app.clock, CHANNEL, CAPABILITIES.delete_window)
    attachments = app.settings.signal_attachments
    return SignalTransport(rpc, store, attachments, confirmed=confirmed, status=status)


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
        self.status = AccountStatus(app.db, CHANNEL, app.clock)
        self.transport = transport_for(app, rpc, confirmed=self._confirmed, status=self.status)
        self._status_tasks: set[asyncio.Task[None]] = set()
        rpc.on_connection = self._connection
        self.channel = Channel(self.transport, self._reply)
        self.runtime = runtime or Runtime(app)
        self.runtime.add(self.channel)
        self.dispatcher = self.runtime.dispatcher
        self.timers = self.runtime.timers
        self.waker = self.runtime.waker
        self.stop = self.runtime.stop
        self.handled = 0
        self._intake_tasks: dict[str, asyncio.Task[None]] = {}  # per sender: the latest

    async def _confirmed(self, address: str) -> bool:
        """Whether the daemon may trust the address's new identity: confirmed by people, or
        held by Trygg (then nothing but the safety basics is sent there)."""
        async with self.app.db.unit_of_work(urgent=True) as session:
            repo = BindingRepo(session)
            if await repo.take_confirmed(CHANNEL, address, self.app.clock()):
                return True
            return await repo.is_held(CHANNEL, address)

    def _connection(self, connected: bool) -> None:
        task = asyncio.create_task(self.status.connection(connected))
        self._status_tasks.add(task)
        task.add_done_callback(self._status_tasks.discard)

    async def _reply(self, delivery: Delivery) -> None:
        if delivery.clear_range is not None:
            await self.transport.clear(delivery.address, *delivery.clear_range)
        await self.transport.send(delivery.address, delivery.replies)

    async def handle(self, params: object) -> None:
        """One `receive` notification: its message (with its file's bytes) to the dispatcher."""
        await self._handle(parse_receive(params), untrusted_of(params))

    async def _handle(self, incoming: Incoming | None, untrusted: Untrusted | None) -> None:
        if untrusted is not None:
            if not self.account or untrusted.account in (None, self.account):
                await self._untrusted(untrusted)
            return
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
            self.runtime.after_commit()
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
                await self._handle(incoming, untrusted)
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
            event = await self.transport.event(part)
            if n:
                event = replace(event, event_id=f"{event.event_id}-{n}")
            if len(parts) > 1 and event.attachment is not None:
                album = replace(event.attachment, album=str(incoming.timestamp))
                event = replace(event, attachment=album)
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
        await self.transport.close()
        await self.rpc.close()
        await asyncio.gather(*list(self._status_tasks), return_exceptions=True)
        await self.status.connection(False)  # the bot is down: nothing reaches the daemon

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
