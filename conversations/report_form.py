"""The incident report form as data: the report flow's states, and ``STEPS``, every question
in order (what kind of answer, the options, when it applies, its label in the summary).

The questions' wording comes from the organisation's routine pack
(conversations/packs/*.yaml); conversations/report.py is the flow that asks them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Literal

from conversations.i18n import N_
from conversations.packs import Choice, Pack


class R(StrEnum):
    RESUME = "resume"
    WHO = "who"
    PROXY = "proxy"
    TARGET = "target"
    COMMITTEE = "committee"
    MUNICIPALITY = "municipality"
    CATEGORY = "category"
    KINDS = "kinds"
    CHANNELS = "channels"
    WHAT = "what"
    WHEN = "when"
    WHEN_DATE = "when_date"
    WHERE = "where"
    WITNESSES = "witnesses"
    REACHED = "reached"
    PERP_KNOWN = "perp_known"
    PERP_COUNT = "perp_count"
    PERP_DESC = "perp_desc"
    PERP_OTHERS = "perp_others"
    GROUP = "group"
    GROUP_WHICH = "group_which"
    TRIGGER = "trigger"
    POLICE = "police"
    PROTECTION = "protection"
    FRIGHTENING = "frightening"
    SERIOUS = "serious"
    FEELING = "feeling"
    EVIDENCE = "evidence"
    SUMMARY = "summary"
    RECIPIENTS = "recipients"
    CANCEL = "cancel"


Kind = Literal["choice", "multi", "text", "texts", "evidence"]
Answers = dict[str, Any]

YES_NO_UNKNOWN = (("yes", N_("Yes")), ("no", N_("No")), ("unknown", N_("Don't know")))


@dataclass(frozen=True, slots=True)
class Step:
    """One question of the form: where its answer goes and how it is asked."""

    state: R
    kind: Kind
    question: str  # a pack question id, or an English msgid for a sub-question
    options: Callable[[Pack], list[tuple[str, str]]] | None = None  # (id, msgid)
    optional: bool = True
    applies: Callable[[Answers], bool] = lambda a: True
    section: str = ""  # summary label (msgid) of a topic that can be edited from the summary
    label: str = ""  # summary label (msgid) of a sub-question shown under its topic


def fixed(*pairs: tuple[str, str]) -> Callable[[Pack], list[tuple[str, str]]]:
    return lambda pack: list(pairs)


def from_pack(field: str) -> Callable[[Pack], list[tuple[str, str]]]:
    def options(pack: Pack) -> list[tuple[str, str]]:
        choices: list[Choice] = getattr(pack, field)
        return [(c.id, f"pack:{field}:{c.id}") for c in choices]

    return options


def registered_only(answers: Answers) -> bool:
    return bool(answers.get("_unregistered"))


STEPS: tuple[Step, ...] = (
    Step(
        R.WHO,
        "choice",
        "reporter",
        fixed(("self", N_("It happened to me")), ("other", N_("I report for someone else"))),
        optional=False,
        section=N_("Who reports"),
    ),
    Step(
        R.PROXY,
        "text",
        N_(
            "Who are you? Your name, your function, and your relation to the "
            "person who was targeted."
        ),
        optional=False,
        applies=lambda a: a.get(R.WHO) == "other",
        label=N_("Reporter"),
    ),
    Step(
        R.TARGET,
        "text",
        N_("Who was targeted? Their name."),
        optional=False,
        applies=lambda a: a.get(R.WHO) == "other",
        section=N_("Targeted"),
    ),
    Step(R.COMMITTEE, "text", "targeted", section=N_("Committee/board")),
    Step(
        R.MUNICIPALITY,
        "choice",
        N_("Which municipality is it about? I will send the report to its security unit."),
        optional=False,
        applies=registered_only,
        section=N_("Municipality"),
    ),
    Step(
        R.CATEGORY,
        "choice",
        "category",
        from_pack("categories"),
        optional=False,
        section=N_("Where it comes from"),
    ),
    Step(R.KINDS, "multi", "kinds", from_pack("kinds"), section=N_("What kind")),
    Step(R.CHANNELS, "multi", "channels", from_pack("channels"), section=N_("How it came")),
    Step(R.WHAT, "texts", "what", optional=False, section=N_("What happened")),
    Step(
        R.WHEN,
        "choice",
        "when_where",
        fixed(
            ("now", N_("Just now")),
            ("today", N_("Today")),
            ("yesterday", N_("Yesterday")),
            ("other", N_("Another day")),
        ),
        section=N_("When"),
    ),
    Step(
        R.WHEN_DATE,
        "text",
        N_(
            "Which day? Write the date, e.g. 2026-11-20 or 20/11, and a "
            "time if you know it (21:30)."
        ),
        applies=lambda a: a.get(R.WHEN) == "other",
        label=N_("Date"),
    ),
    Step(R.WHERE, "text", N_("Where did it happen, and in what context?"), section=N_("Where")),
    Step(
        R.WITNESSES,
        "text",
        "witnesses",
        fixed(("none", N_("Nobody else saw it"))),
        section=N_("Witnesses"),
    ),
    Step(
        R.REACHED, "choice", "reached", fixed(*YES_NO_UNKNOWN), section=N_("Reached the recipient")
    ),
    Step(
        R.PERP_KNOWN,
        "choice",
        "perpetrator",
        fixed(("known", N_("Known")), ("unknown", N_("Unknown"))),
        section=N_("Perpetrator"),
    ),
    Step(
        R.PERP_COUNT,
        "choice",
        N_("One person or several?"),
        fixed(("one", N_("One")), ("several", N_("Several")), ("unknown", N_("Don't know"))),
        label=N_("How many"),
    ),
    Step(
        R.PERP_DESC,
        "text",
        N_("Describe them if you can: gender, approximate age, dialect, anything else."),
        label=N_("Description"),
    ),
    Step(
        R.PERP_OTHERS,
        "choice",
        N_("Have they targeted other elected officials?"),
        fixed(*YES_NO_UNKNOWN),
        label=N_("Targeted others"),
    ),
    Step(R.GROUP, "choice", "group", fixed(*YES_NO_UNKNOWN), section=N_("Group or faction")),
    Step(
        R.GROUP_WHICH,
        "text",
        N_("Which group or faction?"),
        applies=lambda a: a.get(R.GROUP) == "yes",
        label=N_("Which group"),
    ),
    Step(
        R.TRIGGER,
        "choice",
        "trigger",
        fixed(
            ("issue", N_("A political issue")),
            ("decision", N_("A decision")),
            ("other", N_("Something else")),
            ("unknown", N_("Don't know")),
        ),
        section=N_("Trigger"),
    ),
    Step(
        R.POLICE,
        "choice",
        "measures",
        fixed(
            ("yes", N_("Police report made")),
            ("no", N_("No police report")),
            ("not_yet", N_("Not decided yet")),
        ),
        section=N_("Measures"),
    ),
    Step(
        R.PROTECTION,
        "multi",
        N_("Protective measures already decided or wanted?"),
        from_pack("measures"),
        label=N_("Protective measures"),
    ),
    Step(
        R.FRIGHTENING,
        "choice",
        "experience",
        fixed(
            ("yes", N_("Frightening")),
            ("somewhat", N_("Somewhat")),
            ("no", N_("Not frightening")),
        ),
        section=N_("How it felt"),
    ),
    Step(
        R.SERIOUS,
        "choice",
        N_("Do you think it was seriously meant?"),
        fixed(*YES_NO_UNKNOWN),
        label=N_("Seriously meant"),
    ),
    Step(
        R.FEELING,
        "text",
        N_("Anything else about how it felt? (optional)"),
        label=N_("More about how it felt"),
    ),
    Step(R.EVIDENCE, "evidence", "evidence", section=N_("Evidence")),
)
BY_STATE = {step.state: step for step in STEPS}
ORDER = [step.state for step in STEPS]
