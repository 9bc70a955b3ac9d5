"""Replies that may not have reached the person (lost with a crashed process), and an answer
typed again because she saw nothing: what the core sends again, and what it says."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from conversations.events import EventKind, InboundEvent, Reply
from conversations.flow import Context, Handler, StateResult
from storage.dialogue import ConversationRepo, ConversationRow

RETYPE_WINDOW = timedelta(minutes=10)
"""After replies lost in a crash were sent again, how long the person's next message is
still compared with the answer they had given (they may have typed it again meanwhile)."""

WAY_OUT_LINE = 60
"""A first line this short that names 112 is the way out: nothing may come before it."""


@dataclass(frozen=True, slots=True)
class Recovery:
    """What an event finds of replies that may not have reached the person."""

    earlier: list[Reply] = field(default_factory=list)  # lost with an earlier process
    carry: tuple[dict[str, Any], ...] = ()  # still unconfirmed: kept with the next ones
    guard: tuple[str, str | None] | None = None  # (answer, question) a retype would repeat
    resent_at: datetime | None = None  # when the lost replies were sent again

    def retyped(self, event: InboundEvent) -> bool:
        """Whether the event repeats the answer the lost replies answered."""
        return (
            self.guard is not None
            and event.kind is EventKind.TEXT
            and _same(event.text, self.guard[0])
        )


def recover(
    conversations: ConversationRepo,
    row: ConversationRow,
    sent_no: int,
    event: InboundEvent,
    now: datetime,
    _: Callable[[str], str],
    run: str,
    grace: timedelta,
) -> Recovery:
    """Find replies the person may not have got, and whether a retype is checked for.

    Replies still unconfirmed from this process are on their way: they are kept with
    the next ones until the transport confirms. Replies kept by another process died
    with it and were not sent again at start-up: they go out now, first (``run``: this
    process; with several processes on one database, only once they are older than
    ``grace``: younger ones are kept, like this process's own). After such a re-send, a
    text identical to the answer those replies answered is the person typing it again
    because they saw nothing; that is checked for the first message after the re-send
    (within RETYPE_WINDOW) and for every message the platform says was sent before it. A
    button pressed on the latest prompt proves every reply up to it arrived: nothing is
    kept or sent again (else a crash after the last step would send the earlier step's
    replies once more, after it).
    """
    unsent = row.reply_no > sent_no
    if row.replies is None or not (unsent or row.resent_at):
        return Recovery()
    if event.kind is EventKind.BUTTON and row.step and event.token == str(row.step):
        return Recovery()  # pressed on the latest prompt: every reply up to it arrived
    outgoing = conversations.outgoing_of(row)
    if outgoing is None:
        return Recovery()
    earlier: list[Reply] = []
    carry: tuple[dict[str, Any], ...] = ()
    resent_at = row.resent_at
    on_their_way = bool(grace) and row.updated_at is not None and now - row.updated_at < grace
    if unsent and outgoing.run != run and not on_their_way:
        earlier, resent_at = lost(outgoing.replies, _), now
    elif unsent:
        carry = outgoing.replies
    if resent_at is None:
        return Recovery(earlier, carry)
    guard = outgoing.guard or (
        (outgoing.answer, outgoing.question) if outgoing.answer is not None else None
    )
    first = outgoing.guard is None
    sent_before = event.sent_at is not None and event.sent_at < resent_at
    if guard is None or not ((first and now - resent_at <= RETYPE_WINDOW) or sent_before):
        return Recovery(earlier, carry)  # the check ends here
    return Recovery(earlier, carry, guard, resent_at)


def already_saved(recovery: Recovery) -> Handler:
    """A handler for a retyped answer: say it is saved (under which question), and show
    the open question again, unless the lost replies just shown end with it."""
    question = recovery.guard[1] if recovery.guard else None

    async def saved(ctx: Context, event: InboundEvent) -> StateResult:
        _ = ctx._
        if question:
            ctx.reply(
                _("I already saved that, as your answer to “{question}”.").format(question=question)
            )
        else:
            ctx.reply(_("I already saved that answer."))
        if not recovery.earlier:
            ctx.again()
        return None

    return saved


def lost(replies: Sequence[dict[str, Any]], _: Callable[[str], str]) -> list[Reply]:
    """Replies lost in a crash, to send again: after a line that says why, unless they
    begin with the way out (112), which then stays first."""
    note = _("I lost the connection for a moment – here is where we were:")
    kept = [r for r in map(Reply.from_json, replies) if r.text != note]  # lost twice
    return kept if _way_out_first(kept) else [Reply(note), *kept]


def after_way_out(first: list[Reply], replies: list[Reply]) -> list[Reply]:
    """``first`` before the rest, unless the rest begins with the way out (112), which then
    stays first."""
    if first and _way_out_first(replies):
        return [replies[0], *first, *replies[1:]]
    return [*first, *replies]


def _way_out_first(replies: list[Reply]) -> bool:
    """Whether the replies begin with the way out: a short first line that names 112."""
    top = replies[0].text.strip().partition("\n")[0] if replies else ""
    return "112" in top and len(top) <= WAY_OUT_LINE  # e.g. "Ring 112."


def question_of(text: str) -> str | None:
    """The question a prompt asks: its first line, up to the question mark (None: its first
    line asks nothing, e.g. "Saved. Write more, or press Done.")."""
    line = next((line.strip() for line in text.splitlines() if line.strip()), "")
    mark = line.find("?")
    if mark < 0:
        return None
    return line[: mark + 1] if mark < 120 else line[:119].rstrip() + "…"


def _same(typed: str, answer: str) -> bool:
    return " ".join(typed.split()).casefold() == " ".join(answer.split()).casefold()
