"""A report as text: the summary the writer checks, and the whole report for those who
handle it. Typed answers are shown as typed; labels are neutral (the same words on paper)."""

from __future__ import annotations

from typing import Any

from conversations import dates
from conversations.events import Button
from conversations.flow import Context
from conversations.i18n import N_, format_when
from conversations.report.draft import Draft, option_text, party_pack_of
from conversations.report.form import BY_STEP, Known, Question, ReportStep, follow_ups, topics
from conversations.report.hooks import moment_of
from conversations.report.legacy import upgrade
from conversations.report.typed import is_option_word
from storage.models import Report
from storage.reports import ReportRepo

EVIDENCE_KINDS = {
    "photo": N_("photo"),
    "document": N_("file"),
    "voice": N_("voice message"),
    "audio": N_("sound recording"),
    "video": N_("video"),
    "video_note": N_("video message"),
    "forward": N_("forwarded message"),
}


def _labels(ctx: Context, draft: Draft, question: Question, ids: list[str]) -> str:
    known_options = dict(question.options(draft.pack)) if question.options else {}
    return ", ".join(option_text(ctx, draft, known_options.get(i, i)) for i in ids)


def show(ctx: Context, draft: Draft, question: Question, answer: Any) -> str:
    """One answer as people read it."""
    if not isinstance(answer, dict) or not answer:
        return "–"
    typed = str(answer.get("text") or "").strip()
    chosen = answer.get("choices") or ([answer["choice"]] if answer.get("choice") else [])
    if question.choices is not None:  # the municipality: its key is kept
        return typed or ", ".join(str(c) for c in chosen)
    labels = _labels(ctx, draft, question, [str(c) for c in chosen]) if chosen else ""
    moment = moment_of(answer)
    when = dates.describe(moment, ctx.now, ctx.locale) if moment else ""
    said_option = bool(labels) and is_option_word(question, chosen, typed)
    if (question.kind == "choice" or said_option) and labels:
        shown = labels
    elif typed:
        shown = typed + (f" ({labels})" if labels and question.kind == "multi" else "")
    else:
        shown = labels or ctx._("Other")
    if when and when not in shown:
        shown = f"{shown} – {when}" if typed else when
    return shown


def _line(ctx: Context, draft: Draft, question: Question, indent: str = "") -> str:
    value = show(ctx, draft, question, draft.answers.get(question.step.value))
    label = f"{indent}{ctx._(question.label)}:"
    if "\n" in value:
        return label + "\n" + "\n".join(f"{indent}   {part}" for part in value.splitlines())
    return f"{label} {value}"


def answer_lines(ctx: Context, draft: Draft, who: Known) -> tuple[list[str], list[Button]]:
    """The report's answers as lines, and a button per topic to change it."""
    lines: list[str] = []
    buttons: list[Button] = []
    for question in topics(draft.answers, who):
        if question.step.value not in draft.answers:
            continue
        lines.append(_line(ctx, draft, question))
        buttons.append(Button(f"edit:{question.step.value}", ctx._(question.label)))
        for follow in follow_ups(question.step):
            if follow.applies(draft.answers, who) and follow.step.value in draft.answers:
                lines.append(_line(ctx, draft, follow, "   "))
    notes = [str(n) for n in draft.answers.get("_notes", [])]
    if notes:
        lines.append(ctx._("Also written") + ": " + " / ".join(notes))
    return lines, buttons


def assignment_line(ctx: Context, assignment: str | None) -> list[str]:
    """The official's assignment from the directory (the paper form asks for it)."""
    if not assignment:
        return []
    return [f"{ctx._(BY_STEP[ReportStep.ASSIGNMENT].label)}: {assignment}"]


async def evidence_line(ctx: Context, draft: Draft) -> list[str]:
    count, _size = await draft.repo.evidence_totals(draft.report)
    if not count:
        return []
    return [
        ctx._("Evidence")
        + ": "
        + ctx.ngettext("{count} file", "{count} files", count).format(count=count)
    ]


def evidence_kind(ctx: Context, kind: str) -> str:
    """A kind of evidence in the reader's words ('foto', not 'photo')."""
    return ctx._(EVIDENCE_KINDS.get(kind, "file"))


def full_report_text(ctx: Context, report: Report) -> str:
    """Render a whole report for an allowed reader, in the reader's language."""
    repo = ReportRepo(ctx.session, ctx.keyring)
    answers = upgrade(repo.answers(report))
    draft = Draft(repo, report, answers, ctx.packs.get(report.pack), party_pack_of(ctx, report))
    # show what was asked
    who = Known(registered=not report.unverified, assignment=None, routed=False)
    lines, _buttons = answer_lines(ctx, draft, who)
    head = ctx._("Incident report {ref}").format(ref=report.ref)
    if report.submitted_at is not None:
        head += " – " + format_when(report.submitted_at, ctx.locale)
    return "\n".join([head, "", *lines])
