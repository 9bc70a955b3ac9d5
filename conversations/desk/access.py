"""What storage says the viewer may do with a case, checked again for every operation."""

from __future__ import annotations

from conversations.desk.errors import Refused
from conversations.flow import Context
from storage.access import Access
from storage.cases import CaseRepo
from storage.models import Report, ReportStatus


async def checked(ctx: Context, report: Report, minimum: Access) -> Access:
    """Return the viewer's access as storage has it now; refuse below ``minimum``."""
    level = await CaseRepo(ctx.session, ctx.keyring).access(ctx.viewer, report)
    if level < minimum:
        raise Refused(ctx._("That case is not available to you."))
    return level


def still_open(ctx: Context, report: Report) -> None:
    """Refuse work on a closed case."""
    if report.status is ReportStatus.CLOSED:
        raise Refused(ctx._("The case is closed."))
