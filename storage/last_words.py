"""When a person last told Trygg something: a report she sent, words she wrote to her case,
an alert about her. A check-in is not put to her moments after (conversations/
checkin_timing.py). Drills are not counted: nothing in them is her own."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.cases import CHECKIN_NOTE
from storage.models import Alert, CaseNote, Report


async def last_words(session: AsyncSession, person_id: int) -> datetime | None:
    """The latest moment the person sent a report, wrote to a case of hers, or raised an alert
    (or had one raised about her); None if never."""
    queries = (
        select(func.max(Report.submitted_at)).where(
            Report.reporter_id == person_id, Report.drill_id.is_(None)
        ),
        select(func.max(CaseNote.created_at)).where(
            CaseNote.author_id == person_id, CaseNote.kind == CHECKIN_NOTE
        ),
        select(func.max(Alert.created_at)).where(
            Alert.subject_id == person_id, Alert.drill_id.is_(None)
        ),
    )
    moments = [await session.scalar(query) for query in queries]
    known = [moment for moment in moments if moment is not None]
    return max(known) if known else None
