"""How much one person may send in a day: reports and evidence, counted over the last 24 hours.

Anyone who finds the bot can write to it, so an unregistered person could otherwise file
reports and evidence without end, filling the database and waking security staff. The
limits for registered officials are far above what a person under threat sends in a day
(a bad day is a handful of reports with a few dozen screenshots); the limits for the
unregistered are tight but still let a real first report through with its evidence.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Evidence, Report, ReportStatus
from storage.prepared import Prepared
from storage.viewer import Viewer

MB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class Allowance:
    """What one person may send within the window."""

    reports: int  # submitted reports
    evidence_bytes: int  # evidence received, over all their reports and drafts
    files_per_report: int


@dataclass(frozen=True, slots=True)
class Quotas:
    """The allowances, per kind of person, and the window they are counted over."""

    # 20 reports: several incidents an hour all day long is no longer one person's account.
    # 500 MB: some 200 phone screenshots or a few minutes of video, every day.
    registered: Allowance = field(default_factory=lambda: Allowance(20, 500 * MB, 30))
    # 3 reports: a first report, a correction and one more; 25 MB: a dozen screenshots
    # (Telegram lets a bot fetch at most 20 MB per file); 10 files per report.
    unregistered: Allowance = field(default_factory=lambda: Allowance(3, 25 * MB, 10))
    window: timedelta = timedelta(hours=24)

    def of(self, viewer: Viewer) -> Allowance:
        """Return the allowance of the person behind ``viewer``."""
        return self.registered if viewer.registered else self.unregistered


DEFAULT = Quotas()

# Asked when a report is shown whole and again when it is sent.
_SUBMITTED_SINCE = Prepared(
    select(Report.submitted_at)
    .where(
        Report.reporter_id == bindparam("reporter"),
        Report.status != ReportStatus.DRAFT,
        Report.submitted_at > bindparam("since"),
    )
    .order_by(Report.submitted_at)
)


@dataclass(frozen=True, slots=True)
class Refusal:
    """Why something more was refused: what was sent in the window, and when it fits again."""

    sent: int  # reports, or bytes of evidence
    limit: int
    free_again: datetime | None  # None: what was asked is over the limit on its own


def _refusal(
    dated: Sequence[tuple[datetime, int]], adding: int, limit: int, window: timedelta
) -> Refusal | None:
    """Refuse ``adding`` more if it does not fit; find when enough leaves the window."""
    sent = sum(amount for _moment, amount in dated)
    if sent + adding <= limit:
        return None
    left = sent + adding
    for moment, amount in dated:  # oldest first
        left -= amount
        if left <= limit:
            return Refusal(sent, limit, moment + window)
    return Refusal(sent, limit, None)


class QuotaRepo:
    """Counts what a person sent within the window. Never commits."""

    def __init__(self, session: AsyncSession, quotas: Quotas = DEFAULT) -> None:
        self.session = session
        self.quotas = quotas

    async def refuse_report(self, viewer: Viewer, now: datetime) -> Refusal | None:
        """Refuse one more report if the viewer submitted their allowance in the window."""
        params = {"reporter": viewer.person_id, "since": now - self.quotas.window}
        rows = await self.session.run_sync(
            lambda sync: _SUBMITTED_SINCE.rows(sync.connection(), params)
        )
        dated = [(moment, 1) for (moment,) in rows if moment is not None]
        return _refusal(dated, 1, self.quotas.of(viewer).reports, self.quotas.window)

    async def refuse_evidence(self, viewer: Viewer, now: datetime, size: int) -> Refusal | None:
        """Refuse ``size`` more bytes of evidence if they do not fit in the viewer's allowance."""
        rows = await self.session.execute(
            select(Evidence.received_at, Evidence.size)
            .join(Report, Report.id == Evidence.report_id)
            .where(
                Report.reporter_id == viewer.person_id,
                Evidence.received_at > now - self.quotas.window,
            )
            .order_by(Evidence.received_at)
        )
        dated = [(moment, amount) for moment, amount in rows]
        return _refusal(dated, size, self.quotas.of(viewer).evidence_bytes, self.quotas.window)
