"""Handing a case over to another security contact of the party, or to the municipal unit."""

from __future__ import annotations

from conversations import i18n
from conversations.alert_next import ESCALATE
from conversations.desk.access import checked
from conversations.desk.errors import Refused
from conversations.flow import Context
from conversations.followups import FOLLOWUP_CALL, FOLLOWUP_TELL
from conversations.notices import CASE_HANDED_OVER, CASE_NEW_HANDLER
from storage.access import Access
from storage.calls import CallRepo
from storage.directory import DirectoryRepo
from storage.errors import NotFound
from storage.handover import HandoverRepo
from storage.models import Person, Report, Role
from storage.outbox import URGENT
from storage.timers import TimerRepo
from storage.trust import AuditRepo
from storage.viewer import Viewer


async def candidate_people(ctx: Context, report: Report) -> list[Person]:
    """Those who may take the case over: the party's other contacts, then the unit."""
    await checked(ctx, report, Access.HANDLER)
    try:
        return await HandoverRepo(ctx.session).candidates(ctx.viewer, report)
    except NotFound as refused:
        raise Refused(ctx._("That case is not available to you.")) from refused


def shown_name(ctx: Context, person: Person) -> str:
    """A candidate's name as the choice shows it (the unit says it is the unit)."""
    name = person.display_name or ctx._(i18n.NAMELESS)
    if person.role is Role.MUNICIPAL_SECURITY:
        name = ctx._("{name} (municipal security unit)").format(name=name)
    return name


async def handover_candidates(
    ctx: Context, report: Report, access: Access
) -> list[tuple[int, str]]:
    """List (person id, name) of those who may take the case over, the party first."""
    return [(p.id, shown_name(ctx, p)) for p in await candidate_people(ctx, report)]


async def calls_named(ctx: Context, report: Report, receiver: int) -> dict[str, list[str]]:
    """What the message to the case's new handler names of its calls ("calls": booked,
    "days": planned for a day with no time yet), as its payload keys; none if they may not
    handle it."""
    viewer = Viewer.of(await DirectoryRepo(ctx.session).person(receiver))
    calls = CallRepo(ctx.session, ctx.keyring)
    today = ctx.now.astimezone(i18n.DISPLAY_TZ).date()
    try:
        booked = await calls.booked_ahead(viewer, report, ctx.now)
        days = await calls.days_ahead(viewer, report, today)
    except NotFound:
        return {}
    named = {"calls": [w.isoformat() for w in booked], "days": [d.isoformat() for d in days]}
    return {key: value for key, value in named.items() if value}


async def _give_calls(ctx: Context, report: Report, receiver: int) -> dict[str, list[str]]:
    """The receiver holds the booked calls now, and is reminded of them (not the giver);
    what their message names of the calls."""
    person = await DirectoryRepo(ctx.session).person(receiver)
    await CallRepo(ctx.session, ctx.keyring).give_calls(report, Viewer.of(person), ctx.now)
    timers = TimerRepo(ctx.session)
    for number in (1, 2, 3):
        for kind in (FOLLOWUP_CALL, FOLLOWUP_TELL):
            for timer in await timers.pending(kind, f"{report.id}:{number}"):
                timer.payload = {**timer.payload, "by": receiver}
    return await calls_named(ctx, report, receiver)


async def hand_over(ctx: Context, report: Report, access: Access, to_person_id: int) -> str:
    """Hand the case over: the receiver gets it (and a message), the person it is about is
    told who has it now; audited."""
    _ = ctx._
    await checked(ctx, report, Access.HANDLER)
    try:
        alert = await HandoverRepo(ctx.session).hand_over(ctx.viewer, report, to_person_id, ctx.now)
    except NotFound as refused:
        raise Refused(_("That person cannot take over this case.")) from refused
    await TimerRepo(ctx.session).cancel(ESCALATE, alert.id)
    receiver = alert.acknowledged_by
    if receiver is None:
        raise Refused(_("That person cannot take over this case."))
    AuditRepo(ctx.session).record(
        ctx.person.handle,
        "case_handed_over",
        report.ref,
        report.municipality_id,
        ctx.now,
        report=report,
    )
    payload: dict[str, object] = {"report": report.id, "from": ctx.person.id, "to": receiver}
    payload.update(await _give_calls(ctx, report, receiver))
    ctx.notify(receiver, CASE_HANDED_OVER, payload, URGENT)
    if report.reporter_id is not None:
        ctx.notify(report.reporter_id, CASE_NEW_HANDLER, payload, URGENT)
    directory = DirectoryRepo(ctx.session)
    card, _party, _m = await directory.describe(ctx.viewer, receiver)
    person = _("the person it is about")
    if report.reporter_id is not None:
        person = i18n.shown_name(_, (await directory.describe(ctx.viewer, report.reporter_id))[0])
    return _("Case {ref} is now with {name}. {name} and {person} have been told.").format(
        ref=report.ref, name=i18n.shown_name(_, card), person=person
    )
