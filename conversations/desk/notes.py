"""Notes on a case: internal, or a message to the targeted person (who is told)."""

from __future__ import annotations

from conversations.case_notices import CASE_MESSAGE
from conversations.desk.access import checked
from conversations.desk.errors import Refused
from conversations.desk.words import name_of
from conversations.flow import Context
from storage.access import Access
from storage.cases import INTERNAL_NOTE, MESSAGE_NOTE, CaseRepo
from storage.errors import NotFound
from storage.models import CaseNote, Report
from storage.outbox import ROUTINE
from storage.trust import AuditRepo

NOTE_KINDS = (INTERNAL_NOTE, MESSAGE_NOTE)
NOTE_WRITTEN = "note_written"  # the audit action


async def keep_note(ctx: Context, report: Report, access: Access, text: str) -> CaseNote:
    """Keep an internal note (sealed), whole however long (typed words are never thrown
    away: a transport splits a long one when it is shown); refuse an empty one."""
    _ = ctx._
    await checked(ctx, report, Access.HANDLER)
    text = text.strip()
    if not text:
        raise Refused(_("Write your note."))
    note = await CaseRepo(ctx.session, ctx.keyring).add_note(
        ctx.viewer, report, INTERNAL_NOTE, text, ctx.now
    )
    AuditRepo(ctx.session).record(
        ctx.person.handle,
        "note_written",
        report.ref,
        report.municipality_id,
        ctx.now,
        report=report,
    )
    return note


async def send_note(ctx: Context, report: Report, access: Access, note_id: int) -> str:
    """Make the viewer's own internal note a message to the targeted person and tell her."""
    _ = ctx._
    await checked(ctx, report, Access.HANDLER)
    if report.reporter_id is None:
        raise Refused(_("Nobody else follows the case."))
    try:
        note = await CaseRepo(ctx.session, ctx.keyring).send_note(
            ctx.viewer, report, note_id, ctx.now
        )
    except NotFound as refused:
        raise Refused(_("That case is not available to you.")) from refused
    ctx.notify(report.reporter_id, CASE_MESSAGE, {"report": report.id, "note": note.id}, ROUTINE)
    person = await name_of(ctx, report.reporter_id)
    return _("Sent to {name}. It is also shown in the case.").format(name=person)


async def add_note(ctx: Context, report: Report, access: Access, kind: str, text: str) -> str:
    """Write an internal note ("internal") or a message to the targeted person ("message")."""
    _ = ctx._
    if kind not in NOTE_KINDS:
        raise Refused(_("Please choose one of the buttons below."))
    if kind == MESSAGE_NOTE and report.reporter_id is None:
        await checked(ctx, report, Access.HANDLER)
        raise Refused(_("Nobody else follows the case."))
    note = await keep_note(ctx, report, access, text)
    if kind == MESSAGE_NOTE:
        return await send_note(ctx, report, access, note.id)
    person = await name_of(ctx, report.reporter_id)
    return _("Saved as an internal note: {name} does not see it.").format(name=person)
