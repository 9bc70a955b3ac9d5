"""Reminders from the municipality's plan: a recurring duty, and a case about to be purged
as its retention decision says."""

from __future__ import annotations

from conversations.events import Button, Reply
from conversations.i18n import format_when
from conversations.notice_context import NOTICE_TOKEN, RenderContext
from conversations.notice_context import report_of as _report
from storage.models import OutboxMessage


async def render_duty(rc: RenderContext, message: OutboxMessage) -> Reply:
    """Remind the municipal security unit of a recurring duty from its plan."""
    _ = rc._
    pack = rc.packs.get(str(message.payload.get("pack")))
    duty = next((d for d in pack.duties if d.id == message.payload.get("duty")), None)
    title = duty.title.get(rc.locale) if duty else str(message.payload.get("duty"))
    lines = [_("Reminder from your plan: {title}").format(title=title)]
    if duty is not None and duty.source:
        lines.append(duty.source)
    return Reply("\n".join(lines))


async def render_purge_notice(rc: RenderContext, message: OutboxMessage) -> Reply:
    """Warn the municipal unit a week before a closed case is purged."""
    _ = rc._
    report = await _report(rc, message)
    if report is None:
        return Reply(_("A closed case in Trygg has already been purged."))
    return Reply(
        _(
            "Case {ref} was closed and will be purged in a week, as your retention decision "
            "says. Keep it if it is still needed (e.g. a pending trial)."
        ).format(ref=report.ref),
        ((Button(f"hold:{report.id}", _("Keep the case")),),),
        NOTICE_TOKEN,
    )


async def render_purge_idle_notice(rc: RenderContext, message: OutboxMessage) -> Reply:
    """Warn whoever may handle an open case that has been idle for the retention period."""
    _ = rc._
    report = await _report(rc, message)
    if report is None:
        return Reply(_("A case in Trygg has already been purged."))
    text = _(
        "Nothing has happened in case {ref} since {when}. As your retention decision says, it "
        "will be purged in a week. Keep it if it is still needed."
    ).format(ref=report.ref, when=format_when(report.updated_at, rc.locale, message.created_at))
    return Reply(
        text,
        ((Button(f"hold:{report.id}", _("Keep the case")),),),
        NOTICE_TOKEN,
    )
