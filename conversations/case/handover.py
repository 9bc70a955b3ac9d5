"""Handing a case over to another security contact of the party, or to the municipal unit."""

from __future__ import annotations

from conversations.case.common import Case, found_case, gone
from conversations.case.next_step import carry_on
from conversations.case.view import show_case
from conversations.desk import handover as desk
from conversations.desk.errors import Refused
from conversations.desk.handover import candidate_people, shown_name
from conversations.events import Button, InboundEvent
from conversations.flow import Context, StateResult
from conversations.texts import choose_hint
from storage.access import Access


async def start_handover(ctx: Context, event: InboundEvent) -> StateResult:
    """Ask whom to hand the case over to: the party's other contacts, then the unit."""
    _ = ctx._
    found = await found_case(ctx, Access.HANDLER)
    if found is None:
        return await gone(ctx)
    report, _access = found
    try:
        people = await candidate_people(ctx, report)
    except Refused:
        return await show_case(ctx)
    if not people:
        return await carry_on(ctx, _("There is nobody in Trygg you can hand this case over to."))
    rows = [[Button(f"handover:{person.id}", shown_name(ctx, person))] for person in people]
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
    report, access = found
    if event.button:
        target = event.button.removeprefix("handover:")
        person_id = int(target) if target.isdigit() else -1
    else:  # a name typed instead of pressed
        typed = event.text.strip().casefold()
        try:
            people = await candidate_people(ctx, report) if typed else []
        except Refused:
            return await show_case(ctx)
        named = [p for p in people if (p.display_name or p.handle).casefold().startswith(typed)]
        if len(named) != 1:
            ctx.reply(
                choose_hint(
                    ctx,
                    _("Choose who should take over with the buttons below."),
                    _("Answer with the number of the person who should take over."),
                )
            )
            ctx.again()
            return None
        person_id = named[0].id
    try:
        said = await desk.hand_over(ctx, report, access, person_id)
    except Refused as refused:
        said = refused.message
    return await carry_on(ctx, said, ahead=False)  # handed over: no "next for you"
