"""Whom she named as the one who did it: never sent her report, never offered as one of its
recipients. Named where the report asks who did it, or in her own words: what happened,
and what she wrote with her /akut alert ("det är Per Ek som hotar mig")."""

from __future__ import annotations

from conversations.akut_words import REQUEST, SHORT, says_inside, tells_danger
from conversations.alerts import LINKED_FOR
from conversations.call_words import asks_a_call
from conversations.events import words_of
from conversations.flow import Context
from conversations.name_words import first_name_alone
from conversations.report.draft import Draft
from conversations.report.form import ReportStep
from storage.alert_notes import AlertNotes
from storage.alerts import AlertRepo
from storage.directory import ContactCard

PERPETRATOR_STEPS = (ReportStep.PERPETRATOR, ReportStep.PERP_NAME, ReportStep.PERP_DESC)


async def named_as_source(ctx: Context, draft: Draft, cards: list[ContactCard]) -> set[int]:
    """The people among ``cards`` she named as the one who did it: in the report's answers
    on who did it, in what happened as a threat ("Per Ek hotar mig"), or in her words with
    an /akut alert of the last day, as /akut reads them (its alert went to the unit)."""
    named = named_in_answers(draft, cards)
    told = str((draft.answer(ReportStep.WHAT) or {}).get("text", ""))
    for line in told.splitlines():  # each message kept, and her answer to "Vad hände?"
        named |= _named_in(line, cards, threat=True)
    for text in await _akut_words(ctx):
        named |= _named_in(text, cards, threat=False)
    return named


def named_in_answers(draft: Draft, cards: list[ContactCard]) -> set[int]:
    """The people she named where the report asks who did it (the whole name, or the first
    name as the name, "Per", "per från partiet", not "Per Andersson")."""
    said = set(
        words_of(" ".join(str((draft.answer(s) or {}).get("text", "")) for s in PERPETRATOR_STEPS))
    )
    name = str((draft.answer(ReportStep.PERP_NAME) or {}).get("text", ""))
    return {
        c.person_id
        for c in cards
        if c.name.strip() and (set(words_of(c.name)) <= said or first_name_alone(name, c.name))
    }


def _named_in(text: str, cards: list[ContactCard], *, threat: bool) -> set[int]:
    """Who one message names as the threat: as /akut reads it (a name, not asking for them:
    "Per Ek hotar mig", not "ring Pia" nor "Pia nu"), and, ``threat``, telling of a threat or
    of someone inside her party ("Jag ringde Pia Lind" names nobody as the threat)."""
    said = set(words_of(text))
    if len(said) <= SHORT or REQUEST & said:
        return set()
    if threat and not (tells_danger(text) or says_inside(text)):
        return set()
    found = {
        c.person_id
        for c in cards
        if c.name.strip()
        and (set(words_of(c.name)) <= said or first_name_alone(text, c.name, capital=True))
    }
    names = frozenset(w for c in cards if c.person_id in found for w in words_of(c.name))
    return set() if found and asks_a_call(text, names) else found


async def _akut_words(ctx: Context) -> list[str]:
    """What she wrote with her /akut alerts of the last day that still stand."""
    notes = AlertNotes(ctx.session, ctx.keyring)
    since = ctx.now - LINKED_FOR
    return [
        note.text
        for alert in await AlertRepo(ctx.session).standing_akut(ctx.person.id, since)
        for note in await notes.read(ctx.viewer, alert.id)
    ]
