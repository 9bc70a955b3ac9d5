"""The routine's checklist: each item answered, and changed, by the role the routine names."""

from __future__ import annotations

from conversations.case.common import (
    ANSWERS,
    Case,
    found_case,
    gone,
    name_of,
    responsible_for,
    role_key,
)
from conversations.case.lines import WRITTEN, answered
from conversations.case.view import show_case
from conversations.case_notices import ITEM_OWNED
from conversations.events import Button, InboundEvent
from conversations.flow import Context, StateResult
from conversations.packs import ChecklistItem, Pack
from storage.access import Access
from storage.cases import CaseRepo, ItemState
from storage.models import Report, ReportStatus
from storage.outbox import ROUTINE
from storage.trust import AuditRepo

TYPED = {  # a yes/no question answered in words
    "ja": "yes",
    "yes": "yes",
    "nej": "no",
    "no": "no",
    "inte aktuellt": "na",
    "not applicable": "na",
}


def _short(ctx: Context, state: ItemState) -> str:
    """An answer in a word or two (a written one is only said to be written)."""
    return ctx._(ANSWERS.get(state.answer, WRITTEN))


def _item(pack: Pack, item_id: object) -> ChecklistItem | None:
    return next((i for i in pack.checklist if i.id == item_id), None)


async def _ask(ctx: Context, item: ChecklistItem, current: ItemState | None) -> StateResult:
    """Ask an item's Check! question: Ja / Nej / Inte aktuellt, or a written answer."""
    _ = ctx._
    text = f"{item.step}: {item.action.get(ctx.locale)}\n\n{item.check.get(ctx.locale)}"
    if item.comment is not None:
        text += f"\n({item.comment.get(ctx.locale)})"
    if current is not None:
        text += "\n" + _("Now: {line}").format(line=await answered(ctx, current))
    if item.answer == "text":
        ctx.reply(text + "\n" + _("Write your answer."), [[Button("case:view", _("Back"))]])
        return Case.CHECK
    ctx.reply(
        text,
        [
            [
                Button("check:yes", _("Yes")),
                Button("check:no", _("No")),
                Button("check:na", _("Not applicable")),
            ],
            [Button("case:view", _("Back"))],
        ],
    )
    return Case.CHECK


async def next_item(ctx: Context, event: InboundEvent) -> StateResult:
    """Offer the next open checklist item that is the viewer's to answer."""
    _ = ctx._
    found = await found_case(ctx, Access.CHECKLIST)
    if found is None:
        return await gone(ctx)
    report, access = found
    if report.status is ReportStatus.CLOSED:
        return await show_case(ctx)
    pack = ctx.packs.get(report.pack)
    state = await CaseRepo(ctx.session, ctx.keyring).checklist(report, ctx.viewer)
    key = role_key(access, ctx.person.role)
    item = next((i for i in pack.checklist if i.id not in state and responsible_for(i, key)), None)
    ctx.data.pop("changing", None)
    if item is None:
        ctx.reply(_("You have no open checklist items in this case. Thank you."))
        return await show_case(ctx)
    ctx.data["item"] = item.id
    return await _ask(ctx, item, None)


async def start_change(ctx: Context, event: InboundEvent) -> StateResult:
    """List the answered items that are the viewer's to change."""
    _ = ctx._
    found = await found_case(ctx, Access.CHECKLIST)
    if found is None:
        return await gone(ctx)
    report, access = found
    pack = ctx.packs.get(report.pack)
    state = await CaseRepo(ctx.session, ctx.keyring).checklist(report, ctx.viewer)
    key = role_key(access, ctx.person.role)
    items = [i for i in pack.checklist if i.id in state and responsible_for(i, key)]
    if report.status is ReportStatus.CLOSED or not items:
        ctx.reply(_("You have no answers to change in this case."))
        return await show_case(ctx)
    buttons = [
        [Button(f"chg:{i.id}", f"{i.step} {i.check.get(ctx.locale)} – {_short(ctx, state[i.id])}")]
        for i in items
    ]
    ctx.reply(
        _("Which answer do you want to change?"), [*buttons, [Button("case:view", _("Back"))]]
    )
    return Case.CHANGE


async def change_item(ctx: Context, event: InboundEvent) -> StateResult:
    """Ask the chosen item's question again, showing the answer it has now."""
    _ = ctx._
    found = await found_case(ctx, Access.CHECKLIST)
    if found is None:
        return await gone(ctx)
    report, access = found
    item = _item(ctx.packs.get(report.pack), event.button.removeprefix("chg:"))
    state = await CaseRepo(ctx.session, ctx.keyring).checklist(report, ctx.viewer)
    mine = item is not None and responsible_for(item, role_key(access, ctx.person.role))
    if item is None or not mine or report.status is ReportStatus.CLOSED:
        ctx.reply(_("That answer is not yours to change."))
        return await show_case(ctx)
    ctx.data["item"], ctx.data["changing"] = item.id, True
    return await _ask(ctx, item, state.get(item.id))


async def answer_item(ctx: Context, event: InboundEvent) -> StateResult:
    """Record Ja / Nej / Inte aktuellt (or a written answer) with who and when; ask for a
    comment, which stays internal."""
    _ = ctx._
    found = await found_case(ctx, Access.CHECKLIST)
    if found is None:
        return await gone(ctx)
    report, access = found
    pack = ctx.packs.get(report.pack)
    item = _item(pack, ctx.data.get("item"))
    if item is None or not responsible_for(item, role_key(access, ctx.person.role)):
        return await show_case(ctx)
    typed = event.text.strip()
    if event.button:
        answer = event.button.removeprefix("check:")
    elif item.answer == "text":
        answer = "text" if typed else ""
    else:
        answer = TYPED.get(typed.lower().rstrip(".!"), "")
    if not (answer == "text" if item.answer == "text" else answer in ANSWERS):
        ctx.reply(_("Please choose one of the buttons below."))
        ctx.again()
        return None
    comment = typed if answer == "text" else None
    await _record(ctx, report, pack, item, answer, comment)
    if answer == "text":
        return await _after(ctx, event)
    if access is Access.OWN:
        ask = _("Saved: {answer}. Add a comment, or skip. Those who handle your case see it.")
    else:
        ask = _(
            "Saved: {answer}. Add a comment (e.g. who), or skip. "
            "The comment is internal: {name} does not see it."
        )
    person = await name_of(ctx, report.reporter_id)
    ctx.reply(
        ask.format(answer=_(ANSWERS[answer]), name=person), [[Button("check:skip", _("Skip"))]]
    )
    return Case.CHECK_COMMENT


async def _record(
    ctx: Context, report: Report, pack: Pack, item: ChecklistItem, answer: str, text: str | None
) -> None:
    """Save the answer; audit a change; tell the owner of the next item it is their turn."""
    repo = CaseRepo(ctx.session, ctx.keyring)
    before = await repo.answer_item(
        ctx.viewer, report, item.id, answer, text, ctx.now, responsible=item.responsible
    )
    if before is not None:
        AuditRepo(ctx.session).record(
            ctx.person.handle,
            "checklist_changed",
            report.ref,
            report.municipality_id,
            ctx.now,
            report=report,
        )
        return
    await tell_next_owner(ctx, report, pack, item)


async def tell_next_owner(ctx: Context, report: Report, pack: Pack, item: ChecklistItem) -> None:
    """The first answer to an item makes the next one due: tell whoever owns that one and
    does not handle the case (the municipal director owns 3.1.3, after the police were asked
    in 3.1.2), with a button to open the case. Those who handle it see it in the case."""
    index = pack.checklist.index(item)
    following = pack.checklist[index + 1] if index + 1 < len(pack.checklist) else None
    if following is None or not responsible_for(following, "municipal_director"):
        return
    repo = CaseRepo(ctx.session, ctx.keyring)
    if following.id in await repo.checklist(report):
        return
    for person_id, level in await repo.staff(report):
        if level is Access.CHECKLIST and person_id != ctx.person.id:
            payload = {"report": report.id, "item": following.id, "after": item.id}
            ctx.notify(person_id, ITEM_OWNED, payload, ROUTINE)


async def _after(ctx: Context, event: InboundEvent) -> StateResult:
    """After an answer: back to the case if it was a change, else the next item."""
    if ctx.data.pop("changing", None):
        ctx.reply(ctx._("Changed. The earlier answer is kept in the case's history."))
        return await show_case(ctx)
    return await next_item(ctx, event)


async def skip_comment(ctx: Context, event: InboundEvent) -> StateResult:
    """No comment: go on."""
    return await _after(ctx, event)


async def comment_item(ctx: Context, event: InboundEvent) -> StateResult:
    """Keep the comment with the answer (sealed; internal), then go on."""
    found = await found_case(ctx, Access.CHECKLIST)
    if found is None:
        return await gone(ctx)
    report, _access = found
    item_id = ctx.data.get("item")
    if event.text.strip() and item_id:
        await CaseRepo(ctx.session, ctx.keyring).comment_item(
            ctx.viewer, report, str(item_id), event.text.strip(), ctx.now
        )
    return await _after(ctx, event)
