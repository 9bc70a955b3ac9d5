"""A case's timeline as the reader may see it: reported, alerts sent and taken, checklist
answers with who and when (3.1.1 done by the sending: when, answered by nobody), follow-up
calls, closed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time

from conversations.alert_carried import LINKED_FOR
from conversations.case.common import name_of
from conversations.desk.unit import unit_contacted_when, unit_reach
from conversations.desk.words import answer_label
from conversations.flow import Context
from conversations.i18n import DISPLAY_TZ, format_day
from conversations.packs import Pack
from conversations.report.form import for_self
from conversations.report.legacy import upgrade
from conversations.schedule import on_day
from storage.calls import CallRepo
from storage.cases import CaseRepo, ItemState
from storage.errors import NotFound
from storage.history import RAISED, SENT, AlertEvent, alert_history
from storage.models import Report
from storage.reports import ReportRepo


@dataclass(frozen=True, slots=True)
class Moment:
    """One thing that happened in the case, when and (in the reader's words) what."""

    at: datetime
    text: str
    day: date | None = None  # a day with no time (a call planned "in two weeks"): said so


def said_at(ctx: Context, moment: Moment) -> str:
    """When a moment is, as its line in the file says it: the time, or "around" the day."""
    if moment.day is None:
        return ctx.when(moment.at)
    today = None if ctx.document else ctx.now.astimezone(DISPLAY_TZ).date()
    return ctx._("around {day}").format(day=format_day(moment.day, today, ctx.locale))


def _about(ctx: Context, report: Report) -> int | None:
    """The person the case is about, when she reported it herself (her /akut alerts can
    belong to it); None when it was reported for someone else."""
    answers = upgrade(ReportRepo(ctx.session, ctx.keyring).answers(report))
    return (report.targeted_id or report.reporter_id) if for_self(answers) else None


async def history(ctx: Context, report: Report) -> list[AlertEvent]:
    """The case's alerts as the reader may read them, her /akut alerts that belong to it
    included."""
    return await alert_history(ctx.session, ctx.viewer, report, _about(ctx, report), LINKED_FOR)


async def _alerts(ctx: Context, report: Report) -> list[Moment]:
    _ = ctx._
    moments = []
    for event in await history(ctx, report):
        who = await name_of(ctx, event.person_id)
        akut = event.alert_kind == "akut"
        if event.what == RAISED and event.wrote:
            text = _(
                "{name} raised an alert with /akut and wrote to those alerted "
                "(not in the case file)"
            )
        elif event.what == RAISED:
            text = _("{name} raised an alert with /akut")
        elif event.what == SENT and akut:
            text = _("Alert from /akut sent to {name} (level {level})")
        elif event.what == SENT:
            text = _("Alert sent to {name} (level {level})")
        elif akut:
            text = _("{name} took the alert from /akut")
        else:
            text = _("{name} took the alert")
        moments.append(Moment(event.at, text.format(name=who, level=event.level)))
    return moments


async def _checklist(
    ctx: Context, report: Report, pack: Pack, state: dict[str, ItemState]
) -> list[Moment]:
    reach = await unit_reach(ctx, report)  # 3.1.1 is done once the plan sent it there
    moments = []
    for item in pack.checklist:
        done = state.get(item.id)
        if done is None and reach is not None and reach.did(item):
            text = f"{item.step} {unit_contacted_when(ctx, reach.names)}"
            moments.append(Moment(reach.at, text))  # what happened; nobody answered it
            continue
        if done is None:
            continue
        who = await name_of(ctx, done.answered_by)
        text = f"{item.step} {item.check.get(ctx.locale)} – {answer_label(ctx, done)} ({who})"
        moments.append(Moment(done.answered_at, text))
    return moments


async def planned_calls(ctx: Context, report: Report) -> list[Moment]:
    """When each follow-up call not yet held is planned."""
    _ = ctx._
    try:
        log = await CallRepo(ctx.session, ctx.keyring).log(ctx.viewer, report)
    except NotFound:
        return []
    moments = []
    for call in log:
        if call.status == "planned" and call.planned_for is not None:
            text = _("Follow-up call {n} planned").format(n=call.number)
            moments.append(Moment(call.planned_for, text))
        elif call.status == "planned" and call.planned_day is not None:
            text = _("Follow-up call {n} planned, no time booked yet").format(n=call.number)
            moments.append(Moment(on_day(call.planned_day, time.min), text, call.planned_day))
    return moments


async def _written(ctx: Context, report: Report) -> list[Moment]:
    """Each message written to the person who follows the case: who wrote, never what."""
    written = await CaseRepo(ctx.session, ctx.keyring).written_to_her(ctx.viewer, report)
    if not written:
        return []
    person = await name_of(ctx, report.reporter_id)
    return [
        Moment(
            at,
            ctx._("{name} wrote to {person}").format(name=await name_of(ctx, who), person=person),
        )
        for who, at in written
    ]


async def timeline(
    ctx: Context, report: Report, pack: Pack, state: dict[str, ItemState], calls: list[Moment]
) -> list[Moment]:
    """Everything that happened in the case that the reader may see, oldest first;
    ``calls``: the follow-up calls the reader may see, planned and documented (read by the
    caller, who knows what the reader may see)."""
    _ = ctx._
    moments: list[Moment] = []
    if report.submitted_at is not None:
        moments.append(Moment(report.submitted_at, _("Reported")))
    moments += await _alerts(ctx, report)
    moments += await _checklist(ctx, report, pack, state)
    moments += calls
    moments += await _written(ctx, report)
    if report.closed_at is not None:
        who = await name_of(ctx, report.closed_by)
        moments.append(Moment(report.closed_at, _("Closed by {name}").format(name=who)))
    return sorted(moments, key=lambda m: m.at)
