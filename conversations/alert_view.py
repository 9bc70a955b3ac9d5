"""An /akut alert opened by someone it went to (from its push, or from /arenden): what was
written with it, whom to call, and what they may do now: take it, write to its person."""

from __future__ import annotations

from conversations.akut_notices import VIEW, write_button, written_lines, written_to
from conversations.alert_calls import about_whom
from conversations.events import Button, InboundEvent
from conversations.flow import Context, StateResult
from conversations.i18n import shown_name
from conversations.notice_context import opens_case, show_button
from conversations.taken_back import no_alert_for_them
from conversations.texts import call_line
from storage.alert_notes import AlertNotes, Written
from storage.directory import ContactCard, DirectoryRepo
from storage.errors import NotFound
from storage.models import Alert, Report


async def read_words(ctx: Context, event: InboundEvent) -> StateResult:
    """Show someone an alert went to what was written with it, with the number to call, and
    the buttons to take it (while nobody has) and to write to its person."""
    return await _show(ctx, event.button.partition(":")[2])


async def shown_again(ctx: Context, event: InboundEvent) -> StateResult:
    """Show the alert as it is now to someone coming back to it (``visalarm <alert id>``):
    "Did you reach her?" or "it is yours" may no longer hold."""
    if no_alert_for_them(ctx, event.text.strip()):
        return None
    return await _show(ctx, event.text.strip())


async def _show(ctx: Context, alert_id: str) -> StateResult:
    """The alert's view: what was written, who has it, whom to call, what she may do."""
    _ = ctx._
    found = await about_whom(ctx, alert_id)
    if found is None:
        return None
    alert, card = found
    name = shown_name(_, card)
    report = await ctx.session.get(Report, alert.report_id) if alert.report_id else None
    if report is not None and alert.kind != "akut":  # a report's: the case says the rest
        return await _report_alert(ctx, alert, report, card)
    notes = AlertNotes(ctx.session, ctx.keyring)
    written = await notes.thread(ctx.viewer, alert.id)
    lines = written_lines(_, ctx.locale, name, written, ctx.now, await _writers(ctx, written))
    if not written:  # opened from /arenden: the alert, and nothing written with it
        lines = [_("{name} has written nothing with the alert.").format(name=name)]
    when = ctx.when(alert.created_at)
    lines = [_("The alert about {name} ({when}).").format(name=name, when=when), *lines]
    lines += [
        *await _taken(ctx, alert),
        call_line(ctx, card),
        _("If someone is in danger, call 112."),
    ]
    buttons = [[Button(f"ack:{alert.id}", _("I'll take it"))]] if alert.untaken else []
    if written_to(alert) and await _may_write(ctx, alert):
        buttons.append([write_button(_, alert, name)])
    ctx.reply("\n".join(lines), buttons, anew=f"{VIEW} {alert.id}")
    return None


async def _report_alert(
    ctx: Context, alert: Alert, report: Report, card: ContactCard
) -> StateResult:
    """A report's alert (or a call a check-in asked for): whose, who has it, whom to call;
    the report while nobody has it, the case once someone does."""
    _ = ctx._
    lines = [
        _("The report from {name} ({when}, case {ref}).").format(
            name=shown_name(_, card), when=ctx.when(alert.created_at), ref=report.ref
        ),
        *await _taken(ctx, alert, case=True),
        call_line(ctx, card),
    ]
    buttons = (
        [[Button(f"ack:{alert.id}", _("I'll take it"))], [show_button(_, report)]]
        if alert.untaken
        else [[opens_case(_, report)]]
    )
    ctx.reply("\n".join(lines), buttons, anew=f"{VIEW} {alert.id}")
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


async def _taken(ctx: Context, alert: Alert, *, case: bool = False) -> list[str]:
    """Who has the alert (``case``: the case a report's alert opened), if someone does."""
    _ = ctx._
    if alert.untaken or alert.acknowledged_by is None:
        return []
    if alert.acknowledged_by == ctx.person.id:
        return [_("You have taken the case.") if case else _("You have taken the alert.")]
    taker, _p, _m = await DirectoryRepo(ctx.session).describe(ctx.viewer, alert.acknowledged_by)
    said = _("{name} has taken the case.") if case else _("{name} has taken the alert.")
    return [said.format(name=shown_name(_, taker))]


async def _may_write(ctx: Context, alert: Alert) -> bool:
    try:
        await AlertNotes(ctx.session, ctx.keyring).may_write(ctx.viewer, alert.id)
    except NotFound:  # and NotAllowed: someone else has it
        return False
    return True
