"""What some answers do besides being stored: route the draft, read a date, take a name,
offer choices the directory knows. Each question of the form names its own hooks
(report/form.py)."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from datetime import date, time, timedelta
from typing import Any, Protocol

from conversations import dates
from conversations.about import TARGET, close_named, name_in
from conversations.akut_words import CRIES, DENIED, NOT_THREAT, tells_danger
from conversations.flow import Context
from conversations.i18n import DISPLAY_TZ
from conversations.packs import Pack
from conversations.words import Words
from storage.directory import DirectoryRepo
from storage.reports import AnyReport, ReportRepo

Answer = dict[str, Any]
UNASKED = "unasked"
"""In an answer: her words were kept there before the question was asked (told at /akut,
a name at "Vem gäller det?"). The question is still asked, for what she may add."""


class DraftLike(Protocol):
    """What a hook may use of the report being written."""

    repo: ReportRepo
    report: AnyReport
    answers: dict[str, Any]
    pack: Pack


AnswerHook = Callable[[Context, DraftLike, Answer], Awaitable[list[str]]]
"""Called after an answer is stored; returns lines that say what was understood."""
OptionsHook = Callable[[Context], Awaitable[list[tuple[str, str]]]]
"""Choices that come from the directory (id, label as shown)."""
GatherHook = Callable[[Context, str], bool]
"""Whether words typed where options are asked answer this question instead."""
MeansHook = Callable[[Context, str], str | None]
"""The option that words naming none of a question's options still mean, if any."""
TellsHook = Callable[[Context, str], Answer | None]
"""The answer a sentence that tells what happened still clearly gives this question, if any."""

SHORT_NAME = 4  # words: a name typed alone, with little around it ("Eva Ek i KS")
ME = frozenset(("jag", "mig", "mej", "min", "mitt", "mina", "me", "my", "myself"))
"""Words that speak of herself (and "I", in capitals: "i" is Swedish for "in")."""


def whom(ctx: Context, typed: str) -> str | None:
    """Who a name typed at "Who is this about?" means: her own name herself, another
    name someone else ("Erik Berg"); nothing from a sentence that tells of harm or speaks of
    herself ("hotad av Erik Berg", "jag blev hotad av Erik")."""
    words = _WORD.findall(typed)
    herself = "I" in words or bool(ME & {w.casefold() for w in words})
    if len(words) > SHORT_NAME or herself or tells_danger(typed):
        return None
    own = ctx.person.display_name or ""
    if name_in(typed, own) is not None:
        return "other"
    said = {w.casefold() for w in words if w[:1].isupper()}
    return "self" if said and said <= set(own.casefold().split()) else None


TO_HER = frozenset(("mig", "mej", "me", "myself"))
"""Words for her as the one something was done to ("hotade mig")."""


def done_to_her(typed: str) -> bool:
    """Whether words tell of harm done to herself ("Min man Erik hotade mig igen"): someone
    close named in them may be who did it, not whom the report is about."""
    words = {w.casefold() for w in _WORD.findall(typed)}
    return bool(TO_HER & words) and tells_danger(typed)


NOT_DONE_TO = frozenset(
    ("till", "för", "med", "om", "av", "hos", "än", "som", "to", "for", "with", "about", "from")
)
"""Words before "mig" that make her the one spoken to, not the one harmed ("sa till mig")."""
OTHERS = frozenset(("honom", "henne", "hen", "dem", "him", "her", "them"))
"""Words for others as ones something may have been done to."""
_HARMED = re.compile(
    r"\b(?:[Jj]ag|I)\s+(?:blev|har\s+blivit|hade\s+blivit|blir|was|have\s+been|got)\s+"
    r"(?:\w+\s+)?(?:hotad|trakasserad|slagen|misshandlad|förföljd|attackerad|överfallen|"
    r"angripen|knivhuggen|skadad|uthängd|threatened|attacked|harassed|assaulted|beaten|"
    r"stalked|hit)\b"
)


def harmed_herself(typed: str) -> bool:
    """Whether a sentence that tells of harm tells of harm done to herself ("skrek att han
    ska döda mig", "jag blev hotad"), not only to her as the one told ("sa till mig")."""
    words = [w.casefold() for w in _WORD.findall(typed)]
    if not tells_danger(typed) or OTHERS & set(words):  # "…någon hotat honom": not plain
        return False
    if _HARMED.search(typed):
        return True
    return any(w in TO_HER and i and words[i - 1] not in NOT_DONE_TO for i, w in enumerate(words))


def whom_told(ctx: Context, typed: str) -> Answer | None:
    """Whom a sentence that tells what happened is about: someone close to her, by name
    ("Igår blev min man Erik hotad av en granne"), in the words that said so ("min man
    Erik"); herself, when it tells of harm done to her ("han skrek att han ska döda mig");
    nothing when that is not clear."""
    found = close_named(typed, ctx.person.display_name or "")
    if found is not None:
        return {"choice": "other", "text": found[0]}
    return {"choice": "self"} if harmed_herself(typed) else None


async def target_named(ctx: Context, draft: DraftLike, answer: Answer) -> list[str]:
    """A name in the words that said it is someone else ("min man Erik") answers "Who was
    targeted?" as well; say it back. That question is still put, for what is missing (the
    committee) and to change the name."""
    target = draft.answers.get(TARGET)
    if answer.get("choice") != "other" or (isinstance(target, dict) and not target.get(UNASKED)):
        return []  # herself, or the name was written where it is asked
    name = name_in(str(answer.get("text") or ""), ctx.person.display_name or "")
    if name is None:
        return []
    draft.answers[TARGET] = {"text": name, UNASKED: True}
    return [ctx._("I noted: it is about {name}.").format(name=name)]


async def route_category(ctx: Context, draft: DraftLike, answer: Answer) -> list[str]:
    """Keep the category on the draft's row: it decides who is alerted."""
    await draft.repo.update_draft(draft.report, category=answer.get("choice") or "unknown")
    return []


async def municipalities(ctx: Context) -> list[tuple[str, str]]:
    """Every municipality in the directory (published information)."""
    return await DirectoryRepo(ctx.session).municipalities()


async def route_municipality(ctx: Context, draft: DraftLike, answer: Answer) -> list[str]:
    """Send the report of an unregistered person to the municipality they named."""
    directory = DirectoryRepo(ctx.session)
    municipality = await directory.municipality_by_key(str(answer.get("choice", "")))
    if municipality is None:
        return []
    await draft.repo.update_draft(
        draft.report, municipality_id=municipality.id, pack=municipality.pack
    )
    draft.pack = ctx.packs.get(municipality.pack)
    return []


QUICK_DAYS = {"now": 0, "today": 0, "yesterday": 1}


def _moment(ctx: Context, answer: Answer) -> dates.Moment | None:
    choice = answer.get("choice")
    if choice in QUICK_DAYS:
        local = ctx.now.astimezone(DISPLAY_TZ)
        day = local.date() - timedelta(days=QUICK_DAYS[str(choice)])
        if choice == "now":
            return dates.Moment(day, local.time().replace(second=0, microsecond=0))
        return dates.Moment(day)
    text = str(answer.get("text") or "")
    for line in reversed(text.splitlines()):  # added when changing it: the newest words win
        moment = dates.understand(line, ctx.now, ctx.locale)
        if moment is not None:
            return moment
    return dates.understand(text, ctx.now, ctx.locale) if text else None


def store_moment(answer: Answer, moment: dates.Moment | None) -> None:
    """Keep what was understood of a day and time beside the words that said it."""
    for key in ("day", "time", "part", "about"):
        answer.pop(key, None)
    if moment is None:
        return
    answer["day"] = moment.day.isoformat()
    if moment.about:
        answer["about"] = True
    if moment.time is not None:
        answer["time"] = moment.time.strftime("%H:%M")
    if moment.part is not None:
        answer["part"] = moment.part.value


def moment_of(answer: Answer | None) -> dates.Moment | None:
    """The day and time stored with an answer, if any."""
    if not answer or not answer.get("day"):
        return None
    at = answer.get("time")
    part = answer.get("part")
    return dates.Moment(
        date.fromisoformat(str(answer["day"])),
        time.fromisoformat(str(at)) if at else None,
        dates.Part(part) if part else None,
        bool(answer.get("about")),
    )


async def read_when(ctx: Context, draft: DraftLike, answer: Answer) -> list[str]:
    """Read the day and time out of what was written (or pressed); say what was understood.
    A time still to come is not taken as the time: the day is asked for instead."""
    moment = _moment(ctx, answer)
    if moment is not None and dates.is_future(moment, ctx.now):
        store_moment(answer, None)
        return [ctx._("That sounds like a time that has not come yet, so I did not note it.")]
    store_moment(answer, moment)
    if moment is None:
        return []
    return [ctx._("I noted: {when}.").format(when=dates.describe(moment, ctx.now, ctx.locale))]


AROUND_WHEN = 2  # words: a place or a hedge beside a time ("hemma", "utanför kommunhuset")
AT_PLACE = frozenset(
    {"utanför", "på", "i", "vid", "hemma", "hos", "framför", "nära", "mitt", "at", "outside"}
    | {"in", "near", "home", "by", "on"}
)
"""Words a place starts with after a time ("…22, utanför mitt hus")."""
_HARM = Words(command="harm", first=CRIES, not_first=NOT_THREAT, denied=DENIED)
"""Words of harm in what follows a time, not a place at her door ("utanför mitt hus")."""
WHEN_WORDS = 12  # words: more than this is never a time alone (and is not read for one)
_WORD = re.compile(r"\w+")


def says_when(ctx: Context, typed: str) -> bool:
    """Whether words typed where options are asked say when it happened, and little else
    ("igår kväll 22.40", "yesterday evening, at home"): a day that has come, not a sentence
    with a day in it ("a man followed me yesterday evening")."""
    if len(_WORD.findall(typed)) > WHEN_WORDS:
        return False
    moment, rest = dates.understood(typed, ctx.now, ctx.locale)
    if moment is None or dates.is_future(moment, ctx.now):
        return False
    left = _WORD.findall(rest)
    said = len(_WORD.findall(typed)) - len(left)
    if left and left[0].casefold() in AT_PLACE and not _HARM.means_command(rest, in_flow=False):
        return True  # "igår kväll runt 22, utanför mitt hus på Storgatan 5": when and where
    return len(left) <= max(AROUND_WHEN, said)


async def read_day(ctx: Context, draft: DraftLike, answer: Answer) -> list[str]:
    """The day asked for after a 'when and where' without one: keep it with that answer,
    with the time she wrote there ("i dag kl. 22.40" said in the morning, then "I går")."""
    echo = await read_when(ctx, draft, answer)
    parent = draft.answers.get("when")
    said = _moment(ctx, parent) if isinstance(parent, dict) else None
    if answer.get("day") and "time" not in answer and said is not None and said.time is not None:
        day = date.fromisoformat(str(answer["day"]))
        moment = dates.Moment(day, said.time, about=bool(answer.get("about")))
        if not dates.is_future(moment, ctx.now):
            store_moment(answer, moment)
            echo = [
                ctx._("I noted: {when}.").format(when=dates.describe(moment, ctx.now, ctx.locale))
            ]
    if isinstance(parent, dict) and answer.get("day"):
        parent.pop("about", None)
        for key in ("day", "time", "part", "about"):
            if key in answer:
                parent[key] = answer[key]
    return echo
