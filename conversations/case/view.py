"""Opening a case and showing it to the viewer's role, with the actions they may take."""

from __future__ import annotations

from conversations.alerts import waiting_for
from conversations.case.checkins import checkins_button
from conversations.case.common import (
    Case,
    found_case,
    gone,
    name_of,
    on_case,
    responsible_for,
    role_key,
)
from conversations.case.export import EXPORT, EXPORT_WHOLE
from conversations.case.lines import (
    checklist_lines,
    lately_written,
    note_lines,
    open_counts,
    open_items,
    reader_of,
    written_lines,
)
from conversations.case.listing import list_cases, reported_for
from conversations.case.planned import schedule_section
from conversations.case.police import police_line
from conversations.case.write import write_button
from conversations.events import Button, InboundEvent
from conversations.flow import END, Context, StateResult
from conversations.i18n import shown_name
from conversations.notice_context import show_button
from conversations.report.advice import who_has_it
from storage.access import Access
from storage.cases import CaseRepo, normalised_ref
from storage.directory import DirectoryRepo
from storage.errors import NotFound
from storage.handover import HandoverRepo
from storage.models import Alert, Report, ReportStatus
from storage.trust import AuditRepo


async def open_case(ctx: Context, event: InboundEvent) -> StateResult:
    """Show a case by reference: its state, checklist and next steps (/arende REF)."""
    _ = ctx._
    ref = event.text.strip()
    if not ref:
        ctx.reply(_("Write the case reference after the command, e.g. /arende K7M4-QX2P."))
        await list_cases(ctx, event)
        return END
    try:
        report, _access = await CaseRepo(ctx.session, ctx.keyring).by_ref(ctx.viewer, ref[:20])
    except NotFound:
        # a reference-shaped attempt is kept (who tried which reference), never other text
        tried = normalised_ref(ref[:20])
        AuditRepo(ctx.session).record(
            ctx.person.handle, "case_denied", tried or "-", ctx.person.municipality_id, ctx.now
        )
        ctx.reply(_("There is no case {ref} that you can see.").format(ref=ref[:20]))
        return END
    ctx.data.clear()
    ctx.data["case"] = report.id
    AuditRepo(ctx.session).record(
        ctx.person.handle, "case_opened", report.ref, report.municipality_id, ctx.now, report=report
    )
    return await show_case(ctx)


async def show_case(ctx: Context) -> StateResult:
    """Render the case for the viewer's role, with the actions they may take."""
    _ = ctx._
    found = await found_case(ctx, Access.CHECKLIST)
    if found is None:
        return await gone(ctx)
    report, access = found
    repo = CaseRepo(ctx.session, ctx.keyring)
    pack = ctx.packs.get(report.pack)
    state = await repo.checklist(report, ctx.viewer)
    status = _("closed") if report.status is ReportStatus.CLOSED else _("open")
    lines = [_("Case {ref} – {status}").format(ref=report.ref, status=status)]
    if report.submitted_at:
        lines.append(_("Reported {when}").format(when=ctx.when(report.submitted_at)))
    if report.status is ReportStatus.CLOSED and report.closed_at is not None:  # by whom, when
        when = ctx.when(report.closed_at)
        if report.closed_by == ctx.person.id:
            lines.append(_("Closed {when} by you").format(when=when))
        else:
            name = await name_of(ctx, report.closed_by)
            lines.append(_("Closed {when} by {name}").format(when=when, name=name))
    if access is not Access.OWN and report.reporter_id is not None:
        card, party, _m = await DirectoryRepo(ctx.session).describe(ctx.viewer, report.reporter_id)
        lines.append(
            _("Reported by: {who}").format(who=f"{shown_name(_, card)}, {card.phone or '–'}")
            + (f" ({party})" if party else "")
        )
    target = reported_for(ctx, report, access)
    if target is not None:
        lines.append(_("Reported for: {name}").format(name=target))
    taker = await repo.taken_by(report)
    if access is Access.OWN and taker is None and report.status is ReportStatus.SUBMITTED:
        lines.append(await who_has_it(ctx, repo, report))  # at 23:00: has anyone seen it?
    if taker == ctx.person.id:  # her own card: not herself in the third person
        lines.append(_("Handled by: you"))
    elif taker is not None:  # whom the others, and the director, turn to: and how to reach her
        lines.append(_("Handled by: {name}").format(name=await _reachable(ctx, taker)))
    police = await police_line(ctx, report, pack, state, access)
    if police is not None:  # what the director needs before the municipality's own report
        lines.append(police)
    notes = await repo.notes(ctx.viewer, report)
    first = access is not Access.OWN and lately_written(ctx, notes)
    if first:  # "han står utanför och har en kniv": before the checklist, not below it
        lines += await written_lines(ctx, report, notes, access)
    key = role_key(access, ctx.person.role, report)
    reader = await reader_of(ctx, report, access)
    unanswered, still_open = open_items(pack, state, key, reader)  # not 3.1.1 once sent there
    if access is not Access.OWN:  # whose the open items are: the same count as at closing
        counts = open_counts(ctx, len(unanswered), len(still_open))
        lines += ["", _("Checklist – {counts}:").format(counts=counts)]
    else:
        lines.append("")
    lines += await checklist_lines(
        ctx,
        pack,
        state,
        access,
        report.status,
        report.reporter_id,
        reader=reader,
    )
    planned, schedule_buttons = await schedule_section(ctx, report, access)
    lines += planned
    lines += await note_lines(ctx, report, notes, access, hers=not first)
    open_case = report.status is not ReportStatus.CLOSED
    waiting = await waiting_for(ctx.session, ctx.person.id, about=report.id) if open_case else None
    if waiting is not None:  # its alert waits for her: taking it is the first thing to do
        lines += ["", _("Nobody has taken this case's alert yet.")]
    mine = [  # theirs to answer or change: not 3.1.1 that the report's sending answered
        i
        for i in pack.checklist
        if responsible_for(i, key) and (i.id in state or not i.done_by_sending(reader))
    ]
    buttons = await _buttons(
        ctx, report, access, len(unanswered), len(mine), schedule_buttons, waiting
    )
    ctx.reply("\n".join(lines), buttons)
    return Case.VIEW


async def card_buttons(ctx: Context, report: Report, access: Access) -> list[list[Button]]:
    """The buttons the case's card has for the viewer now, as :func:`show_case` gives them."""
    state = await CaseRepo(ctx.session, ctx.keyring).checklist(report, ctx.viewer)
    pack = ctx.packs.get(report.pack)
    key = role_key(access, ctx.person.role, report)
    reader = await reader_of(ctx, report, access)
    unanswered, _open = open_items(pack, state, key, reader)
    mine = [  # theirs to answer or change: not 3.1.1 that the report's sending answered
        i
        for i in pack.checklist
        if responsible_for(i, key) and (i.id in state or not i.done_by_sending(reader))
    ]
    _planned, schedule_buttons = await schedule_section(ctx, report, access)
    open_case = report.status is not ReportStatus.CLOSED
    waiting = await waiting_for(ctx.session, ctx.person.id, about=report.id) if open_case else None
    return await _buttons(
        ctx, report, access, len(unanswered), len(mine), schedule_buttons, waiting
    )


async def _buttons(
    ctx: Context,
    report: Report,
    access: Access,
    unanswered: int,
    mine: int,
    schedule_buttons: list[list[Button]],
    waiting: Alert | None,
) -> list[list[Button]]:
    """The card's buttons: each names the case (see common.on_case)."""
    _ = ctx._
    buttons: list[list[Button]] = []
    open_case = report.status is not ReportStatus.CLOSED
    if waiting is not None:
        buttons.append([Button(f"ack:{waiting.id}", _("I'll take it"))])
    if open_case and unanswered:  # how many: said once, above the checklist
        buttons.append([on_case(report, "case:check", _("Answer the next item"))])
    if open_case and unanswered < mine:
        buttons.append([on_case(report, "case:change", _("Change an answer"))])
    buttons += schedule_buttons
    if open_case and access is Access.HANDLER:
        buttons.append([on_case(report, "case:followup", _("Document a follow-up call"))])
        buttons.append([on_case(report, "case:note", _("Write a note"))])
        if report.reporter_id is not None and report.reporter_id != ctx.person.id:
            name = await name_of(ctx, report.reporter_id)
            buttons.append([write_button(ctx, report, name)])
        buttons.append([show_button(_, report)])
    if report.drill_id is None:  # a drill's case has no case file
        buttons.append([on_case(report, EXPORT, _("PDF for a police report"))])
    repo = CaseRepo(ctx.session, ctx.keyring)
    may_close = await repo.may_close(ctx.viewer, report)
    if open_case and may_close:
        buttons.append([on_case(report, "case:close", _("Close the case"))])
    handles = open_case and access is Access.HANDLER
    if handles and await HandoverRepo(ctx.session).may_hand_over(ctx.viewer, report):
        buttons.append([on_case(report, "case:handover", _("Hand over"))])
    if not open_case and may_close:
        buttons.append([on_case(report, "case:reopen", _("Open the case again"))])
    if not open_case and access is Access.HANDLER:  # a closed case is still read whole
        buttons.append([show_button(_, report)])
    if access is Access.OWN and open_case:  # the plans' advice; her check-ins last
        buttons.append([Button(f"advice:{report.id}", _("What do I do now?"))])
        buttons.append([checkins_button(ctx, report)])
    if access is Access.HANDLER and report.drill_id is None:  # last: the others keep their place
        buttons.append([on_case(report, EXPORT_WHOLE, _("Case file (PDF)"))])
    return buttons


async def _reachable(ctx: Context, person_id: int) -> str:
    """'Pia Lind, +46 70 174 06 11': the one who handles the case, with her number as the
    directory gives it to the viewer."""
    name = await name_of(ctx, person_id)
    try:
        card, _party, _m = await DirectoryRepo(ctx.session).describe(ctx.viewer, person_id)
    except NotFound:
        return name
    return f"{name}, {card.phone}" if card.phone else name


async def view(ctx: Context, event: InboundEvent) -> StateResult:
    """Show the case again."""
    return await show_case(ctx)


BACK = {"case:view": view}
