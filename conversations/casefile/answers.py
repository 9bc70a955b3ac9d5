"""The report's answers as the form's questions and answers, in full and in neutral words,
and the statement that the person was targeted in the role of elected official."""

from __future__ import annotations

from conversations.case.reading import herself, named_herself
from conversations.casefile.model import Entry
from conversations.flow import Context
from conversations.i18n import shown_name
from conversations.report.draft import Draft, party_pack_of
from conversations.report.form import BY_STEP, Known, ReportStep, follow_ups, for_self, topics
from conversations.report.legacy import upgrade
from conversations.report.text import show
from storage.directory import DirectoryRepo
from storage.errors import NotFound
from storage.models import Person, Report
from storage.reports import ReportRepo


def _draft(ctx: Context, report: Report) -> Draft:
    repo = ReportRepo(ctx.session, ctx.keyring)
    answers = upgrade(repo.answers(report))
    return Draft(repo, report, answers, ctx.packs.get(report.pack), party_pack_of(ctx, report))


async def answer_entries(ctx: Context, report: Report) -> list[Entry]:
    """Every question answered, with its answer in full (typed answers as typed); who it is
    about by her name when she reported it herself."""
    draft = _draft(ctx, report)
    who = Known(registered=not report.unverified, assignment=None, routed=False)
    entries: list[Entry] = []
    for question in topics(draft.answers, who):
        if question.step.value not in draft.answers:
            continue
        value = show(ctx, draft, question, draft.answers.get(question.step.value), True, dated=True)
        if question.step is ReportStep.WHO:
            value = named_herself(ctx, value, await herself(ctx, report))
        entries.append(Entry(ctx._(question.label), value))
        for follow in follow_ups(question.step):
            if follow.applies(draft.answers, who) and follow.step.value in draft.answers:
                value = show(
                    ctx, draft, follow, draft.answers.get(follow.step.value), True, dated=True
                )
                entries.append(Entry(ctx._(follow.label), value, 1))
    notes = [str(n) for n in draft.answers.get("_notes", [])]
    if notes:
        entries.append(Entry(ctx._("Also written"), " / ".join(notes)))
    return entries


async def _person(ctx: Context, person_id: int | None) -> tuple[str, str | None]:
    """A person's name and assignment as the directory has them ("" if unknown)."""
    person = await ctx.session.get(Person, person_id) if person_id is not None else None
    if person is None:
        return "", None
    try:
        card, _party, _m = await DirectoryRepo(ctx.session).describe(ctx.viewer, person.id)
    except NotFound:
        return "", None
    return shown_name(ctx._, card), person.assignment


async def role_statement(ctx: Context, report: Report) -> str:
    """'Anna Berg was targeted in the role of elected official (assignment: …).'"""
    draft = _draft(ctx, report)
    answers = draft.answers
    # The draft starts out about its reporter; reported for someone else, it is about the
    # person named in the answers, whoever the draft was first about.
    targeted = (report.targeted_id or report.reporter_id) if for_self(answers) else None
    name, assignment = await _person(ctx, targeted)
    written = answers.get(ReportStep.ASSIGNMENT.value)
    if isinstance(written, dict) and str(written.get("text") or "").strip():
        assignment = str(written["text"]).strip()
    if not name:
        target = answers.get(ReportStep.TARGET.value)
        if target is not None:
            name = show(ctx, draft, BY_STEP[ReportStep.TARGET], target, True)
    name = name or ctx._("The targeted person")
    if "," in name:  # "Karin Ek, ersättare i socialnämnden," utsattes: the aside is closed
        name = f"{name.rstrip(',')},"
    if assignment:
        return ctx._(
            "{name} was targeted in the role of elected official. Assignment: {assignment}."
        ).format(name=name, assignment=assignment.rstrip("."))
    return ctx._("{name} was targeted in the role of elected official.").format(name=name)
