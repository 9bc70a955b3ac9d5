"""The summary: every answer, a button per topic to change it, and Send."""

from __future__ import annotations

from conversations.events import Button
from conversations.flow import Context, StateResult
from conversations.report.draft import Draft, known
from conversations.report.form import ReportStep, for_self
from conversations.report.text import answer_lines, assignment_line, evidence_line
from conversations.texts import choose_hint


async def show_summary(ctx: Context, draft: Draft, lead: list[str] | None = None) -> StateResult:
    """Show every answer with a button per topic, and 'Send'."""
    _ = ctx._
    draft.answers["_at"] = ReportStep.SUMMARY.value
    draft.save(ctx)
    ctx.data["editing"] = False
    who = known(ctx, draft)
    answers, edit_buttons = answer_lines(ctx, draft, who)
    if for_self(draft.answers):
        answers[1:1] = assignment_line(ctx, who.assignment)
    evidence = await evidence_line(ctx, draft)
    lines = [_("Your report – check it before sending:"), "", *answers, *evidence]
    lines += [
        "",
        choose_hint(
            ctx,
            _("Press a topic to change it, or send the report."),
            _("Answer with a topic's number to change it, or send the report."),
        ),
    ]
    rows = [edit_buttons[i : i + 3] for i in range(0, len(edit_buttons), 3)]
    if evidence:
        rows.append([Button("ev:list", _("Remove a file"))])
    ctx.reply(
        "\n".join(lines),
        [*rows, [Button("send", _("Send")), Button("cmd:avbryt", _("Cancel"))]],
        lead=lead or (),
    )
    return ReportStep.SUMMARY
