"""One case on the console, as the chat lets the person read it: the case file built from
what storage lets them see (conversations.casefile), its evidence by position (download, or
view a picture or PDF), and the case file as a PDF. Every opening is audited as in the chat;
a case the person may not see is "not found", whatever the reason."""

from __future__ import annotations

from dataclasses import dataclass, replace

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from bot.casefile_pdf import render
from bot.web.desk import Desk, signed_in
from bot.web.downloads import INLINE, content_type, file_response, safe_name
from bot.web.forms import form_of, refused
from bot.web.render import page
from bot.web.routes.case_actions import actions_for
from conversations.case.listing import case_row
from conversations.case.reading import evidence_line, file_name, origin_line
from conversations.casefile.build import build
from conversations.casefile.model import KEYS, CaseFile, Entry, Section
from conversations.flow import Context
from conversations.i18n import after_label
from storage.access import Access
from storage.caselist import CaseListRepo, Found
from storage.cases import CaseRepo, normalised_ref
from storage.errors import NotFound
from storage.evidence import READERS, EvidenceItem, EvidenceRepo, OpenedEvidence
from storage.models import Report
from storage.trust import AuditRepo

REF_CUT = 20  # characters of a typed reference looked at, as in the chat


@dataclass(frozen=True, slots=True)
class Run:
    """Entries in a row that are shown alike: labelled ones as a list of answers."""

    labelled: bool
    entries: tuple[Entry, ...]


@dataclass(frozen=True, slots=True)
class ChecklistRow:
    """One item of the routine: its answer with who and when, and a comment if any."""

    key: str
    item: str
    answer: str
    comments: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Part:
    """A part of the case on the page; ``section`` None: not in this reader's file (the
    part's actions slot is still there)."""

    key: str
    section: Section | None
    runs: tuple[Run, ...] = ()


def runs_of(entries: tuple[Entry, ...]) -> tuple[Run, ...]:
    """Group entries into runs of labelled ones and of plain paragraphs, in order."""
    runs: list[Run] = []
    for entry in entries:
        labelled = bool(entry.label)
        if runs and runs[-1].labelled == labelled:
            runs[-1] = Run(labelled, (*runs[-1].entries, entry))
        else:
            runs.append(Run(labelled, (entry,)))
    return tuple(runs)


def checklist_rows(section: Section) -> list[ChecklistRow]:
    """The checklist's items as rows, each with the comments written under it."""
    rows: list[ChecklistRow] = []
    for entry in section.entries:
        if entry.indent == 0 or not rows:
            rows.append(ChecklistRow(entry.key, entry.label, entry.text))
        else:
            last = rows[-1]
            rows[-1] = ChecklistRow(last.key, last.item, last.answer, (*last.comments, entry.text))
    return rows


def _under(section: Section) -> tuple[Entry, ...]:
    """The section's entries without a line that only repeats its heading ("Notes:")."""
    return tuple(e for e in section.entries if e.label or e.text.rstrip(":") != section.title)


def parts_of(file: CaseFile) -> list[Part]:
    """Every part of the case in the file's order, those left out of it as empty slots."""
    by_key = {s.key: s for s in file.sections}
    parts = [Part(s.key, s, runs_of(_under(s))) for s in file.sections if s.key != "about"]
    missing = [Part(key, None) for key in KEYS if key not in by_key and key != "about"]
    return parts + missing


def viewable(item: EvidenceItem) -> bool:
    """True if the file may be worth a "Show" link (a picture or a PDF, as it was sent; the
    bytes decide when it is opened)."""
    return item.kind == "photo" or item.mime_type.split(";")[0].strip().lower() in INLINE


def _cut(ref: str) -> str:
    return ref[:REF_CUT]


async def _case(ctx: Context, ref: str, refusal: str) -> tuple[Report, Access] | None:
    """The case if the person may see it; else None, the attempt audited as ``refusal``
    (a reference-shaped attempt names the reference tried, never other text)."""
    try:
        return await CaseRepo(ctx.session, ctx.keyring).by_ref(ctx.viewer, _cut(ref))
    except NotFound:
        tried = normalised_ref(_cut(ref)) if refusal == "case_denied" else None
        AuditRepo(ctx.session).record(
            ctx.person.handle, refusal, tried or "-", ctx.person.municipality_id, ctx.now
        )
        return None


def _audit(ctx: Context, action: str, report: Report) -> None:
    AuditRepo(ctx.session).record(
        ctx.person.handle, action, report.ref, report.municipality_id, ctx.now, report=report
    )


async def _page(request: Request, desk: Desk, report: Report, access: Access) -> Response:
    ctx = desk.ctx
    file = await build(ctx, report, access, pictures=False)
    found = Found(report, access, await CaseListRepo(ctx.session).first_alert(report))
    repo = EvidenceRepo(ctx.session, ctx.keyring)
    evidence = await repo.listing(ctx.viewer, report) if access in READERS else []
    about = next(s for s in file.sections if s.key == "about")
    checklist = next((s for s in file.sections if s.key == "checklist"), None)
    summary = await case_row(ctx, found)
    if summary.category:  # beside its label, as the report's own answer reads: "partiet"
        summary = replace(summary, category=after_label(summary.category))
    return page(
        request,
        desk,
        "case.html",
        heading=file.running_head,
        report=report,
        ref=report.ref,
        access=access.name.lower(),
        drill=report.drill_id is not None,
        summary=summary,
        about=about,
        parts=parts_of(file),
        checklist=checklist_rows(checklist) if checklist is not None else [],
        evidence=[
            (item, evidence_line(ctx, item), origin_line(ctx, item), viewable(item))
            for item in evidence
        ],
        marking=file.marking,
        exportable=report.drill_id is None,
        actions=await actions_for(ctx, report, access),
    )


async def case_page(request: Request) -> Response:
    """Show the case as the person may read it; audited as the chat audits an opened case."""
    response: Response | None = None
    async with signed_in(request) as desk:
        ctx = desk.ctx
        found = await _case(ctx, request.path_params["ref"], "case_denied")
        if found is not None:
            report, access = found
            _audit(ctx, "case_opened", report)
            if access in READERS:  # the report in full is on the page, as "Show the report"
                _audit(ctx, "report_viewed", report)
            response = await _page(request, desk, report, access)
    if response is None:
        raise NotFound("case")  # after the unit of work, so that the refusal is kept
    return response


async def _opened(ctx: Context, ref: str, number: int) -> OpenedEvidence | None:
    """The case's file at position ``number``, through the chat's way of opening evidence."""
    found = await _case(ctx, ref, "evidence_denied")
    if found is None:
        return None
    report, _access = found
    repo = EvidenceRepo(ctx.session, ctx.keyring)
    try:
        items = await repo.listing(ctx.viewer, report)
        item = next((i for i in items if i.number == number), None)
        if item is not None:
            return await repo.open(ctx.viewer, item.id)
    except NotFound:
        pass
    AuditRepo(ctx.session).record(
        ctx.person.handle, "evidence_denied", "-", ctx.person.municipality_id, ctx.now
    )
    return None


async def evidence_file(request: Request) -> Response:
    """Send one piece of evidence (a download; ``?view=1``: shown, if a picture or PDF)."""
    async with signed_in(request) as desk:
        ctx = desk.ctx
        opened = await _opened(ctx, request.path_params["ref"], request.path_params["n"])
        if opened is not None:
            _audit(ctx, "evidence_opened", opened.report)
    if opened is None:
        raise NotFound("evidence")
    item = opened.item
    name = safe_name(file_name(item), f"{opened.report.ref}-{item.number}")
    media_type = content_type(opened.content, item.mime_type, name)
    inline = request.query_params.get("view") == "1"
    return file_response(opened.content, media_type, name, inline=inline)


async def case_pdf(request: Request) -> Response:
    """The case file as a PDF for the person, as the chat's "Case file (PDF)" makes it."""
    form = await form_of(request)
    file: CaseFile | None = None
    async with signed_in(request, form) as desk:
        ctx = desk.ctx
        found = await _case(ctx, request.path_params["ref"], "case_export_denied")
        if found is not None and found[0].drill_id is None:  # a drill's case has no file
            report, access = found
            _audit(ctx, "case_exported", report)
            file = await build(ctx, report, access)
        drill = ctx._("A drill's case has no case file: it is removed when the drill ends.")
        made_at = ctx.now
    if found is None:
        raise NotFound("case")  # after the unit of work, so that the refusal is kept
    if file is None:
        return await refused(request, drill, f"/cases/{found[0].ref}")
    content = await run_in_threadpool(render, file, made_at)  # off the event loop
    return file_response(content, "application/pdf", f"{file.ref}.pdf")


ROUTES = [
    Route("/cases/{ref}", case_page),
    Route("/cases/{ref}/files/{n:int}", evidence_file),
    Route("/cases/{ref}/pdf", case_pdf, methods=["POST"]),
]
