"""A file she sends outside a report's questions, as a photo of the next letter: kept with
the report she began, else with her open case as evidence and its handlers told (it had
been answered with advice and dropped)."""

from __future__ import annotations

from conversations.akut_words import tells_danger
from conversations.case.common import found_case, gone
from conversations.case_notices import CASE_EVIDENCE
from conversations.events import InboundEvent
from conversations.flow import Context, StateResult
from conversations.i18n import names_list
from conversations.report.evidence import kb, keep_file
from conversations.report.text import evidence_kind
from conversations.texts import menu_buttons
from conversations.words_to_case import (
    held_for_morning,
    held_until,
    names_of,
    open_case,
    seen_line,
)
from storage.access import Access
from storage.cases import CaseRepo
from storage.models import Report, ReportStatus
from storage.outbox import ROUTINE
from storage.reports import ReportRepo


async def evidence_for_case(ctx: Context, event: InboundEvent) -> bool:
    """Keep a file sent outside any question: with the report she began, else with her
    case if it is still open (its handlers told); False if there is neither."""
    _ = ctx._
    repo = ReportRepo(ctx.session, ctx.keyring)
    draft = await repo.draft(ctx.viewer)
    if draft is not None:  # a report she began (at /akut, say): it goes with that
        info = await keep_file(ctx, event, repo, draft)
        if info is not None:
            kept = _("I have kept what you sent with the report you began: {kind}, {size} kB.")
            lines = [
                _("In danger now: call 112."),
                kept.format(kind=evidence_kind(ctx, info.kind), size=kb(info)),
                _("Go on with it: /rapportera"),
            ]
            ctx.reply("\n".join(lines), menu_buttons(ctx))
        return True
    latest = await open_case(ctx)
    if latest is None:
        return False
    await _keep_with(ctx, event, latest)
    return True


async def file_in_case(ctx: Context, event: InboundEvent) -> StateResult:
    """A file sent while a case is open in the chat: hers, it is kept with it; those who
    handle it are told that only she can add files."""
    found = await found_case(ctx, Access.CHECKLIST)
    if found is None:
        return await gone(ctx)
    report, access = found
    if access is Access.OWN and report.status is ReportStatus.SUBMITTED:
        await _keep_with(ctx, event, report)
        return None
    ctx.reply(
        ctx._(
            "I can keep files only from the person who reported, with their case. Keep the "
            "original and give it to the police with the case file."
        )
    )
    return None


async def _keep_with(ctx: Context, event: InboundEvent, report: Report) -> None:
    """Keep the file with her case, tell its handlers, and say so (the way out first)."""
    _ = ctx._
    info = await keep_file(ctx, event, ReportRepo(ctx.session, ctx.keyring), report)
    if info is None:
        return  # it was said why it was not kept
    handlers = await CaseRepo(ctx.session, ctx.keyring).told_of_her_words(report)
    payload = {"report": report.id}
    # a photo sent at 02:00 woke Pia; words with it that may tell of danger still go at once
    calm = not tells_danger(event.text)
    if not (
        calm and await held_for_morning(ctx, report, f"{report.id}:file", payload, CASE_EVIDENCE)
    ):
        for person_id in handlers:
            ctx.notify(person_id, CASE_EVIDENCE, payload, ROUTINE)
    kept = _(
        "I have kept what you sent with your case {ref} as evidence: {kind}, {size} kB."
    ).format(ref=report.ref, kind=evidence_kind(ctx, info.kind), size=kb(info))
    lines = [_("In danger now: call 112."), kept]
    if handlers and ctx.viewer.registered:
        names = names_list(_, await names_of(ctx, handlers))
        lines.append(seen_line(ctx, names, await held_until(ctx, report) if calm else None))
    lines.append(_("Keep the original – don't delete it."))
    ctx.reply("\n".join(lines), menu_buttons(ctx))
