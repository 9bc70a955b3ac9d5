""" "Klar" typed at a question where nothing is saved yet (right after skipping the one
before, or at the first): say so plainly and ask the question again, not "Ditt svar är
sparat"."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace

from conversations.flow import Context, StateResult
from conversations.report.draft import Draft
from conversations.report.form import Question, ReportStep
from conversations.texts import choose_hint

Ask = Callable[[Context, Draft, ReportStep], Awaitable[StateResult]]
SKIP = "nav:skip"


def saved_before(ctx: Context, draft: Draft, question: Question) -> bool:
    """Whether the question she left just before this one has an answer kept (what "klar"
    typed here then confirms)."""
    left = [step for step in ctx.data.get("history", []) if step != question.step.value]
    return bool(left) and bool(draft.answers.get(left[-1]))


async def nothing_saved(ctx: Context, draft: Draft, question: Question, ask: Ask) -> StateResult:
    """Say there is no answer to save here yet, and ask the question again (how to skip it,
    as her channel lets her choose, where it may be skipped)."""
    _ = ctx._
    step = await ask(ctx, draft, question.step)
    asked = ctx.replies.pop()
    shown = [button.id for row in asked.buttons for button in row]
    if SKIP not in shown:
        line = _("There is no answer to save here yet. Answer the question below.")
    else:
        line = choose_hint(
            ctx,
            _("There is no answer to save here yet. Answer the question below, or choose “Skip”."),
            _(
                "There is no answer to save here yet. Answer the question below, or answer "
                "with the number {number} to skip it."
            ),
        ).format(number=shown.index(SKIP) + 1)
    ctx.replies.append(
        replace(asked, text=f"{line}\n{asked.text}", lead=asked.lead + len(line) + 1)
    )
    return step
