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
from conversations.report.entry import draft_to_keep_in
from conversations.report.evidence import in_album, kb, keep_file, origin_lines
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
    """Keep a file sent outside any question and say where, the menu with it; False only if
    it was not kept (it was said why)."""
    lines = await keep_sent(ctx, event)
    if lines:
        ctx.reply("\n".join([ctx._("In danger now: call 112."), *lines]), menu_buttons(ctx))
    return lines is not None


async def keep_sent(ctx: Context, event: InboundEvent) -> list[str] | None:
    """Keep a file or forwarded message sent outside any question: with the report she
    began, else with her case if it is still open (its handlers told), else in a new report;
    the lines that say where (none: an album's later file, said with its first; None if it
    was said why it was not kept)."""
    _ = ctx._
    repo = ReportRepo(ctx.session, ctx.keyring)
    began = await repo.draft(ctx.viewer) is not None
    latest = None if began else await open_case(ctx)
    if latest is not None:
        return await _kept_with(ctx, event, latest)
    draft = await draft_to_keep_in(ctx)
    info = await keep_file(ctx, event, draft.repo, draft.report)
    if info is None:
        return None
    draft.save(ctx)
    if info.sent_with:
        return []
    kept = (
        _("I have kept what you sent with the report you began: {kind}, {size} kB.")
        if began
        else _("I have kept what you sent as evidence in a new report: {kind}, {size} kB.")
    )
    return [
        kept.format(kind=evidence_kind(ctx, info.kind), size=kb(info)),
        *album_line(ctx, event),
        *origin_lines(ctx, event),
        _("Go on with it: /rapportera"),
    ]


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
    lines = await _kept_with(ctx, event, report)
    if lines:
        ctx.reply("\n".join([ctx._("In danger now: call 112."), *lines]), menu_buttons(ctx))


async def _kept_with(ctx: Context, event: InboundEvent, report: Report) -> list[str] | None:
    """Keep the file with her case and tell its handlers; the lines that say so (none: an
    album's later file, told with its first; None if it was said why it was not kept)."""
    _ = ctx._
    info = await keep_file(ctx, event, ReportRepo(ctx.session, ctx.keyring), report)
    if info is None:
        return None
    if info.sent_with:
        return []
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
    lines = [kept, *album_line(ctx, event), *origin_lines(ctx, event)]
    if handlers and ctx.viewer.registered:
        names = names_list(_, await names_of(ctx, handlers))
        lines.append(seen_line(ctx, names, await held_until(ctx, report) if calm else None))
    lines.append(_("Keep the original – don't delete it."))
    return lines


def album_line(ctx: Context, event: InboundEvent) -> list[str]:
    """What is said of the rest of an album, with its first file (one line per message)."""
    rest = ctx._("The rest of what you sent with it is kept there too.")
    return [rest] if in_album(event) else []
