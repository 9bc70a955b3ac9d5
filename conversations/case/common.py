"""What every step of a case shares: its states, the labels, and finding the case again."""

from __future__ import annotations

from enum import StrEnum

from conversations.events import InboundEvent
from conversations.flow import END, Context, StateResult
from conversations.i18n import N_
from conversations.packs import ChecklistItem
from conversations.texts import menu_buttons
from storage.access import Access, responsibility_key
from storage.cases import CaseRepo
from storage.directory import DirectoryRepo
from storage.errors import NotFound
from storage.models import Person, Report, Role

ANSWERS = {"yes": N_("Yes"), "no": N_("No"), "na": N_("Not applicable")}
ROLE_LABELS = {
    "targeted": N_("the targeted person"),
    "party_security": N_("party security contact"),
    "municipal_security": N_("municipal security unit"),
    "municipal_director": N_("municipal director"),
    "association": N_("party association"),
}
FOLLOWUP_STATUS = {
    "planned": N_("planned"),
    "not_needed": N_("not needed"),
    "documented": N_("documented"),
}


class Case(StrEnum):
    VIEW = "view"
    CHECK = "check"
    CHECK_COMMENT = "check_comment"
    FU_DATE = "fu_date"
    FU_PRESENT = "fu_present"
    FU_NOTES = "fu_notes"
    FU_SUPPORT = "fu_support"
    FU_PROFESSIONAL = "fu_professional"
    FU_NEXT = "fu_next"
    BOOK = "book"
    MOVE = "move"
    CHANGE = "change"
    NOTE_TEXT = "note_text"
    NOTE_KIND = "note_kind"
    CLOSE_CONFIRM = "close_confirm"
    CLOSE_APPLIED = "close_applied"
    CLOSE_ROUTINE = "close_routine"
    CLOSE_PLAN = "close_plan"
    HANDOVER = "handover"


def role_key(access: Access, role: Role) -> str:
    """The viewer's part in the case as the routine names it (the rule storage checks)."""
    return responsibility_key(access, role)


def responsible_for(item: ChecklistItem, key: str) -> bool:
    return key in item.responsible


async def found_case(ctx: Context, minimum: Access = Access.OWN) -> tuple[Report, Access] | None:
    report_id = ctx.data.get("case")
    if not report_id:
        return None
    repo = CaseRepo(ctx.session, ctx.keyring)
    try:
        report = await repo.by_id(ctx.viewer, str(report_id), minimum)
    except NotFound:
        return None
    return report, await repo.access(ctx.viewer, report)


async def gone(ctx: Context) -> StateResult:
    """Say the case is not available and show the menu."""
    ctx.reply(ctx._("That case is not available to you."), menu_buttons(ctx))
    return END


async def repeat(ctx: Context, event: InboundEvent) -> StateResult:
    """Ask the open question again."""
    ctx.reply(ctx._("Please answer with the buttons below, or write your answer."))
    ctx.again()
    return None


async def name_of(ctx: Context, person_id: int | None) -> str:
    """A person's name as the viewer may see it: a role for someone not in the directory,
    who sees nobody's name; a dash for someone erased."""
    person = await ctx.session.get(Person, person_id) if person_id is not None else None
    if person is None:
        return "–"
    if person.id == ctx.person.id or ctx.viewer.registered:
        card, _party, _m = await DirectoryRepo(ctx.session).describe(ctx.viewer, person.id)
        return card.name
    label = ctx._(ROLE_LABELS.get(person.role.value, ROLE_LABELS["party_security"]))
    return label[:1].upper() + label[1:]
