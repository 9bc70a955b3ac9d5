"""What an old button of an alert she took back says: that she took it back, and how to
reach her if unsure. Any other alert no longer there is just not available."""

from __future__ import annotations

from conversations.flow import Context
from conversations.i18n import shown_name
from conversations.waiting_alert import alert_waiting
from storage.alerts import AlertRepo
from storage.directory import DirectoryRepo


async def refuse_alert(ctx: Context, alert_id: str) -> None:
    """Say why the alert's button does nothing now, as much as the viewer may know."""
    _ = ctx._
    alert = await AlertRepo(ctx.session).taken_back(ctx.viewer, alert_id)
    if alert is None or alert.subject_id is None:
        ctx.reply(_("That alert is not available to you."))
        return
    card, _party, _m = await DirectoryRepo(ctx.session).describe(ctx.viewer, alert.subject_id)
    lines = [
        _("{name} has taken back that alert and writes that it was a mistake.").format(
            name=shown_name(_, card)
        ),
        _("Nobody more is alerted."),
    ]
    if card.phone:
        lines.append(
            _("If you are unsure, call {name}: {phone}").format(
                name=shown_name(_, card), phone=card.phone
            )
        )
    ctx.reply("\n".join(lines))
    await alert_waiting(ctx)  # a new alert of hers waits: not an all-clear
