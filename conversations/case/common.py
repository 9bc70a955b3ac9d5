"""What every step of a case shares: its states, the labels, and finding the case again."""

from __future__ import annotations

from dataclasses import replace
from enum import StrEnum

from conversations.akut_words import tells_danger
from conversations.alerts import TAKING, acknowledge, waiting_for
from conversations.desk.errors import Refused
from conversations.desk.notes import keep_note
from conversations.desk.words import ANSWERS, ROLE_LABELS, name_of, responsible_for, role_key
from conversations.events import Button, InboundEvent, Reply, about
from conversations.flow import END, Context, StateResult
from conversations.followups import checkin_reply
from conversations.i18n import N_, shown_name
from conversations.notice_context import NOTICE_TOKEN
from conversations.report.advice import advice
from conversations.report.typed import normalised
from conversations.texts import choose_hint, menu_buttons
from conversations.what_now_words import only_asks_what_to_do
from conversations.words_to_case import asked_to_read, note_for_handlers
from storage.access import Access
from storage.cases import CaseRepo
from storage.directory import DirectoryRepo
from storage.errors import NotFound
from storage.models import Report, ReportStatus

YES_NO = {"ja": "yes", "yes": "yes", "nej": "no", "no": "no"}
FOLLOWUP_STATUS = {
    "planned": N_("planned"),
    "not_needed": N_("not needed"),
    "documented": N_("documented"),
}


class Case(StrEnum):
    VIEW = "view"
    CHECK = "check"
    CHECK_COMMENT = "check_comment"
    FU_DATE = "fu_date"
    FU_PRESENT = "fu_present"
    FU_NOTES = "fu_notes"
    FU_SUPPORT = "fu_support"
    FU_PROFESSIONAL = "fu_professional"
    FU_NEXT = "fu_next"
    BOOK = "book"
    MOVE = "move"
    DAY = "day"  # the day a call is planned for, changed
    DAY_OFF = "day_off"  # a day typed that nobody works on: that day, or the next working day
    CHANGE = "change"
    NOTE_TEXT = "note_text"
    NOTE_KIND = "note_kind"
    WRITE_TEXT = "write_text"  # what to write to the person who follows the case
    CLOSE_CONFIRM = "close_confirm"
    CLOSE_APPLIED = "close_applied"
    CLOSE_ROUTINE = "close_routine"
    CLOSE_PLAN = "close_plan"
    HANDOVER = "handover"


async def found_case(
    ctx: Context, minimum: Access = Access.OWN, case: str | None = None
) -> tuple[Report, Access] | None:
    """The case she is on (or ``case``), with her access to it now; None if she has none."""
    report_id = case or ctx.data.get("case")
    if not report_id:
        return None
    repo = CaseRepo(ctx.session, ctx.keyring)
    try:
        report = await repo.by_id(ctx.viewer, str(report_id), minimum)
    except NotFound:
        return None
    ctx.drill_id = report.drill_id  # a drill's case: every message about it is marked
    return report, await repo.access(ctx.viewer, report)


def on_case(report: Report, action: str, label: str) -> Button:
    """A button of the case's card: it names the case, so pressed further up the chat (after
    a short "Sparat") it still acts on this case, never on the one she is at now."""
    return Button(about(action, report.id), label)


async def gone(ctx: Context) -> StateResult:
    """Say the case is not available and show the menu."""
    ctx.reply(ctx._("That case is not available to you."), menu_buttons(ctx))
    return END


def chosen(event: InboundEvent, prefix: str, words: dict[str, str]) -> str:
    """What a button, or words typed instead, chose: the option's id ("ja" is "yes"), or
    the words as typed (kept as the answer, never thrown away)."""
    if event.button:
        return event.button.removeprefix(prefix)
    typed = event.text.strip()
    return words.get(normalised(typed), typed)


def said_as_typed(ctx: Context, answer: str, words: dict[str, str]) -> None:
    """Echo an answer kept in the person's own words, so a misunderstanding is seen."""
    if answer and answer not in words.values():
        ctx.reply(ctx._("I wrote down: “{text}”.").format(text=answer))


NOTHING = frozenset(
    {
        "hoppa över",
        "inget",
        "ingenting",
        "inget att tillägga",
        "nej",
        "skip",
        "nothing",
        "nothing to add",
        "no",
        "none",
        "ingen kommentar",
        "no comment",
    }
)
"""Typed where a comment or a finding may be left out, these leave it out: they are not it."""


async def keep_typed(ctx: Context, text: str) -> str | None:
    """Keep words typed where a button was expected, as storage lets the viewer: an internal
    note from those who handle the case, the targeted person's own words with her case; say
    where they are (None: the viewer may keep no words in this case)."""
    found = await found_case(ctx, Access.CHECKLIST)
    if found is None or not text:
        return None
    report, access = found
    if access is Access.HANDLER:
        try:
            await keep_note(ctx, report, access, text)
        except Refused as refused:  # not hers to keep here: she is told
            return refused.message
        return ctx._("I kept what you wrote as an internal note on the case.")
    if access is Access.OWN and report.status is not ReportStatus.CLOSED:
        handlers = await note_for_handlers(ctx, report, text)  # they are told, as from the menu
        if tells_danger(text) and handlers:  # "han står utanför med en kniv": the way out first
            asked = await asked_to_read(ctx, report, handlers)
            return ctx._("In danger now: call 112.") + "\n" + asked
        return ctx._("I kept what you wrote with your case. Those who handle it see it.")
    return None


async def repeat(ctx: Context, event: InboundEvent) -> StateResult:
    """Keep what was typed (and say where), then ask the open question again. With a new
    alert waiting for her, the words are most likely its answer ("ok, jag ringer henne"):
    they are not filed in this case; the alert is offered."""
    _ = ctx._
    case = str(ctx.data.get("case") or "") or None
    own = await waiting_for(ctx.session, ctx.person.id, about=case) if case else None
    said = event.text.casefold().replace("’", "'")  # "ok jag tar det", "ok, I’ll take it"
    if own is not None and TAKING.search(said):
        return await acknowledge(ctx, replace(event, button=f"ack:{own.id}"))
    alert = await waiting_for(ctx.session, ctx.person.id, case)
    if alert is not None and alert.subject_id is not None:
        card, _p, _m = await DirectoryRepo(ctx.session).describe(ctx.viewer, alert.subject_id)
        other = await ctx.session.get(Report, alert.report_id) if alert.report_id else None
        text = (
            _(
                "An alert from {name} about case {ref} is waiting for you. I did not keep "
                "what you wrote in this case. Do you take that alert?"
            )
            if other is not None
            else _(
                "An alert from {name} is waiting for you. I did not keep what you wrote in "
                "this case. Do you take the alert?"
            )
        ).format(name=shown_name(_, card), ref=other.ref if other else "")
        take = Button(f"ack:{alert.id}", _("I'll take it"))
        ctx.replies.append(Reply(text, ((take,),), NOTICE_TOKEN))
        return None
    if case is not None and only_asks_what_to_do(event.text):  # "vad gör jag nu?" at her card
        own_case = await ctx.session.get(Report, case)
        if own_case is not None and own_case.reporter_id == ctx.person.id:
            return await advice(ctx, replace(event, button=f"advice:{case}"))
    if case is not None and await _checkin_answered(ctx, case, event.text.strip()):
        return END  # "better thanks" to the check-in that came while her card was open
    kept = await keep_typed(ctx, event.text.strip())
    ctx.reply(
        kept
        or choose_hint(
            ctx,
            _("I can't keep written words from you here. Please use the buttons below."),
            _("I can't keep written words from you here. Please answer with a number below."),
        )
    )
    ctx.again()
    return None


async def _checkin_answered(ctx: Context, case: str, typed: str) -> bool:
    """Take words typed at her own case's card as the answer to a check-in, as at the menu."""
    report = await ctx.session.get(Report, case)
    if not typed or report is None or report.reporter_id != ctx.person.id:
        return False
    return await checkin_reply(ctx, typed)


__all__ = ["ANSWERS", "ROLE_LABELS", "name_of", "responsible_for", "role_key"]
