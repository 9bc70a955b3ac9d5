"""Rows written before a privacy fix, brought up to date after the schema migrations.

Evidence: the SHA-256 of a file used to sit in clear in ``evidence.sha256``, where it would
confirm a known file to whoever holds the database. It now lives in the sealed ``meta``;
:func:`seal_evidence_hashes` moves old values there and clears the column.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.crypto import CryptoError, Keyring
from storage.db import Database
from storage.models import Evidence

BATCH = 200

log = logging.getLogger(__name__)


async def seal_evidence_batch(
    session: AsyncSession, keyring: Keyring, *, after: str = "", limit: int = BATCH
) -> tuple[int, int, str | None]:
    """Move clear hashes of evidence with an id after ``after`` into the sealed meta.

    Return (converted, left as they were, the last id looked at; None when done). Each row
    changes in one statement, meta and column together, so a batch cut short leaves every
    row either converted or untouched; running it again finds nothing more to do."""
    rows = (
        await session.execute(
            select(Evidence.id, Evidence.sha256, Evidence.meta)
            .where(Evidence.sha256.is_not(None), Evidence.id > after)
            .order_by(Evidence.id)
            .limit(limit)
        )
    ).all()
    converted = skipped = 0
    for evidence_id, digest, sealed in rows:
        try:
            meta: Any = keyring.open_json(sealed, table="evidence", column="meta", row=evidence_id)
        except CryptoError:  # sealed under a key that is not configured: leave it for later
            skipped += 1
            continue
        meta = {**meta, "sha256": digest} if isinstance(meta, dict) else {"sha256": digest}
        resealed = keyring.seal_json(meta, table="evidence", column="meta", row=evidence_id)
        await session.execute(
            update(Evidence)
            .where(Evidence.id == evidence_id, Evidence.sha256.is_not(None))
            .values(meta=resealed, sha256=None)
        )
        converted += 1
    return converted, skipped, rows[-1][0] if rows else None


async def seal_evidence_hashes(db: Database, keyring: Keyring) -> int:
    """Convert every piece of evidence with a clear hash, one unit of work per batch."""
    total = skipped = 0
    after: str | None = ""
    while after is not None:
        async with db.unit_of_work() as session:
            done, left, after = await seal_evidence_batch(session, keyring, after=after)
        total += done
        skipped += left
    if total:
        log.info("sealed the hashes of %d pieces of evidence", total)
    if skipped:
        log.warning("%d pieces of evidence keep a clear hash: their key is not configured", skipped)
    return total
