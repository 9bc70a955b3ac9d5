"""The outbox: messages to other people, written with their cause, delivered after commit.

A person may be bound on several channels. A message with no channel goes to the one they
last wrote on (among the live ones: not dead, not held); a message with a channel goes
there only. Some kinds (alerts) go to every live channel: queued, they become one row per
channel, and taking the alert on one settles it on all.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, bindparam, func, insert, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.directory import LIVE
from storage.models import ChannelBinding, OutboxMessage, OutboxStatus
from storage.prepared import Prepared, run_all

URGENT = 0
CONVERSATION = 3
ROUTINE = 7


# Every alert and every message to another person is queued with the event that caused it.
_ENQUEUE = Prepared(
    insert(OutboxMessage).values(
        recipient_id=bindparam("v_recipient"),
        kind=bindparam("v_kind"),
        payload=bindparam("v_payload"),
        priority=bindparam("v_priority"),
        channel=bindparam("v_channel"),
        status=OutboxStatus.PENDING,
        attempts=0,
        created_at=bindparam("v_now"),
        due_at=bindparam("v_now"),
        drill_id=bindparam("v_drill"),
    )
)


def _preferred() -> ColumnElement[str | None]:
    """The channel a message without one goes to: the recipient's live binding they last
    wrote on (never written on: the oldest binding)."""
    return (
        select(ChannelBinding.channel)
        .where(ChannelBinding.person_id == OutboxMessage.recipient_id, LIVE)
        .order_by(
            ChannelBinding.last_used_at.is_(None),
            ChannelBinding.last_used_at.desc(),
            ChannelBinding.created_at,
            ChannelBinding.id,
        )
        .limit(1)
        .correlate(OutboxMessage)
        .scalar_subquery()
    )


def _live_on(channel: str) -> ColumnElement[bool]:
    return (
        select(ChannelBinding.id)
        .where(
            ChannelBinding.person_id == OutboxMessage.recipient_id,
            ChannelBinding.channel == channel,
            LIVE,
        )
        .correlate(OutboxMessage)
        .exists()
    )


def deliverable_on(channel: str) -> ColumnElement[bool]:
    """Messages that go out on ``channel``: its own, and channel-less ones of people whose
    preferred live channel it is."""
    return or_(
        and_(OutboxMessage.channel == channel, _live_on(channel)),
        and_(OutboxMessage.channel.is_(None), _preferred() == channel),
    )


def _targets(live: list[str] | None, everywhere: bool) -> list[str | None]:
    """The rows a message becomes: one per live channel, or one for the preferred channel."""
    if everywhere and live:
        return list(live)
    return [None]


class OutboxRepo:
    """Queues and claims outgoing messages. Never commits."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def enqueue(
        self,
        recipient_id: int,
        kind: str,
        payload: dict[str, Any],
        *,
        priority: int,
        now: datetime,
        channel: str | None = None,
    ) -> OutboxMessage:
        """Queue one message: on ``channel`` only, or (None) on the recipient's preferred."""
        row = OutboxMessage(
            recipient_id=recipient_id,
            kind=kind,
            payload=payload,
            priority=priority,
            channel=channel,
            status=OutboxStatus.PENDING,
            attempts=0,
            created_at=now,
            due_at=now,
        )
        self.session.add(row)
        return row

    async def enqueue_all(
        self,
        messages: Sequence[tuple[int, str, dict[str, Any], int]],
        now: datetime,
        *,
        every_channel: Collection[str] = (),
        drill_id: int | None = None,
    ) -> None:
        """Queue (recipient, kind, payload, priority) messages with prepared INSERTs in one
        hop, no ORM objects; like :meth:`enqueue`'s, they are visible to the rest of the
        unit of work. Messages of a kind in ``every_channel`` become one row per live
        channel of their recipient (one row for their preferred channel, when they have
        none live yet). ``drill_id``: they belong to a drill (marked, removed after it)."""
        fanned = {r for r, kind, _p, _n in messages if kind in every_channel}
        channels = await self.live_channels(fanned) if fanned else {}
        rows = [
            {
                "v_recipient": recipient_id,
                "v_kind": kind,
                "v_payload": payload,
                "v_priority": priority,
                "v_channel": channel,
                "v_now": now,
                "v_drill": drill_id,
            }
            for recipient_id, kind, payload, priority in messages
            for channel in _targets(channels.get(recipient_id), kind in every_channel)
        ]
        await run_all(self.session, ((_ENQUEUE, row) for row in rows))

    async def live_channels(self, person_ids: Collection[int]) -> dict[int, list[str]]:
        """The channels each person has a live binding on."""
        rows = await self.session.execute(
            select(ChannelBinding.person_id, ChannelBinding.channel)
            .where(ChannelBinding.person_id.in_(list(person_ids)), LIVE)
            .order_by(ChannelBinding.person_id, ChannelBinding.id)
        )
        found: dict[int, list[str]] = {}
        for person_id, channel in rows:
            found.setdefault(person_id, []).append(channel)
        return found

    async def claim(
        self,
        now: datetime,
        *,
        lease: timedelta,
        limit: int,
        channel: str | None = None,
        recipient_id: int | None = None,
        skip_locked: bool = False,
        max_priority: int | None = None,
        exclude_recipients: Collection[int] = (),
    ) -> Sequence[OutboxMessage]:
        """Claim due messages (most urgent first) for a channel (see :func:`deliverable_on`),
        one recipient, or both; with ``max_priority``, only messages at least that urgent;
        none for ``exclude_recipients``."""
        stmt = (
            select(OutboxMessage)
            .where(
                OutboxMessage.status == OutboxStatus.PENDING,
                OutboxMessage.due_at <= now,
                or_(OutboxMessage.claimed_until.is_(None), OutboxMessage.claimed_until < now),
            )
            .order_by(OutboxMessage.priority, OutboxMessage.due_at, OutboxMessage.id)
            .limit(limit)
        )
        if recipient_id is not None:
            stmt = stmt.where(OutboxMessage.recipient_id == recipient_id)
        if max_priority is not None:
            stmt = stmt.where(OutboxMessage.priority <= max_priority)
        if exclude_recipients:
            stmt = stmt.where(OutboxMessage.recipient_id.not_in(list(exclude_recipients)))
        if channel is not None:
            stmt = stmt.where(deliverable_on(channel))
        if skip_locked:
            stmt = stmt.with_for_update(skip_locked=True, of=OutboxMessage)
        rows = (await self.session.scalars(stmt)).all()
        for row in rows:
            row.claimed_until = now + lease
            row.attempts += 1
        return rows

    async def drop_pending(
        self,
        recipient_id: int,
        kinds: Collection[str],
        about: dict[str, Any],
        now: datetime,
        reason: str,
    ) -> int:
        """Give up the recipient's pending messages of these kinds whose payload has every
        item of ``about`` (e.g. one alert's); return how many."""
        rows = (
            await self.session.scalars(
                select(OutboxMessage).where(
                    OutboxMessage.recipient_id == recipient_id,
                    OutboxMessage.status == OutboxStatus.PENDING,
                    OutboxMessage.kind.in_(list(kinds)),
                )
            )
        ).all()
        dropped = 0
        for row in rows:
            if all(row.payload.get(key) == value for key, value in about.items()):
                row.status, row.claimed_until, row.due_at = OutboxStatus.FAILED, None, now
                row.last_error = reason[:200]
                dropped += 1
        return dropped

    async def elsewhere(self, message_id: int) -> bool:
        """Whether the same message (recipient, kind, payload) on another channel was sent
        or may still be: e.g. an alert that failed on one of the channels it went to."""
        row = await self.session.get(OutboxMessage, message_id)
        if row is None:
            return False
        others = (
            await self.session.scalars(
                select(OutboxMessage).where(
                    OutboxMessage.recipient_id == row.recipient_id,
                    OutboxMessage.kind == row.kind,
                    OutboxMessage.id != row.id,
                    OutboxMessage.channel.is_not(None),
                    OutboxMessage.status.in_([OutboxStatus.PENDING, OutboxStatus.SENT]),
                )
            )
        ).all()
        return any(other.payload == row.payload for other in others)

    async def last_sent(
        self, recipient_id: int, kind: str, since: datetime
    ) -> OutboxMessage | None:
        """The latest message of a kind sent to someone since a moment (e.g. a check-in)."""
        return (
            await self.session.scalars(
                select(OutboxMessage)
                .where(
                    OutboxMessage.recipient_id == recipient_id,
                    OutboxMessage.kind == kind,
                    OutboxMessage.status == OutboxStatus.SENT,
                    OutboxMessage.sent_at >= since,
                )
                .order_by(OutboxMessage.sent_at.desc(), OutboxMessage.id.desc())
                .limit(1)
            )
        ).first()

    async def put_before(
        self, recipient_id: int, kind: str, about: dict[str, Any], channel: str
    ) -> tuple[bool, datetime | None]:
        """Of the recipient's messages of a kind whose payload has every item of ``about``
        (e.g. one alert's pushes): whether one is still on its way to ``channel`` (its own,
        or one for wherever they last wrote), and when the last one was sent anywhere (None:
        none was)."""
        rows = (
            await self.session.execute(
                select(
                    OutboxMessage.status,
                    OutboxMessage.sent_at,
                    OutboxMessage.payload,
                    OutboxMessage.channel,
                ).where(
                    OutboxMessage.recipient_id == recipient_id,
                    OutboxMessage.kind == kind,
                    OutboxMessage.status.in_([OutboxStatus.PENDING, OutboxStatus.SENT]),
                )
            )
        ).all()
        mine = [r for r in rows if all(r.payload.get(k) == v for k, v in about.items())]
        here = (channel, None)
        pending = any(r.status == OutboxStatus.PENDING and r.channel in here for r in mine)
        sent = [r.sent_at for r in mine if r.status == OutboxStatus.SENT and r.sent_at]
        return pending, max(sent, default=None)

    async def last_queued(self, recipient_id: int, kind: str) -> datetime | None:
        """When a message of a kind was last queued for someone, sent or not (a check-in)."""
        return await self.session.scalar(
            select(func.max(OutboxMessage.created_at)).where(
                OutboxMessage.recipient_id == recipient_id, OutboxMessage.kind == kind
            )
        )

    async def mark_sent(self, message_id: int, now: datetime) -> None:
        row = await self.session.get(OutboxMessage, message_id)
        if row is not None:
            row.status, row.sent_at, row.claimed_until = OutboxStatus.SENT, now, None

    async def retry_later(self, message_id: int, due: datetime, error: str) -> None:
        row = await self.session.get(OutboxMessage, message_id)
        if row is not None:
            row.due_at, row.claimed_until, row.last_error = due, None, error[:200]

    async def give_up(self, message_id: int, now: datetime, error: str) -> None:
        row = await self.session.get(OutboxMessage, message_id)
        if row is not None:
            row.status, row.claimed_until, row.last_error = OutboxStatus.FAILED, None, error[:200]
            row.sent_at = None
            row.due_at = now
