"""Routine packs: each organisation's plan as data (YAML), validated by a schema.

A municipality chooses a pack in the org file; a party association may add a party pack on
top (its own action lists and rules). The report questions, choices, category texts,
action lists per role, checklist and follow-up plan all come from here, in Swedish and
English.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

PACK_DIR = Path(__file__).resolve().parent / "packs"

QUESTION_IDS = (
    "reporter",  # 1. Vem rapporterar incidenten? (namn, funktion, relation till den utsatte)
    "targeted",  # 2. Vem utsattes? (namn, vilken nämnd/styrelse)
    "category",  # where it comes from (Kävlinge: party / assignment / internal)
    "kinds",  # 3. Vad utsattes personen för? – the kinds
    "channels",  # 3. ... via brev, telefonsamtal, sms/mms, personligt framfört
    "what",  # 3. – the description
    "when_where",  # 4. När och var inträffade händelsen?
    "witnesses",  # 5. Var det någon annan som såg händelsen?
    "reached",  # 5. Nådde hotet fram till den tänkta mottagaren?
    "perpetrator",  # 6. Vem/vilka utsatte den förtroendevalde?
    "group",  # 7. Antas förövaren tillhöra en grupp/falang av något slag?
    "trigger",  # 8. Finns någon känd utlösande faktor?
    "measures",  # 9. Beslut om eventuella åtgärder?
    "experience",  # 10. Hur upplevde den utsatte incidenten?
    "evidence",  # Kävlinge: samla allt du har
)
CATEGORY_IDS = ("party", "assignment", "internal", "unknown")
ROLES = Literal[
    "targeted", "party_security", "municipal_security", "municipal_director", "association"
]
LIST_FOR = Literal[ROLES, "helper"]
"""Whom an action list speaks to: a role, or a helper, someone reporting for the targeted
person (whose list may name them: "{name}")."""


class PackError(ValueError):
    """A pack is malformed; the message names file, path and reason."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, frozen=True)


class Text(_Strict):
    """A text in both languages."""

    sv: str = Field(min_length=1)
    en: str = Field(min_length=1)

    def get(self, locale: str) -> str:
        return self.en if locale == "en" else self.sv


class Choice(_Strict):
    id: str = Field(pattern=r"^[a-z0-9_]{1,24}$")
    label: Text  # as the targeted person says it ("Mitt kommunala uppdrag")
    neutral: Text | None = None  # for staff and reports about someone else ("Kommunalt uppdrag")
    # about someone else whose name the report gives: "{name}" is it ("Skyddsåtgärder för Erik")
    named: Text | None = None
    help: Text | None = None

    def shown(self, locale: str, *, neutral: bool = False, name: str | None = None) -> str:
        """Return the label in the person's language: with the targeted person's ``name``
        where given and the label takes one, else neutral where asked and given."""
        if name and self.named is not None:
            return self.named.get(locale).replace("{name}", name)
        text = self.neutral if neutral and self.neutral is not None else self.label
        return text.get(locale)


class Question(_Strict):
    text: Text
    help: Text | None = None
    form_ref: str | None = None  # where it stands in the source form, e.g. "1.3"


TOPICS = Literal["danger", "alone", "tell_party", "tell_unit", "evidence", "police"]
"""What an action item is about, so that two plans' items on the same thing are read once,
and what a sent report has already done ("tell the party security contact") is not asked
of her again."""


class ActionItem(Text):
    """One thing to do, in both languages, with what it is about (none: its own thing)."""

    topics: tuple[TOPICS, ...] = ()


class ActionList(_Strict):
    title: Text
    items: list[ActionItem] = Field(min_length=1)


@dataclass(frozen=True)
class Reader:
    """Who reads a checklist item, if not staff: the targeted person in her own case
    (``own``), or someone who reported for her (``name``: hers, as the report gives it)."""

    own: bool = False
    name: str | None = None
    # Who took her report (``contact``), and who at the municipality's unit has it
    # (``unit``): 3.1.1 is asked of her about them, or is done already (the plan sent it).
    contact: str | None = None
    unit: str | None = None


class ChecklistItem(_Strict):
    id: str = Field(pattern=r"^[a-z0-9_.-]{1,32}$")
    step: str  # the routine's step number, e.g. "3.1.1"
    # "Åtgärd": the routine's words this check follows; none where the form has a check
    # with no action of its own (3.2.1 "Har den utsattas anhöriga informerats?")
    action: Text | None = None
    check: Text  # the "Check!" question, answered Ja / Nej / Inte aktuellt
    # The same question put to the targeted person, in her case ("Har du valt en
    # stödperson?" for "Har den utsatta valt en stödperson?"); none: ``check`` reads right.
    own: Text | None = None
    # The same once a named contact has taken her report ("Har du eller Pia Lind kontaktat
    # kommunens säkerhetsstrateg?"): she is asked about the one who has it, not a role.
    own_contact: Text | None = None
    # And to someone who reported for her, naming her ("Har {name} valt en stödperson?").
    named: Text | None = None
    responsible: list[ROLES] = Field(min_length=1)
    asks_who: bool = False  # the form asks "Vem?" as well
    # The form's own prompt for this check's comment line, e.g. "Vem valdes som stödperson?".
    comment: Text | None = None
    # "text" where the form's Check! is a line to fill in ("Följande har informerats om
    # händelsen:") rather than a question answered Ja / Nej / Inte aktuellt.
    answer: Literal["yes_no", "text"] = "yes_no"
    # Answered "yes", the case goes to the unit too (3.1.1: the strategist was contacted, so
    # the unit reads the case and does its part, 3.1.2 the police's assessment).
    brings_in_unit: bool = False
    # A measure chosen in the report (its id) that the item waits on: its owners who were
    # not alerted are told of it only then (3.1.3: the director files a police report only
    # if the person decides so, not for every case).
    owners_told_when: str | None = None
    # An item whose "Ja" tells this item's owners if they were not told at the send (3.1.3
    # after 3.1.2: the police have assessed it, and she may now decide to report).
    owners_told_after: str | None = None

    def asked(self, locale: str, reader: Reader | None = None) -> str:
        """The check as the reader is asked it: staff in the routine's words, the targeted
        person in hers, someone who reported for her with her name."""
        if reader is not None and reader.own and reader.contact and self.own_contact:
            return self.own_contact.get(locale).replace("{contact}", reader.contact)
        if reader is not None and reader.own and self.own is not None:
            return self.own.get(locale)
        if reader is not None and reader.name is not None and self.named is not None:
            return self.named.get(locale).replace("{name}", reader.name)
        return self.check.get(locale)

    def done_by_sending(self, reader: Reader | None) -> bool:
        """Whether the report's own sending answered it for her: 3.1.1 ("Har kommunens
        säkerhetsstrateg kontaktats?") once the plan sent her report to the unit."""
        return self.brings_in_unit and reader is not None and reader.unit is not None


class FollowUpPlan(_Strict):
    first_nudge_day: int = 2
    first_remind_day: int = 10
    first_escalate_day: int = 14
    later_conversations: int = 2  # follow-up conversations 2 and 3
    checkin_days: list[int] = Field(default_factory=lambda: [1, 7, 30])
    # The follow-up log's prompts for each follow-up conversation (Datum, Närvarande, ...).
    prompts: list[Text] = Field(default_factory=list)
    # The form's closing questions ("Uppföljning": was the routine applied, what to improve).
    closing: list[Text] = Field(default_factory=list)
    # Checklist items that documenting follow-up call 1 answers "yes" where still open (the
    # call was held, it is documented, the need for professional support was assessed).
    first_call_answers: list[str] = Field(default_factory=list)
    # Of those, the ones that say it was held in time ("inom två veckor"): answered only when
    # it was held within first_escalate_day days of the report; otherwise left to the handler.
    first_call_in_time: list[str] = Field(default_factory=list)
    # Checklist items that planning or booking a later call (or deciding it is not needed)
    # answers "yes" where still open: the need for further calls was assessed.
    next_call_answers: list[str] = Field(default_factory=list)
    # Checklist items of the unit's that a call finding professional support needed gives
    # it: the unit is brought onto the case and told (it orders the support).
    professional_needed_tells: list[str] = Field(default_factory=list)


class Duty(_Strict):
    id: str
    title: Text
    cadence: Literal["half_year", "four_per_term", "year_before_election", "per_term"]
    source: str | None = None


class Alerting(_Strict):
    ack_minutes_akut: int = 10
    ack_minutes_report: int = 120
    always_municipal_unit: bool = False  # Staffanstorp: an incident report always goes there
    municipal_unit_categories: list[str] = Field(default_factory=lambda: ["assignment"])


class InternalRules(_Strict):
    """How internal cases (perpetrator from within the party) are handled."""

    rules: list[Text] = Field(min_length=1)
    closed_group_max: int = 3
    # Further action plans for internal cases whose owner is none of ROLES (e.g. the council
    # group's confidence vote, re-entry after internal harassment).
    plans: list[ActionList] = Field(default_factory=list)


class Pack(_Strict):
    id: str = Field(pattern=r"^[a-z0-9-]{1,32}$")
    kind: Literal["municipality", "party"]
    name: Text
    sources: list[str] = Field(min_length=1)  # seed files / documents it encodes
    extends: str | None = None
    questions: dict[str, Question] = Field(default_factory=dict)
    categories: list[Choice] = Field(default_factory=list)
    kinds: list[Choice] = Field(default_factory=list)
    channels: list[Choice] = Field(default_factory=list)
    measures: list[Choice] = Field(default_factory=list)  # protective measures offered
    definitions: dict[str, Text] = Field(default_factory=dict)  # help per kind id
    action_lists: dict[LIST_FOR, dict[str, ActionList]] = Field(default_factory=dict)
    checklist: list[ChecklistItem] = Field(default_factory=list)
    followup: FollowUpPlan | None = None
    duties: list[Duty] = Field(default_factory=list)
    alerting: Alerting | None = None
    internal: InternalRules | None = None
    police_report_advice: Text | None = None

    @model_validator(mode="after")
    def _known_ids(self) -> Pack:
        # Each problem names its own path, e.g. "questions.foo: unknown question id".
        problems = [
            f"questions.{q}: unknown question id" for q in self.questions if q not in QUESTION_IDS
        ]
        problems += [
            f"categories.{i}.id: unknown category {c.id!r}"
            for i, c in enumerate(self.categories)
            if c.id not in CATEGORY_IDS
        ]
        for role, lists in self.action_lists.items():
            problems += [
                f"action_lists.{role}.{c}: unknown category"
                for c in lists
                if c not in CATEGORY_IDS and c != "all"
            ]
        if self.alerting is not None:
            problems += [
                f"alerting.municipal_unit_categories: unknown category {c!r}"
                for c in self.alerting.municipal_unit_categories
                if c not in CATEGORY_IDS
            ]
        for field in ("categories", "kinds", "channels", "measures", "checklist"):
            ids = [item.id for item in getattr(self, field)]
            problems += [
                f"{field}: duplicate id {i!r}" for i in sorted(set(ids)) if ids.count(i) > 1
            ]
        items = {item.id for item in self.checklist}
        if items and self.followup is not None:
            answers = {
                "first_call_answers": self.followup.first_call_answers,
                "first_call_in_time": self.followup.first_call_in_time,
                "next_call_answers": self.followup.next_call_answers,
                "professional_needed_tells": self.followup.professional_needed_tells,
            }
            problems += [
                f"followup.{field}: unknown checklist item {i!r}"
                for field, ids in answers.items()
                for i in ids
                if i not in items
            ]
        kinds = {k.id for k in self.kinds}
        if kinds:
            problems += [
                f"definitions.{d}: not a kind id" for d in self.definitions if d not in kinds
            ]
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def complete(self) -> list[str]:
        """Return what a municipality pack (after merging) still lacks to drive a report."""
        missing = [f"questions.{q}" for q in QUESTION_IDS if q not in self.questions]
        for field in ("categories", "kinds", "channels", "checklist"):
            if not getattr(self, field):
                missing.append(field)
        for field in ("followup", "alerting"):
            if getattr(self, field) is None:
                missing.append(field)
        return missing


def _merge(base: dict[str, Any], top: dict[str, Any]) -> dict[str, Any]:
    """Merge ``top`` over ``base``: mappings merge, everything else is replaced."""
    merged = dict(base)
    for key, value in top.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _read(path: Path) -> dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise PackError(f"{path}: cannot read pack ({type(exc).__name__})") from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "(pack)"
        reason = getattr(exc, "problem", None) or type(exc).__name__
        raise PackError(f"{path}: {where}: not valid YAML ({reason})") from exc
    if not isinstance(data, dict):
        raise PackError(f"{path}: a pack must be a mapping")
    return data


def _validate(path: Path, data: dict[str, Any]) -> Pack:
    try:
        return Pack.model_validate(data)
    except ValidationError as exc:
        problems = []
        for e in exc.errors():
            loc = ".".join(str(p) for p in e["loc"])
            if not loc and e["type"] == "value_error":  # the pack-level check names its paths
                problems.append(f"{path}: {e['ctx']['error']}")
            else:
                problems.append(f"{path}: {loc or '(pack)'}: {e['msg']}")
        raise PackError("\n".join(problems)) from exc


class PackLibrary:
    """All packs in a directory, merged along ``extends`` and checked at load."""

    def __init__(self, directory: Path = PACK_DIR) -> None:
        self.directory = directory
        raw = {p.stem: (p, _read(p)) for p in sorted(directory.glob("*.yaml"))}
        self.packs: dict[str, Pack] = {}
        for pack_id, (path, data) in raw.items():
            if data.get("id") != pack_id:
                raise PackError(f"{path}: id: must equal the file name ({pack_id!r})")
            merged, seen = data, {pack_id}
            parent = data.get("extends")
            while parent:
                if parent not in raw or parent in seen:
                    raise PackError(f"{path}: extends: unknown or circular pack {parent!r}")
                seen.add(parent)
                parent_data = raw[parent][1]
                merged = _merge({k: v for k, v in parent_data.items() if k != "extends"}, merged)
                parent = parent_data.get("extends")
            pack = _validate(path, merged)
            if pack.kind == "municipality" and (missing := pack.complete()):
                raise PackError(f"{path}: incomplete municipality pack, missing {missing}")
            self.packs[pack_id] = pack

    def get(self, pack_id: str | None, default: str = "oxelosund") -> Pack:
        return self.packs.get(pack_id or default) or self.packs[default]

    def party_pack(self, pack_id: str | None) -> Pack | None:
        pack = self.packs.get(pack_id or "")
        return pack if pack is not None and pack.kind == "party" else None
