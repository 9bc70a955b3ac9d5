"""/rapportera: the municipality's incident report form as a resumable conversation.

The questions are data (report/form.py); every question state takes the same inputs, so the
table below is built from the form. A photo or file is evidence at any point.
"""

from __future__ import annotations

from datetime import timedelta

from conversations.flow import Flow, Handler, Input
from conversations.report import answering, entry, evidence, send_early, sending
from conversations.report.form import QUESTIONS, ReportStep

IDLE = timedelta(minutes=30)

CANCEL = ("avbryt", "avbryt rapporten", "radera", "radera rapporten", "ta bort rapporten")
CANCEL_EN = ("cancel", "cancel the report", "delete", "delete the report")
"""Typed alone anywhere in a report, these ask to delete it (as /avbryt), never answer."""

ANSWERING: dict[str, Handler] = {
    "opt:*": answering.choose,
    "tog:*": answering.toggle,
    "done": answering.done,
    "nav:back": answering.back,
    "nav:skip": answering.skip,
    "nav:keep": answering.skip,
    "edit:replace": answering.replace_next,
    Input.TEXT: send_early.take_text,  # "skicka" before the last question: the summary
    Input.ATTACHMENT: evidence.take_evidence,
    Input.EDIT: answering.edited,
}

FLOW = Flow(
    name="report",
    states=ReportStep,
    entry=entry.begin,
    table={
        ReportStep.RESUME: {"resume:*": entry.resume_choice, Input.TEXT: entry.resume_typed},
        ReportStep.CANCEL: {"cancel:*": entry.cancel_choice, Input.TEXT: entry.cancel_typed},
        ReportStep.SUMMARY: {
            "edit:*": entry.edit_answer,
            "send": sending.send,
            "ev:list": evidence.list_files,
            Input.TEXT: sending.summary_typed,
            Input.ATTACHMENT: evidence.take_evidence,
        },
        ReportStep.RECIPIENTS: {
            "rcpt:*": sending.toggle_recipient,
            "send": sending.confirm_recipients,
            "nav:summary": sending.back_to_summary,
            Input.TEXT: answering.keep_typed,
            Input.ATTACHMENT: evidence.take_evidence,
        },
        ReportStep.EVIDENCE: {
            "evdel:*": evidence.remove_file,
            "nav:summary": sending.back_to_summary,
            Input.TEXT: answering.keep_typed,
            Input.ATTACHMENT: evidence.take_evidence,
        },
        **{question.step: ANSWERING for question in QUESTIONS},
    },
    idle_after=IDLE,
    on_idle=entry.resume_after_silence,
    typed=dict.fromkeys((*CANCEL, *CANCEL_EN), entry.cancel),
)
