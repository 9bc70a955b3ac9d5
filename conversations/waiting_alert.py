"""Words from someone an alert waits on ("ok jag ringer henne" under the push): the alert
is shown again with its choices, not the menu, so that "1" means "Jag tar det"."""

from __future__ import annotations

from conversations.events import Button
from conversations.flow import Context
from conversations.i18n import shown_name
from conversations.texts import HANDLING, call_line, menu_buttons
from storage.alerts import AlertRepo
from storage.directory import DirectoryRepo


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
        return False
    alert = max(waiting, key=lambda a: a.created_at)
    subject = alert.subject_id or 0  # never 0: kept above
    card, _party, _m = await DirectoryRepo(ctx.session).describe(ctx.viewer, subject)
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
