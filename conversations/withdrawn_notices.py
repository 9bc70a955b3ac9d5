"""Telling those an alert reached that it is withdrawn: the person was erased (no name,
no reason), the case stays, she alerted others instead (her name, no reason), or she took
it back herself as a mistake (her name, and her number if they are unsure)."""

from __future__ import annotations

from conversations.events import Reply
from conversations.i18n import format_when, shown_name
from conversations.notice_context import RenderContext
from storage.alerts import AlertRepo
from storage.directory import DirectoryRepo
from storage.models import Alert, OutboxMessage, Report
from storage.viewer import Viewer


async def render_withdrawn(rc: RenderContext, message: OutboxMessage) -> Reply:
    """Tell someone who was paged that the alert is withdrawn (the person it was about was
    erased: no name, no reason) and that nothing more is needed."""
    _ = rc._
    alert = await rc.session.get(Alert, str(message.payload.get("alert", "")))
    if alert is not None and message.payload.get("by_her") and alert.subject_id is not None:
        return await _withdrawn_by_her(rc, message, alert, alert.subject_id)
    report = await rc.session.get(Report, alert.report_id) if alert and alert.report_id else None
    if report is not None:  # the case itself stays documented and followed up
        return Reply(
            _("The Trygg alert about case {ref} has been withdrawn: nobody needs to call.").format(
                ref=report.ref
            )
            + "\n"
            + _("The case stays in Trygg.")
        )
    if alert is not None and message.payload.get("mistake") and alert.subject_id is not None:
        return await _taken_back(rc, message, alert, alert.subject_id)
    if alert is not None:  # when it reached this person: a later level got it later
        got = await AlertRepo(rc.session).notified_at(alert.id, rc.recipient.id)
        first = _("The Trygg alert you got {when} has been withdrawn.").format(
            when=format_when(got or alert.created_at, rc.locale, message.created_at)
        )
    else:
        first = _("An alert you got in Trygg has been withdrawn.")
    return Reply(first + "\n" + _("You don't need to do anything more."))


async def _withdrawn_by_her(
    rc: RenderContext, message: OutboxMessage, alert: Alert, subject_id: int
) -> Reply:
    """Tell someone paged that the person withdrew her alert (she alerted others instead):
    whose it was, never why, for the reason may concern the one told."""
    _ = rc._
    card, _party, _m = await DirectoryRepo(rc.session).describe(Viewer.of(rc.recipient), subject_id)
    got = await AlertRepo(rc.session).notified_at(alert.id, rc.recipient.id)
    said = _("{name} has taken back the Trygg alert you got {when}.").format(
        name=shown_name(_, card),
        when=format_when(got or alert.created_at, rc.locale, message.created_at),
    )
    return Reply(said + "\n" + _("You don't need to do anything more."))


async def _taken_back(
    rc: RenderContext, message: OutboxMessage, alert: Alert, subject_id: int
) -> Reply:
    """Tell someone paged that the person took back her alert herself (a mistake, she
    says), and how to reach her if they are unsure: she may not be free to say more."""
    _ = rc._
    card, _party, _m = await DirectoryRepo(rc.session).describe(Viewer.of(rc.recipient), subject_id)
    got = await AlertRepo(rc.session).notified_at(alert.id, rc.recipient.id)
    lines = [
        _(
            "{name} has taken back the Trygg alert you got {when} and writes that it was a mistake."
        ).format(
            name=shown_name(_, card),
            when=format_when(got or alert.created_at, rc.locale, message.created_at),
        ),
        _("Nobody more is alerted."),
    ]
    if card.phone:
        lines.append(
            _("If you are unsure, call {name}: {phone}").format(
                name=shown_name(_, card), phone=card.phone
            )
        )
    return Reply("\n".join(lines))
