"""What case views and case operations name alike: answers, roles, people, times."""

from __future__ import annotations

from conversations.flow import Context
from conversations.i18n import N_, shown_name
from conversations.packs import ChecklistItem
from storage.access import Access, responsibility_key, responsible
from storage.calls import CallEntry
from storage.cases import ItemState
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
WRITTEN = N_("a written answer")


def role_key(access: Access, role: Role, report: Report) -> str:
    """The viewer's part in the case as the routine names it (the rule storage checks)."""
    return responsibility_key(access, role, report.category)


def responsible_for(item: ChecklistItem, key: str) -> bool:
    return responsible(key, item.responsible)


def answer_label(ctx: Context, state: ItemState) -> str:
    """The answer as words: Ja / Nej / Inte aktuellt, or what was written."""
    if state.answer == "text":  # storage leaves the words out for a reader outside the case
        return state.comment or ctx._("answered (the answer is internal)")
    return ctx._(ANSWERS.get(state.answer, state.answer))


async def card_name(ctx: Context, person_id: int | None) -> str:
    """A person's name from the directory as the viewer may see it (a dash if not)."""
    if person_id is None:
        return "–"
    try:
        card, _party, _m = await DirectoryRepo(ctx.session).describe(ctx.viewer, person_id)
    except NotFound:
        return "–"
    return shown_name(ctx._, card)


def next_call(log: list[CallEntry]) -> int:
    """The number of the first call not yet held (1–3); 0 when all are done, or when a call
    was found not needed (no further calls were needed then)."""
    by_number = {entry.number: entry for entry in log}
    for number in (1, 2, 3):
        entry = by_number.get(number)
        if entry is None or entry.status == "planned":
            return number
        if entry.status == "not_needed":
            return 0
    return 0


def call_anyway(log: list[CallEntry]) -> int:
    """The call found not needed that may still be booked if the situation changes (0:
    none, or a call is still to come)."""
    if next_call(log):
        return 0
    return next(
        (e.number for e in sorted(log, key=lambda e: e.number) if e.status == "not_needed"), 0
    )


async def name_of(ctx: Context, person_id: int | None) -> str:
    """A person's name as the viewer may see it: a role for someone not in the directory,
    who sees nobody's name; a dash for someone erased."""
    person = await ctx.session.get(Person, person_id) if person_id is not None else None
    if person is None:
        return "–"
    if person.id == ctx.person.id or ctx.viewer.registered:
        card, _party, _m = await DirectoryRepo(ctx.session).describe(ctx.viewer, person.id)
        return shown_name(ctx._, card)
    label = ctx._(ROLE_LABELS.get(person.role.value, ROLE_LABELS["party_security"]))
    return label[:1].upper() + label[1:]
