"""What the person wrote around her /akut alert: sealed, for her and those it went to."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.alerts import AlertRepo
from storage.crypto import Keyring
from storage.errors import NotFound
from storage.models import Alert, AlertNote
from storage.viewer import Viewer


@dataclass(frozen=True, slots=True)
class Written:
    """One message she wrote, opened for someone who may read it."""

    at: datetime
    text: str


class AlertNotes:
    """Her words with her /akut alert. Only she adds them; only she and the people the
    alert went to who may still act on it (their role now, storage.access) read them."""

    def __init__(self, session: AsyncSession, keyring: Keyring) -> None:
        self.session = session
        self.keyring = keyring

    async def add(self, viewer: Viewer, alert: Alert, text: str, now: datetime) -> AlertNote:
        """Keep her words (sealed) with her own alert."""
        if viewer.person_id is None or alert.subject_id != viewer.person_id:
            raise NotFound("alert")
        row = AlertNote(alert_id=alert.id, text=b"", created_at=now)
        self.session.add(row)
        await self.session.flush()
        row.text = self.keyring.seal(text.encode(), table="alert_note", column="text", row=row.id)
        return row

    async def read(self, viewer: Viewer, alert_id: str) -> list[Written]:
        """Her words, oldest first; NotFound unless the viewer is her or was alerted and may
        still act on the alert."""
        alert = await self.session.get(Alert, alert_id)
        if alert is None or viewer.person_id is None:
            raise NotFound("alert")
        if alert.subject_id != viewer.person_id:
            await AlertRepo(self.session).recipient(viewer, alert_id)
        rows = await self.session.scalars(
            select(AlertNote).where(AlertNote.alert_id == alert_id).order_by(AlertNote.id)
        )
        return [
            Written(
                row.created_at,
                self.keyring.open(row.text, table="alert_note", column="text", row=row.id).decode(),
            )
            for row in rows
        ]

    async def count(self, alert_id: str) -> int:
        """How many messages she wrote with the alert (no text: for a push's wording)."""
        stmt = select(func.count(AlertNote.id)).where(AlertNote.alert_id == alert_id)
        return int(await self.session.scalar(stmt) or 0)
