"""A case's evidence for the people who may read it: the list, and one file opened.

Only those who handle the case (Access.HANDLER) and the reporter (Access.OWN, her own files)
get anything; the rule is storage.access, checked on every call against the viewer as they
are now. Names, captions, who first sent a forwarded message, and bytes are sealed at rest
and opened here only for them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.access import Access, case_access
from storage.crypto import Keyring
from storage.errors import NotFound
from storage.models import Evidence, Report
from storage.viewer import Viewer

READERS = (Access.OWN, Access.HANDLER)


@dataclass(frozen=True, slots=True)
class EvidenceItem:
    """One piece of evidence as its readers see it (without its bytes)."""

    id: str
    number: int  # 1, 2, ... in the order received
    kind: str
    name: str
    mime_type: str
    size: int
    sha256: str
    received_at: datetime
    caption: str = ""  # what the reporter wrote with it
    origin: str = ""  # a forwarded message: who first sent it, as the platform named them
    origin_at: datetime | None = None  # and when it was first sent, where the platform told


@dataclass(frozen=True, slots=True)
class OpenedEvidence:
    """A piece of evidence opened for an allowed reader."""

    report: Report
    item: EvidenceItem
    content: bytes = field(repr=False)


def in_order(report_id: str) -> Select[str, str, int, str | None, bytes, datetime]:
    """A report's evidence rows (id, kind, size, legacy SHA-256, sealed meta, received),
    oldest first: the one listing that the writer's summary and the handlers' case share."""
    return (
        select(
            Evidence.id,
            Evidence.kind,
            Evidence.size,
            Evidence.sha256,
            Evidence.meta,
            Evidence.received_at,
        )
        .where(Evidence.report_id == report_id)
        .order_by(Evidence.received_at, Evidence.id)
    )


def _moment(value: object) -> datetime | None:
    """A moment kept in the sealed meta as ISO text; None if absent or unreadable."""
    if not isinstance(value, str) or not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


class EvidenceRepo:
    """Evidence of submitted cases, for the reporter and those who handle the case."""

    def __init__(self, session: AsyncSession, keyring: Keyring) -> None:
        self.session = session
        self.keyring = keyring

    async def _allowed(self, viewer: Viewer, report: Report) -> None:
        if await case_access(self.session, viewer, report) not in READERS:
            raise NotFound("evidence")

    def _meta(self, row_id: str, sealed: bytes) -> dict[str, Any]:
        value = self.keyring.open_json(sealed, table="evidence", column="meta", row=row_id)
        return value if isinstance(value, dict) else {}

    async def listing(self, viewer: Viewer, report: Report) -> list[EvidenceItem]:
        """The case's evidence, oldest first; NotFound for anyone who may not read it."""
        await self._allowed(viewer, report)
        rows = await self.session.execute(in_order(report.id))
        items = []
        for number, (row_id, kind, size, legacy, sealed, received_at) in enumerate(rows, 1):
            meta = self._meta(row_id, sealed)
            items.append(
                EvidenceItem(
                    row_id,
                    number,
                    kind,
                    str(meta.get("name") or ""),
                    str(meta.get("mime_type") or meta.get("mime") or ""),
                    size,
                    legacy or str(meta.get("sha256", "")),
                    received_at,
                    str(meta.get("caption") or "").strip(),
                    str(meta.get("origin") or ""),
                    _moment(meta.get("origin_at")),
                )
            )
        return items

    async def open(self, viewer: Viewer, evidence_id: str) -> OpenedEvidence:
        """Open one file for a reader of its case; NotFound for anyone else (or no such file)."""
        row = await self.session.get(Evidence, evidence_id[:64])
        if row is None:
            raise NotFound("evidence")
        report = await self.session.get(Report, row.report_id)
        if report is None:
            raise NotFound("evidence")
        await self._allowed(viewer, report)
        item = next(i for i in await self.listing(viewer, report) if i.id == row.id)
        content = self.keyring.open(row.content, table="evidence", column="content", row=row.id)
        return OpenedEvidence(report, item, content)
