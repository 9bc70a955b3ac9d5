"""The case file from the case view, made for the person who asks and sent only into their
own chat (built at send time, access checked again there): the material for a police report,
and for those who handle the case the whole case file."""

from __future__ import annotations

from collections.abc import Callable

from conversations.case.common import found_case, gone
from conversations.events import FileRef, InboundEvent, Reply
from conversations.flow import Context, StateResult
from storage.access import Access
from storage.trust import AuditRepo

CASE_FILE = "casefile"  # FileRef.kind: the whole case file of the report FileRef.evidence_id names
POLICE_FILE = "policefile"  # FileRef.kind: only what a police report needs
EXPORT = "case:pdf"  # the material for a police report
EXPORT_WHOLE = "case:file"  # the whole case file, for those who handle the case


def file_ref(report_id: str, ref: str, kind: str = POLICE_FILE) -> FileRef:
    """A reply's case file: which case and which file, never its bytes."""
    return FileRef(report_id, kind, f"{ref}.pdf")


async def export_pdf(ctx: Context, event: InboundEvent) -> StateResult:
    """Send the material for a police report (as much as the viewer may read) into their
    chat; audited."""
    return await _export(ctx, POLICE_FILE, _police_caption)


async def export_whole(ctx: Context, event: InboundEvent) -> StateResult:
    """Send the whole case file, internal notes included, to someone who handles the case."""
    return await _export(ctx, CASE_FILE, _whole_caption, Access.HANDLER)


def _police_caption(ctx: Context, access: Access) -> str:
    if access is Access.CHECKLIST:  # the director: no report in it
        return ctx._(
            "Case {ref}: what was done and when, without the report itself, which only those "
            "who handle the case read. Ask them for it when the police report is to be made."
        )
    return ctx._(
        "The material for a police report on case {ref}: the report, the evidence, what was "
        "done and when; no internal notes. It contains sensitive personal data: keep it where "
        "only you can read it."
    )


def _whole_caption(ctx: Context, access: Access) -> str:
    return ctx._(
        "The whole case file for case {ref}, internal notes included: it is not for the police. "
        "It contains sensitive personal data: keep it where only you can read it."
    )


async def _export(
    ctx: Context,
    kind: str,
    caption: Callable[[Context, Access], str],
    needs: Access = Access.CHECKLIST,
) -> StateResult:
    found = await found_case(ctx, needs)
    if found is None:
        return await gone(ctx)
    report, access = found
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
    file = file_ref(report.id, report.ref, kind)
    ctx.replies.append(Reply(caption(ctx, access).format(ref=report.ref), file=file))
    return None
