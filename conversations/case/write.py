"""Writing to the person who follows a case, from its card: for those who handle it now
(storage decides, on their role now). What is written is kept sealed with the case as a
message to her and given to her at once with the way to answer; her answer comes back as
her words to her case do (words_to_case)."""

from __future__ import annotations

from conversations.alert_write import CANCEL
from conversations.case.common import Case, found_case, gone, name_of, on_case
from conversations.case.next_step import carry_on
from conversations.case_notices import CASE_WRITTEN
from conversations.desk.notes import NOTE_WRITTEN
from conversations.events import Button, InboundEvent, phrase_of
from conversations.flow import Context, StateResult
from storage.access import Access
from storage.cases import MESSAGE_NOTE, CaseRepo
from storage.errors import NotAllowed, NotFound
from storage.models import Report
from storage.outbox import URGENT
from storage.trust import AuditRepo

WRITE = "case:write"  # the card's "Write to …"
CANCEL_WORDS = frozenset({"avbryt", "cancel"})


def write_button(ctx: Context, report: Report, name: str) -> Button:
    """The card's button that writes to the person who follows the case."""
    return on_case(report, WRITE, ctx._("Write to {name}").format(name=name))


async def _writable(ctx: Context) -> Report | None:
    """The case, if the viewer handles it now and someone follows it; else None."""
    found = await found_case(ctx, Access.HANDLER)
    if found is None or found[0].reporter_id is None:
        return None
    return found[0]


async def start_write(ctx: Context, event: InboundEvent) -> StateResult:
    """Ask what to write to the person who follows the case."""
    _ = ctx._
    report = await _writable(ctx)
    if report is None:
        return await gone(ctx)
    name = await name_of(ctx, report.reporter_id)
    ctx.reply(
        _("What do you want to write to {name}? {name} gets it in Trygg at once.").format(
            name=name
        ),
        [[Button(CANCEL, _("Cancel"))]],
    )
    return Case.WRITE_TEXT


async def write_text(ctx: Context, event: InboundEvent) -> StateResult:
    """Keep what the handler wrote with the case (sealed), give it to her, and say so."""
    _ = ctx._
    text = event.text.strip()
    if not text:
        ctx.again()
        return None
    if phrase_of(text) in CANCEL_WORDS:  # "avbryt" typed: not a message to her
        return await cancel_write(ctx, event)
    report = await _writable(ctx)
    if report is None or report.reporter_id is None:
        ctx.reply(_("Nothing was sent. You wrote:") + "\n" + text)
        return await gone(ctx)
    try:
        note = await CaseRepo(ctx.session, ctx.keyring).add_note(
            ctx.viewer, report, MESSAGE_NOTE, text, ctx.now
        )
    except (NotAllowed, NotFound):
        ctx.reply(_("Nothing was sent. You wrote:") + "\n" + text)
        return await gone(ctx)
    AuditRepo(ctx.session).record(
        ctx.person.handle, NOTE_WRITTEN, report.ref, report.municipality_id, ctx.now, report=report
    )
    ctx.notify(report.reporter_id, CASE_WRITTEN, {"report": report.id, "note": note.id}, URGENT)
    name = await name_of(ctx, report.reporter_id)
    return await carry_on(
        ctx,
        _("Sent to {name}.").format(name=name)
        + "\n"
        + _("When {name} answers, you see it here.").format(name=name),
    )


async def cancel_write(ctx: Context, event: InboundEvent) -> StateResult:
    """Leave without sending anything."""
    return await carry_on(ctx, ctx._("Nothing was sent."))
