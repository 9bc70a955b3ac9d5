"""A button pressed on an older case card, further up the chat (after a short "Sparat", or
on another case's card): it acts on that card's case as it did there, if she may still act
on it and the card still offers it; else she is told why, with what she can do now."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from conversations.case.common import Case, found_case, on_case
from conversations.case.next_step import SHOW
from conversations.case.view import card_buttons
from conversations.events import InboundEvent, Reply
from conversations.flow import Context, Handler, StateResult
from conversations.texts import choose_hint, earlier_choice, menu_buttons
from storage.access import Access
from storage.models import ReportStatus


def revisiting(actions: Mapping[str, Handler]) -> Handler:
    """Return the case flow's handler for its card's buttons on older messages; ``actions``:
    what each of the card's buttons does (its table's view state)."""

    async def revisit(ctx: Context, event: InboundEvent) -> StateResult:
        """Act on the case the button names, as its card would now; else say why not."""
        _ = ctx._
        act = actions.get(event.action)
        found = await found_case(ctx, Access.CHECKLIST, event.subject) if act else None
        if act is None or found is None:
            said = (
                earlier_choice(ctx)
                if act is None  # no button of a card: a question's, or made up
                # taken off the case, her role changed, or it was purged
                else choose_hint(
                    ctx,
                    _("You no longer have access to that case, so I did nothing with that button."),
                    _("You no longer have access to that case, so I did nothing with that choice."),
                )
            )
            if ctx.prompt is not None:  # where she was, its buttons still valid
                ctx.reply(said)
                ctx.again()
            else:
                ctx.reply(said, menu_buttons(ctx))
            return None
        report, access = found
        buttons = await card_buttons(ctx, report, access)
        before = ctx.data.get("case")
        ctx.data.clear()  # from here on she is in that case, whatever she was at
        ctx.data["case"] = report.id
        if event.action != SHOW and event.button not in (b.id for row in buttons for b in row):
            closed = report.status is ReportStatus.CLOSED
            why = (
                choose_hint(
                    ctx,
                    _("Case {ref} is closed, so I did nothing with that button."),
                    _("Case {ref} is closed, so I did nothing with that choice."),
                )
                if closed
                else choose_hint(
                    ctx,
                    _(
                        "Case {ref} has changed since that message, so I did nothing with that "
                        "button."
                    ),
                    _(
                        "Case {ref} has changed since that message, so I did nothing with that "
                        "choice."
                    ),
                )
            )
            buttons.append([on_case(report, SHOW, _("Show the case"))])
            lines = [why.format(ref=report.ref), _("This is what you can do in the case now:")]
            ctx.reply("\n".join(lines), buttons)
            return Case.VIEW
        start = len(ctx.replies)
        result = await act(ctx, event)
        if before != report.id:  # another case than the one she was at: which one, first
            _which(ctx, start, _("This is about case {ref}.").format(ref=report.ref))
        return result

    return revisit


def _which(ctx: Context, first: int, line: str) -> None:
    """Put ``line`` at the head of the first reply from ``first`` on (its own message before
    a file or when there is none)."""
    head = ctx.replies[first] if first < len(ctx.replies) else None
    if head is None or head.file is not None:
        ctx.replies.insert(first, Reply(line))
    else:
        ctx.replies[first] = replace(head, text=f"{line}\n{head.text}")
