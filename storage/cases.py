"""A submitted report as a case: its checklist, follow-ups, closing, and who handles it.

Who may see or handle a case is decided by storage.access, from the viewer as they are
now, on every read.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, bindparam, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.access import Access, case_access, responsibility_key
from storage.access import responsible as may_answer
from storage.alerts import AlertRepo
from storage.crypto import Keyring
from storage.errors import NotAllowed, NotFound
from storage.models import (
    Alert,
    AlertRecipient,
    CaseNote,
    ChecklistAnswer,
    FollowUp,
    Person,
    Report,
    ReportStatus,
    Role,
)
from storage.prepared import Prepared
from storage.viewer import Viewer

REF_SHAPE = re.compile(r"[0-9A-Z]{4}-[0-9A-Z]{4}")
CHECK_ANSWERS = ("yes", "no", "na", "text")
CHECKIN_NOTE = "checkin"  # the reporter's words after a check-in
INTERNAL_NOTE = "internal"  # for those who handle the case only
MESSAGE_NOTE = "message"  # from someone who handles the case to the reporter
FOR_THE_REPORTER = (CHECKIN_NOTE, MESSAGE_NOTE)

# Asked when every case is sent: the municipal directors who may own checklist items.
_DIRECTORS = Prepared(
    select(Person.id, Person.role, Person.municipality_id, Person.party_id)
    .where(
        Person.role == Role.MUNICIPAL_DIRECTOR,
        Person.municipality_id == bindparam("municipality"),
    )
    .order_by(Person.id)
)


def normalised_ref(text: str) -> str | None:
    """Return a typed case reference in its stored form ('k7m4 qx2p' → 'K7M4-QX2P'), or None
    if it is not shaped like one."""
    normalised = text.strip().upper().replace(" ", "")
    if len(normalised) == 8 and "-" not in normalised:
        normalised = f"{normalised[:4]}-{normalised[4:]}"
    return normalised if REF_SHAPE.fullmatch(normalised) else None


@dataclass(frozen=True, slots=True)
class ItemState:
    answer: str
    comment: str | None
    answered_by: int | None
    answered_at: datetime
    previous: str | None = None  # the answer this one replaced, if it was changed
    earlier: tuple[ItemState, ...] = ()  # every answer it replaced, oldest first


def _reached(report: Report) -> tuple[ColumnElement[bool], ...]:
    """Whom a case's alerts reached and did not take off again (to join AlertRecipient and
    Alert on)."""
    return (
        Alert.report_id == report.id,
        AlertRecipient.removed.is_(False),
        AlertRecipient.notified_at.is_not(None),
    )


class CaseRepo:
    """Cases on behalf of a viewer. Never commits."""

    def __init__(self, session: AsyncSession, keyring: Keyring) -> None:
        self.session = session
        self.keyring = keyring

    async def access(self, viewer: Viewer, report: Report) -> Access:
        """What the viewer may do with the case now (see storage.access)."""
        return await case_access(self.session, viewer, report)

    async def by_ref(self, viewer: Viewer, ref: str) -> tuple[Report, Access]:
        """Return a case by its reference if the viewer may see it (else NotFound)."""
        normalised = normalised_ref(ref)
        if normalised is None:
            raise NotFound("case")  # not a reference at all (e.g. a NUL byte PostgreSQL refuses)
        report = (
            await self.session.scalars(select(Report).where(Report.ref == normalised))
        ).first()
        if report is None:
            raise NotFound("case")
        level = await self.access(viewer, report)
        if level is Access.NONE:
            raise NotFound("case")
        return report, level

    async def by_id(self, viewer: Viewer, report_id: str, minimum: Access) -> Report:
        report = await self.session.get(Report, report_id)
        if report is None or await self.access(viewer, report) < minimum:
            raise NotFound("case")
        return report

    # --- checklist ---------------------------------------------------------------------

    async def checklist(self, report: Report, viewer: Viewer | None = None) -> dict[str, ItemState]:
        """Return the latest answer per checklist item (and the answer it replaced). For a
        viewer: nothing if they may not see the case; the reporter and the municipal director
        read no comment but their own (the others' are internal notes); the reporter reads
        the written answers (who was told, what support was set up), the director none
        but his own. Without one: for the system (timers)."""
        level = await self.access(viewer, report) if viewer is not None else None
        if level is Access.NONE:
            return {}
        rows = await self.session.scalars(
            select(ChecklistAnswer)
            .where(ChecklistAnswer.report_id == report.id)
            .order_by(ChecklistAnswer.answered_at, ChecklistAnswer.id)
        )
        mine = viewer.person_id if viewer is not None else None
        state: dict[str, ItemState] = {}
        for row in rows:
            outside = level in (Access.OWN, Access.CHECKLIST)  # not among those handling it
            written = row.answer == "text" and level is not Access.CHECKLIST
            hidden = outside and row.answered_by != mine and not written
            comment = (
                self.keyring.open(
                    row.comment, table="checklist_answer", column="comment", row=row.id
                ).decode()
                if row.comment and not hidden
                else None
            )
            before = state.get(row.item_id)
            state[row.item_id] = ItemState(
                row.answer,
                comment,
                row.answered_by,
                row.answered_at,
                before.answer if before is not None else None,
                (*before.earlier, replace(before, earlier=())) if before is not None else (),
            )
        return state

    async def answer_item(
        self,
        viewer: Viewer,
        report: Report,
        item_id: str,
        answer: str,
        comment: str | None,
        now: datetime,
        *,
        responsible: Collection[str],
    ) -> ItemState | None:
        """Record an answer (who and when) by someone whose part in the case the routine
        makes responsible for the item (``responsible``: the pack's role keys, 'targeted' for
        the reporter); a later answer changes it, the earlier one is kept. Return the answer
        it replaced, if any."""
        level = await self.access(viewer, report)
        if level is Access.NONE:
            raise NotFound("case")
        if report.status is ReportStatus.CLOSED:
            raise NotFound("open case")
        key = responsibility_key(level, viewer.role, report.category)
        if answer not in CHECK_ANSWERS or not may_answer(key, responsible):
            raise NotAllowed("checklist item")
        before = (await self.checklist(report)).get(item_id)
        row = ChecklistAnswer(
            report_id=report.id,
            item_id=item_id,
            answer=answer,
            answered_by=viewer.person_id,
            answered_at=now,
        )
        self.session.add(row)
        report.updated_at = now  # activity: an idle open case is purged after retention
        await self.session.flush()
        if comment:
            row.comment = self.keyring.seal(
                comment.encode(), table="checklist_answer", column="comment", row=row.id
            )
        return before

    async def comment_item(
        self, viewer: Viewer, report: Report, item_id: str, comment: str, now: datetime
    ) -> None:
        """Keep a comment (sealed) with the viewer's own latest answer to an item."""
        if await self.access(viewer, report) is Access.NONE:
            raise NotFound("case")
        row = (
            await self.session.scalars(
                select(ChecklistAnswer)
                .where(ChecklistAnswer.report_id == report.id, ChecklistAnswer.item_id == item_id)
                .order_by(ChecklistAnswer.answered_at.desc(), ChecklistAnswer.id.desc())
            )
        ).first()
        if row is None or row.answered_by != viewer.person_id:
            raise NotAllowed("checklist item")
        if report.status is ReportStatus.CLOSED:
            raise NotFound("open case")
        row.comment = self.keyring.seal(
            comment.encode(), table="checklist_answer", column="comment", row=row.id
        )
        report.updated_at = now

    # --- notes ---------------------------------------------------------------------------

    async def add_note(
        self, viewer: Viewer, report: Report, kind: str, text: str, now: datetime
    ) -> CaseNote:
        """Keep something written about the case (sealed): a check-in reply by the reporter;
        an internal note or a message to the reporter by someone who handles the case."""
        level = await self.access(viewer, report)
        if level is Access.NONE:
            raise NotFound("case")
        allowed = (Access.OWN, Access.HANDLER) if kind == CHECKIN_NOTE else (Access.HANDLER,)
        if kind not in (CHECKIN_NOTE, INTERNAL_NOTE, MESSAGE_NOTE) or level not in allowed:
            raise NotAllowed("note")
        row = CaseNote(report_id=report.id, author_id=viewer.person_id, kind=kind, created_at=now)
        row.text = b""
        self.session.add(row)
        await self.session.flush()
        row.text = self.keyring.seal(text.encode(), table="case_note", column="text", row=row.id)
        report.updated_at = now
        return row

    async def wrote_since(self, viewer: Viewer, report: Report, since: datetime) -> bool:
        """Whether the viewer, the reporter, has written in her own case since a moment."""
        if await self.access(viewer, report) is not Access.OWN:
            raise NotFound("case")
        written = await self.session.scalar(
            select(CaseNote.id)
            .where(
                CaseNote.report_id == report.id,
                CaseNote.author_id == viewer.person_id,
                CaseNote.kind == CHECKIN_NOTE,
                CaseNote.created_at >= since,
            )
            .limit(1)
        )
        return written is not None

    async def _own_internal_note(self, viewer: Viewer, report: Report, note_id: int) -> CaseNote:
        """The viewer's own internal note in a case they handle; NotFound or NotAllowed else."""
        note = await self.session.get(CaseNote, note_id)
        if note is None or note.report_id != report.id:
            raise NotFound("note")
        if await self.access(viewer, report) is not Access.HANDLER:
            raise NotFound("case")
        if note.author_id != viewer.person_id or note.kind != INTERNAL_NOTE:
            raise NotAllowed("note")
        return note

    async def extend_note(
        self, viewer: Viewer, report: Report, note_id: int, text: str, now: datetime
    ) -> str:
        """Add words to the viewer's own internal note (written in several messages); return
        the note as it is now."""
        note = await self._own_internal_note(viewer, report, note_id)
        before = self.keyring.open(note.text, table="case_note", column="text", row=note.id)
        whole = f"{before.decode()}\n{text}"
        note.text = self.keyring.seal(whole.encode(), table="case_note", column="text", row=note.id)
        report.updated_at = now
        return whole

    async def send_note(
        self, viewer: Viewer, report: Report, note_id: int, now: datetime
    ) -> CaseNote:
        """Make the viewer's own internal note a message to the reporter."""
        note = await self._own_internal_note(viewer, report, note_id)
        note.kind = MESSAGE_NOTE
        report.updated_at = now
        return note

    async def notes(self, viewer: Viewer, report: Report) -> list[tuple[CaseNote, str]]:
        """The notes the viewer may read, opened, oldest first: those who handle the case read
        them all; the reporter her check-in replies and the messages to her, never an internal
        note; anyone else (the municipal director too) none."""
        level = await self.access(viewer, report)
        if level is Access.HANDLER:
            kinds: tuple[str, ...] = (CHECKIN_NOTE, INTERNAL_NOTE, MESSAGE_NOTE)
        elif level is Access.OWN:
            kinds = FOR_THE_REPORTER
        else:
            return []
        rows = await self.session.scalars(
            select(CaseNote)
            .where(CaseNote.report_id == report.id, CaseNote.kind.in_(kinds))
            .order_by(CaseNote.id)
        )
        return [(row, self.note_text(row)) for row in rows]

    async def message_to(self, viewer: Viewer, report: Report, note_id: int) -> CaseNote | None:
        """A message written to the viewer, who follows the case, for its push; None if it
        is not one (or not hers)."""
        note = await self.session.get(CaseNote, note_id)
        if note is None or note.report_id != report.id or note.kind != MESSAGE_NOTE:
            return None
        if await self.access(viewer, report) is not Access.OWN:
            return None
        return note

    async def written_to_her(self, viewer: Viewer, report: Report) -> list[tuple[int, datetime]]:
        """Who wrote to the person who follows the case, and when (never what): for anyone
        who may see the case at all, the municipal director too."""
        if await self.access(viewer, report) is Access.NONE:
            return []
        rows = await self.session.execute(
            select(CaseNote.author_id, CaseNote.created_at)
            .where(CaseNote.report_id == report.id, CaseNote.kind == MESSAGE_NOTE)
            .order_by(CaseNote.id)
        )
        return [(author, at) for author, at in rows.all() if author is not None]

    async def last_written_to_her(self, report: Report) -> datetime | None:
        """When someone who handles the case last wrote to the person who follows it (no
        text: whether her answer is awaited)."""
        return await self.session.scalar(
            select(func.max(CaseNote.created_at)).where(
                CaseNote.report_id == report.id, CaseNote.kind == MESSAGE_NOTE
            )
        )

    def note_text(self, row: CaseNote) -> str:
        return self.keyring.open(row.text, table="case_note", column="text", row=row.id).decode()

    # --- follow-ups --------------------------------------------------------------------

    async def followups_for_jobs(self, report: Report) -> dict[int, FollowUp]:
        """The case's call rows, read for no one: for timer jobs and timing (when a nudge or a
        check-in comes). Never show them to a person: a person reads through ``CallRepo.rows``
        or ``CallRepo.log``, checked against who is asking."""
        rows = await self.session.scalars(select(FollowUp).where(FollowUp.report_id == report.id))
        return {row.number: row for row in rows}

    def notes_of(self, row: FollowUp) -> dict[str, Any]:
        if row.notes is None:
            return {}
        value = self.keyring.open_json(row.notes, table="followup", column="notes", row=row.id)
        return value if isinstance(value, dict) else {}

    async def _followup(self, report: Report, number: int) -> FollowUp:
        row = (await self.followups_for_jobs(report)).get(number)  # checked by the writer
        if row is None:
            row = FollowUp(report_id=report.id, number=number, status="planned")
            self.session.add(row)
            await self.session.flush()
        return row

    async def document_followup(
        self,
        viewer: Viewer,
        report: Report,
        number: int,
        notes: dict[str, Any],
        now: datetime,
    ) -> None:
        if await self.access(viewer, report) is not Access.HANDLER:
            raise NotFound("case")
        row = await self._followup(report, number)
        row.status, row.documented_by, row.documented_at = "documented", viewer.person_id, now
        report.updated_at = now
        row.notes = self.keyring.seal_json(notes, table="followup", column="notes", row=row.id)

    async def save_followup_notes(
        self, viewer: Viewer, report: Report, number: int, notes: dict[str, Any]
    ) -> None:
        """Keep what has been written about a follow-up so far (sealed), not yet final."""
        if await self.access(viewer, report) is not Access.HANDLER:
            raise NotFound("case")
        row = await self._followup(report, number)
        row.notes = self.keyring.seal_json(notes, table="followup", column="notes", row=row.id)

    async def plan_followup(
        self, viewer: Viewer, report: Report, number: int, day: date | None
    ) -> None:
        """Plan follow-up ``number`` for ``day``, a day with no time booked yet ("in two
        weeks"); None records 'not needed'. A time is booked with ``CallRepo.book``."""
        if await self.access(viewer, report) is not Access.HANDLER:
            raise NotFound("case")
        row = await self._followup(report, number)
        if row.status == "documented":
            return
        row.status = "planned" if day else "not_needed"
        row.planned_for, row.planned_day = None, day

    # --- closing -----------------------------------------------------------------------

    async def may_close(self, viewer: Viewer, report: Report) -> bool:
        """True if the viewer may close (and reopen) the case: a security contact or the
        municipal unit who handles it."""
        return await self.access(viewer, report) is Access.HANDLER and viewer.role in (
            Role.PARTY_SECURITY,
            Role.MUNICIPAL_SECURITY,
        )

    async def close(
        self, viewer: Viewer, report: Report, evaluation: dict[str, Any], now: datetime
    ) -> None:
        """Close the case with the form's evaluation; closed cases get no more nudges."""
        if not await self.may_close(viewer, report):
            raise NotFound("case")
        report.status = ReportStatus.CLOSED
        report.closed_at, report.closed_by = now, viewer.person_id
        report.updated_at = now
        report.evaluation = self.keyring.seal_json(
            evaluation, table="report", column="evaluation", row=report.id
        )

    async def reopen(self, viewer: Viewer, report: Report, now: datetime) -> None:
        """Open a closed case again (its evaluation is kept until it is closed again)."""
        if not await self.may_close(viewer, report):
            raise NotFound("case")
        if report.status is not ReportStatus.CLOSED:
            raise NotAllowed("open case")
        report.status = ReportStatus.SUBMITTED
        report.closed_at, report.closed_by = None, None
        report.updated_at = now

    async def save_evaluation(
        self, viewer: Viewer, report: Report, evaluation: dict[str, Any]
    ) -> None:
        """Keep the closing evaluation written so far (sealed)."""
        if await self.access(viewer, report) is not Access.HANDLER:
            raise NotFound("case")
        report.evaluation = self.keyring.seal_json(
            evaluation, table="report", column="evaluation", row=report.id
        )

    def evaluation_of(self, report: Report) -> dict[str, Any]:
        if report.evaluation is None:
            return {}
        value = self.keyring.open_json(
            report.evaluation, table="report", column="evaluation", row=report.id
        )
        return value if isinstance(value, dict) else {}

    async def taken_by(self, report: Report) -> int | None:
        """Who took the case, while they still may handle it (None: nobody has yet)."""
        taken = await self.taken(report)
        return taken[0] if taken is not None else None

    async def taken(self, report: Report) -> tuple[int, datetime | None] | None:
        """Who took the case and since when, while they still may handle it (None: nobody
        has yet)."""
        taken = await AlertRepo(self.session).report_taken(report.id)
        return taken if taken is not None and await self._handles(taken[0], report) else None

    async def reached_roles(self, report: Report) -> set[Role]:
        """The roles of the people the case's alerts have gone to (and who were not taken off
        them): whom the report has already told."""
        roles = await self.session.scalars(
            select(Person.role)
            .join(AlertRecipient, AlertRecipient.person_id == Person.id)
            .join(Alert, Alert.id == AlertRecipient.alert_id)
            .where(*_reached(report))
        )
        return set(roles)

    async def handlers(self, report: Report) -> list[int]:
        """People who handle the case now: who took it, while they still may; else the
        people it was sent to who still may (see conversations.alerts.directory_changed,
        which sends a case on when its handler may no longer act)."""
        alerts = (
            await self.session.scalars(
                select(Alert).where(Alert.report_id == report.id).order_by(Alert.created_at)
            )
        ).all()
        taken = [a.acknowledged_by for a in alerts if a.acknowledged_by is not None][:1]
        notified = await self.session.scalars(
            select(AlertRecipient.person_id)
            .join(Alert, Alert.id == AlertRecipient.alert_id)
            .where(*_reached(report))
            .order_by(AlertRecipient.id)
        )
        for group in (taken, list(notified)):
            kept = [p for p in dict.fromkeys(group) if await self._handles(p, report)]
            if kept:
                return kept
        return []

    async def told_of_her_words(self, report: Report) -> list[int]:
        """Who is told when the targeted person writes or sends a file to her case: those who
        handle it, then the municipal security unit it was sent to, which documents the case
        and has its own steps in it (each while they still handle it)."""
        handlers = await self.handlers(report)
        unit = await self.session.scalars(
            select(AlertRecipient.person_id)
            .join(Alert, Alert.id == AlertRecipient.alert_id)
            .join(Person, Person.id == AlertRecipient.person_id)
            .where(
                *_reached(report),
                Person.role == Role.MUNICIPAL_SECURITY,
            )
            .order_by(AlertRecipient.id)
        )
        also = [p for p in dict.fromkeys(unit) if p not in handlers]
        return [*handlers, *[p for p in also if await self._handles(p, report)]]

    async def staff(self, report: Report) -> list[tuple[int, Access]]:
        """Everyone but the reporter who may access the case now, with what they may do: the
        people it was sent to who still handle it, and the municipal director."""
        alerted = select(AlertRecipient.person_id).join(Alert, Alert.id == AlertRecipient.alert_id)
        candidates = await self.session.scalars(
            select(Person)
            .where(
                or_(
                    Person.id.in_(alerted.where(Alert.report_id == report.id)),
                    and_(
                        Person.role == Role.MUNICIPAL_DIRECTOR,
                        Person.municipality_id == report.municipality_id,
                    ),
                )
            )
            .order_by(Person.id)
        )
        found: list[tuple[int, Access]] = []
        for person in candidates.all():
            level = await self.access(Viewer.of(person), report)
            if level is not Access.NONE and person.id != report.reporter_id:
                found.append((person.id, level))
        return found

    async def checklist_owners(self, report: Report) -> list[Viewer]:
        """Who may work the case's checklist without handling it (Access.CHECKLIST, checked
        for each): of those, storage.access lets only the municipal director of the case's
        municipality, so only they are read."""
        params = {"municipality": report.municipality_id}
        rows = await self.session.run_sync(lambda sync: _DIRECTORS.rows(sync.connection(), params))
        candidates = [Viewer(*row) for row in rows if row[0] != report.reporter_id]
        return [
            viewer for viewer in candidates if await self.access(viewer, report) is Access.CHECKLIST
        ]

    async def _handles(self, person_id: int, report: Report) -> bool:
        person = await self.session.get(Person, person_id)
        if person is None:
            return False
        return await self.access(Viewer.of(person), report) is Access.HANDLER
