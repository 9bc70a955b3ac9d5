"""Statistics: the facts of each counted case, and counts that hide what would identify.

Every case comes through one query whose condition is storage.access.counted_cases: a
viewer counts only their own scope, and an internal case only where they may access it.
What a case says about its kinds, channels and measures is sealed in its answers; only
those choice ids are opened here, never its free text.

Small counts identify people: a count of 1 or 2 is shown as "< 3" unless the viewer may
access every case in it (:class:`Cell`). A zero is shown: it names nobody.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.access import counted_cases, readable_in_statistics
from storage.crypto import Keyring
from storage.models import Alert, AlertRecipient, ChecklistAnswer, Report, ReportStatus
from storage.viewer import Viewer

SMALL = 3
"""Counts below this (and above zero) are hidden unless the viewer may read every case."""

HIDDEN = "< 3"
WITHHELD = ".."  # a count left out so that a "< 3" beside it cannot be worked out
REPORT_ALERT = "report"  # the alert a sent report raises (conversations.report.sending)
_CHUNK = 500  # ids per IN (...) list


@dataclass(frozen=True, slots=True)
class CaseFacts:
    """What statistics may know about one case: ids and times, never names or text."""

    id: str
    submitted_at: datetime
    municipality_id: int | None
    party_id: int | None
    pack: str
    category: str | None
    closed: bool
    choices: frozenset[str]  # "what and how": kind and channel ids as chosen
    measures: frozenset[str]  # decided measures, e.g. police_report
    checked_yes: frozenset[str]  # checklist items whose latest answer is yes
    checked_no: frozenset[str]  # checklist items whose latest answer is no
    first_take: timedelta | None  # the case's first alert: created -> acknowledged
    readable: bool  # the viewer may access this case itself


@dataclass(slots=True)
class Cell:
    """One count, and how many of its cases the viewer may not access."""

    n: int = 0
    unreadable: int = 0
    withheld: bool = False  # left out (WITHHELD) so that a "< 3" beside it stays unknown

    def add(self, readable: bool) -> None:
        self.n += 1
        if not readable:
            self.unreadable += 1

    @property
    def hidden(self) -> bool:
        """True if the count must not be shown: 1 or 2 cases, one of them not the viewer's."""
        return 0 < self.n < SMALL and self.unreadable > 0

    @property
    def secret(self) -> bool:
        """True if the count is not shown, as "< 3" or as WITHHELD."""
        return self.hidden or self.withheld

    def shown(self) -> str:
        """The count as it may be shown: a number, "< 3" or WITHHELD."""
        if self.hidden:
            return HIDDEN
        return WITHHELD if self.withheld else str(self.n)


def withhold(total: Cell, parts: Iterable[Cell]) -> None:
    """Leave out more of a total's parts (each case in exactly one part) until no "< 3"
    among them can be worked out by subtracting the others from the total, smallest first;
    the total itself if even that would not do. A zero is never left out: it is shown as
    0, so whoever reads the figures knows a part left out is at least 1."""
    if total.secret:
        return
    cells = [cell for cell in parts if cell.n > 0]
    small = sum(1 for cell in cells if cell.hidden)
    if not small:
        return
    others = sorted((cell for cell in cells if not cell.hidden), key=lambda cell: cell.n)
    shown = sum(cell.n for cell in others)
    left_out = 0
    while not _unknown(total.n - shown, small, left_out):
        if not others:
            total.withheld = True
            return
        cell = others.pop(0)
        cell.withheld = True
        shown -= cell.n
        left_out += 1


def _unknown(rest: int, small: int, left_out: int) -> bool:
    """Whether ``rest`` cases, in ``small`` counts of 1 or 2 and ``left_out`` counts of at
    least 1, leave each small count free to be 1 or to be 2."""
    low = (small - 1) + left_out  # the others at their least
    high = 2 * (small - 1) if not left_out else rest  # at their most
    return all(low <= rest - mine <= high for mine in (1, 2))


def tally(facts: Iterable[CaseFacts], keys: Any) -> dict[str, Cell]:
    """Count cases under each key ``keys(case)`` gives (an iterable of strings)."""
    cells: dict[str, Cell] = {}
    for case in facts:
        for key in keys(case):
            cells.setdefault(key, Cell()).add(case.readable)
    return cells


def _ids(value: Any) -> frozenset[str]:
    """Choice ids of one answer: {"choices": [...]}, or a first-version list."""
    if isinstance(value, dict):
        value = value.get("choices")
    if isinstance(value, list):
        return frozenset(str(v) for v in value if isinstance(v, str))
    return frozenset()


def _choices(answers: dict[str, Any]) -> tuple[frozenset[str], frozenset[str]]:
    """(what-and-how ids, measure ids) from a case's opened answers, in either form."""
    nature = (
        _ids(answers.get("nature")) | _ids(answers.get("kinds")) | _ids(answers.get("channels"))
    )
    measures = _ids(answers.get("measures")) | _ids(answers.get("protection"))
    if answers.get("police") == "yes":  # the first version asked it on its own
        measures |= {"police_report"}
    return nature, measures


class StatsRepo:
    """The counted cases of a period for a viewer. Never commits."""

    def __init__(self, session: AsyncSession, keyring: Keyring) -> None:
        self.session = session
        self.keyring = keyring

    async def cases(
        self,
        viewer: Viewer,
        start: datetime,
        end: datetime,
        *,
        municipality_ids: Sequence[int] | None = None,
        party_ids: Sequence[int] | None = None,
        readable_only: bool = False,
    ) -> list[CaseFacts]:
        """The cases sent from ``start`` until ``end`` that the viewer's statistics count,
        oldest first; narrowed further to these municipalities or parties if given, and to
        the cases the viewer may access themselves with ``readable_only`` (a file with one
        row per case: a row is a count of one)."""
        readable = readable_in_statistics(viewer).label("readable")
        stmt = (
            select(
                Report.id,
                Report.submitted_at,
                Report.municipality_id,
                Report.party_id,
                Report.pack,
                Report.category,
                Report.status,
                Report.answers,
                readable,
            )
            .where(
                counted_cases(viewer),
                Report.submitted_at.is_not(None),
                Report.submitted_at >= start,
                Report.submitted_at < end,
            )
            .order_by(Report.submitted_at, Report.id)
        )
        if municipality_ids is not None:
            stmt = stmt.where(Report.municipality_id.in_(list(municipality_ids)))
        if party_ids is not None:
            stmt = stmt.where(Report.party_id.in_(list(party_ids)))
        if readable_only:
            stmt = stmt.where(readable_in_statistics(viewer))
        rows = (await self.session.execute(stmt)).all()
        ids = [row.id for row in rows]
        takes = await self._first_takes(ids)
        checked = await self._checked(ids)
        facts = []
        for row in rows:
            opened = self.keyring.open_json(
                row.answers, table="report", column="answers", row=row.id
            )
            nature, measures = _choices(opened if isinstance(opened, dict) else {})
            del opened  # the free text goes no further than this line
            facts.append(
                CaseFacts(
                    id=row.id,
                    submitted_at=row.submitted_at,
                    municipality_id=row.municipality_id,
                    party_id=row.party_id,
                    pack=row.pack,
                    category=row.category,
                    closed=row.status is ReportStatus.CLOSED,
                    choices=nature,
                    measures=measures,
                    checked_yes=_answered(checked.get(row.id, {}), "yes"),
                    checked_no=_answered(checked.get(row.id, {}), "no"),
                    first_take=takes.get(row.id),
                    readable=bool(row.readable),
                )
            )
        return facts

    async def _first_takes(self, ids: list[str]) -> dict[str, timedelta | None]:
        """Per case: from its first report alert's creation to its acknowledgement."""
        first: dict[str, tuple[datetime, datetime | None]] = {}
        for at in range(0, len(ids), _CHUNK):
            # the first take, also when the alert was handed on since (its row holds the last)
            took = (
                select(func.min(AlertRecipient.took_at))
                .where(AlertRecipient.alert_id == Alert.id)
                .scalar_subquery()
            )
            rows = await self.session.execute(
                select(
                    Alert.report_id, Alert.created_at, func.coalesce(took, Alert.acknowledged_at)
                )
                .where(
                    Alert.report_id.in_(ids[at : at + _CHUNK]),
                    Alert.kind == REPORT_ALERT,
                    Alert.drill_id.is_(None),
                )
                .order_by(Alert.created_at, Alert.id)
            )
            for report_id, created, acknowledged in rows:
                if report_id is not None:
                    first.setdefault(report_id, (created, acknowledged))
        return {
            report_id: (acknowledged - created if acknowledged is not None else None)
            for report_id, (created, acknowledged) in first.items()
        }

    async def _checked(self, ids: list[str]) -> dict[str, dict[str, str]]:
        """Per case: each checklist item's latest answer."""
        latest: dict[str, dict[str, str]] = {}
        for at in range(0, len(ids), _CHUNK):
            rows = await self.session.execute(
                select(ChecklistAnswer.report_id, ChecklistAnswer.item_id, ChecklistAnswer.answer)
                .where(ChecklistAnswer.report_id.in_(ids[at : at + _CHUNK]))
                .order_by(ChecklistAnswer.answered_at, ChecklistAnswer.id)
            )
            for report_id, item_id, answer in rows:
                latest.setdefault(report_id, {})[item_id] = answer
        return latest


def _answered(items: dict[str, str], answer: str) -> frozenset[str]:
    """The items whose latest answer is ``answer``."""
    return frozenset(item for item, given in items.items() if given == answer)
