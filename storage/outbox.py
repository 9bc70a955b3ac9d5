"""The outbox: messages to other people, written with their cause, delivered after commit."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, bindparam, insert, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

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
        status=OutboxStatus.PENDING,
        attempts=0,
        created_at=bindparam("v_now"),
        due_at=bindparam("v_now"),
    )
)


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
    ) -> OutboxMessage:
        row = OutboxMessage(
            recipient_id=recipient_id,
            kind=kind,
            payload=payload,
            priority=priority,
            status=OutboxStatus.PENDING,
            attempts=0,
            created_at=now,
            due_at=now,
        )
        self.session.add(row)
        return row

    async def enqueue_all(
        self, messages: Sequence[tuple[int, str, dict[str, Any], int]], now: datetime
    ) -> None:
        """Queue (recipient, kind, payload, priority) messages with prepared INSERTs in one
        hop, no ORM objects; like :meth:`enqueue`'s, they are visible to the rest of the
        unit of work."""
        rows = [
            {
                "v_recipient": recipient_id,
                "v_kind": kind,
                "v_payload": payload,
                "v_priority": priority,
                "v_now": now,
            }
            for recipient_id, kind, payload, priority in messages
        ]
        await run_all(self.session, ((_ENQUEUE, row) for row in rows))

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
        """Claim due messages (most urgent first) for a channel or one recipient; with
        ``max_priority``, only messages at least that urgent; none for
        ``exclude_recipients``."""
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
            stmt = stmt.where(
                select(ChannelBinding.id)
                .where(
                    and_(
                        ChannelBinding.person_id == OutboxMessage.recipient_id,
                        ChannelBinding.channel == channel,
                    )
                )
                .exists()
            )
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
