"""/arende: the case flow as one declared table."""

from __future__ import annotations

from conversations.alert_write import CANCEL
from conversations.case.calls import book_call, move_to, start_booking, start_move
from conversations.case.checkins import START, STOP, toggle_checkins
from conversations.case.checklist import (
    answer_item,
    change_item,
    comment_item,
    next_item,
    skip_comment,
    start_change,
    typed_in_view,
)
from conversations.case.closing import (
    close_applied,
    close_plan,
    close_routine,
    confirm_close,
    reopen,
    start_close,
    typed_close,
)
from conversations.case.common import Case, repeat
from conversations.case.day_moves import MOVE, day_off_chosen, move_day, start_day_move
from conversations.case.evidence import file_in_case
from conversations.case.export import EXPORT, EXPORT_WHOLE, export_pdf, export_whole
from conversations.case.followup import (
    followup_date,
    followup_notes,
    followup_present,
    followup_professional,
    followup_support,
    left_followup,
    plan_next,
    start_followup,
)
from conversations.case.handover import hand_over, start_handover
from conversations.case.notes import more_note, note_kind, note_text, start_note
from conversations.case.older import revisiting
from conversations.case.planned import ANYWAY
from conversations.case.view import BACK, open_case, show_case, view
from conversations.case.write import WRITE, cancel_write, start_write, write_text
from conversations.flow import Flow, Input

SHOW = (
    "tillbaka",
    "tillbaka till ärendet",
    "visa ärendet",
    "back",
    "back to the case",
    "show the case",
)
TYPED = {
    **dict.fromkeys(SHOW, view),
    # the card's actions typed as their labels read (a keyboard without buttons, or the card
    # further up after a short "Sparat"): they act, and are not kept as a note
    **dict.fromkeys(("svara på nästa punkt", "answer the next item"), next_item),
    **dict.fromkeys(("ändra ett svar", "change an answer"), start_change),
    **dict.fromkeys(("skriv en anteckning", "write a note"), start_note),
    **dict.fromkeys(
        ("dokumentera ett uppföljningssamtal", "document a follow-up call"), start_followup
    ),
    **dict.fromkeys(("avsluta ärendet", "close the case"), start_close),
    **dict.fromkeys(("lämna över", "hand over"), start_handover),
}
"""Phrases typed alone that work as the case's own commands in any of its states."""

VIEW = {
    "case:check": next_item,
    "case:change": start_change,
    "case:followup": start_followup,
    "case:note": start_note,
    WRITE: start_write,
    "case:close": start_close,
    "case:reopen": reopen,
    STOP: toggle_checkins,
    START: toggle_checkins,
    "case:book": start_booking,
    ANYWAY: start_booking,
    "case:move": start_move,
    MOVE: start_day_move,
    "case:handover": start_handover,
    EXPORT: export_pdf,
    EXPORT_WHOLE: export_whole,
    **BACK,
}
"""The case card's buttons (and the short reply's after an action), by what they do."""

FLOW = Flow(
    name="case",
    states=Case,
    entry=open_case,
    table={
        Case.VIEW: {**VIEW, Input.TEXT: typed_in_view, Input.ATTACHMENT: file_in_case},
        Case.CHECK: {"check:*": answer_item, Input.TEXT: answer_item, **BACK},
        Case.CHECK_COMMENT: {"check:skip": skip_comment, Input.TEXT: comment_item, **BACK},
        Case.CHANGE: {"chg:*": change_item, Input.TEXT: repeat, **BACK},
        Case.NOTE_TEXT: {Input.TEXT: note_text, **BACK},
        Case.NOTE_KIND: {"note:*": note_kind, Input.TEXT: more_note},
        Case.WRITE_TEXT: {Input.TEXT: write_text, CANCEL: cancel_write, **BACK},
        Case.FU_DATE: {"fu:*": followup_date, Input.TEXT: followup_date, **BACK},
        Case.FU_PRESENT: {Input.TEXT: followup_present, **BACK},
        Case.FU_NOTES: {Input.TEXT: followup_notes, **BACK},
        Case.FU_SUPPORT: {"fu:*": followup_support, Input.TEXT: followup_support},
        Case.FU_PROFESSIONAL: {"fu:*": followup_professional, Input.TEXT: followup_professional},
        Case.FU_NEXT: {"next:book": start_booking, "next:*": plan_next, Input.TEXT: plan_next},
        Case.BOOK: {"at:*": book_call, Input.TEXT: book_call, **BACK},
        Case.MOVE: {"move:*": move_to, Input.TEXT: move_to, **BACK},
        Case.DAY: {"day:*": move_day, Input.TEXT: move_day, **BACK},
        Case.DAY_OFF: {"dayoff:*": day_off_chosen, Input.TEXT: day_off_chosen, **BACK},
        Case.CLOSE_CONFIRM: {"close:confirm": confirm_close, Input.TEXT: typed_close, **BACK},
        Case.CLOSE_APPLIED: {"applied:*": close_applied, Input.TEXT: close_applied, **BACK},
        Case.CLOSE_ROUTINE: {"close:skip": close_routine, Input.TEXT: close_routine},
        Case.CLOSE_PLAN: {"close:skip": close_plan, Input.TEXT: close_plan},
        Case.HANDOVER: {"handover:*": hand_over, Input.TEXT: hand_over, **BACK},
    },
    typed=TYPED,
    revisit=revisiting(VIEW),  # the card's buttons further up act on the card's case
    shown_anew={Case.VIEW: show_case},  # who took it, the checklist: as they are now
    on_leave=left_followup,  # a call half documented: kept, and she is told so
)
