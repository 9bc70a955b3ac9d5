"""Delivers the outbox: claim due messages, render them, send, mark sent or retry later."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from bot.address_states import mark_address
from bot.dispatcher import log_failure
from bot.metrics import Metrics
from bot.transports.base import DeliveryFailed, Transport
from conversations.alerts import escalate_now
from conversations.capabilities import UNDECLARED
from conversations.engine import Clock
from conversations.events import Reply
from conversations.i18n import Catalogs
from conversations.notices import ALERT, render
from conversations.packs import PackLibrary
from storage.crypto import Keyring
from storage.db import Database
from storage.directory import DirectoryRepo
from storage.outbox import OutboxRepo

log = logging.getLogger(__name__)

LEASE = timedelta(seconds=60)
MAX_BACKOFF = 300.0


@dataclass(frozen=True, slots=True)
class _Claimed:
    message_id: int
    address: str
    reply: Reply
    attempts: int
    priority: int
    recipient_id: int
    kind: str
    payload: dict[str, Any]


def _by_recipient(claimed: list[_Claimed]) -> dict[int, list[_Claimed]]:
    chats: dict[int, list[_Claimed]] = {}
    for item in claimed:
        chats.setdefault(item.recipient_id, []).append(item)
    return chats


class OutboxSender:
    """Sends messages for other people through one transport."""

    def __init__(
        self,
        db: Database,
        catalogs: Catalogs,
        packs: PackLibrary,
        transport: Transport,
        clock: Clock,
        keyring: Keyring | None = None,
        metrics: Metrics | None = None,
    ) -> None:
        self.metrics = metrics or Metrics()
        self.keyring = keyring
        self.db = db
        self.catalogs = catalogs
        self.packs = packs
        self.transport = transport
        self.clock = clock
        self._sending: dict[int, asyncio.Task[int]] = {}  # recipient -> start_due's sends
        self.on_idle: Callable[[], None] | None = None

    async def deliver_due(
        self,
        *,
        recipient_id: int | None = None,
        limit: int = 50,
        max_priority: int | None = None,
        concurrent: bool = False,
    ) -> int:
        """Send what is due (for one recipient, or everyone on this channel; with
        ``max_priority`` only messages at least that urgent); return how many were sent.

        ``concurrent``: different chats are sent to at the same time (each chat's messages
        still in order), so that a burst of alerts waits for one round trip to the Bot API,
        not one per alert. The throttle still orders every send by priority."""
        claimed = await self._claim(
            limit=limit, recipient_id=recipient_id, max_priority=max_priority
        )
        if not concurrent:
            return await self._send_in_order(claimed)
        results = await asyncio.gather(
            *(self._send_in_order(items) for items in _by_recipient(claimed).values()),
            return_exceptions=True,
        )
        for result in results:
            if isinstance(result, BaseException):
                raise result  # every chat has had its turn; the loop logs and goes on
        return sum(r for r in results if isinstance(r, int))

    async def start_due(self, *, limit: int, max_priority: int | None = None) -> int:
        """Claim what is due for recipients with nothing in flight and start sending it,
        without waiting for it; return how many messages were claimed.

        Each recipient's messages go out in order, in a task of their own; their next ones
        are claimed only when that task is done (then ``on_idle`` is called). So a new alert
        never waits for a batch's busiest chat, only for its own chat's earlier messages.
        At most ``limit`` recipients are in flight."""
        room = limit - len(self._sending)
        if room <= 0:
            return 0
        claimed = await self._claim(
            limit=room, max_priority=max_priority, exclude=tuple(self._sending)
        )
        for recipient_id, items in _by_recipient(claimed).items():
            task = asyncio.create_task(self._send_in_order(items))
            self._sending[recipient_id] = task
            task.add_done_callback(functools.partial(self._chat_done, recipient_id))
        return len(claimed)

    def _chat_done(self, recipient_id: int, task: asyncio.Task[int]) -> None:
        self._sending.pop(recipient_id, None)
        if not task.cancelled() and (exc := task.exception()) is not None:
            log_failure("delivering the outbox", exc)
        if self.on_idle is not None:
            self.on_idle()

    async def drain(self) -> None:
        """Wait for the sends :meth:`start_due` started."""
        await asyncio.gather(*list(self._sending.values()), return_exceptions=True)

    async def _claim(
        self,
        *,
        limit: int,
        recipient_id: int | None = None,
        max_priority: int | None = None,
        exclude: tuple[int, ...] = (),
    ) -> list[_Claimed]:
        """Claim due messages and render each for its recipient, in one unit of work."""
        claimed: list[_Claimed] = []
        async with self.db.unit_of_work(urgent=True) as session:
            outbox, directory = OutboxRepo(session), DirectoryRepo(session)
            rows = await outbox.claim(
                self.clock(),
                lease=LEASE,
                limit=limit,
                channel=self.transport.channel,
                recipient_id=recipient_id,
                skip_locked=not self.db.sqlite,
                max_priority=max_priority,
                exclude_recipients=exclude,
            )
            for row in rows:
                recipient = await directory.person(row.recipient_id)
                live = await directory.addresses(recipient.id, live=True)
                address = live.get(self.transport.channel)
                if address is None:  # the claim found a live binding: it just went away
                    continue
                reply = await render(
                    session,
                    self.catalogs,
                    self.packs,
                    recipient,
                    row,
                    self.keyring,
                    getattr(self.transport, "capabilities", UNDECLARED),  # test fakes: none
                )
                if reply is None:  # they may no longer get it (revoked, removed, moved)
                    now = self.clock()
                    await outbox.give_up(row.id, now, "recipient no longer allowed")
                    if row.kind == ALERT and "alert" in row.payload:
                        await escalate_now(
                            session, str(row.payload["alert"]), row.recipient_id, now
                        )
                    continue
                claimed.append(
                    _Claimed(
                        row.id,
                        address,
                        reply,
                        row.attempts,
                        row.priority,
                        row.recipient_id,
                        row.kind,
                        dict(row.payload),
                    )
                )
        return claimed

    async def _send_in_order(self, items: list[_Claimed]) -> int:
        """Send the items one after the other; return how many were sent."""
        sent = 0
        for item in items:
            try:
                await self.transport.send(item.address, [item.reply], item.priority)
            except DeliveryFailed as exc:
                self.metrics.failed(self.transport.channel, exc)
                await self._failed(item, exc)
                continue
            except Exception as exc:
                self.metrics.failed(self.transport.channel, exc)
                log_failure("delivering an outbox message", exc)
                await self._failed(item, DeliveryFailed(type(exc).__name__))
                continue
            self.metrics.delivered(self.transport.channel, item.kind)
            async with self.db.unit_of_work(urgent=True) as session:
                await OutboxRepo(session).mark_sent(item.message_id, self.clock())
            sent += 1
        return sent

    async def _failed(self, item: _Claimed, exc: DeliveryFailed) -> None:
        now = self.clock()
        async with self.db.unit_of_work(urgent=True) as session:
            outbox = OutboxRepo(session)
            if exc.kind:
                channel = self.transport.channel
                await mark_address(session, channel, item.address, exc, now)
            if exc.permanent:
                log.warning("outbox message %s failed permanently", item.message_id)
                await outbox.give_up(item.message_id, now, str(exc))
                alert = item.payload.get("alert") if item.kind == ALERT else None
                # reached on no other channel either: the escalation goes on at once
                if alert is not None and not await outbox.elsewhere(item.message_id):
                    await escalate_now(session, str(alert), item.recipient_id, now)
            else:
                delay = exc.retry_after or min(2.0**item.attempts, MAX_BACKOFF)
                await outbox.retry_later(item.message_id, now + timedelta(seconds=delay), str(exc))


class OutboxLoop:
    """Delivers messages for other people: on a wake-up after a commit, and every second."""

    def __init__(self, deliver: Callable[[], Awaitable[int]], interval: float = 1.0) -> None:
        self.deliver = deliver
        self.interval = interval
        self.wake = asyncio.Event()

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            self.wake.clear()
            try:
                # a batch at a time; stopping must not wait for a long queue to drain
                while await self.deliver() and not stop.is_set():
                    pass
            except Exception as exc:
                log_failure("delivering the outbox", exc)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.wake.wait(), timeout=self.interval)
