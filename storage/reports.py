"""Incident reports and their evidence. Answers and files are sealed; the viewer decides access."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key

from storage.access import Access, case_access
from storage.crypto import Keyring
from storage.db import write_at_commit
from storage.errors import NotFound
from storage.evidence import in_order
from storage.models import Evidence, Report, ReportStatus
from storage.prepared import Prepared
from storage.viewer import Viewer

REF_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read aloud on the phone


def measure_ids(answers: Mapping[str, Any]) -> frozenset[str]:
    """The ids of the measures chosen in a report's answers, in either form (the first version
    asked the police report on its own); never a typed word."""
    ids: set[str] = set()
    for key in ("measures", "protection"):
        value = answers.get(key)
        value = value.get("choices") if isinstance(value, dict) else value
        if isinstance(value, list):
            ids |= {v for v in value if isinstance(v, str)}
    if answers.get("police") == "yes":
        ids.add("police_report")
    return frozenset(ids)


def new_reference() -> str:
    """Return a random, non-sequential reference such as 'K7M4-QX2P'."""
    chars = "".join(secrets.choice(REF_ALPHABET) for _ in range(8))
    return f"{chars[:4]}-{chars[4:]}"


async def unused_reference(session: AsyncSession) -> str:
    """Return a new reference that no case has yet."""
    ref = new_reference()
    while (await session.scalars(select(Report.id).where(Report.ref == ref))).first():
        ref = new_reference()
    return ref


@dataclass(slots=True)
class DraftRow:
    """An unfinished report as one row (answers sealed), loaded with every answer; changes
    other than the answers go through the ORM object (:meth:`ReportRepo.entity`)."""

    id: str
    ref: str
    status: ReportStatus
    reporter_id: int | None
    municipality_id: int | None
    party_id: int | None
    pack: str
    category: str | None
    unverified: bool
    answers: bytes
    created_at: datetime
    updated_at: datetime
    submitted_at: datetime | None = None


# Asked on every answer to a report: its columns are DraftRow's fields, in order.
_DRAFT_FIELDS = tuple(DraftRow.__dataclass_fields__)
_DRAFT_OF = Prepared(
    select(*(getattr(Report, name) for name in _DRAFT_FIELDS))
    .where(Report.reporter_id == bindparam("reporter"), Report.status == ReportStatus.DRAFT)
    .order_by(Report.updated_at.desc())
    .limit(1)
)
AnyReport = Report | DraftRow


_SAVE_ANSWERS = Prepared(
    update(Report)
    .where(Report.id == bindparam("report"))
    .values(answers=bindparam("v_answers"), updated_at=bindparam("v_updated_at"))
)
_SUBMIT = Prepared(
    update(Report)
    .where(Report.id == bindparam("report"))
    .values(
        status=ReportStatus.SUBMITTED,
        submitted_at=bindparam("v_submitted_at"),
        updated_at=bindparam("v_submitted_at"),
    )
)


@dataclass(frozen=True, slots=True)
class EvidenceInfo:
    """What may be shown about a piece of evidence without opening it."""

    id: str
    kind: str
    size: int
    sha256: str
    received_at: datetime
    sent_with: int = 0  # files of the same message (album) kept before this one


class ReportRepo:
    """Drafts, submission and evidence for the viewer's own reports. Never commits."""

    def __init__(self, session: AsyncSession, keyring: Keyring) -> None:
        self.session = session
        self.keyring = keyring

    # --- access ------------------------------------------------------------------------

    @staticmethod
    def _own(viewer: Viewer, report: AnyReport) -> bool:
        return viewer.person_id is not None and report.reporter_id == viewer.person_id

    async def get(self, viewer: Viewer, report_id: str) -> Report:
        """Return one of the viewer's own reports."""
        report = await self.session.get(Report, report_id)
        if report is None or not self._own(viewer, report):
            raise NotFound("report")
        return report

    async def readable(self, viewer: Viewer, report_id: str) -> Report | None:
        """Return a submitted report the viewer may read now: their own, or one they handle
        (storage.access); None otherwise."""
        report = await self.session.get(Report, report_id)
        if report is None:
            return None
        level = await case_access(self.session, viewer, report)
        return report if level in (Access.OWN, Access.HANDLER) else None

    async def draft(self, viewer: Viewer) -> DraftRow | None:
        """Return the viewer's unfinished report, if any (the newest)."""
        reporter = viewer.person_id
        if reporter is None:
            return None

        def run(sync: Session) -> DraftRow | None:
            found = _DRAFT_OF.rows(sync.connection(), {"reporter": reporter})
            return DraftRow(*found[0]) if found else None

        return await self.session.run_sync(run)

    async def entity(self, report: AnyReport) -> Report:
        """Return the ORM object of a report (for changes other than its answers)."""
        if isinstance(report, Report):
            return report
        entity = await self.session.get(Report, report.id)
        if entity is None:
            raise NotFound("report")
        set_committed_value(entity, "answers", report.answers)  # queued: keep them in step
        set_committed_value(entity, "updated_at", report.updated_at)
        return entity

    async def update_draft(self, report: AnyReport, **values: Any) -> None:
        """Change a draft's routing (municipality, pack, category) on both copies."""
        entity = await self.entity(report)
        for name, value in values.items():
            setattr(entity, name, value)
            setattr(report, name, value)

    async def latest_submitted(self, viewer: Viewer) -> Report | None:
        """Return the viewer's most recently submitted report."""
        if viewer.person_id is None:
            return None
        stmt = (
            select(Report)
            .where(Report.reporter_id == viewer.person_id, Report.status != ReportStatus.DRAFT)
            .order_by(Report.submitted_at.desc())
            .limit(1)
        )
        return (await self.session.scalars(stmt)).first()

    # --- drafts ------------------------------------------------------------------------

    async def create_draft(
        self,
        viewer: Viewer,
        *,
        pack: str,
        municipality_id: int | None,
        party_id: int | None,
        now: datetime,
    ) -> Report:
        """Start a new draft for the viewer (the targeted person defaults to them)."""
        if viewer.person_id is None:
            raise NotFound("person")
        report_id = uuid.uuid4().hex
        ref = await unused_reference(self.session)
        report = Report(
            id=report_id,
            ref=ref,
            status=ReportStatus.DRAFT,
            reporter_id=viewer.person_id,
            targeted_id=viewer.person_id,
            municipality_id=municipality_id,
            party_id=party_id,
            pack=pack,
            unverified=not viewer.registered,
            answers=self.keyring.seal_json({}, table="report", column="answers", row=report_id),
            created_at=now,
            updated_at=now,
        )
        self.session.add(report)
        await self.session.flush()
        return report

    def answers(self, report: AnyReport) -> dict[str, Any]:
        value = self.keyring.open_json(
            report.answers, table="report", column="answers", row=report.id
        )
        return value if isinstance(value, dict) else {}

    async def decided_measures(self, viewer: Viewer, report: Report) -> frozenset[str]:
        """The measures decided in the report, by id ("police_report"), to anyone who may see
        the case: the municipal director too, who files the police report; never its words."""
        if await case_access(self.session, viewer, report) is Access.NONE:
            return frozenset()
        return measure_ids(self.answers(report))

    def save_answers(self, report: AnyReport, answers: dict[str, Any], now: datetime) -> None:
        """Store the answers (sealed) the moment they arrive."""
        sealed = self.keyring.seal_json(answers, table="report", column="answers", row=report.id)
        # Almost every answer ends here: one prepared UPDATE with the commit instead of the
        # ORM's change tracking and flush.
        params = {"report": report.id, "v_answers": sealed, "v_updated_at": now}
        values = {"answers": sealed, "updated_at": now}
        self._write_at_commit(report, ("report answers", _SAVE_ANSWERS), params, values)

    def _write_at_commit(
        self,
        report: AnyReport,
        write: tuple[str, Prepared],
        params: Mapping[str, Any],
        values: Mapping[str, Any],
    ) -> None:
        """Queue a report's UPDATE for the commit, and give the loaded row, and its ORM
        object if this unit of work has one, its ``values`` (on the ORM object as
        committed: it won't write them again). A report not inserted yet just takes the
        values: its INSERT carries them."""
        if isinstance(report, Report) and report in self.session.new:
            for name, value in values.items():
                setattr(report, name, value)
            return
        what, statement = write
        write_at_commit(self.session, (what, report.id), statement, params)
        if isinstance(report, DraftRow):
            for name, value in values.items():
                setattr(report, name, value)
            loaded = self.session.identity_map.get(identity_key(Report, report.id))
            if loaded is None:
                return
            report = loaded
        for name, value in values.items():
            set_committed_value(report, name, value)

    async def discard(self, viewer: Viewer, report: AnyReport) -> None:
        """Delete a draft and its evidence."""
        if not self._own(viewer, report) or report.status is not ReportStatus.DRAFT:
            raise NotFound("draft")
        await self.session.delete(await self.entity(report))
        await self.session.flush()

    async def submit(self, viewer: Viewer, report: AnyReport, now: datetime) -> str:
        """Turn the draft into a submitted case; return its reference.

        Like its answers: one UPDATE queued for the commit instead of loading the ORM
        object to change three columns."""
        if not self._own(viewer, report) or report.status is not ReportStatus.DRAFT:
            raise NotFound("draft")
        params = {"report": report.id, "v_submitted_at": now}
        values = {"status": ReportStatus.SUBMITTED, "submitted_at": now, "updated_at": now}
        self._write_at_commit(report, ("report submitted", _SUBMIT), params, values)
        return report.ref

    # --- evidence ----------------------------------------------------------------------

    async def add_evidence(
        self,
        viewer: Viewer,
        report: AnyReport,
        *,
        kind: str,
        content: bytes,
        meta: dict[str, Any],
        now: datetime,
    ) -> EvidenceInfo:
        """Keep a file with the report: sealed content, its size, and its SHA-256 sealed with
        the file's name (in clear it would confirm a known file to a database thief)."""
        if not self._own(viewer, report):
            raise NotFound("report")
        album = meta.get("album")
        sent_with = await self._in_album(report, album) if album else 0
        evidence_id = uuid.uuid4().hex
        digest = hashlib.sha256(content).hexdigest()
        sealed_meta = {**meta, "sha256": digest}
        row = Evidence(
            id=evidence_id,
            report_id=report.id,
            kind=kind,
            size=len(content),
            sha256=None,
            received_at=now,
            meta=self.keyring.seal_json(
                sealed_meta, table="evidence", column="meta", row=evidence_id
            ),
            content=self.keyring.seal(content, table="evidence", column="content", row=evidence_id),
        )
        self.session.add(row)
        await self.session.flush()
        return EvidenceInfo(row.id, row.kind, row.size, digest, row.received_at, sent_with)

    async def _in_album(self, report: AnyReport, album: str) -> int:
        """How many files of the report came in the message (album) ``album``."""
        rows = await self.session.execute(in_order(report.id))
        albums = (self.meta_of(row_id, meta).get("album") for row_id, *_, meta, _at in rows)
        return sum(1 for kept in albums if kept == album)

    def meta_of(self, evidence_id: str, sealed: bytes) -> dict[str, Any]:
        """Open a piece of evidence's sealed description (name, MIME type, caption, SHA-256)."""
        value = self.keyring.open_json(sealed, table="evidence", column="meta", row=evidence_id)
        return value if isinstance(value, dict) else {}

    async def remove_evidence(self, viewer: Viewer, report: AnyReport, evidence_id: str) -> bool:
        """Remove a file from the viewer's own unfinished report; False if there is none such."""
        if not self._own(viewer, report) or report.status is not ReportStatus.DRAFT:
            raise NotFound("draft")
        result = await self.session.execute(
            delete(Evidence).where(Evidence.id == evidence_id, Evidence.report_id == report.id)
        )
        return int(getattr(result, "rowcount", 0) or 0) == 1

    async def evidence(self, viewer: Viewer, report: AnyReport) -> list[EvidenceInfo]:
        if not self._own(viewer, report):
            raise NotFound("report")
        rows = await self.session.execute(in_order(report.id))
        return [
            EvidenceInfo(
                row_id,
                kind,
                size,
                legacy or str(self.meta_of(row_id, meta).get("sha256", "")),
                received_at,
            )
            for row_id, kind, size, legacy, meta, received_at in rows
        ]

    async def evidence_totals(self, report: AnyReport) -> tuple[int, int]:
        """Return (count, total bytes) of a report's evidence."""
        row = (
            await self.session.execute(
                select(func.count(Evidence.id), func.coalesce(func.sum(Evidence.size), 0)).where(
                    Evidence.report_id == report.id
                )
            )
        ).one()
        return int(row[0]), int(row[1])

    def open_evidence(self, viewer: Viewer, report: Report, row: Evidence) -> bytes:
        if not self._own(viewer, report) or row.report_id != report.id:
            raise NotFound("evidence")
        return self.keyring.open(row.content, table="evidence", column="content", row=row.id)
