"""Reading a case whole: the report in full, the follow-up log, the closing evaluation and
the evidence, each file openable into the reader's own chat (every opening audited).

Those who handle the case read all of it; the reporter reads her report and opens her own
files; nobody else gets anything (storage.access, checked in the repositories)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from babel.dates import format_date

from conversations.events import Button, FileRef, InboundEvent, Reply
from conversations.flow import Context, StateResult
from conversations.i18n import DISPLAY_TZ, N_, shown_name
from conversations.notice_context import NOTICE_TOKEN, opens_case
from conversations.report.form import BY_STEP, ReportStep
from conversations.report.text import NEUTRAL, evidence_kind, full_report_text
from storage.access import Access
from storage.alerts import AlertRepo
from storage.calls import CallRepo
from storage.cases import CaseRepo
from storage.directory import DirectoryRepo
from storage.errors import NotFound
from storage.evidence import EvidenceItem, EvidenceRepo
from storage.models import Report
from storage.reports import ReportRepo
from storage.trust import AuditRepo

OPEN_FILE = "ev_open"  # ev_open:<evidence id>: send that file into the reader's chat
FILES_PER_ROW = 3

FOLLOWUP_FIELDS = (
    ("present", N_("Present")),
    ("situation", N_("Current situation and need for support")),
    ("continued_support", N_("Continued support needed")),
    ("professional_support", N_("Professional support")),
)
# what documenting a call writes (a booking keeps only who booked it: nothing written yet)
WRITTEN = frozenset({"date", *(key for key, _label in FOLLOWUP_FIELDS)})
EVALUATION_FIELDS = (
    ("routine_applied", N_("Routine applied")),
    ("routine", N_("Vulnerabilities and improvements in the routine")),
    ("plan", N_("Vulnerabilities and improvements in the plan")),
)
CHOSEN = {
    "yes": N_("yes"),
    "no": N_("no"),
    "not_needed": N_("not needed"),
    "assessed": N_("needed"),
    "ordered": N_("ordered via occupational health"),
}


def _value(ctx: Context, value: Any) -> str:
    text = str(value).strip() if value is not None else ""
    if not text:
        return ctx._("nothing written")
    return ctx._(CHOSEN[text]) if text in CHOSEN else text


def _field_lines(
    ctx: Context, fields: tuple[tuple[str, str], ...], values: dict[str, Any]
) -> list[str]:
    lines = []
    for key, label in fields:
        if key not in values:
            continue
        value = _value(ctx, values[key])
        if "\n" in value:
            lines.append(f"   {ctx._(label)}:")
            lines += [f"      {part}" for part in value.splitlines()]
        else:
            lines.append(f"   {ctx._(label)}: {value}")
    return lines


def _held_on(ctx: Context, notes: dict[str, Any]) -> str:
    """The day a follow-up was held: "20 november" (the year only when not this year)."""
    try:
        held = date.fromisoformat(str(notes.get("date", "")))
    except ValueError:
        return ""
    this_year = ctx.now.astimezone(DISPLAY_TZ).year
    return format_date(held, "d MMMM" + ("" if held.year == this_year else " y"), locale=ctx.locale)


async def followup_log(ctx: Context, report: Report) -> list[str]:
    """The follow-up conversations as documented (paper form section 3), for handlers."""
    repo = CaseRepo(ctx.session, ctx.keyring)
    lines: list[str] = []
    rows = await CallRepo(ctx.session, ctx.keyring).rows(ctx.viewer, report)
    for number, row in sorted(rows.items()):
        notes = repo.notes_of(row)
        if row.status != "documented" and not WRITTEN & notes.keys():
            if row.status == "planned" and row.planned_for is not None:
                when = ctx.when(row.planned_for)
                planned = ctx._("Follow-up call {n}: planned for {when}")
                lines += ["", planned.format(n=number, when=when)]
            continue
        held = _held_on(ctx, notes)
        head = ctx._("Follow-up call {n}").format(n=number)
        if held:
            head += " – " + ctx._("held {day}").format(day=held)
        if row.status != "documented":
            head += " " + ctx._("(not finished)")
        lines += ["", head + ":", *_field_lines(ctx, FOLLOWUP_FIELDS, notes)]
    return lines


def evaluation_lines(ctx: Context, report: Report) -> list[str]:
    """The closing evaluation (the form's "Uppföljning"), for handlers."""
    evaluation = CaseRepo(ctx.session, ctx.keyring).evaluation_of(report)
    if not evaluation:
        return []
    head = ctx._("Closing evaluation")
    if report.closed_at is not None:
        head += " – " + ctx.when(report.closed_at)
    return ["", head + ":", *_field_lines(ctx, EVALUATION_FIELDS, evaluation)]


def _size(ctx: Context, size: int) -> str:
    if size < 1024 * 1024:
        return ctx._("{n} kB").format(n=max(1, round(size / 1024)))
    return ctx._("{n} MB").format(n=f"{size / (1024 * 1024):.1f}")


def evidence_line(ctx: Context, item: EvidenceItem) -> str:
    """One file: number, kind, name, size, time received, SHA-256."""
    name = f" {item.name}" if item.name else ""
    return ctx._("{n}. {kind}{name}, {size}, received {when}, SHA-256 {sha}").format(
        n=item.number,
        kind=evidence_kind(ctx, item.kind),
        name=name,
        size=_size(ctx, item.size),
        when=ctx.when(item.received_at),
        sha=item.sha256,
    )


def origin_line(ctx: Context, item: EvidenceItem) -> str:
    """Who first sent a forwarded file, and when, as kept with it ("" if not told)."""
    who, at = item.origin, item.origin_at
    if who and at is not None:
        line = ctx._("First sent by {who}, {when}")
    elif who:
        line = ctx._("First sent by {who}")
    elif at is not None:
        line = ctx._("First sent {when}")
    else:
        return ""
    return line.format(who=who, when="" if at is None else ctx.when(at))


def _open_buttons(ctx: Context, items: list[EvidenceItem]) -> list[list[Button]]:
    buttons = [
        Button(f"{OPEN_FILE}:{item.id}", ctx._("Open file {n}").format(n=item.number))
        for item in items
    ]
    return [buttons[i : i + FILES_PER_ROW] for i in range(0, len(buttons), FILES_PER_ROW)]


async def _reporter(ctx: Context, report: Report) -> list[str]:
    """Who reported it and how to reach them (staff read the report without a "du")."""
    if report.reporter_id is None:
        return []
    try:
        card, party, _m = await DirectoryRepo(ctx.session).describe(ctx.viewer, report.reporter_id)
    except NotFound:
        return []
    who = f"{shown_name(ctx._, card)}, {card.phone or '–'}" + (f" ({party})" if party else "")
    return [ctx._("Reported by: {who}").format(who=who)]


SELF = NEUTRAL["It happened to me"]  # "the targeted person themselves", as staff read it


async def herself(ctx: Context, report: Report) -> str:
    """'Anna Berg (reported it themselves)': whom a report she wrote about herself is about,
    as staff read it (her name, never "den utsatta själv"); "" if her name is not known."""
    person_id = report.targeted_id or report.reporter_id
    if person_id is None:
        return ""
    try:
        card, _party, _m = await DirectoryRepo(ctx.session).describe(ctx.viewer, person_id)
    except NotFound:
        return ""
    return ctx._("{name} (reported it themselves)").format(name=card.name) if card.name else ""


def named_herself(ctx: Context, shown: str, name: str) -> str:
    """The answer to "Who it is about" with her name (``name``, from :func:`herself`) when
    it says she reported it herself; any other answer as it is."""
    return name if name and shown == ctx._(SELF) else shown


def _with_her_name(ctx: Context, answers: str, name: str) -> str:
    label = ctx._(BY_STEP[ReportStep.WHO].label)
    return "\n".join(
        f"{label}: {named_herself(ctx, line.removeprefix(f'{label}: '), name)}"
        if line.startswith(f"{label}: ")
        else line
        for line in answers.split("\n")
    )


async def whole_case(
    ctx: Context, report: Report, access: Access, then: list[list[Button]] | None = None
) -> None:
    """Reply with the whole case as the viewer may read it (HANDLER or OWN); ``then``: the
    buttons for what she does next, below the files'."""
    _ = ctx._
    staff = access is Access.HANDLER
    head, _nl, answers = full_report_text(ctx, report, neutral=staff).partition("\n")
    if staff:  # "Vem det gäller: Anna Berg (rapporterade själv)"; she reads "Det hände mig"
        answers = _with_her_name(ctx, answers, await herself(ctx, report))
    lines = [head, *(await _reporter(ctx, report) if staff else []), answers]
    if staff:
        lines += await followup_log(ctx, report)
        lines += evaluation_lines(ctx, report)
    items = await EvidenceRepo(ctx.session, ctx.keyring).listing(ctx.viewer, report)
    if items:
        lines += ["", _("Evidence:")]
        for item in items:
            lines.append(evidence_line(ctx, item))
            if origin := origin_line(ctx, item):
                lines.append("   " + origin)
            if item.caption:
                lines.append("   " + _("“{text}”").format(text=item.caption))
    rows = tuple(tuple(row) for row in [*_open_buttons(ctx, items), *(then or [])])
    # its buttons work from any message: the case card above keeps its own ("Boka samtal")
    ctx.replies.append(Reply("\n".join(lines), rows, NOTICE_TOKEN if rows else ""))


async def _next(ctx: Context, report: Report) -> list[list[Button]]:
    """What a contact who has read the report does next: take its alert while it waits for
    her (read at night, then taken without scrolling back to the push), else open the case."""
    repo = AlertRepo(ctx.session)
    for alert in await repo.open_for([ctx.person.id], untaken=True):
        if alert.report_id == report.id and await repo.may_act(alert, ctx.person.id):
            return [[Button(f"ack:{alert.id}", ctx._("I'll take it"))]]
    return [[opens_case(ctx._, report)]]


async def show_whole_case(ctx: Context, event: InboundEvent) -> StateResult:
    """Show the whole case to an allowed reader (show:<report id>)."""
    _ = ctx._
    report_id = event.button.partition(":")[2]
    repo = CaseRepo(ctx.session, ctx.keyring)
    report = await ctx.session.get(Report, report_id[:64]) if report_id else None
    access = await repo.access(ctx.viewer, report) if report is not None else Access.NONE
    if report is None or access not in (Access.OWN, Access.HANDLER):
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
    then = await _next(ctx, report) if access is Access.HANDLER else None
    await whole_case(ctx, report, access, then)
    return None


SHOW_WORDS = ("visa rapporten", "visa hela rapporten", "show the report", "show report")
"""Typed instead of pressing "Visa rapporten" on an alert."""


async def show_typed(ctx: Context, event: InboundEvent) -> StateResult:
    """'Visa rapporten' typed: the report of the newest alert that reached this person, else
    their own newest report; access is checked as for the button."""
    report_id = await AlertRepo(ctx.session).latest_report_to(ctx.person.id)
    if report_id is None:
        own = await ReportRepo(ctx.session, ctx.keyring).latest_submitted(ctx.viewer)
        report_id = own.id if own is not None else None
    if report_id is None:
        ctx.reply(ctx._("There is no report here for you to read."))
        return None
    return await show_whole_case(ctx, replace(event, button=f"show:{report_id}"))


async def open_evidence(ctx: Context, event: InboundEvent) -> StateResult:
    """Send one piece of evidence into the reader's own chat, with its SHA-256 (audited)."""
    _ = ctx._
    evidence_id = event.button.partition(":")[2]
    try:
        opened = await EvidenceRepo(ctx.session, ctx.keyring).open(ctx.viewer, evidence_id)
    except NotFound:
        AuditRepo(ctx.session).record(
            ctx.person.handle, "evidence_denied", "-", ctx.person.municipality_id, ctx.now
        )
        ctx.reply(_("That file is not available to you."))
        return None
    report, item = opened.report, opened.item
    AuditRepo(ctx.session).record(
        ctx.person.handle,
        "evidence_opened",
        report.ref,
        report.municipality_id,
        ctx.now,
        report=report,
    )
    caption = "\n".join(
        [
            _("File {n} of case {ref}: {kind}, received {when}").format(
                n=item.number,
                ref=report.ref,
                kind=evidence_kind(ctx, item.kind),
                when=ctx.when(item.received_at),
            ),
            *filter(None, [origin_line(ctx, item)]),
            f"SHA-256: {item.sha256}",
        ]
    )
    ctx.replies.append(Reply(caption, file=FileRef(item.id, item.kind, file_name(item))))
    return None


EXTENSIONS = {"photo": ".jpg", "voice": ".ogg", "video": ".mp4", "audio": ".mp3", "forward": ".txt"}


def file_name(item: EvidenceItem) -> str:
    """The name to give the file: as received, else by its number and kind."""
    if item.name:
        return item.name
    return f"bevis-{item.number}{EXTENSIONS.get(item.kind, '.bin')}"
