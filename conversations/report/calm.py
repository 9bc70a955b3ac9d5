"""Whether a report was sent in calm words: then, in the quiet hours, its alert goes to the
first contact once and goes on to the next only in the morning. Words that may tell of
danger, "it is happening now", "frightening", or an /akut alert of hers lately keep it
paging through the night."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from conversations.akut_words import cries_within, tells_danger
from conversations.alerts import LINKED_FOR
from conversations.flow import Context
from conversations.report.form import ReportStep, chose
from storage.alerts import AlertRepo

NOTES = "_notes"  # words that answered no question, kept beside the report
FRIGHTENED = ("skräm", "frighten", "scary", "terrif")
"""Parts of words that say she found it frightening ("skrämmande", "not frightening" aside)."""


def _texts(answers: dict[str, Any]) -> Iterator[str]:
    """Every text she wrote in the report: the answers' words and her notes beside them."""
    for key, answer in answers.items():
        if isinstance(answer, dict) and isinstance(answer.get("text"), str):
            yield answer["text"]
        elif key == NOTES and isinstance(answer, list):
            yield from (note for note in answer if isinstance(note, str))


def urgent_answers(answers: dict[str, Any]) -> bool:
    """Whether the answers may tell of danger now: words of danger anywhere ("han står
    utanför dörren"), "Just now" pressed at when it happened, or that she found it
    frightening, pressed or written ("skrämmande, jag tror han menar allvar")."""
    return (
        chose(answers, ReportStep.WHEN, "now")
        or chose(answers, ReportStep.EXPERIENCE, "frightening")
        or any(tells_danger(t) or cries_within(t, FRIGHTENED) for t in _texts(answers))
    )


async def sent_calmly(ctx: Context, answers: dict[str, Any]) -> bool:
    """Whether a report may wait for the morning to go on: no urgent answer, and no /akut
    alert of hers in the last day (the report is most likely about the same danger)."""
    if urgent_answers(answers):
        return False
    return not await AlertRepo(ctx.session).standing_akut(ctx.person.id, ctx.now - LINKED_FOR)
