"""What an operator's health checks and metrics read: a ping and a few counts, no rows."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, text

from storage.db import Database
from storage.models import OutboxMessage, OutboxStatus, Timer, TimerState


async def ping(db: Database) -> None:
    """Ask the database for ``SELECT 1`` on a connection of its own (no unit of work: a
    health check must not queue behind the people's events); raise if it does not answer."""
    async with db.engine.connect() as connection:
        await connection.execute(text("SELECT 1"))


async def outbox_depth(db: Database) -> dict[int, int]:
    """How many messages wait to be sent, by priority (one grouped count)."""
    query = (
        select(OutboxMessage.priority, func.count())
        .where(OutboxMessage.status == OutboxStatus.PENDING)
        .group_by(OutboxMessage.priority)
    )
    async with db.engine.connect() as connection:
        rows = (await connection.execute(query)).all()
    return {int(priority): int(count) for priority, count in rows}


async def timers_waiting(db: Database, now: datetime) -> tuple[int, int]:
    """How many timers are pending, and how many of them are due already."""
    query = select(func.count(), func.count().filter(Timer.due_at <= now)).where(
        Timer.state == TimerState.PENDING
    )
    async with db.engine.connect() as connection:
        waiting, late = (await connection.execute(query)).one()
    return int(waiting), int(late or 0)
