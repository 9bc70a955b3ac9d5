"""Several processes on one PostgreSQL: a person's events one at a time, one receiver.

**A person's events across processes.** Within a process the dispatcher keeps each
person's events in order (one queue per address). With N ``trygg run`` processes behind a
load balancer (Telegram's webhook), one person's updates may reach different processes.
Each event's unit of work therefore starts, on PostgreSQL, with
``pg_advisory_xact_lock(key)``, the key a 64-bit hash of (channel, address), before the
event id is claimed (storage.dialogue.arrive). The lock belongs to the transaction and is
released at its commit or rollback: no table, no clean-up after a crash (a killed
process's connection ends, and the server releases the lock with it).

What order means here: the platform's. Telegram posts a bot's updates in update_id order
and retries one that was not answered with 200; a webhook call is answered only after its
update's unit of work has committed (bot.transports.telegram_webhook), so an update the
platform sends after another's answer is handled after it. Updates of one person that are
in flight at once (two taps in a second) wait for the lock in the order they asked for it
(PostgreSQL queues lock waiters first come, first served), that is in arrival order; a
redelivery of an update that another process is still handling waits for it, then finds
its event id claimed and does nothing: exactly once. Mutual exclusion is enough for that,
so there is no lease table per person. Hash collisions only make two people wait for each
other now and then.

SQLite is one process (the file's writer lock serialises units of work anyway): nothing
is taken there, and nothing changes.

**One migration at a time.** ``trygg db upgrade`` takes an advisory lock of its own before
Alembic reads the schema's version, so processes that start together migrate one after the
other: the later ones wait, then find the database at head.

**One receiver per channel.** Long polling (getUpdates) and the Signal daemon connection
allow one reader. The ``receiver_lease`` row of a channel names its holder and when the
lease expires; the holder renews it every few seconds; another process takes it over with
``UPDATE … WHERE expires_at < now`` once it has expired (the holder died: SIGKILL), so
within a lease period (bot.receiver, when TRYGG_SEVERAL_PROCESSES is set). Webhook mode
needs no election: every process serves its share.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta

from sqlalchemy import case, or_, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import ReceiverLease

_XACT_LOCK = text("SELECT pg_advisory_xact_lock(:key)")
# the key of the migrations' lock (a fixed value outside what person_key's hashes collide
# with in practice): processes that start at once upgrade one after the other
MIGRATION_KEY = int.from_bytes(b"trygg-db", "big", signed=True)


def person_key(channel: str, address: str) -> int:
    """A signed 64-bit key for (channel, address): PostgreSQL's advisory lock id."""
    digest = hashlib.blake2b(f"{channel}\0{address}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def lock_person(connection: Connection, channel: str, address: str) -> None:
    """On PostgreSQL, wait for (then hold until commit) this address's events' lock."""
    if connection.dialect.name == "postgresql":
        connection.execute(_XACT_LOCK, {"key": person_key(channel, address)})


def lock_migrations(connection: Connection) -> None:
    """On PostgreSQL, wait for (then hold until commit) the lock of ``trygg db upgrade``: a
    process that starts while another migrates waits and then finds the database at head."""
    if connection.dialect.name == "postgresql":
        connection.execute(_XACT_LOCK, {"key": MIGRATION_KEY})


async def take_receiver(
    session: AsyncSession, channel: str, holder: str, now: datetime, period: timedelta
) -> bool:
    """Take or renew ``channel``'s receiver lease for ``holder``; True if it holds it now.

    A lease held by another holder is taken only once it has expired."""
    expires = now + period
    if session.get_bind().dialect.name == "postgresql":
        row = {"channel": channel, "holder": holder, "expires_at": expires, "taken_at": now}
        statement = (
            pg_insert(ReceiverLease)
            .values(**row)
            .on_conflict_do_update(
                index_elements=[ReceiverLease.channel],
                set_={
                    "holder": holder,
                    "expires_at": expires,
                    "taken_at": _taken_at(holder, now),
                },
                where=or_(ReceiverLease.holder == holder, ReceiverLease.expires_at < now),
            )
            .returning(ReceiverLease.holder)
        )
        return (await session.scalar(statement)) == holder
    result = await session.execute(
        update(ReceiverLease)
        .where(
            ReceiverLease.channel == channel,
            or_(ReceiverLease.holder == holder, ReceiverLease.expires_at < now),
        )
        .values(holder=holder, expires_at=expires, taken_at=_taken_at(holder, now))
    )
    if result.rowcount:  # type: ignore[attr-defined]
        return True
    if await session.scalar(select(ReceiverLease.channel).where(ReceiverLease.channel == channel)):
        return False
    session.add(ReceiverLease(channel=channel, holder=holder, expires_at=expires, taken_at=now))
    return True


def _taken_at(holder: str, now: datetime) -> object:
    """Keep the time a holder first took the lease when it only renews it."""
    return case((ReceiverLease.holder == holder, ReceiverLease.taken_at), else_=now)


async def release_receiver(session: AsyncSession, channel: str, holder: str) -> None:
    """Give the lease up (a clean stop): another process may take it at once."""
    await session.execute(
        update(ReceiverLease)
        .where(ReceiverLease.channel == channel, ReceiverLease.holder == holder)
        .values(expires_at=datetime(2000, 1, 1, tzinfo=UTC))
    )
