"""Build a case file for a reader from what storage lets them see: the whole case for those
who handle it (and the operator's archive), her own report for the reporter, the header,
checklist and timeline for the municipal director. Parts left out are named as left out."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from conversations.case.common import name_of
from conversations.case.lines import answered, note_lines
from conversations.case.reading import (
    evaluation_lines,
    evidence_line,
    followup_log,
    origin_line,
)
from conversations.casefile.answers import answer_entries, role_statement
from conversations.casefile.model import CaseFile, Entry, Picture, Section
from conversations.casefile.timeline import Moment, planned_calls, said_at, timeline
from conversations.desk.unit import unit_contacted, unit_reach
from conversations.flow import Context
from conversations.i18n import Catalogs, place_name, shown_name
from conversations.packs import PackLibrary
from storage.access import Access
from storage.calls import CallRepo
from storage.cases import CaseRepo
from storage.crypto import Keyring
from storage.directory import DirectoryRepo, PlaceName
from storage.errors import NotFound
from storage.evidence import EvidenceRepo
from storage.models import Municipality, Party, Report, ReportStatus
from storage.viewer import Sender, Viewer

PICTURE_KINDS = ("photo",)


def reader_context(
    session: AsyncSession,
    person: Sender,
    viewer: Viewer,
    locale: str,
    catalogs: Catalogs,
    keyring: Keyring,
    packs: PackLibrary,
    now: datetime,
    *,
    document: bool = False,
) -> Context:
    """A context for building a file outside a conversation (at send time, at the CLI);
    ``document``: what it writes is read long after (a PDF), so dates are given in full."""
    return Context(
        session=session,
        person=person,
        viewer=viewer,
        locale=locale,
        _=catalogs.gettext(locale),
        ngettext=catalogs.ngettext(locale),
        now=now,
        data={},
        catalogs=catalogs,
        keyring=keyring,
        packs=packs,
        document=document,
    )


def _as_entries(lines: list[str]) -> list[Entry]:
    """Indented text lines (as the chat shows them) as entries of the document."""
    entries = []
    for line in lines:
        text = line.strip().removeprefix("• ")
        if text:
            entries.append(Entry("", text, (len(line) - len(line.lstrip())) // 3))
    return entries


async def _about(ctx: Context, report: Report, access: Access) -> Section:
    _ = ctx._
    status = _("closed") if report.status is ReportStatus.CLOSED else _("open")
    entries = [Entry(_("Case reference"), report.ref), Entry(_("Status"), status)]
    if report.submitted_at is not None:
        entries.append(Entry(_("Reported"), ctx.when(report.submitted_at)))
    municipality = await ctx.session.get(Municipality, report.municipality_id or 0)
    if municipality is not None:
        entries.append(Entry(_("Municipality"), place_name(ctx.locale, PlaceName.of(municipality))))
    party = await ctx.session.get(Party, report.party_id or 0)
    if party is not None:
        entries.append(Entry(_("Party"), party.name))
    if report.reporter_id is not None:  # as the case view shows it to every reader
        try:
            card, _p, _m = await DirectoryRepo(ctx.session).describe(ctx.viewer, report.reporter_id)
        except NotFound:
            card = None
        if card is not None:
            name = shown_name(_, card)
            entries.append(Entry(_("Reported by"), f"{name}, {card.phone or '–'}"))
    handling = await _handling(ctx, report, access)
    if handling:
        entries.append(Entry(_("Handled by"), handling))
    return Section(_("About the case"), tuple(entries), key="about")


async def _handling(ctx: Context, report: Report, access: Access) -> str:
    """'Pia Lind, +46 70 174 06 11 (since …)': who handles the case and since when, with her
    number for staff (the targeted person has her contacts); "" while nobody has taken it."""
    taken = await CaseRepo(ctx.session, ctx.keyring).taken(report)
    if taken is None:
        return ""
    person_id, since = taken
    who = await name_of(ctx, person_id)
    if access is not Access.OWN:
        try:
            card, _p, _m = await DirectoryRepo(ctx.session).describe(ctx.viewer, person_id)
        except NotFound:
            card = None
        if card is not None and card.phone:
            who = f"{who}, {card.phone}"
    if since is None:
        return who
    return ctx._("{name} (since {when})").format(name=who, when=ctx.when(since))


async def _for_police(
    ctx: Context, report: Report, access: Access, sections: list[Section], pictures: bool
) -> CaseFile:
    """The file for a police report: what happened, the evidence, what was done and when."""
    _ = ctx._
    if access in (Access.HANDLER, Access.OWN):
        statement = Entry("", await role_statement(ctx, report))
        entries = (statement, *await answer_entries(ctx, report))
        sections.append(Section(_("1. Incident report"), entries, key="report"))
    else:
        staff_only = _("Not in this file: only those who handle the case may read it.")
        sections.append(Section(_("1. Incident report"), note=staff_only, key="report"))
    checklist, moments = await _checklist(
        ctx, report, Access.CHECKLIST, comments=False, calls=False
    )
    sections.append(checklist)
    events = tuple(Entry(said_at(ctx, m), m.text) for m in moments)
    sections.append(Section(_("Timeline"), events, key="timeline"))
    shown: list[Picture] = []
    if access in (Access.HANDLER, Access.OWN):
        evidence, shown = await _evidence(ctx, report, pictures)
        sections.append(evidence)
    left_out = _(
        "Internal notes, comments, follow-up calls and the evaluation of the routine are not "
        "in this file: they stay in Trygg."
    )
    sections.append(Section(_("Left out"), note=left_out, key="left_out"))
    return _case_file(ctx, report, sections, shown, _("Material for a police report"))


async def _checklist(
    ctx: Context, report: Report, access: Access, *, comments: bool = True, calls: bool = True
) -> tuple[Section, list[Moment]]:
    _ = ctx._
    pack = ctx.packs.get(report.pack)
    state = await CaseRepo(ctx.session, ctx.keyring).checklist(report, ctx.viewer)
    reach = await unit_reach(ctx, report)  # 3.1.1 is done once the plan sent it there
    entries = []
    for item in pack.checklist:
        label = f"{item.step} {item.check.get(ctx.locale)}"
        done = state.get(item.id)
        if done is None and reach is not None and reach.did(item):
            entries.append(Entry(label, unit_contacted(ctx, reach.names), key=item.id))
            continue
        if done is None:
            entries.append(Entry(label, _("not answered"), key=item.id))
            continue
        if not comments:  # a written answer is a comment too: "Anna bor hos sin syster…"
            entries.append(Entry(label, await answered(ctx, replace(done, comment=None))))
            continue
        entries.append(Entry(label, await answered(ctx, done), key=item.id))
        if done.comment and done.answer != "text":
            entries.append(Entry(_("Comment"), done.comment, 1, key=item.id))
        for before in done.earlier:  # a changed answer: what it replaced, and its comment
            replaced = await answered(ctx, before)
            if before.comment and before.answer != "text":
                replaced = f"{replaced} – {before.comment}"
            entries.append(Entry(_("Answered before"), replaced, 1, key=item.id))
    called = await call_moments(ctx, report, access) if calls else []
    moments = await timeline(ctx, report, pack, state, called)
    checklist = Section(
        _("2. Checklist of the routine"), tuple(entries), wide_labels=True, key="checklist"
    )
    return checklist, moments


async def call_moments(ctx: Context, report: Report, access: Access) -> list[Moment]:
    """The follow-up calls in the timeline: when each is planned and when it was documented,
    by whom (handlers), as far as storage lets the reader read the calls (not the director)."""
    moments = await planned_calls(ctx, report)
    if access is not Access.HANDLER:
        return moments
    rows = await CallRepo(ctx.session, ctx.keyring).rows(ctx.viewer, report)
    for number, row in sorted(rows.items()):
        if row.status == "documented" and row.documented_at is not None:
            who = await name_of(ctx, row.documented_by)
            text = ctx._("Follow-up call {n} documented ({name})").format(n=number, name=who)
            moments.append(Moment(row.documented_at, text))
    return moments


async def _evidence(
    ctx: Context, report: Report, with_pictures: bool
) -> tuple[Section, list[Picture]]:
    _ = ctx._
    repo = EvidenceRepo(ctx.session, ctx.keyring)
    items = await repo.listing(ctx.viewer, report)
    entries: list[Entry] = []
    pictures: list[Picture] = []
    for item in items:
        entries.append(Entry("", evidence_line(ctx, item)))
        if origin := origin_line(ctx, item):
            entries.append(Entry("", origin, 1))
        if item.caption:
            entries.append(Entry("", _("“{text}”").format(text=item.caption), 1))
        if with_pictures and (item.kind in PICTURE_KINDS or item.mime_type.startswith("image/")):
            opened = await repo.open(ctx.viewer, item.id)
            title = _("File {n}: {name}").format(n=item.number, name=item.name or item.kind)
            pictures.append(Picture(title, opened.content))
    if not entries:
        entries.append(Entry("", _("No evidence was sent with the report.")))
    return Section(_("Evidence"), tuple(entries), key="evidence"), pictures


async def build(
    ctx: Context, report: Report, access: Access, *, pictures: bool = True, police: bool = False
) -> CaseFile:
    """The case file as the reader may see it (access: what storage gave them);
    ``pictures``: open the photos for the document (a web page links them instead);
    ``police``: only what a police report needs (the report, the evidence, the checklist's
    answers and the timeline), never internal notes, comments, follow-up calls or the
    evaluation."""
    _ = ctx._
    staff_only = _("Not in this file: only those who handle the case may read it.")
    sections = [await _about(ctx, report, access)]
    if police:
        return await _for_police(ctx, report, access, sections, pictures)
    if access in (Access.HANDLER, Access.OWN):
        statement = Entry("", await role_statement(ctx, report))
        entries = (statement, *await answer_entries(ctx, report))
        sections.append(Section(_("1. Incident report"), entries, key="report"))
    else:
        sections.append(Section(_("1. Incident report"), note=staff_only, key="report"))
    checklist, moments = await _checklist(ctx, report, access)
    sections.append(checklist)
    events = tuple(Entry(said_at(ctx, m), m.text) for m in moments)
    sections.append(Section(_("Timeline"), events, key="timeline"))
    if access is Access.HANDLER:
        log = _as_entries(await followup_log(ctx, report))
        none_yet = "" if log else _("None yet.")
        sections.append(
            Section(_("3. Support in the longer term"), tuple(log), none_yet, key="followups")
        )
    else:
        longer_term = _("3. Support in the longer term")
        sections.append(Section(longer_term, note=staff_only, key="followups"))
    notes = await CaseRepo(ctx.session, ctx.keyring).notes(ctx.viewer, report)
    if notes:
        lines = await note_lines(ctx, report, notes, access)
        lines = [line for line in lines if line != _("Notes:")]  # the section's own heading
        sections.append(Section(_("Notes"), tuple(_as_entries(lines)), key="notes"))
    if access is Access.HANDLER and (closing := _as_entries(evaluation_lines(ctx, report))):
        sections.append(Section(_("Follow-up of the routine"), tuple(closing), key="evaluation"))
    shown: list[Picture] = []
    if access in (Access.HANDLER, Access.OWN):
        evidence, shown = await _evidence(ctx, report, pictures)
        sections.append(evidence)
    else:
        sections.append(Section(_("Evidence"), note=staff_only, key="evidence"))
    return _case_file(ctx, report, sections, shown, _("Incident report and case documentation"))


def _case_file(
    ctx: Context, report: Report, sections: list[Section], shown: list[Picture], title: str
) -> CaseFile:
    _ = ctx._
    return CaseFile(
        ref=report.ref,
        title=title,
        subtitle=_("Threats, violence and harassment against elected officials"),
        running_head=_("Case {ref}").format(ref=report.ref),
        marking=_("Contains sensitive personal data"),
        generated=_("Made {when}").format(when=ctx.when(ctx.now)),
        page_label=_("Page {page} of {pages}"),
        sections=tuple(sections),
        pictures=tuple(shown),
        picture_heading=_("Photos kept as evidence"),
        unreadable_picture=_("This file cannot be shown as a picture; it is kept as it was sent."),
    )
