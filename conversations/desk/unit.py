"""The municipality's security unit brought onto a party's case when the routine gives it
work there: the strategist contacted (3.1.1 "Ja"), or professional support found needed at
a follow-up call, which the unit orders. They read the case from then on and are told
which of its items are theirs (the push the director gets for his)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from conversations.case_notices import ITEM_OWNED
from conversations.flow import Context
from conversations.i18n import names_list, shown_name
from conversations.packs import ChecklistItem, Reader
from storage.access import INTERNAL
from storage.alerts import AlertRepo
from storage.cases import CaseRepo
from storage.directory import ContactCard, DirectoryRepo
from storage.models import Report
from storage.outbox import ROUTINE

UNIT = "municipal_security"  # the routine's name for the unit's part


@dataclass(frozen=True, slots=True)
class Reached:
    """The unit's people the report reached, as the viewer may read them, and when."""

    names: str  # "" for a viewer who sees nobody's name
    at: datetime  # when the first of them was reached

    def did(self, item: ChecklistItem) -> bool:
        """Whether the sending itself did the item (3.1.1: the unit is contacted)."""
        return item.done_by_sending(Reader(unit=self.names))


async def unit_reach(ctx: Context, report: Report) -> Reached | None:
    """Whom at the municipality's unit the report reached (the plan sent it there) and
    when; None if it reached none of them."""
    reached = await AlertRepo(ctx.session).report_reached_at(report.id)
    unit = await DirectoryRepo(ctx.session).municipal_security(report.municipality_id)
    cards = [card for card in unit if card.person_id in reached]
    if not cards:
        return None
    names = [shown_name(ctx._, card) for card in cards]
    shown = names_list(ctx._, names) if ctx.viewer.registered else ""
    return Reached(shown, min(reached[card.person_id] for card in cards))


async def unit_reached(ctx: Context, report: Report) -> str | None:
    """The names of the municipality's unit's people the report reached (the plan sent it
    there), "" for a viewer who sees nobody's name, None if it reached none of them."""
    reach = await unit_reach(ctx, report)
    return reach.names if reach is not None else None


def unit_contacted(ctx: Context, names: str) -> str:
    """'Kommunens säkerhetsenhet är kontaktad (Sara Strand).': 3.1.1 done by the sending;
    without the names for a viewer who sees nobody's (``names`` "")."""
    if not names:
        return ctx._("The municipality's security unit has been contacted.")
    return ctx._("The municipality's security unit has been contacted ({names}).").format(
        names=names
    )


def unit_contacted_when(ctx: Context, names: str) -> str:
    """'Kommunens säkerhetsenhet kontaktades när rapporten skickades till Sara Strand': 3.1.1
    done by the sending, as the case's timeline tells it (nobody answered it)."""
    if not names:
        return ctx._("The municipality's security unit was contacted when the report was sent")
    return ctx._(
        "The municipality's security unit was contacted when the report was sent to {names}"
    ).format(names=names)


async def bring_in_unit(ctx: Context, report: Report, items: list[str]) -> str:
    """Give the case to the unit's people not on it yet and tell them which of ``items``
    (or, if none is named, of the unit's items) are theirs and still open; the line that
    says so ("" if nobody was brought in). An internal case stays with her closed group."""
    found = await _unit_on_case(ctx, report)
    if found is None:
        return ""
    unit, on_it, still_open = found
    fresh = [card for card in unit if card.person_id not in on_it]
    if not fresh:
        return ""
    theirs = [i.id for i in still_open if UNIT in i.responsible]
    await AlertRepo(ctx.session).bring_in(report.id, [card.person_id for card in fresh], ctx.now)
    names = _tell(ctx, report, fresh, [i for i in theirs if i in items] or theirs)
    told = ctx._(
        "{names} at the municipality's security unit now has the case and its part of the "
        "checklist."
    )
    return told.format(names=names)


async def tell_unit_on_case(ctx: Context, report: Report, items: list[str]) -> str:
    """Tell the unit's people already on the case (but not the one acting) that ``items``,
    theirs and still open, are needed now; the line that says so ("" if nobody was told)."""
    found = await _unit_on_case(ctx, report)
    if found is None:
        return ""
    unit, on_it, still_open = found
    told = [c for c in unit if c.person_id in on_it and c.person_id != ctx.person.id]
    wanted = [i.id for i in still_open if i.id in items]
    if not told or not wanted:
        return ""
    names = _tell(ctx, report, told, wanted)
    return ctx._(
        "{names} at the municipality's security unit has been told that its part is needed now."
    ).format(names=names)


async def _unit_on_case(
    ctx: Context, report: Report
) -> tuple[list[ContactCard], set[int], list[ChecklistItem]] | None:
    """The municipality's unit, who is on the case, and its checklist items still open;
    None for an internal case (it stays with her closed group) or a drill's."""
    if report.category == INTERNAL or report.drill_id is not None:
        return None
    unit = await DirectoryRepo(ctx.session).municipal_security(report.municipality_id)
    on_it = await AlertRepo(ctx.session).report_alerted(report.id)
    state = await CaseRepo(ctx.session, ctx.keyring).checklist(report, ctx.viewer)
    checklist = ctx.packs.get(report.pack).checklist
    return unit, on_it, [i for i in checklist if i.id not in state]


def _tell(ctx: Context, report: Report, cards: list[ContactCard], items: list[str]) -> str:
    """Tell each of them which items of the case are theirs now; their names, listed."""
    for card in cards:
        ctx.notify(card.person_id, ITEM_OWNED, {"report": report.id, "items": items}, ROUTINE)
    return names_list(ctx._, [shown_name(ctx._, card) for card in cards])
