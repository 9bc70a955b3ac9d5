"""What every step of a case shares: its states, the labels, and finding the case again."""

from __future__ import annotations

from enum import StrEnum

from conversations.events import InboundEvent
from conversations.flow import END, Context, StateResult
from conversations.i18n import N_
from conversations.packs import ChecklistItem
from conversations.texts import menu_buttons
from storage.access import Access
from storage.cases import CaseRepo
from storage.errors import NotFound
from storage.models import Report, Role

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
    CLOSE_APPLIED = "close_applied"
    CLOSE_ROUTINE = "close_routine"
    CLOSE_PLAN = "close_plan"
    HANDOVER = "handover"


def role_key(access: Access, role: Role) -> str:
    if access is Access.OWN:
        return "targeted"
    return role.value


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
