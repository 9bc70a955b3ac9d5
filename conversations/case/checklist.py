"""The routine's checklist: each item answered by the role the routine names."""

from __future__ import annotations

from conversations.case.common import ANSWERS, Case, found_case, gone, responsible_for, role_key
from conversations.case.view import show_case
from conversations.events import Button, InboundEvent
from conversations.flow import Context, StateResult
from conversations.packs import ChecklistItem, Pack
from storage.access import Access
from storage.cases import CaseRepo
from storage.models import ReportStatus


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
    state = await CaseRepo(ctx.session, ctx.keyring).checklist(report)
    key = role_key(access, ctx.person.role)
    item = next((i for i in pack.checklist if i.id not in state and responsible_for(i, key)), None)
    if item is None:
        ctx.reply(_("You have no open checklist items in this case. Thank you."))
        return await show_case(ctx)
    ctx.data["item"] = item.id
    text = f"{item.step}: {item.action.get(ctx.locale)}\n\n{item.check.get(ctx.locale)}"
    if item.comment is not None:
        text += f"\n({item.comment.get(ctx.locale)})"
    if item.answer == "text":
        ctx.reply(text + "\n" + _("Write your answer."), [[Button("case:view", _("Back"))]])
    else:
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


def _item(pack: Pack, item_id: object) -> ChecklistItem | None:
    return next((i for i in pack.checklist if i.id == item_id), None)


async def answer_item(ctx: Context, event: InboundEvent) -> StateResult:
    """Record Ja / Nej / Inte aktuellt (or a written answer) and ask for a comment."""
    _ = ctx._
    found = await found_case(ctx, Access.CHECKLIST)
    if found is None:
        return await gone(ctx)
    report, _access = found
    item = _item(ctx.packs.get(report.pack), ctx.data.get("item"))
    if item is None:
        return await show_case(ctx)
    repo = CaseRepo(ctx.session, ctx.keyring)
    if event.button:
        answer = event.button.removeprefix("check:")
        if answer not in ANSWERS or item.answer == "text":
            return await next_item(ctx, event)
        await repo.answer_item(ctx.viewer, report, item.id, answer, None, ctx.now)
        ctx.data["answer"] = answer
        ctx.reply(
            _("Saved: {answer}. Add a comment (e.g. who), or skip.").format(
                answer=_(ANSWERS[answer])
            ),
            [[Button("check:skip", _("Skip"))]],
        )
        return Case.CHECK_COMMENT
    if item.answer != "text" or not event.text.strip():
        ctx.reply(_("Please choose one of the buttons below."))
        ctx.again()
        return None
    await repo.answer_item(ctx.viewer, report, item.id, "text", event.text.strip(), ctx.now)
    return await next_item(ctx, event)


async def comment_item(ctx: Context, event: InboundEvent) -> StateResult:
    """Keep the comment with the answer, then offer the next item."""
    found = await found_case(ctx, Access.CHECKLIST)
    if found is None:
        return await gone(ctx)
    report, _access = found
    item_id, answer = ctx.data.get("item"), ctx.data.get("answer")
    if event.text.strip() and item_id and answer:
        await CaseRepo(ctx.session, ctx.keyring).answer_item(
            ctx.viewer, report, str(item_id), str(answer), event.text.strip(), ctx.now
        )
    return await next_item(ctx, event)
