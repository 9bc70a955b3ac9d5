"""A question of the report as data (how it is asked, what it accepts, when it applies) and
the steps a report goes through; the questions themselves are conversations.report.form."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Literal

from conversations.i18n import N_
from conversations.packs import Choice, Pack
from conversations.report.hooks import (
    UNASKED,
    AnswerHook,
    GatherHook,
    MeansHook,
    OptionsHook,
    TellsHook,
)


class ReportStep(StrEnum):
    """Where a person is in writing a report: a question, or a step around them."""

    RESUME = "resume"
    WHO = "who"
    PROXY = "proxy"
    TARGET = "target"
    ASSIGNMENT = "assignment"
    MUNICIPALITY = "municipality"
    CATEGORY = "category"
    WHAT = "what"
    NATURE = "nature"
    WHEN = "when"
    WHEN_DAY = "when_day"
    WHERE = "where"
    WITNESSES = "witnesses"
    PERPETRATOR = "perpetrator"
    PERP_NAME = "perp_name"
    PERP_DESC = "perp_desc"
    GROUP = "group"
    GROUP_WHICH = "group_which"
    TRIGGER = "trigger"
    TRIGGER_WHICH = "trigger_which"
    MEASURES = "measures"
    EXPERIENCE = "experience"
    SERIOUS = "serious"
    MORE = "more"
    SUMMARY = "summary"
    RECIPIENTS = "recipients"
    EVIDENCE = "evidence"
    CANCEL = "cancel"


Kind = Literal["choice", "multi", "text"]
Answers = dict[str, Any]
Options = Callable[[Pack], list[tuple[str, str]]]


@dataclass(frozen=True, slots=True)
class Known:
    """What the directory already knows about the person writing (never asked again)."""

    registered: bool
    assignment: str | None
    routed: bool = False  # the draft already goes to a municipality
    named: bool = False  # the directory has her name: it is not asked


@dataclass(frozen=True, slots=True)
class Question:
    """One question of the report: how it is asked, what it accepts, when it applies."""

    step: ReportStep
    kind: Kind
    ask: str  # msgid, to the targeted person ("du")
    ask_other: str  # msgid, reporting for someone else: {name} is the targeted person
    label: str  # msgid for the summary and the case, in neutral words
    options: Options | None = None  # (id, msgid or "pack:field:id")
    synonyms: dict[str, tuple[str, ...]] | None = None  # typed words that mean an option
    required: bool = False
    other_ok: bool = True  # typed text that matches no option is kept as the answer
    applies: Callable[[Answers, Known], bool] = lambda a, k: True
    parent: ReportStep | None = None  # a follow-up: edited and shown with its parent
    story: bool = False  # a long answer people send in several messages in a row
    leading: bool = False  # an answer that starts with an option's words means it ("Nej, …")
    within: tuple[str, ...] = ()  # options whose words mean them anywhere in an answer, first
    alone: tuple[str, ...] = ()  # options that rule out the others ("Nothing yet")
    on_answer: AnswerHook | None = None  # what the answer does besides being stored
    choices: OptionsHook | None = None  # options from the directory instead of ``options``
    gathers: GatherHook | None = None  # words typed where options are asked that answer this
    # own words that name something short (an assignment): words another question gathers
    # ("around 11pm, outside my house") answer that one instead, as where options are asked
    short: bool = False
    # a bare "nej" or "vet inte" is no answer here ("nej" is no assignment): it skips it
    declinable: bool = False
    # msgid: asked when a bare "ja" says yes to the question ("Vill du berätta mer?" "ja")
    yes_asks: str = ""
    means: MeansHook | None = None  # what words that name no option still mean ("Erik Berg")
    # what a sentence that tells the story ahead still answers here ("min man Erik blev hotad")
    tells: TellsHook | None = None
    # words that make an option said within an answer unsure ("min man Erik hotade mig": she
    # may be writing of what he did to her); then she is asked to choose. Where several are
    # chosen: words that leave them undecided ("not decided about the police yet") tick none
    doubts: Callable[[str], bool] | None = None
    meaning: str = ""  # msgid: what the question's words mean, for someone who asks
    ask_named: str = ""  # msgid, asked instead when the directory has her name (Known.named)
    # msgid, asked instead when her words were kept here before it was asked (hooks.UNASKED):
    # what she may add ({words}: those words, {name}: the targeted person's)
    ask_more: str = ""
    more_buttons: tuple[tuple[str, str], ...] = ()  # (button id, msgid) offered with ask_more
    # msgid: the targeted person in ask_other and ask_named while her name is not known
    someone: str = N_("the person")
    example: str = ""  # what a person might type (scripts in tests and the benchmark)
    example_press: str = ""  # the option a person might press instead ("" = type)

    @property
    def offers_typing(self) -> bool:
        return self.kind == "text" or self.other_ok

    def ticked(self, chosen: Sequence[str], new: Sequence[str]) -> list[str]:
        """The options ticked once ``new`` are ticked after ``chosen``: one that stands
        alone unticks the rest, and any other unticks it ("Nothing yet" and "Police report"
        are never ticked together)."""
        ticked = list(chosen)
        for option in new:
            if option in self.alone:
                ticked = [option]
            elif option not in ticked:
                ticked = [c for c in ticked if c not in self.alone] + [option]
        return ticked


def fixed(*pairs: tuple[str, str]) -> Options:
    return lambda pack: list(pairs)


def from_pack(*fields: str) -> Options:
    def options(pack: Pack) -> list[tuple[str, str]]:
        found: list[tuple[str, str]] = []
        for field in fields:
            choices: list[Choice] = getattr(pack, field)
            found += [(f"{c.id}", f"pack:{field}:{c.id}") for c in choices]
        return found

    return options


def chose(answers: Answers, step: ReportStep, *options: str) -> bool:
    """Whether the answer to ``step`` is one of ``options`` (pressed, or typed to mean it)."""
    answer = answers.get(step.value)
    return isinstance(answer, dict) and answer.get("choice") in options


def answered(answers: Answers, step: ReportStep) -> bool:
    """Whether the question has its answer (words kept there before it was asked: not yet)."""
    value = answers.get(step.value)
    return step.value in answers and not (isinstance(value, dict) and value.get(UNASKED))


def without_day(answer: Any) -> bool:
    """A 'when and where' was written, but no day could be read from it."""
    return isinstance(answer, dict) and bool(answer.get("text")) and not answer.get("day")


def for_self(answers: Answers) -> bool:
    return not chose(answers, ReportStep.WHO, "other")
