"""/arenden: the cases a person may access, one line each, and the /akut alerts they got.

Each line: reference, the person (as the viewer may see them; "you" for one's own), the
category (neutral), the status and the next step due for the viewer. Open cases first,
then those closed in the last 90 days; each with a button that opens it as /arende does.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from conversations import dates
from conversations.about import about_someone_else, named_target
from conversations.akut_notices import READ
from conversations.case.common import responsible_for, role_key
from conversations.case.lines import reader_of
from conversations.events import Button, InboundEvent
from conversations.flow import Context, StateResult
from conversations.i18n import shown_name
from conversations.report.legacy import upgrade
from conversations.texts import menu_buttons
from storage.access import Access
from storage.calls import CallRepo
from storage.caselist import CaseListRepo, Found
from storage.cases import CaseRepo
from storage.directory import DirectoryRepo
from storage.errors import NotFound
from storage.models import Alert, AlertStatus, Report, ReportStatus
from storage.reports import ReportRepo

PAGE = 8  # lines per message; the rest behind "Show more"


async def _name(ctx: Context, person_id: int | None) -> str:
    """The person's name as the directory gives it to this viewer; "you" for oneself."""
    if person_id is None:
        return "–"
    if person_id == ctx.person.id:
        return ctx._("you")
    try:
        card, _party, _m = await DirectoryRepo(ctx.session).describe(ctx.viewer, person_id)
    except NotFound:
        return "–"
    return shown_name(ctx._, card)


async def _status(ctx: Context, alert: Alert | None, closed: bool) -> str:
    _ = ctx._
    if closed:
        return _("closed")
    if alert is None or alert.status is AlertStatus.WITHDRAWN:
        return _("open")
    if alert.status is AlertStatus.ACKNOWLEDGED and alert.acknowledged_by == ctx.person.id:
        return _("taken by you")
    if alert.status is AlertStatus.ACKNOWLEDGED and alert.acknowledged_by is not None:
        return _("taken by {name}").format(name=await _name(ctx, alert.acknowledged_by))
    if alert.status is AlertStatus.EXHAUSTED:
        return _("nobody has answered")
    return _("waiting for someone to take it")


async def _next_step(ctx: Context, found: Found) -> str:
    """What is due next for this viewer: their next checklist item, the planned follow-up
    call (for those who handle it and the person it is about), or nothing."""
    _ = ctx._
    report = found.report
    if report.status is ReportStatus.CLOSED:
        when = ctx.when(report.closed_at) if report.closed_at else ""
        return _("closed {when}").format(when=when) if when else _("nothing due")
    repo = CaseRepo(ctx.session, ctx.keyring)
    pack = ctx.packs.get(report.pack)
    state = await repo.checklist(report, ctx.viewer)
    key = role_key(found.access, ctx.person.role, report)
    reader = await reader_of(ctx, report, found.access)  # not 3.1.1 once sent to the unit
    mine = [
        i
        for i in pack.checklist
        if i.id not in state and responsible_for(i, key) and not i.done_by_sending(reader)
    ]
    if mine and found.access is Access.OWN:  # her own steps: counted here, asked in the case
        ngettext = ctx.ngettext
        return ngettext(
            "{n} question for you to answer", "{n} questions for you to answer", len(mine)
        ).format(n=len(mine))
    if mine:
        return _("next for you: {step} {check}").format(
            step=mine[0].step, check=mine[0].check.get(ctx.locale)
        )
    try:  # storage says whose the calls are to read (not the director's)
        log = await CallRepo(ctx.session, ctx.keyring).log(ctx.viewer, report)
    except NotFound:
        log = []
    for call in (c for c in log if c.status == "planned"):  # the next call, first in order
        if call.planned_for is not None:
            when = ctx.when(call.planned_for)
            return _("follow-up call {n}: {when}").format(n=call.number, when=when)
        if call.planned_day is not None:  # planned for a day, no time booked yet
            day = dates.say_day(call.planned_day, ctx.now, ctx.locale, weekday=True)
            return _("follow-up call {n}: around {day}").format(n=call.number, day=day)
    return _("nothing due")


def _category(ctx: Context, found: Found) -> str | None:
    report = found.report
    if not report.category:
        return None
    if report.category == "unknown":  # her own words are report text: not in a list line
        answer = ReportRepo(ctx.session, ctx.keyring).answers(report).get("category")
        if isinstance(answer, dict) and answer.get("text") and not answer.get("choice"):
            return ctx._("in their own words")
    pack = ctx.packs.get(report.pack)
    return next(
        (c.shown(ctx.locale, neutral=True) for c in pack.categories if c.id == report.category),
        None,
    )


@dataclass(frozen=True, slots=True)
class CaseRow:
    """One case as a list shows it to this viewer (in the chat a line, on the web a row)."""

    ref: str
    person: str
    category: str | None  # neutral words, as the viewer may see them
    category_id: str | None
    party_id: int | None
    closed: bool
    status: str
    next_step: str
    submitted_at: datetime | None


def reported_for(ctx: Context, report: Report, access: Access) -> str | None:
    """The person a report was made for, named as the reporter wrote it; None if it is her
    own, or the viewer does not read the report."""
    if access is not Access.HANDLER:
        return None
    answers = upgrade(ReportRepo(ctx.session, ctx.keyring).answers(report))
    return named_target(answers) if about_someone_else(answers) else None


async def _about(ctx: Context, found: Found) -> str:
    """Whom the case is about: the reporter, or (to those who read the report) the person she
    reported for, named as she wrote it: "Karin Ek (reported by Britt Holm)"; to those who
    see only the checklist, who reported it (whom it is about is in the report)."""
    reporter = await _name(ctx, found.report.reporter_id)
    if found.access is Access.CHECKLIST:
        return ctx._("reported by {reporter}").format(reporter=reporter)
    target = reported_for(ctx, found.report, found.access)
    if target is None:
        return reporter
    return ctx._("{name} (reported by {reporter})").format(name=target, reporter=reporter)


async def case_row(ctx: Context, found: Found) -> CaseRow:
    """Describe a found case for a list: who, category, status and the next step due."""
    report = found.report
    closed = report.status is ReportStatus.CLOSED
    return CaseRow(
        ref=report.ref,
        person=await _about(ctx, found),
        category=_category(ctx, found),
        category_id=report.category,
        party_id=report.party_id,
        closed=closed,
        status=await _status(ctx, found.alert, closed),
        next_step=await _next_step(ctx, found),
        submitted_at=report.submitted_at,
    )


async def _case_line(ctx: Context, found: Found) -> str:
    row = await case_row(ctx, found)
    parts = [row.ref, row.person]
    if row.category:
        parts.append(ctx._("category: {category}").format(category=row.category.lower()))
    if not row.closed:
        parts.append(row.status)
    parts.append(row.next_step)
    return "• " + " – ".join(parts)


async def _alert_line(ctx: Context, alert: Alert) -> str:
    _ = ctx._
    return "• " + " – ".join(
        [
            _("alert"),
            await _name(ctx, alert.subject_id),
            ctx.when(alert.created_at),
            await _status(ctx, alert, False),
        ]
    )


async def list_cases(ctx: Context, event: InboundEvent) -> StateResult:
    """List the cases the person may access and the /akut alerts they got (/arenden [page])."""
    _ = ctx._
    repo = CaseListRepo(ctx.session)
    cases = await repo.cases(ctx.viewer, ctx.now)
    open_people = {
        f.report.reporter_id for f in cases if f.report.status is not ReportStatus.CLOSED
    }
    # an /akut alert of someone whose case is listed is part of that case, not a line of its own
    # (one still waiting for someone stays a line of its own: it needs someone now)
    alerts = [
        a
        for a in await repo.akut_alerts(ctx.viewer, ctx.now)
        if a.status is AlertStatus.OPEN or a.subject_id not in open_people
    ]
    if not cases and not alerts:  # not a dead end: the menu, or a case one day
        ctx.reply(_("You have no open cases."), menu_buttons(ctx), anew="arenden")
        return None
    entries: list[tuple[str, str, Button]] = []  # (section, line, the button that opens it)
    for alert in alerts:  # back to what she wrote and her number, once the push scrolled away
        opens = Button(
            f"{READ}:{alert.id}",
            _("Open the alert: {name}").format(name=await _name(ctx, alert.subject_id)),
        )
        entries.append(("open", await _alert_line(ctx, alert), opens))
    for found in cases:
        section = "closed" if found.report.status is ReportStatus.CLOSED else "open"
        ref = found.report.ref
        opens = Button(f"cmd:arende {ref}", _("Open {ref}").format(ref=ref))
        entries.append((section, await _case_line(ctx, found), opens))
    entries.sort(key=lambda e: e[0] != "open")  # stable: alerts, then open cases, then closed
    typed = event.text.strip()[:4]
    page = int(typed) if typed.isdigit() else 1
    pages = max(1, -(-len(entries) // PAGE))
    page = min(max(page, 1), pages)
    shown = entries[(page - 1) * PAGE : page * PAGE]
    lines: list[str] = []
    buttons: list[list[Button]] = []
    section = ""
    for where, line, opens in shown:
        if where != section:
            section = where
            if lines:
                lines.append("")
            lines.append(_("Open cases:") if where == "open" else _("Closed in the last 90 days:"))
        lines.append(line)
        buttons.append([opens])
    rest = len(entries) - page * PAGE
    if rest > 0:
        lines += ["", ctx.ngettext("…and {n} more.", "…and {n} more.", rest).format(n=rest)]
        buttons.append([Button(f"cmd:arenden {page + 1}", _("Show more"))])
    ctx.reply("\n".join(lines), buttons, anew=f"arenden {page}")  # anew: as the cases are then
    return None
