"""The report being written: its row, its answers (sealed at rest) and its routine packs."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from conversations.about import about_someone_else, named_target
from conversations.flow import Context
from conversations.packs import Pack
from conversations.report.form import Answers, Known, Question, ReportStep, next_step
from conversations.report.legacy import upgrade
from conversations.words import yes_or_thanks
from storage.reports import AnyReport, ReportRepo

VERSION = 2  # the shape of the answers (see report/legacy.py for version 1)


@dataclass(slots=True)
class Draft:
    """The report being written and its answers (sealed at rest)."""

    repo: ReportRepo
    report: AnyReport  # the row every answer loads; its ORM object: repo.entity()
    answers: Answers
    pack: Pack
    party_pack: Pack | None

    def save(self, ctx: Context) -> None:
        self.answers["_v"] = VERSION
        self.repo.save_answers(self.report, self.answers, ctx.now)

    def at(self, known: Known) -> ReportStep:
        """The question the person is at (else the first one left to answer)."""
        try:
            return ReportStep(self.answers["_at"])
        except (KeyError, ValueError):
            return next_step(self.answers, known, None)

    def answer(self, step: ReportStep) -> dict[str, Any] | None:
        value = self.answers.get(step.value)
        return value if isinstance(value, dict) else None

    def note(self, text: str) -> None:
        """Keep words that answered no question beside the report; a bare "ja", "ok" or
        "tack" tells the report nothing, and those who read it are not shown it."""
        if yes_or_thanks(text):
            return
        self.answers["_notes"] = [*self.answers.get("_notes", []), text]


def known(ctx: Context, draft: Draft) -> Known:
    """What the directory already knows about the person writing, and the draft's routing."""
    return Known(
        registered=ctx.viewer.registered,
        assignment=ctx.person.assignment,
        routed=draft.report.municipality_id is not None,
        named=ctx.viewer.registered and bool(ctx.person.display_name),
    )


def party_pack_of(ctx: Context, report: AnyReport) -> Pack | None:
    if report.party_id is None or ctx.person.party_id is None:
        return None
    return ctx.packs.party_pack(ctx.person.party_pack)


async def load_draft(ctx: Context) -> Draft | None:
    """Return the person's unfinished report, if any."""
    repo = ReportRepo(ctx.session, ctx.keyring)
    report = await repo.draft(ctx.viewer)
    if report is None:
        return None
    answers = upgrade(repo.answers(report))
    if report.municipality_id is None and ctx.viewer.registered and ctx.person.municipality_id:
        # begun before the invitation code: it goes where the person now belongs
        person = ctx.person
        pack = person.municipality_pack or report.pack
        await repo.update_draft(
            report,
            municipality_id=person.municipality_id,
            party_id=person.party_id,
            pack=pack,
            unverified=False,  # the invitation confirmed who she is
        )
        answers.pop("_unregistered", None)
        answers.pop(ReportStep.MUNICIPALITY.value, None)
    return Draft(repo, report, answers, ctx.packs.get(report.pack), party_pack_of(ctx, report))


def target_name(ctx: Context, answers: Answers, someone: str = "the person") -> str:
    """The targeted person's name when reporting for someone else (their first words);
    ``someone`` (a msgid) while it is not known ("den som utsattes")."""
    return named_target(answers) or ctx._(someone)


def ask_text(ctx: Context, draft: Draft, question: Question) -> str:
    """The question as it is put to this person: 'du', or the targeted person's name."""
    answers = draft.answers
    name = target_name(ctx, answers, question.someone)
    if question.ask_named and known(ctx, draft).named:  # "Vem är du?" of someone we know
        return ctx._(question.ask_named).format(name=name)
    if about_someone_else(answers):
        return ctx._(question.ask_other).format(name=name)
    return ctx._(question.ask).format(name="")


def option_text(ctx: Context, draft: Draft, msgid: str) -> str:
    """Translate an option's msgid, or look a 'pack:field:id' label up in the pack."""
    if msgid.startswith("pack:"):
        _, field, choice_id = msgid.split(":", 2)
        other = about_someone_else(draft.answers)
        for choice in getattr(draft.pack, field):
            if choice.id == choice_id:
                name = named_target(draft.answers) if other else None
                return str(choice.shown(ctx.locale, neutral=other, name=name))
        return choice_id
    return ctx._(msgid)


async def options(ctx: Context, draft: Draft, question: Question) -> list[tuple[str, str]]:
    """The question's options as (id, label as shown)."""
    if question.choices is not None:
        return await question.choices(ctx)
    if question.options is None:
        return []
    return [(i, option_text(ctx, draft, m)) for i, m in question.options(draft.pack)]
