""" "Skicka" typed at a question before the last: show the report to check and send now,
rather than keep the word as that question's answer ("När och var: skicka")."""

from __future__ import annotations

from conversations.events import InboundEvent
from conversations.flow import Context, StateResult
from conversations.report import answering
from conversations.report.draft import options
from conversations.report.sending import SUMMARY_WORDS
from conversations.report.summary import show_summary
from conversations.report.typed import read
from conversations.words import button_said

SEND = {"send": SUMMARY_WORDS["send"]}


async def take_text(ctx: Context, event: InboundEvent) -> StateResult:
    """Show the summary, with Send, for words that ask to send the report, unless they answer
    the open question ("skicka" at "Vill du berätta mer?" is "Inget mer"); else take the
    words as an answer."""
    if button_said(event.text, SEND) is None:
        return await answering.take_text(ctx, event)
    found = await answering.current(ctx)
    if found is None:
        return await answering.lost(ctx)
    draft, question = found
    if read(question, await options(ctx, draft, question), event.text).matched:
        return await answering.take_text(ctx, event)
    lead = ctx._("You can send it now, without the questions that are left.")
    return await show_summary(ctx, draft, [lead])
