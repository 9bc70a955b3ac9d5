"""Handing a case over to another security contact of the party, or to the municipal unit."""

from __future__ import annotations

from conversations.alerts import ESCALATE
from conversations.case.common import Case, found_case, gone
from conversations.case.view import show_case
from conversations.events import Button, InboundEvent
from conversations.flow import Context, StateResult
from conversations.notices import CASE_HANDED_OVER, CASE_NEW_HANDLER
from storage.access import Access
from storage.directory import DirectoryRepo
from storage.errors import NotFound
from storage.handover import HandoverRepo
from storage.models import Role
from storage.outbox import URGENT
from storage.timers import TimerRepo
from storage.trust import AuditRepo


async def start_handover(ctx: Context, event: InboundEvent) -> StateResult:
    """Ask whom to hand the case over to: the party's other contacts, then the unit."""
    _ = ctx._
    found = await found_case(ctx, Access.HANDLER)
    if found is None:
        return await gone(ctx)
    report, _access = found
    try:
        people = await HandoverRepo(ctx.session).candidates(ctx.viewer, report)
    except NotFound:
        return await show_case(ctx)
    if not people:
        ctx.reply(_("There is nobody in Trygg you can hand this case over to."))
        return await show_case(ctx)
    rows = []
    for person in people:
        name = person.display_name or person.handle
        if person.role is Role.MUNICIPAL_SECURITY:
            name = _("{name} (municipal security unit)").format(name=name)
        rows.append([Button(f"handover:{person.id}", name)])
    rows.append([Button("case:view", _("Back"))])
    ctx.reply(_("Who should take over case {ref}?").format(ref=report.ref), rows)
    return Case.HANDOVER


async def hand_over(ctx: Context, event: InboundEvent) -> StateResult:
    """Hand the case over: the receiver gets it (and a message), the person it is about is
    told who has it now; audited."""
    _ = ctx._
    found = await found_case(ctx, Access.HANDLER)
    if found is None:
        return await gone(ctx)
    report, _access = found
    repo = HandoverRepo(ctx.session)
    if event.button:
        target = event.button.removeprefix("handover:")
        person_id = int(target) if target.isdigit() else -1
    else:  # a name typed instead of pressed
        typed = event.text.strip().casefold()
        try:
            people = await repo.candidates(ctx.viewer, report) if typed else []
        except NotFound:
            return await show_case(ctx)
        named = [p for p in people if (p.display_name or p.handle).casefold().startswith(typed)]
        if len(named) != 1:
            ctx.reply(_("Choose who should take over with the buttons below."))
            ctx.again()
            return None
        person_id = named[0].id
    try:
        alert = await repo.hand_over(ctx.viewer, report, person_id, ctx.now)
    except NotFound:
        ctx.reply(_("That person cannot take over this case."))
        return await show_case(ctx)
    await TimerRepo(ctx.session).cancel(ESCALATE, alert.id)
    receiver = alert.acknowledged_by
    if receiver is None:
        return await show_case(ctx)
    AuditRepo(ctx.session).record(
        ctx.person.handle,
        "case_handed_over",
        report.ref,
        report.municipality_id,
        ctx.now,
        report=report,
    )
    payload = {"report": report.id, "from": ctx.person.id, "to": receiver}
    ctx.notify(receiver, CASE_HANDED_OVER, payload, URGENT)
    if report.reporter_id is not None:
        ctx.notify(report.reporter_id, CASE_NEW_HANDLER, payload, URGENT)
    directory = DirectoryRepo(ctx.session)
    card, _party, _m = await directory.describe(ctx.viewer, receiver)
    person = _("the person it is about")
    if report.reporter_id is not None:
        person = (await directory.describe(ctx.viewer, report.reporter_id))[0].name
    ctx.reply(
        _("Case {ref} is now with {name}. {name} and {person} have been told.").format(
            ref=report.ref, name=card.name, person=person
        )
    )
    return await show_case(ctx)
