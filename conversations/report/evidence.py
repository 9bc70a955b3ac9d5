"""Evidence, at any point of the report: a photo, a screenshot, a file or a forwarded
message is kept the moment it arrives (sealed, with its size and SHA-256); a file sent by
mistake can be removed before the report is sent."""

from __future__ import annotations

from conversations import quota
from conversations.events import Button, InboundEvent
from conversations.flow import Context, StateResult
from conversations.report.answering import lost
from conversations.report.draft import load_draft
from conversations.report.form import ReportStep
from conversations.report.summary import show_summary
from conversations.report.text import evidence_kind
from storage.reports import AnyReport, EvidenceInfo, ReportRepo

MAX_EVIDENCE_FILES = 30
MAX_EVIDENCE_BYTES = 200 * 1024 * 1024


async def take_evidence(ctx: Context, event: InboundEvent) -> StateResult:
    """Keep a file or forwarded message as evidence, whichever question is open."""
    _ = ctx._
    draft = await load_draft(ctx)
    if draft is None:
        return await lost(ctx)
    info = await keep_file(ctx, event, draft.repo, draft.report)
    if info is not None and not info.sent_with:  # an album's later files: said with its first
        saved = (
            _(
                "Saved as evidence: {kind}, {size} kB, and the rest of what you sent with it. "
                "You can remove them before you send."
            )
            if in_album(event)
            else _("Saved as evidence: {kind}, {size} kB. You can remove it before you send.")
        )
        lines = [saved.format(kind=evidence_kind(ctx, info.kind), size=kb(info))]
        ctx.reply("\n".join([*lines, *origin_lines(ctx, event)]))
    return None


def in_album(event: InboundEvent) -> bool:
    """Whether the file came with others in one message (each arrives as its own event)."""
    return event.attachment is not None and bool(event.attachment.album)


def origin_lines(ctx: Context, event: InboundEvent) -> list[str]:
    """Who first sent a forwarded message, and when, as kept with it (none if not told)."""
    attachment = event.attachment
    if attachment is None or not attachment.forwarded:
        return []
    who, at = attachment.origin, attachment.origin_at
    if who and at is not None:
        line = ctx._("I kept with it who first sent it and when: {who}, {when}.")
    elif who:
        line = ctx._("I kept with it who first sent it: {who}.")
    elif at is not None:
        line = ctx._("I kept with it when it was first sent: {when}.")
    else:
        return []
    return [
        line.format(who=who, when="" if at is None else ctx.when(at))
    ]  # the open question stays open: its buttons still work


async def keep_file(
    ctx: Context, event: InboundEvent, repo: ReportRepo, report: AnyReport
) -> EvidenceInfo | None:
    """Keep the event's file with one of her reports (sealed); None, having said why, if it
    cannot be kept (not fetched, empty, or over what a report or the quota may hold)."""
    _ = ctx._
    attachment = event.attachment
    content = attachment.content if attachment is not None else None
    if attachment is not None and content is None and attachment.kind == "forward":
        content = event.text.encode()
    if attachment is None or content is None:
        ctx.reply(_("I could not fetch that file. Please send it again."))
        return None
    if not content:
        ctx.reply(_("That file is empty, so I did not keep it."))
        return None
    count, total = await repo.evidence_totals(report)
    files = min(MAX_EVIDENCE_FILES, quota.files_per_report(ctx))
    if count >= files or total + len(content) > MAX_EVIDENCE_BYTES:
        ctx.reply(
            _(
                "This report already has as much evidence as I can keep ({count} files). Keep "
                "the rest and give it to your security contact."
            ).format(count=count)
        )
        return None
    refusal = await quota.evidence_refusal(ctx, len(content), report.municipality_id)
    if refusal is not None:
        ctx.reply(refusal)
        return None
    meta = {
        "name": attachment.name,
        "mime": attachment.mime_type,
        "caption": event.text,
        "forwarded": attachment.forwarded,
    }
    if attachment.origin:
        meta["origin"] = attachment.origin  # who first sent it, as the platform named them
    if attachment.origin_at is not None:
        meta["origin_at"] = attachment.origin_at.isoformat()
    if attachment.album:
        meta["album"] = attachment.album  # its later files are kept without a word each
    return await repo.add_evidence(
        ctx.viewer, report, kind=attachment.kind, content=content, meta=meta, now=ctx.now
    )


async def list_files(ctx: Context, event: InboundEvent) -> StateResult:
    """Show the report's files, each with a button to remove it."""
    _ = ctx._
    draft = await load_draft(ctx)
    if draft is None:
        return await lost(ctx)
    files = await draft.repo.evidence(ctx.viewer, draft.report)
    if not files:
        return await show_summary(ctx, draft, [_("There are no files in the report.")])
    buttons = [
        [
            Button(
                f"evdel:{info.id}",
                _("Remove {n}: {kind}, {size} kB, {when}").format(
                    n=n,
                    kind=evidence_kind(ctx, info.kind),
                    size=kb(info),
                    when=ctx.when(info.received_at),
                ),
            )
        ]
        for n, info in enumerate(files, 1)
    ]
    buttons.append([Button("nav:summary", _("Back"))])
    draft.answers["_at"] = ReportStep.EVIDENCE.value
    draft.save(ctx)
    ctx.reply(_("Which file do you want to remove?"), buttons)
    return ReportStep.EVIDENCE


async def remove_file(ctx: Context, event: InboundEvent) -> StateResult:
    """Remove one file from the unfinished report, then show the summary."""
    _ = ctx._
    draft = await load_draft(ctx)
    if draft is None:
        return await lost(ctx)
    removed = await draft.repo.remove_evidence(
        ctx.viewer, draft.report, event.button.removeprefix("evdel:")
    )
    said = _("The file is removed.") if removed else _("That file was already removed.")
    return await show_summary(ctx, draft, [said])


def kb(info: EvidenceInfo) -> int:
    """A file's size in whole kB, at least 1."""
    return max(1, info.size // 1024)
