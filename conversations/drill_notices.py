"""A drill's own messages: the brief to the official, and the report to the security unit."""

from __future__ import annotations

from typing import Any

from conversations.events import Reply
from conversations.i18n import N_, shown_name
from conversations.notice_context import RenderContext, Renderer
from storage.alerts import AlertRepo
from storage.directory import DirectoryRepo
from storage.errors import NotFound
from storage.models import Alert, Drill, OutboxMessage
from storage.viewer import Viewer

DRILL_BRIEF = "drill_brief"  # to the official: this is a drill, nobody is in danger
DRILL_REPORT = "drill_report"  # to the security unit, once the drill has ended
DRILL_OVER = "drill_over"  # to everyone else in it: the drill has ended, nothing was real


async def _name(rc: RenderContext, person_id: int | None) -> str:
    if person_id is None:
        return rc._("(erased person)")
    try:
        card, _p, _m = await DirectoryRepo(rc.session).describe(Viewer.of(rc.recipient), person_id)
    except NotFound:
        return rc._("(erased person)")
    return shown_name(rc._, card)


def _span(rc: RenderContext, seconds: int) -> str:
    """A time as the plan would have taken it: "at once", "10 minutes"."""
    minutes = round(seconds / 60)
    if minutes < 1:
        return rc._("at once")
    plural = rc.ngettext or (lambda one, other, n: one if n == 1 else other)
    if minutes % (24 * 60) == 0:  # a follow-up's days
        days = minutes // (24 * 60)
        return rc._("after {span}").format(span=plural("{n} day", "{n} days", days).format(n=days))
    return rc._("after {span}").format(
        span=plural("{n} minute", "{n} minutes", minutes).format(n=minutes)
    )


async def render_brief(rc: RenderContext, message: OutboxMessage) -> Reply:
    """Tell the official that this is a drill, that their alert went out, and to whom."""
    _ = rc._
    alert = await rc.session.get(Alert, str(message.payload.get("alert", "")))
    first: list[str] = []
    if alert is not None:
        first = [
            await _name(rc, r.person_id)
            for r in await AlertRepo(rc.session).recipients(alert.id)
            if r.notified_at is not None
        ]
    pretend = (
        _("We pretend that you have sent an alert with /akut. It has gone to {names}.").format(
            names=", ".join(first)
        )
        if first
        else _("We pretend that you have sent an alert with /akut.")
    )
    lines = [  # the way out first, as in every message to someone who may be in danger
        _("In real danger: call {number}.").format(number="112"),
        _("This is a drill by the municipality's security unit."),
        pretend,
        _("You need not do anything. What you get about it now is part of the drill."),
    ]
    return Reply("\n".join(lines))


WHY = {
    "no_binding": N_("has not linked a chat to Trygg"),
    "dead": N_("the chat address no longer works"),
    "held": N_("the chat address waits for confirmation (new phone)"),
}


async def _steps(
    rc: RenderContext, alert: dict[str, Any], missed: dict[str, str | None]
) -> list[str]:
    """One alert of the drill, in the order things happened, then what would have followed."""
    _ = rc._
    lines: list[str] = []
    would: list[str] = []
    for person in alert.get("people", []):
        name = await _name(rc, person["id"])
        if person.get("alerted_after") is None:
            would.append(
                _("• Level {level}: {name} {when}").format(
                    level=person["level"], name=name, when=_span(rc, person["would_after"])
                )
            )
            continue
        lines.append(
            _("• Level {level}: {name} was alerted {when}").format(
                level=person["level"], name=name, when=_span(rc, person["alerted_after"])
            )
        )
        if not person.get("reached"):
            missed[name] = person.get("why")
    if alert.get("taken_by") is not None and alert.get("taken_after") is not None:
        lines.append(
            _("• {name} took the alert {when}").format(
                name=await _name(rc, alert["taken_by"]), when=_span(rc, alert["taken_after"])
            )
        )
    elif alert.get("unanswered"):
        lines.append(_("• Nobody took the alert: every level was alerted"))
    else:
        lines.append(_("• Nobody took the alert before the drill ended"))
    if would:
        lines += ["", _("Had nobody taken it, the alert would have gone on:"), *would]
    return lines + await _case(rc, alert.get("case"), await _name(rc, alert.get("subject")))


FIRED = {
    "checkin": N_("• Check-in with {name} {when}"),
    "nudge": N_("• Reminder to book follow-up call 1 {when}"),
    "remind": N_("• Second reminder about follow-up call 1 {when}"),
    "escalate": N_("• Follow-up call 1 overdue, the municipal security unit told {when}"),
}


async def _case(rc: RenderContext, case: dict[str, Any] | None, name: str) -> list[str]:
    """The drill case: which checklist items were answered, and which follow-ups fired."""
    if not case:
        return []
    _ = rc._
    pack = rc.packs.get(case.get("pack"))
    items = {item.id: item for item in pack.checklist}
    answered = [items[i] for i in case.get("answered", []) if i in items]
    lines = [
        "",
        _("Drill case: {n} of {total} checklist items answered.").format(
            n=len(answered), total=len(items)
        ),
        *(f"• {item.step} {item.check.get(rc.locale)}" for item in answered),
    ]
    fired = [
        _(FIRED[key]).format(name=name, when=_span(rc, int(f.get("after") or 0)))
        for f in case.get("fired", [])
        if (key := "checkin" if f.get("kind") == "checkin" else str(f.get("stage"))) in FIRED
    ]
    lines += (
        ["", _("Follow-up in the drill case:"), *fired]
        if fired
        else [
            "",
            _("No follow-up came due before the drill ended."),
        ]
    )
    return lines


async def render_report(rc: RenderContext, message: OutboxMessage) -> Reply:
    """The drill report: who was alerted and reached when, who took it, who would have been
    alerted next, and who could not be reached."""
    _ = rc._
    drill = await rc.session.get(Drill, int(message.payload.get("drill", 0)))
    summary = drill.summary if drill is not None and drill.summary else {}
    lines: list[str] = []
    missed: dict[str, str | None] = {}  # name: why
    for alert in summary.get("alerts", []):
        subject = await _name(rc, alert.get("subject"))
        lines.append(
            _("The drill is over. This is how the alert for {name} went:").format(name=subject)
        )
        if not alert.get("subject_reached"):
            missed[subject] = alert.get("subject_why")
        lines += await _steps(rc, alert, missed)
    if not lines:
        lines.append(_("The drill is over."))
    if missed:
        lines += ["", _("Not reached:")]
        for name, why in missed.items():
            lines.append(
                _("• {name}: {why}").format(name=name, why=_(WHY[why]))
                if why is not None and why in WHY
                else "• " + name
            )
    speed = int(summary.get("speed", 1))
    lines += [
        "",
        _("The times are as they would have been. The drill ran {speed} times faster.").format(
            speed=speed
        ),
        _("Everything from the drill has been removed."),
    ]
    return Reply("\n".join(lines))


async def render_over(rc: RenderContext, message: OutboxMessage) -> Reply:
    """Tell the official and the contacts in a drill that it has ended: an old drill alert
    then no longer looks like a real one that went missing."""
    _ = rc._
    lines = [
        _("DRILL"),
        _("The drill is over. Nothing in it was real, and everything from it has been removed."),
        _("You don't need to do anything more."),
    ]
    return Reply("\n".join(lines))


RENDERERS: dict[str, Renderer] = {
    DRILL_BRIEF: render_brief,
    DRILL_REPORT: render_report,
    DRILL_OVER: render_over,
}
