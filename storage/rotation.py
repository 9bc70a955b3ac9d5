"""Re-encrypt every sealed value under the current key, in resumable batches."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.crypto import Keyring
from storage.invites import code_hash
from storage.models import (
    AlertNote,
    CaseNote,
    ChecklistAnswer,
    Conversation,
    Evidence,
    FollowUp,
    Invite,
    Report,
)

SEALED: tuple[tuple[Any, str, str], ...] = (
    (Report, "answers", "id"),
    (Report, "evaluation", "id"),
    (Evidence, "meta", "id"),
    (Evidence, "content", "id"),
    (Conversation, "prompt", "person_id"),
    (Conversation, "replies", "person_id"),
    (ChecklistAnswer, "comment", "id"),
    (FollowUp, "notes", "id"),
    (CaseNote, "text", "id"),
    (AlertNote, "text", "id"),
    (Invite, "code", "id"),  # re-sealed and hashed again, so the code works on the new key alone
)


async def rotate_batch(
    session: AsyncSession, keyring: Keyring, limit: int = 200, *, now: datetime | None = None
) -> int:
    """Re-seal up to ``limit`` values not yet under the current key; return how many.

    Call repeatedly, committing after each batch, until it returns 0; an interrupted
    rotation simply continues where it stopped (values already re-sealed are skipped).
    With ``now``, the kept codes of used or expired invitations are dropped, not re-sealed.
    """
    if now is not None:
        await session.execute(
            update(Invite)
            .where(
                Invite.code.is_not(None), or_(Invite.used_at.is_not(None), Invite.expires_at <= now)
            )
            .values(code=None)
        )
    done = 0
    for model, column, pk in SEALED:
        col, key = getattr(model, column), getattr(model, pk)
        last: Any = None
        while done < limit:
            stmt = select(key, col).where(col.is_not(None)).order_by(key).limit(200)
            if last is not None:
                stmt = stmt.where(key > last)
            rows = (await session.execute(stmt)).all()
            if not rows:
                break
            for row_id, blob in rows:
                last = row_id
                if Keyring.key_id_of(blob) == keyring.current:
                    continue
                table = model.__tablename__
                plain = keyring.open(blob, table=table, column=column, row=row_id)
                values: dict[str, Any] = {
                    column: keyring.seal(plain, table=table, column=column, row=row_id)
                }
                if model is Invite:  # the blind index follows the key: the code still redeems
                    values["code_hash"] = code_hash(keyring, plain.decode())
                await session.execute(update(model).where(key == row_id).values(values))
                done += 1
                if done >= limit:
                    break
    return done


async def remaining(session: AsyncSession, keyring: Keyring) -> int:
    """Count sealed values (invitation codes included) not yet under the current key."""
    count = 0
    for model, column, _pk in SEALED:
        col = getattr(model, column)
        for (blob,) in (await session.execute(select(col).where(col.is_not(None)))).all():
            if Keyring.key_id_of(blob) != keyring.current:
                count += 1
    return count


async def unsealed_invites(session: AsyncSession, now: datetime) -> int:
    """Count open invitations whose code was never kept sealed, which no rotation can move."""
    count = await session.scalar(
        select(func.count(Invite.id)).where(
            Invite.code.is_(None), Invite.used_at.is_(None), Invite.expires_at > now
        )
    )
    return int(count or 0)
