"""After an action in a case: what was done and the one next thing to do, not the whole case
again. The card comes when she asks for it: opening the case, or "Visa ärendet"."""

from __future__ import annotations

from collections.abc import Sequence

from conversations.case.common import Case, found_case, gone, on_case, role_key
from conversations.case.lines import open_items, reader_of
from conversations.events import Button
from conversations.flow import END, Context, StateResult
from conversations.packs import ChecklistItem
from conversations.texts import menu_buttons
from storage.access import Access
from storage.cases import CaseRepo
from storage.models import Report, ReportStatus

SHOW = "case:view"  # the card, whole
NEXT = "case:check"  # her next open item


LEFT_OPEN = "left_open"  # in the conversation: the items of a case she chose to leave for later


def leave_open(ctx: Context, report: Report, item_id: str) -> None:
    """Remember that she left this item for later ("Hoppa över"): the next is offered first."""
    left = ctx.data.get(LEFT_OPEN)
    if not isinstance(left, dict) or left.get("case") != report.id:
        left = {"case": report.id, "items": []}
    if item_id not in left["items"]:
        left["items"].append(item_id)
    ctx.data[LEFT_OPEN] = left


def first_open(
    ctx: Context, report: Report, items: Sequence[ChecklistItem]
) -> ChecklistItem | None:
    """The first of her open items she has not left for later; those she has, once only
    they remain (so that 3.2.3 left open does not bar the way to 3.2.4)."""
    left = ctx.data.get(LEFT_OPEN)
    later = (
        set(left.get("items", ()))
        if isinstance(left, dict) and left.get("case") == report.id
        else set()
    )
    return next((i for i in items if i.id not in later), items[0] if items else None)


async def carry_on(
    ctx: Context,
    done: str | None = None,
    *,
    ahead: bool = True,
    again: Button | Sequence[Button] | None = None,
) -> StateResult:
    """Say what was done (``done``), then (``ahead``) her next open item in one line, with a
    button to answer it, those to change what was just done (``again``: the card's own
    buttons), and one to see the case. Each names the case (common.on_case), as the card's
    do."""
    _ = ctx._
    found = await found_case(ctx, Access.CHECKLIST)
    if found is None:  # handed over, or gone: what was done is still said
        if done:
            ctx.reply(done, menu_buttons(ctx))
            return END
        return await gone(ctx)
    report, access = found
    lines = [done] if done else []
    buttons: list[list[Button]] = []
    # staff are led on to their next item; the targeted person is not pressed with the
    # routine's questions after moving a check-in or leaving one open ("vet inte")
    if ahead and access is not Access.OWN and report.status is not ReportStatus.CLOSED:
        state = await CaseRepo(ctx.session, ctx.keyring).checklist(report, ctx.viewer)
        pack = ctx.packs.get(report.pack)
        reader = await reader_of(ctx, report, access)  # not 3.1.1 once sent to the unit
        mine, _all = open_items(pack, state, role_key(access, ctx.person.role, report), reader)
        item = first_open(ctx, report, mine)
        if item is not None:
            check = item.check.get(ctx.locale).rstrip(":")  # "Följande har informerats …:"
            lines.append(_("Next item for you: {item}").format(item=f"{item.step} {check}"))
            buttons.append([on_case(report, NEXT, _("Answer the next item"))])
    if isinstance(again, Button):
        again = [again]
    buttons += [[button] for button in again or []]
    buttons.append([on_case(report, SHOW, _("Show the case"))])
    if not lines:  # nothing done to say, nothing next: which case this is
        status = _("closed") if report.status is ReportStatus.CLOSED else _("open")
        lines.append(_("Case {ref} – {status}").format(ref=report.ref, status=status))
    ctx.reply("\n".join(lines), buttons)
    return Case.VIEW
