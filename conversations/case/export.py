"""The case file from the case view: a PDF for the police report, made for the person who
asks and sent only into their own chat (built at send time, access checked again there)."""

from __future__ import annotations

from conversations.case.common import found_case, gone
from conversations.events import FileRef, InboundEvent, Reply
from conversations.flow import Context, StateResult
from storage.access import Access
from storage.trust import AuditRepo

CASE_FILE = "casefile"  # FileRef.kind: the case file of the report FileRef.evidence_id names
EXPORT = "case:pdf"


def file_ref(report_id: str, ref: str) -> FileRef:
    """A reply's case file: which case, never its bytes."""
    return FileRef(report_id, CASE_FILE, f"{ref}.pdf")


async def export_pdf(ctx: Context, event: InboundEvent) -> StateResult:
    """Send the case file (as much of it as the viewer may read) into their chat; audited."""
    found = await found_case(ctx, Access.CHECKLIST)
    if found is None:
        return await gone(ctx)
    report, _access = found
    if report.drill_id is not None:
        ctx.reply(ctx._("A drill's case has no case file: it is removed when the drill ends."))
        return None
    AuditRepo(ctx.session).record(
        ctx.person.handle,
        "case_exported",
        report.ref,
        report.municipality_id,
        ctx.now,
        report=report,
    )
    caption = ctx._(
        "The case file for case {ref}, for a police report. It contains sensitive personal "
        "data: keep it where only you can read it."
    ).format(ref=report.ref)
    ctx.replies.append(Reply(caption, file=file_ref(report.id, report.ref)))
    return None
