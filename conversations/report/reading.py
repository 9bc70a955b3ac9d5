"""Reading a sent report: for the people who handle it, and the person who wrote it."""

from __future__ import annotations

from conversations.events import InboundEvent
from conversations.flow import Context, StateResult
from conversations.report.text import full_report_text
from storage.reports import ReportRepo
from storage.trust import AuditRepo


async def show_report(ctx: Context, event: InboundEvent) -> StateResult:
    """Show the full report to an allowed recipient (or the reporter)."""
    _ = ctx._
    report_id = event.button.partition(":")[2]
    report = await ReportRepo(ctx.session, ctx.keyring).readable(ctx.viewer, report_id)
    if report is None:
        ctx.reply(_("That report is not available to you."))
        return None
    AuditRepo(ctx.session).record(
        ctx.person.handle,
        "report_viewed",
        report.ref,
        report.municipality_id,
        ctx.now,
        report=report,
    )
    ctx.reply(full_report_text(ctx, report))
    return None
