"""After an action in a case: what was done and the one next thing to do, not the whole case
again. The card comes when she asks for it: opening the case, or "Visa ärendet"."""

from __future__ import annotations

from collections.abc import Sequence

from conversations.case.common import Case, found_case, gone, on_case, role_key
from conversations.case.lines import open_items
from conversations.events import Button
from conversations.flow import END, Context, StateResult
from conversations.texts import menu_buttons
from storage.access import Access
from storage.cases import CaseRepo
from storage.models import ReportStatus

SHOW = "case:view"  # the card, whole
NEXT = "case:check"  # her next open item


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
        mine, _all = open_items(pack, state, role_key(access, ctx.person.role, report))
        if mine:
            item = mine[0]
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
