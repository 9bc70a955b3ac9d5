"""What an old button of an alert she took back says: that she took it back, and how to
reach her if unsure. Any other alert no longer there is just not available."""

from __future__ import annotations

from conversations.flow import Context
from conversations.i18n import shown_name
from conversations.texts import choose_hint, menu_buttons
from conversations.waiting_alert import alert_waiting
from storage.alerts import AlertRepo
from storage.directory import DirectoryRepo
from storage.models import Role

ALERTED = frozenset({Role.PARTY_SECURITY, Role.MUNICIPAL_SECURITY})
"""Roles an alert may go to: anyone else never had one to open or write on."""


def no_alert_for_them(ctx: Context, alert_id: str) -> bool:
    """For an alert asked for by id (``skriv``/``visalarm``, typed or from a button): to
    someone no alert goes to (an official), say what alerts are for and show the menu; to a
    contact who gave no id, say where the button is. True if said; the alert is not looked
    at, so nothing tells whether it exists."""
    _ = ctx._
    if ctx.viewer.role not in ALERTED:
        said = (
            _("Only the security contacts an alert goes to can open it and write about it.")
            + "\n"
            + choose_hint(
                ctx,
                _("If you need help yourself, press “I need help now”."),
                _("If you need help yourself, answer “I need help now”."),
            )
            + "\n\n"
            + _("This is what I can help you with:")
        )
        ctx.reply(said, menu_buttons(ctx), rest=True)
        return True
    if not alert_id.strip():
        ctx.reply(
            choose_hint(
                ctx,
                _("To write to the person who alerted, press “Write to …” on the alert."),
                _("To write to the person who alerted, answer “Write to …” under the alert."),
            )
        )
        return True
    return False


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
