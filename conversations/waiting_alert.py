"""Words from someone an alert waits on ("ok jag ringer henne" under the push): the alert
is shown again with its choices, not the menu, so that "1" means "Jag tar det"; and from
someone who took an /akut alert lately, that alert and whom to call."""

from __future__ import annotations

from datetime import timedelta

from conversations.akut_notices import read_button
from conversations.events import Button
from conversations.flow import Context
from conversations.i18n import shown_name
from conversations.texts import HANDLING, call_line, menu_buttons
from storage.alerts import AlertRepo
from storage.directory import ContactCard, DirectoryRepo
from storage.models import Alert

TAKEN_LATELY = timedelta(hours=1)  # words this soon after taking an alert are about it


async def alert_waiting(ctx: Context) -> bool:
    """Show the newest alert that waits on the viewer, untaken, if there is one."""
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
        return await _alert_taken(ctx)
    alert = max(waiting, key=lambda a: a.created_at)
    card = await _about(ctx, alert)
    _ = ctx._
    lines = [
        _("The alert about {name} is not taken yet.").format(name=shown_name(_, card)),
        _("Will you take it? Press “I'll take it”, so the others know."),
        call_line(ctx, card),
    ]
    ctx.reply(
        "\n".join(lines),
        [
            [Button(f"ack:{alert.id}", _("I'll take it"))],
            [Button(f"call:{alert.id}", _("Call back"))],
            *menu_buttons(ctx),
        ],
    )
    return True


async def _alert_taken(ctx: Context) -> bool:
    """Words from someone who took an /akut alert within the hour ("hon svarar inte"): that
    alert, whom to call, and what she wrote (not the menu alone, whose "1" is "Jag behöver
    hjälp nu")."""
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
    lines = [
        _("You have the alert about {name}.").format(name=shown_name(_, card)),
        call_line(ctx, card),
    ]
    read = read_button(_, alert, shown_name(_, card))  # what she wrote, and her number
    ctx.reply("\n".join(lines), [[read], *menu_buttons(ctx)])
    return True


async def _about(ctx: Context, alert: Alert) -> ContactCard:
    """The card of the person the alert is about (both callers keep only alerts with one)."""
    card, _party, _m = await DirectoryRepo(ctx.session).describe(ctx.viewer, alert.subject_id or 0)
    return card
