"""Words from someone an alert waits on ("ok jag ringer henne" under the push): the alert
is shown again with its choices, not the menu, so that "1" means "Jag tar det"; and from
someone who took an /akut alert lately, that alert and whom to call. Someone coming back to
the chat while alerts wait for her sees them first, each once (:func:`shown_again`)."""

from __future__ import annotations

from datetime import datetime, timedelta

from conversations.akut_notices import read_button, write_button, written_to
from conversations.events import Button, Reply
from conversations.flow import Context
from conversations.i18n import shown_name
from conversations.notice_context import NOTICE_TOKEN, opens_case, show_button
from conversations.notices import ALERT
from conversations.texts import HANDLING, call_line, choose_hint, menu_buttons
from storage.alert_notes import AlertNotes
from storage.alerts import AlertRepo
from storage.directory import ContactCard, DirectoryRepo
from storage.models import Alert, Report
from storage.outbox import OutboxRepo

TAKEN_LATELY = timedelta(hours=1)  # words this soon after taking an alert are about it
AWAY = timedelta(minutes=30)
"""Nothing from her for this long, and the alert not before her for as long: she is coming
back, and an alert still waiting for her is shown to her again, first."""
AGAIN_AT_MOST = 3  # waiting alerts shown again at once, the newest first


async def alert_waiting(ctx: Context, told: bool = False) -> bool:
    """Show the newest alert that waits on the viewer, untaken, if there is one (``told``:
    her words said something, which the answer must not pass over)."""
    if ctx.viewer.role not in HANDLING:
        return False
    repo = AlertRepo(ctx.session)
    waiting = [
        alert
        for alert in await repo.open_for([ctx.person.id], untaken=True)
        if alert.drill_id is None
        and alert.subject_id is not None
        and alert.subject_id != ctx.person.id
        and await repo.may_act(alert, ctx.person.id)
    ]
    if not waiting:
        return await _alert_taken(ctx, told)
    again = await _again(ctx, max(waiting, key=lambda a: a.created_at))
    ctx.reply(again.text, [*map(list, again.buttons), *menu_buttons(ctx)])
    return True


async def _alert_taken(ctx: Context, told: bool) -> bool:
    """Words from someone who took an /akut alert within the hour ("hon svarar inte"): that
    alert, whom to call, and what she wrote (not the menu alone, whose "1" is "Jag behöver
    hjälp nu"); words that said something are told plainly where they went (nowhere)."""
    repo = AlertRepo(ctx.session)
    taken = [
        alert
        for alert in await repo.taken_by([ctx.person.id], ctx.now - TAKEN_LATELY)
        if alert.kind == "akut" and alert.drill_id is None and alert.subject_id is not None
    ]
    if not taken:
        return False
    alert = max(taken, key=lambda a: a.acknowledged_at or a.created_at)
    card = await _about(ctx, alert)
    _ = ctx._
    name = shown_name(_, card)
    lines = [_("You have the alert about {name}.").format(name=name), call_line(ctx, card)]
    if told:  # "ringer henne nu": not sent to her, and not kept; he must not think it was
        lines.append(
            _(
                "What you wrote was not sent to {name}. To write to {name}, choose “{write}”."
            ).format(name=name, write=_("Write to {name}").format(name=name))
        )
    read = read_button(_, alert, name)  # what she wrote, and her number
    write = write_button(_, alert, name)  # no number to call: still a way
    ctx.reply("\n".join(lines), [[read], [write], *menu_buttons(ctx)])
    return True


def _call_or_write(ctx: Context, alert: Alert, card: ContactCard) -> list[list[Button]]:
    """ "Ring upp" when there is a number to call; else, for an /akut alert, the way to write."""
    if card.phone:
        return [[Button(f"call:{alert.id}", ctx._("Call back"))]]
    if written_to(alert):
        return [[write_button(ctx._, alert, shown_name(ctx._, card))]]
    return []


async def _about(ctx: Context, alert: Alert) -> ContactCard:
    """The card of the person the alert is about (both callers keep only alerts with one)."""
    card, _party, _m = await DirectoryRepo(ctx.session).describe(ctx.viewer, alert.subject_id or 0)
    return card


async def shown_again(
    ctx: Context,
    channel: str,
    last_here: datetime | None,
    *,
    menu: bool = False,
    pressed: str = "",
) -> list[Reply]:
    """The alerts that still wait for her to take them, to show first as she comes back:
    ``last_here`` None when she opens the chat again (the console), else when she last wrote
    (back after AWAY of silence). Not one whose push is on its way to her on ``channel``,
    nor, as she writes, one put before her within AWAY (its push, or shown again), nor one
    the button she ``pressed`` names or this event's replies offer to take. ``menu``:
    nothing else is open, so the last carries the menu under its own buttons."""
    if ctx.viewer.role not in HANDLING or not ctx.viewer.registered:
        return []
    if last_here is not None and ctx.now - last_here < AWAY:  # she is still here
        return []
    offered = {b.id for reply in ctx.replies for row in reply.buttons for b in row}
    repo, outbox = AlertRepo(ctx.session), OutboxRepo(ctx.session)
    again: list[Reply] = []
    for alert, place in await repo.waiting_on(ctx.person.id):
        if len(again) >= AGAIN_AT_MOST:
            break
        if alert.id in pressed or f"ack:{alert.id}" in offered:
            continue
        if not await repo.may_act(alert, ctx.person.id):
            continue
        coming, sent = await outbox.put_before(ctx.person.id, ALERT, {"alert": alert.id}, channel)
        seen = max((t for t in (sent, place.shown_at) if t is not None), default=None)
        if coming or (last_here is not None and seen is not None and ctx.now - seen < AWAY):
            continue
        place.shown_at = ctx.now
        again.append(await _again(ctx, alert))
    if again and menu:
        last = again[-1]
        again[-1] = Reply(last.text, (*last.buttons, *map(tuple, menu_buttons(ctx))), last.token)
    return again


async def _again(ctx: Context, alert: Alert) -> Reply:
    """An alert that waits for her, shown again: what it is about, whom, since when, and the
    buttons its push had (a report's "Visa rapporten" too)."""
    _ = ctx._
    card = await _about(ctx, alert)
    name = shown_name(_, card)
    when = ctx.when(alert.created_at)
    report = await ctx.session.get(Report, alert.report_id) if alert.report_id else None
    buttons = [[Button(f"ack:{alert.id}", _("I'll take it"))]]
    if report is None or alert.kind == "akut":
        first = _("The alert about {name} from {when} is not taken yet.")
        if await AlertNotes(ctx.session, ctx.keyring).count(alert.id):
            buttons.append([read_button(_, alert, name)])
        if report is not None:
            buttons.append([opens_case(_, report)])
    else:  # a report, or a call a check-in asked for: the case says what it is
        first = (
            _("The call {name} asked for ({when}, case {ref}) is not taken yet.")
            if alert.kind == "checkin"
            else _("The report from {name} ({when}, case {ref}) is not taken yet.")
        )
        buttons.append([show_button(_, report)])
    buttons += _call_or_write(ctx, alert, card)
    lines = [
        first.format(name=name, when=when, ref=report.ref if report else ""),
        choose_hint(
            ctx,
            _("Will you take it? Press “I'll take it”, so the others know."),
            _("Will you take it? Answer “I'll take it”, so the others know."),
        ),
        call_line(ctx, card),
    ]
    return Reply("\n".join(lines), tuple(tuple(row) for row in buttons), NOTICE_TOKEN)
