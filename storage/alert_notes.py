"""What the person wrote around her /akut alert, and what those it went to wrote back to
her: sealed, for her and those it went to who may still act on it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.alerts import AlertRepo
from storage.crypto import Keyring
from storage.errors import NotAllowed, NotFound
from storage.models import Alert, AlertNote, AlertStatus
from storage.viewer import Viewer


@dataclass(frozen=True, slots=True)
class Written:
    """One message, opened for someone who may read it; ``author_id`` None: she wrote it."""

    at: datetime
    text: str
    author_id: int | None = None


class AlertNotes:
    """Her words with her /akut alert, and the words written to her about it. Only she adds
    her own; only someone it went to who may still act on it (their role now,
    storage.access) and who has it, or may still take it, writes to her; she and they read
    them."""

    def __init__(self, session: AsyncSession, keyring: Keyring) -> None:
        self.session = session
        self.keyring = keyring

    async def add(self, viewer: Viewer, alert: Alert, text: str, now: datetime) -> AlertNote:
        """Keep her words (sealed) with her own alert."""
        if viewer.person_id is None or alert.subject_id != viewer.person_id:
            raise NotFound("alert")
        return await self._keep(alert, None, text, now)

    async def may_write(self, viewer: Viewer, alert_id: str) -> Alert:
        """The /akut alert, if the viewer may write to its person: it went to them, their
        role still fits it now, and they took it or nobody has yet. NotFound if they may
        not see it at all; NotAllowed if someone else has taken it."""
        await AlertRepo(self.session).recipient(viewer, alert_id)
        alert = await self.session.get(Alert, alert_id)
        if alert is None or alert.kind != "akut" or alert.subject_id is None:
            raise NotFound("alert")
        if alert.status is AlertStatus.ACKNOWLEDGED and alert.acknowledged_by != viewer.person_id:
            raise NotAllowed("alert")
        return alert

    async def write(self, viewer: Viewer, alert_id: str, text: str, now: datetime) -> AlertNote:
        """Keep (sealed) what the viewer writes to the alert's person; see :meth:`may_write`."""
        alert = await self.may_write(viewer, alert_id)
        return await self._keep(alert, viewer.person_id, text, now)

    async def _keep(
        self, alert: Alert, author_id: int | None, text: str, now: datetime
    ) -> AlertNote:
        row = AlertNote(alert_id=alert.id, author_id=author_id, text=b"", created_at=now)
        self.session.add(row)
        await self.session.flush()
        row.text = self.keyring.seal(text.encode(), table="alert_note", column="text", row=row.id)
        return row

    async def read(self, viewer: Viewer, alert_id: str) -> list[Written]:
        """Her words, oldest first; NotFound unless the viewer is her or was alerted and may
        still act on the alert."""
        return [note for note in await self.thread(viewer, alert_id) if note.author_id is None]

    async def thread(self, viewer: Viewer, alert_id: str) -> list[Written]:
        """Her words and those written to her, oldest first; access as :meth:`read`."""
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
                row.author_id,
            )
            for row in rows
        ]

    async def count(self, alert_id: str) -> int:
        """How many messages she wrote with the alert (no text: for a push's wording)."""
        stmt = select(func.count(AlertNote.id)).where(
            AlertNote.alert_id == alert_id, AlertNote.author_id.is_(None)
        )
        return int(await self.session.scalar(stmt) or 0)

    async def opened(self, viewer: Viewer, note_id: int) -> tuple[Alert, Written] | None:
        """A message written to the viewer about her own alert, for its push; None if it
        is not hers (or is gone)."""
        row = await self.session.get(AlertNote, note_id)
        alert = await self.session.get(Alert, row.alert_id) if row is not None else None
        if row is None or alert is None or row.author_id is None or viewer.person_id is None:
            return None
        if alert.subject_id != viewer.person_id or alert.status is AlertStatus.WITHDRAWN:
            return None
        text = self.keyring.open(row.text, table="alert_note", column="text", row=row.id)
        return alert, Written(row.created_at, text.decode(), row.author_id)

    async def written_to_lately(self, viewer: Viewer, since: datetime) -> Alert | None:
        """Her /akut alert that someone wrote to her about since ``since`` (the newest such
        message's), if it still stands; her answer goes to those who may act on it."""
        if viewer.person_id is None:
            return None
        stmt = (
            select(Alert)
            .join(AlertNote, AlertNote.alert_id == Alert.id)
            .where(
                Alert.subject_id == viewer.person_id,
                Alert.status != AlertStatus.WITHDRAWN,
                AlertNote.author_id.is_not(None),
                AlertNote.created_at >= since,
            )
            .order_by(AlertNote.id.desc())
            .limit(1)
        )
        return (await self.session.scalars(stmt)).first()
