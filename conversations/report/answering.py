"""Asking the report's questions and taking the answers: pressed, or typed in any words.

Every answer is stored (sealed) the moment it arrives. A typed answer is never thrown away:
it is the answer, an option it names, "Other: …", the answer to the question it belongs to
(a time typed where options are asked), or a note beside the report, and the person is told
which.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from conversations.events import Button, InboundEvent
from conversations.flow import END, Context, StateResult
from conversations.i18n import N_
from conversations.report.bare_words import BARE, DECLINED, DONE, ENOUGH, SKIP
from conversations.report.draft import (
    Draft,
    ask_text,
    known,
    load_draft,
    options,
    target_name,
)
from conversations.report.elsewhere import gathered_by, recent_text, story_ahead
from conversations.report.form import BY_STEP, ORDER, QUESTIONS, Question, ReportStep, next_step
from conversations.report.hooks import UNASKED
from conversations.report.nothing_saved import nothing_saved, saved_before
from conversations.report.summary import show_summary
from conversations.report.text import show
from conversations.report.typed import (
    Reading,
    asks_back,
    is_option_word,
    normalised,
    only_options,
    read,
)
from conversations.texts import menu_buttons
from conversations.words import yes_or_thanks

SHORT_ANSWER = 3  # words: a typed answer this short that names options is an answer
QUOTED = 300  # characters of her earlier words shown back to her


async def lost(ctx: Context) -> StateResult:
    """Say the report is gone (discarded elsewhere) and show the menu."""
    ctx.reply(ctx._("There is no unfinished report any more."), menu_buttons(ctx))
    return END


def _nav(ctx: Context, question: Question) -> list[Button]:
    row = [] if question.step is ORDER[0] else [Button("nav:back", ctx._("Back"))]
    if not question.required:
        row.append(Button("nav:skip", ctx._("Skip")))
    return row


async def ask(
    ctx: Context, draft: Draft, step: ReportStep, lead: list[str] | None = None
) -> StateResult:
    """Ask the question of ``step`` (or show the summary) and go there."""
    if step is ReportStep.SUMMARY:
        return await show_summary(ctx, draft, lead)
    question = BY_STEP[step]
    _ = ctx._
    draft.answers["_at"] = step.value
    draft.save(ctx)
    lines = [ask_text(ctx, draft, question)]
    current = draft.answers.get(step.value)
    editing = bool(ctx.data.get("editing"))
    if _unasked(draft, question) and not editing:
        return _ask_more(ctx, draft, question, lead)
    buttons: list[list[Button]] = []
    chosen: list[str] = []
    if isinstance(current, dict):
        chosen = list(current.get("choices") or [])
    offered = [
        Button(f"tog:{option_id}", ("✓ " if option_id in chosen else "") + label)
        if question.kind == "multi"
        else Button(f"opt:{option_id}", label)
        for option_id, label in await options(ctx, draft, question)
    ]
    per_row = 2 if len(offered) > 6 else 1  # a long list in two columns on a phone
    buttons += [offered[i : i + per_row] for i in range(0, len(offered), per_row)]
    if question.kind == "multi":
        buttons.append([Button("done", _("Done"))])
    if editing and current:
        lines.append(_("Now: {answer}").format(answer=show(ctx, draft, question, current)))
        keep = [Button("nav:keep", _("Keep it"))]
        if question.kind == "text":
            lines.append(_("Write what you want to add, or replace it."))
            keep.insert(0, Button("edit:replace", _("Replace it")))
        buttons.append(keep)
    else:
        buttons.append(_nav(ctx, question))
    ctx.data["report"] = draft.report.id
    ctx.reply("\n".join(lines), buttons, lead=lead or ())
    return step


def _unasked(draft: Draft, question: Question) -> bool:
    """Whether her words were kept at this question before it was asked."""
    return bool(question.ask_more) and bool((draft.answer(question.step) or {}).get(UNASKED))


def _ask_more(
    ctx: Context, draft: Draft, question: Question, lead: list[str] | None
) -> StateResult:
    """Ask what she may add to the words she already wrote here, with a button to keep them
    as they are."""
    words = " ".join(str((draft.answer(question.step) or {}).get("text") or "").split())
    if len(words) > QUOTED:
        words = words[:QUOTED].rsplit(" ", 1)[0] + " …"
    text = ctx._(question.ask_more).format(words=words, name=target_name(ctx, draft.answers))
    row = [Button(button, ctx._(label)) for button, label in question.more_buttons]
    if question.step is not ORDER[0]:
        row.append(Button("nav:back", ctx._("Back")))
    ctx.data["report"] = draft.report.id
    ctx.reply(text, [row], lead=lead or ())
    return question.step


async def advance(ctx: Context, draft: Draft, step: ReportStep, lead: list[str]) -> StateResult:
    """Store the answers and go to the next question (back to the summary when editing,
    after any follow-up the change calls for)."""
    draft.save(ctx)
    ctx.data["history"] = [*ctx.data.get("history", []), step.value][-60:]
    ctx.data["last"] = {"step": step.value, "at": ctx.now.isoformat()}
    following = next_step(
        draft.answers, known(ctx, draft), None if ctx.data.get("editing") else step
    )
    return await ask(ctx, draft, following, lead)


async def current(ctx: Context) -> tuple[Draft, Question] | None:
    """The draft and the question the person is at (None: no draft, or not at a question)."""
    draft = await load_draft(ctx)
    if draft is None:
        return None
    step = draft.at(known(ctx, draft))
    return (draft, BY_STEP[step]) if step in BY_STEP else None


async def _store(
    ctx: Context, draft: Draft, question: Question, answer: dict[str, Any] | None
) -> list[str]:
    """Keep an answer (replacing or, for an edited text or words kept there before it was
    asked, adding to the earlier one); run the question's own hook; return what to say back."""
    hooked, moved = await _stored(ctx, draft, question, answer)
    return [*hooked, *moved]


async def _stored(
    ctx: Context, draft: Draft, question: Question, answer: dict[str, Any] | None
) -> tuple[list[str], list[str]]:
    """Keep an answer as ``_store`` does; return what its hook said and what moved apart."""
    key = question.step.value
    earlier = draft.answers.get(key)
    adding = ctx.data.get("replace") != key and (
        bool(ctx.data.get("editing")) or (isinstance(earlier, dict) and bool(earlier.get(UNASKED)))
    )  # to what she wrote before, when changing it or when it was kept here unasked
    if (
        answer is not None
        and adding
        and question.kind == "text"
        and isinstance(earlier, dict)
        and earlier.get("text")
        and answer.get("text")
    ):
        answer = {**earlier, "text": f"{earlier['text']}\n{answer['text']}"}
    if answer is not None:
        answer.pop(UNASKED, None)
    ctx.data.pop("replace", None)
    draft.answers[key] = answer
    moved = _keep_what_no_longer_applies(ctx, draft)
    if answer is not None and question.on_answer is not None:
        return await question.on_answer(ctx, draft, answer), moved
    return [], moved


FOLLOW_UPS = tuple(  # a day is read into "When and where" itself: never kept apart
    q for q in QUESTIONS if q.parent is not None and q.step is not ReportStep.WHEN_DAY
)


def _keep_what_no_longer_applies(ctx: Context, draft: Draft) -> list[str]:
    """A follow-up that no longer applies after a change (the name of the one who did it,
    once "Okänd" is chosen): its words move to "Also written" rather than vanish from the
    report; the lines that say so."""
    lines: list[str] = []
    written = [
        (question, value)
        for question in FOLLOW_UPS
        if isinstance(value := draft.answers.get(question.step.value), dict) and value.get("text")
    ]
    knows = known(ctx, draft) if written else None
    for question, value in written:
        if knows is not None and not question.applies(draft.answers, knows):
            draft.note(str(value["text"]))
            del draft.answers[question.step.value]
            topic = ctx._(question.label)
            lines.append(
                ctx._("What you wrote at “{topic}” is kept under “{also}”.").format(
                    topic=topic, also=ctx._("Also written")
                )
            )
    return lines


async def choose(ctx: Context, event: InboundEvent) -> StateResult:
    """Record a pressed option and go on."""
    found = await current(ctx)
    if found is None:
        return await lost(ctx)
    draft, question = found
    option = event.button.removeprefix("opt:")
    if option not in dict(await options(ctx, draft, question)):
        return await repeat(ctx, event)
    echo = await _store(ctx, draft, question, {"choice": option})
    return await advance(ctx, draft, question.step, echo)


async def toggle(ctx: Context, event: InboundEvent) -> StateResult:
    """Tick or untick one option of a question that takes several (one that stands alone,
    such as "Nothing yet", answers it at once)."""
    found = await current(ctx)
    if found is None:
        return await lost(ctx)
    draft, question = found
    option = event.button.removeprefix("tog:")
    if option not in dict(await options(ctx, draft, question)):
        return await repeat(ctx, event)
    earlier = draft.answer(question.step) or {}
    chosen = list(earlier.get("choices") or [])
    chosen = (
        [c for c in chosen if c != option]
        if option in chosen
        else question.ticked(chosen, [option])
    )
    draft.answers[question.step.value] = {**earlier, "choices": chosen}
    if chosen == [option] and option in question.alone:  # nothing can be ticked beside it
        shown = show(ctx, draft, question, {"choices": chosen})
        return await advance(
            ctx, draft, question.step, [ctx._("I ticked: {answer}.").format(answer=shown)]
        )
    return await ask(ctx, draft, question.step)


async def done(ctx: Context, event: InboundEvent) -> StateResult:
    """Finish a question that takes several options (none is an answer too)."""
    found = await current(ctx)
    if found is None:
        return await lost(ctx)
    draft, question = found
    draft.answers.setdefault(question.step.value, {"choices": []})
    return await advance(ctx, draft, question.step, [])


async def skip(ctx: Context, event: InboundEvent) -> StateResult:
    """Leave a question unanswered and go on (keep an edited answer as it was)."""
    found = await current(ctx)
    if found is None:
        return await lost(ctx)
    draft, question = found
    key = question.step.value
    if event.button == "nav:keep" and key in draft.answers:
        if isinstance(kept := draft.answers[key], dict):
            kept.pop(UNASKED, None)  # kept unasked: she has now seen it, and it is enough
        return await advance(ctx, draft, question.step, [])  # editing: it stays as it was
    if question.required:
        return await repeat(ctx, event)
    if question.kind == "multi" and (draft.answer(question.step) or {}).get("choices"):
        return await advance(ctx, draft, question.step, [])  # what she ticked stays, as "Klar"
    draft.answers[key] = None
    return await advance(ctx, draft, question.step, [])


async def _typed_skip(
    ctx: Context, event: InboundEvent, draft: Draft, question: Question
) -> StateResult:
    """ "Hoppa över" typed: skip the question as its button does (keep the answer being
    changed); where it needs an answer, say so and ask it again."""
    if not question.required:
        keep = ctx.data.get("editing") and question.step.value in draft.answers
        return await skip(ctx, replace(event, button="nav:keep" if keep else "nav:skip"))
    needs = (
        N_("This question needs an answer. Choose what fits below, or write it in your own words.")
        if question.options or question.choices
        else N_("This question needs an answer. Write it in your own words.")
    )
    return await ask(ctx, draft, question.step, [ctx._(needs)])


async def replace_next(ctx: Context, event: InboundEvent) -> StateResult:
    """The next text written replaces the answer instead of adding to it."""
    found = await current(ctx)
    if found is None:
        return await lost(ctx)
    _draft, question = found
    ctx.data["replace"] = question.step.value
    ctx.reply(ctx._("Write the new answer: it replaces the old one."))
    return None


async def back(ctx: Context, event: InboundEvent) -> StateResult:
    """Go back to the previous question."""
    found = await current(ctx)
    if found is None:
        return await lost(ctx)
    draft, question = found
    history: list[str] = list(ctx.data.get("history", []))
    who = known(ctx, draft)
    while history:
        previous = ReportStep(history.pop())
        if previous is not question.step and BY_STEP[previous].applies(draft.answers, who):
            ctx.data["history"] = history
            return await ask(ctx, draft, previous)
    ctx.data["history"] = history
    index = ORDER.index(question.step)
    earlier = [s for s in ORDER[:index] if BY_STEP[s].applies(draft.answers, who)]
    return await ask(ctx, draft, earlier[-1] if earlier else question.step)


async def take_text(ctx: Context, event: InboundEvent) -> StateResult:
    """Take a typed answer to the open question, whatever its kind."""
    _ = ctx._
    found = await current(ctx)
    if found is None:
        return await lost(ctx)
    draft, question = found
    typed = event.text.strip()
    if not typed:
        ctx.reply(_("I got an empty message. Please write your answer."))
        ctx.again()
        return None
    if asks_back(typed):
        return await _explain(ctx, draft, question, typed)
    if _unasked(draft, question) and normalised(typed) in ENOUGH:  # "nej": it is enough
        return await skip(ctx, replace(event, button="nav:keep"))
    if question.declinable and normalised(typed) in DECLINED:  # "nej" is no assignment
        return await _declined(ctx, draft, question)
    if normalised(typed) in SKIP:  # "Hoppa över", as its button
        return await _typed_skip(ctx, event, draft, question)
    offered = await options(ctx, draft, question)
    reading = read(question, offered, event.text)
    if reading.kept_as_note and question.means is not None:
        option = question.means(ctx, typed)  # "Erik Berg" at "Vem gäller det?": someone else
        if option is not None:
            reading = Reading({"choice": option, "text": typed}, matched=True)
    if question.yes_asks and not reading.matched and yes_or_thanks(typed):  # "ja": write it
        rows = [[Button(f"opt:{option}", label)] for option, label in offered]
        ctx.reply(_(question.yes_asks), [*rows, _nav(ctx, question)])
        return None
    if reading.several:  # "1 och 2" where one answer is asked: say so, and ask again
        lead = [
            _("Only one answer can be chosen here. Write one number, or answer in your own words.")
        ]
        return await ask(ctx, draft, question.step, lead)
    if not reading.matched and normalised(typed) in DONE:  # "klar", as if pressing Done
        if question.kind == "multi" and (draft.answer(question.step) or {}).get("choices"):
            return await done(ctx, event)
        if not saved_before(ctx, draft, question):  # "klar" right after "Hoppa över"
            return await nothing_saved(ctx, draft, question, ask)
        ctx.reply(_("Your answer is saved. Here is the next question:"))
        ctx.again()
        return None
    # a short answer naming options answers the question; a sentence right after a story
    # ("Samma person ringde sedan.") goes on with the story
    answers_it = reading.matched and (
        len(typed.split()) <= SHORT_ANSWER
        or reading.numbered
        or only_options(question, offered, typed)
    )
    ahead = None if answers_it else story_ahead(draft, question, typed)
    told = question.tells(ctx, typed) if ahead is not None and question.tells else None
    if ahead is not None and told is not None:  # "Igår blev min man Erik hotad": both
        return await _told_ahead(ctx, event, draft, question, ahead, told)
    if ahead is not None:  # kept where it belongs; that question is then not asked
        draft.answers[ahead.value] = {"text": typed}
        draft.save(ctx)
        lead = [_("I kept that as “{topic}”.").format(topic=_(BY_STEP[ahead].label))]
        return await ask(ctx, draft, question.step, lead)
    elsewhere = None if reading.matched else gathered_by(ctx, draft, question, typed)
    if elsewhere is not None:  # "igår kväll 22.40" at "Vad var det?": when, as if said there
        lead = await _store(ctx, draft, elsewhere, {"text": typed})
        lead.append(_("I kept that as “{topic}”.").format(topic=_(elsewhere.label)))
        _editable(ctx, event, elsewhere.step, typed)
        return await ask(ctx, draft, question.step, lead)
    bare = question.kind != "text" or question.declinable  # "ja" names no assignment
    if not reading.matched and bare and (normalised(typed) in BARE or yes_or_thanks(typed)):
        draft.note(typed)  # "ja" where no option says yes: it answers nothing here
        draft.save(ctx)
        lead = [
            _(
                "“{typed}” does not answer this question. Choose what fits below, or write it in "
                "your own words."
            ).format(typed=typed)
        ]
        return await ask(ctx, draft, question.step, lead)
    continued = None if answers_it else recent_text(ctx, draft, question)
    if continued is not None:
        earlier = draft.answer(continued) or {}
        draft.answers[continued.value] = {
            **earlier,
            "text": f"{earlier.get('text', '')}\n{typed}".strip(),
        }
        draft.save(ctx)
        ctx.data["last"] = {"step": continued.value, "at": ctx.now.isoformat()}
        label = _(BY_STEP[continued].label)
        ctx.reply(_("I added that to “{topic}”.").format(topic=label))
        ctx.again()
        return None
    if reading.kept_as_note:
        draft.note(typed)
        draft.save(ctx)
        ctx.reply(_("I kept what you wrote with the report. Please choose an answer below."))
        ctx.again()
        return None
    answer = reading.answer
    if question.kind == "multi":
        answer = _added_to_ticks(question, draft.answer(question.step), answer)
    said = _said_back(ctx, draft, question, reading, answer)
    hooked, moved = await _stored(ctx, draft, question, answer)  # "Jag skrev: 17 november."
    # what the question itself made of the words says it, not "Annat" or "Jag tolkade det som"
    lead = [*hooked, *moved] if hooked or (moved and not reading.matched) else [*said, *moved]
    _editable(ctx, event, question.step, typed)
    return await advance(ctx, draft, question.step, lead)


async def _declined(ctx: Context, draft: Draft, question: Question) -> StateResult:
    """A bare "nej" or "vet inte" where the question may be skipped: skip it and say so (an
    answer written there before stays as it was)."""
    key = question.step.value
    if not (ctx.data.get("editing") and draft.answers.get(key)):
        draft.answers[key] = None
    said = ctx._("I took that as: {answer}.").format(answer=ctx._("Skip"))
    return await advance(ctx, draft, question.step, [said])


async def _told_ahead(
    ctx: Context,
    event: InboundEvent,
    draft: Draft,
    question: Question,
    ahead: ReportStep,
    told: dict[str, Any],
) -> StateResult:
    """A sentence that tells the story ahead and clearly answers the open question too
    ("Igår blev min man Erik hotad"): answer it, and keep the whole sentence at the story,
    where she is shown it and asked what to add; go on."""
    typed = event.text.strip()
    draft.answers[ahead.value] = {"text": typed, UNASKED: True}
    lead = await _store(ctx, draft, question, told)  # "Jag skrev: det gäller Erik."
    if not lead:  # "…skrek att han ska döda mig": "Jag tolkade det som: Det hände mig."
        lead = _said_back(
            ctx, draft, question, Reading(told, matched=True), {**told, "text": typed}
        )
    lead.append(ctx._("I kept that as “{topic}”.").format(topic=ctx._(BY_STEP[ahead].label)))
    _editable(ctx, event, ahead, typed)
    return await advance(ctx, draft, question.step, lead)


async def _explain(ctx: Context, draft: Draft, question: Question, typed: str) -> StateResult:
    """The person asked what the question means: say it, keep her words with the report
    (not as the answer) and ask again."""
    _ = ctx._
    draft.note(typed)
    draft.save(ctx)
    meaning = (
        _(question.meaning)
        if question.meaning
        else _(
            "Answer as best you can, in your own words. The person who gets the report can "
            "go through the question with you."
        )
    )
    lead = [meaning, _("I kept your question with the report.")]
    return await ask(ctx, draft, question.step, lead)  # without the last answer's echo


def _added_to_ticks(
    question: Question, earlier: dict[str, Any] | None, typed: dict[str, Any]
) -> dict[str, Any]:
    """Words typed at a question with several choices add to what was ticked there (and to
    what was written before): typing unticks a choice only where the one it names rules it
    out ("inget ännu" after "Polisanmälan"), and never drops earlier words."""
    if not isinstance(earlier, dict):
        return typed
    ticked = [str(c) for c in earlier.get("choices", [])]
    choices = question.ticked(ticked, [str(c) for c in typed.get("choices", [])])
    texts = [t for t in (earlier.get("text"), typed.get("text")) if t]
    merged = {**earlier, **typed, "choices": choices}
    if texts:
        merged["text"] = "\n".join(dict.fromkeys(texts))
    return merged


def _editable(ctx: Context, event: InboundEvent, step: ReportStep, typed: str) -> None:
    """Remember the message just taken: an edit of it (on a platform that has edits)
    changes the answer; an edit of anything older changes nothing."""
    if event.ref:
        ctx.data["edit"] = {"ref": event.ref, "step": step.value, "text": typed}


async def edited(ctx: Context, event: InboundEvent) -> StateResult:
    """Apply an edit of the last message written, where it was kept; say so."""
    _ = ctx._
    found = await current(ctx)
    if found is None:
        return await lost(ctx)
    draft, _question = found
    mine = ctx.data.get("edit")
    new = event.text.strip()
    if isinstance(mine, dict) and mine.get("ref") == event.ref and new:
        step = ReportStep(str(mine["step"]))
        answer = draft.answer(step)
        old = str(mine.get("text", ""))
        text = str((answer or {}).get("text", ""))
        if answer is not None and old and old in text:
            head, _sep, tail = text.rpartition(old)
            draft.answers[step.value] = {**answer, "text": head + new + tail}
            draft.save(ctx)
            ctx.data["edit"] = {**mine, "text": new}
            ctx.reply(_("I updated your last message in the report."))
            return None
    ctx.reply(
        _(
            "You edited an earlier message. I have not changed anything: send the correction "
            "as a new message."
        )
    )
    ctx.again()
    return None


def _said_back(
    ctx: Context, draft: Draft, question: Question, reading: Reading, answer: dict[str, Any]
) -> list[str]:
    """Tell the person what their typed words were taken as, when it is not obvious (at a
    question with several choices: all that are ticked now, those ticked before too)."""
    if reading.matched and question.kind == "multi":
        shown = show(ctx, draft, question, {"choices": answer.get("choices", [])})
        return [ctx._("I ticked: {answer}.").format(answer=shown)]
    if not reading.matched and question.kind != "text":
        return [ctx._("I kept it in your own words, as “Other”.")]
    choice = str(answer.get("choice") or "")
    typed = str(answer.get("text") or "")
    if not (reading.matched and choice):
        return []
    shown = show(ctx, draft, question, {"choice": choice})  # "dunno, someone in my party"
    first = normalised(typed).split()[:1]  # "Nej, inte direkt" where no option says no
    yes_or_no = bool(first) and first[0] in BARE and normalised(shown) != first[0]
    if yes_or_no or not is_option_word(question, [choice], typed):  # "nej": Inte skrämmande
        return [ctx._("I took that as: {answer}.").format(answer=shown)]
    return []


async def keep_typed(ctx: Context, event: InboundEvent) -> StateResult:
    """Keep words typed where buttons are asked for beside the report; ask again."""
    draft = await load_draft(ctx)
    typed = event.text.strip()
    if draft is None or not typed:
        return await repeat(ctx, event)
    draft.note(typed)
    draft.save(ctx)
    ctx.reply(ctx._("I kept what you wrote with the report. Please choose an answer below."))
    ctx.again()
    return None


async def repeat(ctx: Context, event: InboundEvent) -> StateResult:
    """Ask the open question again."""
    ctx.reply(ctx._("That choice is not open here. This is the question:"))
    ctx.again()
    return None
