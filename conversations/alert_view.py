"""An /akut alert opened by someone it went to (from its push, or from /arenden): what was
written with it, whom to call, and what they may do now: take it, write to its person."""

from __future__ import annotations

from conversations.akut_notices import write_button, written_lines, written_to
from conversations.alert_calls import about_whom
from conversations.events import Button, InboundEvent
from conversations.flow import Context, StateResult
from conversations.i18n import shown_name
from conversations.texts import call_line
from storage.alert_notes import AlertNotes, Written
from storage.directory import DirectoryRepo
from storage.errors import NotFound
from storage.models import Alert


async def read_words(ctx: Context, event: InboundEvent) -> StateResult:
    """Show someone an alert went to what was written with it, with the number to call, and
    the buttons to take it (while nobody has) and to write to its person."""
    _ = ctx._
    found = await about_whom(ctx, event.button.partition(":")[2])
    if found is None:
        return None
    alert, card = found
    name = shown_name(_, card)
    notes = AlertNotes(ctx.session, ctx.keyring)
    written = await notes.thread(ctx.viewer, alert.id)
    lines = written_lines(_, ctx.locale, name, written, ctx.now, await _writers(ctx, written))
    if not written:  # opened from /arenden: the alert, and nothing written with it
        lines = [_("{name} has written nothing with the alert.").format(name=name)]
    lines += [
        *await _taken(ctx, alert),
        call_line(ctx, card),
        _("If someone is in danger, call 112."),
    ]
    buttons = [[Button(f"ack:{alert.id}", _("I'll take it"))]] if alert.untaken else []
    if written_to(alert) and await _may_write(ctx, alert):
        buttons.append([write_button(_, alert, name)])
    ctx.reply("\n".join(lines), buttons)
    return None


async def _writers(ctx: Context, written: list[Written]) -> dict[int, str]:
    """The names of those who wrote to her (the reader's own: "")."""
    names: dict[int, str] = {}
    for author in {note.author_id for note in written if note.author_id is not None}:
        if author == ctx.person.id:
            names[author] = ""
            continue
        try:
            card, _p, _m = await DirectoryRepo(ctx.session).describe(ctx.viewer, author)
        except NotFound:
            names[author] = ctx._("(erased person)")
        else:
            names[author] = shown_name(ctx._, card)
    return names


async def _taken(ctx: Context, alert: Alert) -> list[str]:
    """Who has the alert, if someone does."""
    _ = ctx._
    if alert.untaken or alert.acknowledged_by is None:
        return []
    if alert.acknowledged_by == ctx.person.id:
        return [_("You have taken the alert.")]
    taker, _p, _m = await DirectoryRepo(ctx.session).describe(ctx.viewer, alert.acknowledged_by)
    return [_("{name} has taken the alert.").format(name=shown_name(_, taker))]


async def _may_write(ctx: Context, alert: Alert) -> bool:
    try:
        await AlertNotes(ctx.session, ctx.keyring).may_write(ctx.viewer, alert.id)
    except NotFound:  # and NotAllowed: someone else has it
        return False
    return True
