"""A report as text: the summary the writer checks, and the whole report for those who
handle it. Typed answers are shown as typed; labels are neutral (the same words on paper)."""

from __future__ import annotations

from typing import Any

from conversations import dates
from conversations.about import about_someone_else, named_target
from conversations.events import Button
from conversations.flow import Context
from conversations.i18n import N_, after_label
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


# Options worded in the writer's first person, and how staff read them.
NEUTRAL = {
    "It happened to me": N_("the targeted person themselves"),
    "I report for someone else": N_("someone else reports for them"),
    "I know who it is": N_("known to the targeted person"),
}
NAMED = {
    "I report for someone else": N_("someone else reports for {name}"),
    "I know who it is": N_("known to {name}"),
}
"""Those of them that name the targeted person when the report gives her name."""


def _neutral(ctx: Context, draft: Draft, msgid: str) -> str:
    """An option as staff read it: third person, lower case after its label; the targeted
    person by her name where the report gives it ("skyddsåtgärder för Erik")."""
    name = named_target(draft.answers) if about_someone_else(draft.answers) else None
    if name and msgid in NAMED:
        return ctx._(NAMED[msgid]).format(name=name)
    if msgid in NEUTRAL:
        return ctx._(NEUTRAL[msgid])
    if msgid.startswith("pack:"):
        _pack, field, choice_id = msgid.split(":", 2)
        choice = next((c for c in getattr(draft.pack, field) if c.id == choice_id), None)
        text = choice.shown(ctx.locale, neutral=True, name=name) if choice else choice_id
    else:
        text = ctx._(msgid)
    return after_label(text)


def _labels(
    ctx: Context, draft: Draft, question: Question, ids: list[str], neutral: bool = False
) -> str:
    known_options = dict(question.options(draft.pack)) if question.options else {}
    words = [known_options.get(i, i) for i in ids]
    if neutral:
        return ", ".join(_neutral(ctx, draft, m) for m in words)
    return ", ".join(option_text(ctx, draft, m) for m in words)


def show(
    ctx: Context,
    draft: Draft,
    question: Question,
    answer: Any,
    neutral: bool = False,
    dated: bool = False,
) -> str:
    """One answer as people read it (``neutral``: as staff read it, in the third person;
    ``dated``: in a document read later, a moment by its date, never "i går")."""
    if not isinstance(answer, dict) or not answer:
        return "–"
    typed = str(answer.get("text") or "").strip()
    chosen = answer.get("choices") or ([answer["choice"]] if answer.get("choice") else [])
    if question.choices is not None:  # the municipality: its key is kept
        return typed or ", ".join(str(c) for c in chosen)
    labels = _labels(ctx, draft, question, [str(c) for c in chosen], neutral) if chosen else ""
    moment = moment_of(answer)
    when = dates.describe(moment, None if dated else ctx.now, ctx.locale) if moment else ""
    said_option = bool(labels) and is_option_word(question, chosen, typed)
    if said_option or (question.kind == "choice" and labels and not typed):
        shown = labels
    elif typed:
        shown = typed + (f" ({labels})" if labels else "")  # what it was taken as
    elif "choices" in answer and not chosen and not moment:  # "Klar" with nothing ticked
        shown = ctx._("None chosen")
    else:
        shown = labels or ctx._("Other")
    if when and when.casefold() not in shown.casefold():  # "Yesterday evening" said it
        shown = f"{shown} – {when}" if typed else when
    return shown


def _line(
    ctx: Context, draft: Draft, question: Question, indent: str = "", neutral: bool = False
) -> str:
    value = show(ctx, draft, question, draft.answers.get(question.step.value), neutral)
    label = f"{indent}{ctx._(question.label)}:"
    if "\n" in value:
        return label + "\n" + "\n".join(f"{indent}   {part}" for part in value.splitlines())
    return f"{label} {value}"


def answer_lines(
    ctx: Context, draft: Draft, who: Known, neutral: bool = False
) -> tuple[list[str], list[Button]]:
    """The report's answers as lines, and a button per topic to change it."""
    lines: list[str] = []
    buttons: list[Button] = []
    for question in topics(draft.answers, who):
        if question.step.value not in draft.answers:
            continue
        lines.append(_line(ctx, draft, question, "", neutral))
        buttons.append(Button(f"edit:{question.step.value}", ctx._(question.label)))
        for follow in follow_ups(question.step):
            if follow.applies(draft.answers, who) and follow.step.value in draft.answers:
                lines.append(_line(ctx, draft, follow, "   ", neutral))
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


def full_report_text(ctx: Context, report: Report, neutral: bool = False) -> str:
    """Render a whole report for an allowed reader, in the reader's language: every answer
    in full, typed ones as typed; ``neutral`` for staff (third person, neutral labels)."""
    repo = ReportRepo(ctx.session, ctx.keyring)
    answers = upgrade(repo.answers(report))
    draft = Draft(repo, report, answers, ctx.packs.get(report.pack), party_pack_of(ctx, report))
    # show what was asked
    who = Known(registered=not report.unverified, assignment=None, routed=False)
    lines, _buttons = answer_lines(ctx, draft, who, neutral)
    head = ctx._("Incident report {ref}").format(ref=report.ref)
    if report.submitted_at is not None:
        head += " – " + ctx.when(report.submitted_at)
    return "\n".join([head, "", *lines])
