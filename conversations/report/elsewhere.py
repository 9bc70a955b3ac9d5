"""Where words typed at a question belong instead of there: the story sent in several
messages, a story told before its question, a time typed where options are asked."""

from __future__ import annotations

from datetime import datetime, timedelta

from conversations.akut_words import tells_danger
from conversations.flow import Context
from conversations.report.draft import Draft, known
from conversations.report.form import BY_STEP, ORDER, QUESTIONS, Question, ReportStep
from conversations.report.typed import only_numbers

BURST = timedelta(seconds=20)  # a story sent in several messages arrives within this
STORY_WORDS = 6  # words: a sentence this long that tells of harm tells what happened
SHORT_STORY_WORDS = 10  # where a short name is asked: "ledamot, jag har bett om hjälp förut"


def recent_text(ctx: Context, draft: Draft, question: Question) -> ReportStep | None:
    """The story answered last, if this message may continue it (a story sent in several
    messages): within BURST of it, and the open question takes options, not own words."""
    last = ctx.data.get("last")
    if not isinstance(last, dict) or question.kind == "text":
        return None
    try:
        at = datetime.fromisoformat(str(last.get("at")))
        step = ReportStep(str(last.get("step")))
    except ValueError:
        return None
    if step not in BY_STEP or ctx.now - at > BURST or step is question.step:
        return None
    if not BY_STEP[step].story:
        return None
    return step


def story_ahead(draft: Draft, question: Question, typed: str) -> ReportStep | None:
    """The story question still to come, if these words tell it before it is asked ("jag
    fick ett mejl där de skriver att de ska bränna ner mitt hus" at "Vem gäller det?"): a
    sentence that tells of a threat or harm, at a question that takes options or a short
    name ("Han skrev att han vet var jag bor" at "Vilket uppdrag har du?")."""
    if question.kind == "text" and not question.short:
        return None
    least = SHORT_STORY_WORDS if question.kind == "text" else STORY_WORDS
    if len(typed.split()) < least or not tells_danger(typed):
        return None
    later = ORDER[ORDER.index(question.step) + 1 :]
    return next(
        (s for s in later if BY_STEP[s].story and BY_STEP[s].required and not draft.answer(s)),
        None,
    )


def gathered_by(ctx: Context, draft: Draft, question: Question, typed: str) -> Question | None:
    """The question not yet answered that words typed where options are asked answer instead
    ("igår kväll 22.40" at "Vad var det?": "När och var"), if one gathers such words; none
    where own words are asked (but Question.short), nor the open question or its parent."""
    if (question.kind == "text" and not question.short) or only_numbers(typed):
        return None
    who = known(ctx, draft)
    return next(
        (
            other
            for other in QUESTIONS
            if other.gathers is not None
            and other.step not in (question.step, question.parent)
            and not draft.answer(other.step)
            and other.applies(draft.answers, who)
            and other.gathers(ctx, typed)
        ),
        None,
    )
