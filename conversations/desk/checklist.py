"""Answering the routine's checklist, and reading it as rows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from conversations.desk.access import checked, still_open
from conversations.desk.errors import Refused
from conversations.desk.unit import bring_in_unit, unit_contacted, unit_reached
from conversations.desk.words import (
    ANSWERS,
    ROLE_LABELS,
    WRITTEN,
    answer_label,
    name_of,
    responsible_for,
    role_key,
)
from conversations.flow import Context
from conversations.item_owners import tell_owners_after
from conversations.packs import ChecklistItem, Reader
from storage.access import Access
from storage.cases import CaseRepo
from storage.errors import NotAllowed, NotFound
from storage.models import Report
from storage.trust import AuditRepo


@dataclass(frozen=True, slots=True)
class ItemRow:
    """One checklist item as the viewer may read it."""

    id: str
    step: str
    question: str
    responsible: tuple[str, ...]  # role labels in ctx's language (none for the reporter)
    mine: bool  # the viewer may answer it
    answer: str | None  # the answer id as stored, None while open
    label: str | None  # the answer in words
    comment: str | None
    answered_by: str | None
    answered_at: datetime | None
    previous: str | None  # the answer it replaced, in words


def item_of(ctx: Context, report: Report, item_id: str) -> ChecklistItem:
    """The pack's item ``item_id``; refuse one that does not exist."""
    item = next((i for i in ctx.packs.get(report.pack).checklist if i.id == item_id), None)
    if item is None:
        raise Refused(ctx._("That answer is not yours to change."))
    return item


async def checklist_rows(ctx: Context, report: Report, access: Access) -> list[ItemRow]:
    """List every item of the case's checklist with its state, as the viewer may see it (3.1.1
    done, and not to answer, once the plan sent the report to the unit: nothing is stored)."""
    level = await checked(ctx, report, Access.CHECKLIST)
    state = await CaseRepo(ctx.session, ctx.keyring).checklist(report, ctx.viewer)
    key = role_key(level, ctx.person.role, report)
    unit = await unit_reached(ctx, report)
    rows = []
    for item in ctx.packs.get(report.pack).checklist:
        done = state.get(item.id)
        roles = tuple(ctx._(ROLE_LABELS[r]) for r in item.responsible)
        if done is None and unit is not None and item.done_by_sending(Reader(unit=unit)):
            rows.append(_sent_row(ctx, item, roles if level is not Access.OWN else (), unit))
            continue
        previous = None
        if done is not None and done.previous is not None and done.previous != done.answer:
            previous = ctx._(ANSWERS.get(done.previous, WRITTEN))
        rows.append(
            ItemRow(
                id=item.id,
                step=item.step,
                question=item.check.get(ctx.locale),
                responsible=roles if level is not Access.OWN else (),
                mine=responsible_for(item, key),
                answer=done.answer if done else None,
                label=answer_label(ctx, done) if done else None,
                comment=done.comment if done and done.answer != "text" else None,
                answered_by=await name_of(ctx, done.answered_by) if done else None,
                answered_at=done.answered_at if done else None,
                previous=previous,
            )
        )
    return rows


def _sent_row(ctx: Context, item: ChecklistItem, roles: tuple[str, ...], unit: str) -> ItemRow:
    """An item the report's sending answered: done, no answer stored, nobody's to answer."""
    return ItemRow(
        id=item.id,
        step=item.step,
        question=item.check.get(ctx.locale),
        responsible=roles,
        mine=False,
        answer=None,
        label=unit_contacted(ctx, unit),
        comment=None,
        answered_by=None,
        answered_at=None,
        previous=None,
    )


async def answer_item(
    ctx: Context, report: Report, access: Access, item_id: str, answer: str, comment: str | None
) -> str:
    """Answer (or change) a checklist item with an optional comment; audit a change; say
    so, and who was brought onto the case by the answer."""
    return "\n".join(filter(None, await answer_and_bring_in(ctx, report, item_id, answer, comment)))


async def answer_and_bring_in(
    ctx: Context, report: Report, item_id: str, answer: str, comment: str | None
) -> tuple[str, str]:
    """Answer an item (as :func:`answer_item`); (what was saved, who was brought onto the
    case by it: 3.1.1 "Ja" brings the unit, "" if nobody)."""
    _ = ctx._
    level = await checked(ctx, report, Access.CHECKLIST)
    still_open(ctx, report)
    item = item_of(ctx, report, item_id)
    if not responsible_for(item, role_key(level, ctx.person.role, report)):
        raise Refused(_("That answer is not yours to change."))
    written = item.answer == "text"
    if (answer == "text") != written or answer not in (*ANSWERS, "text"):
        raise Refused(_("Please choose one of the buttons below."))
    if written and not (comment or "").strip():
        raise Refused(_("Write your answer."))
    repo = CaseRepo(ctx.session, ctx.keyring)
    try:
        before = await repo.answer_item(
            ctx.viewer, report, item.id, answer, comment, ctx.now, responsible=item.responsible
        )
    except (NotFound, NotAllowed) as refused:
        raise Refused(_("That answer is not yours to change.")) from refused
    AuditRepo(ctx.session).record(
        ctx.person.handle,
        "checklist_answered" if before is None else "checklist_changed",
        report.ref,
        report.municipality_id,
        ctx.now,
        report=report,
    )
    brought = (
        await bring_in_unit(ctx, report, []) if item.brings_in_unit and answer == "yes" else ""
    )
    if answer == "yes" and before is None:  # 3.1.2 "Ja": the director's 3.1.3 may follow
        await tell_owners_after(ctx, report, item.id)
    if before is not None:
        said = _("Changed. The earlier answer is kept in the case's history.")
    elif written:
        said = _("Saved: {answer}.").format(answer=comment)
    else:
        said = _("Saved: {answer}.").format(answer=_(ANSWERS[answer]))
    return said, brought
