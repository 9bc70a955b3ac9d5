"""The push that asks a contact to take an alert: why it comes to them, who needs them,
how to call, and the buttons; never the report's text (a lock screen may show it)."""

from __future__ import annotations

from typing import Any

from conversations.about import about_someone_else
from conversations.akut_notices import read_button, write_button, written_to, written_with
from conversations.alert_carried import LINKED_FOR, case_in_push
from conversations.alert_next import on_in_the_morning
from conversations.events import Button, Reply
from conversations.i18n import format_when, names_list, shown_name
from conversations.notice_context import NOTICE_TOKEN, RenderContext, opens_case, show_button
from conversations.notice_context import case_button as _case_button
from conversations.notice_people import category_line, language_of, party_member, subject_of
from storage.directory import DirectoryRepo
from storage.errors import NotFound
from storage.models import Alert, AlertStatus, OutboxMessage, Report
from storage.reports import ReportRepo
from storage.viewer import Viewer


async def _why_you(rc: RenderContext, payload: dict[str, Any], name: str) -> list[str]:
    """Why an alert comes to this person now, if not as the first: a reminder, nobody
    answered, the taker left, who called could not reach the person, or her words to the
    case may tell of danger."""
    _ = rc._
    if payload.get("reminder"):
        return [_("Reminder: nobody has taken this yet.")]
    if payload.get("handover"):
        return [_("The person who took this can no longer handle it – you are next.")]
    if payload.get("unreached"):
        try:
            caller, _p, _m = await DirectoryRepo(rc.session).describe(
                Viewer.of(rc.recipient), int(payload["unreached"])
            )
        except NotFound:  # the caller was erased since: what is left to say is the same
            return [_("Nobody has answered yet – you are next.")]
        line = _("{caller} called and could not reach them – you are next.")
        return [line.format(caller=caller.name)]
    if payload.get("danger"):  # her words to the case may tell of danger now
        return [
            _("URGENT – Trygg"),
            _(
                "{name} wrote to the case and may be in danger now. Nobody has taken it – "
                "you are next."
            ).format(name=name),
        ]
    if payload.get("escalated"):
        return [_("Nobody has answered yet – you are next.")]
    return []


async def render_alert(rc: RenderContext, message: OutboxMessage) -> Reply:
    """Render the push to a contact: urgency, who, how to call, buttons; no report text."""
    _ = rc._
    alert = await rc.session.get(Alert, str(message.payload["alert"]))
    if alert is None:
        return Reply(_("An alert in Trygg was withdrawn before you saw it."))
    who, phone, name = await subject_of(rc, alert)
    report = await rc.session.get(Report, alert.report_id) if alert.report_id else None
    akut = alert.kind == "akut"  # a drill's /akut alert comes with its drill case
    why = await _why_you(rc, message.payload, name)
    lines: list[str] = []
    if alert.kind == "checkin" and report is not None:
        lines += [
            *why,
            _("Trygg check-in: {who} wants someone to call them (case {ref}).").format(
                who=who, ref=report.ref
            ),
        ]
    elif report is None or akut:  # the lock screen shows the first line: urgency first
        why = [line for line in why if line != _("URGENT – Trygg")]  # said once
        lines += [_("URGENT – Trygg alert"), *why, _("{who} needs you now.").format(who=who)]
        member = await party_member(rc, alert) if alert.party_id is None else None
        if member is not None:
            lines.append(
                _("{name} chose to alert the municipality instead of the party.").format(
                    name=member
                )
            )
            lines.append(  # the threat may come from inside it (domain: the internal case)
                _(
                    "Don't bring in the party's security contacts without asking {name} "
                    "first: the threat may come from inside the party."
                ).format(name=member)
            )
    else:
        lines += [
            *why,
            _("New incident report in Trygg – case {ref}").format(ref=report.ref),
            _("Reported by: {who}").format(who=who),
        ]
        answers = ReportRepo(rc.session, rc.keyring).answers(report) if rc.keyring else {}
        if about_someone_else(answers):  # whom, only inside Trygg: a push shows on a lock screen
            lines.append(_("They report for someone else: the report says who."))
        if report.category:
            lines.append(category_line(rc, report))
        if report.unverified:
            lines.append(_("The reporter is not registered in Trygg (unverified)."))
    language = await language_of(rc, alert.subject_id)
    if language:
        lines.append(_("Language: {language}").format(language=language))
    lines.append(_("Call: {phone}").format(phone=phone) if phone else _("No phone number known."))
    written = (report is None or akut) and await written_with(rc, alert)
    if written:  # the words stay inside Trygg: the button shows them
        lines.append(_("{name} has also written to Trygg.").format(name=name))
    taker = await _taken_by_another(rc, alert)  # delivered once someone has it
    if report is None or akut:
        lines.append(_("If someone is in danger, call 112."))
    elif taker is None:
        lines.append(
            _("Please contact {name}. The report itself is shown only inside Trygg.").format(
                name=name
            )
        )
        lines += await _on_in_the_morning(rc, alert, message)
    if taker is not None:
        lines.append(_("{name} has already taken it.").format(name=taker))
    buttons = [] if taker is not None else [[Button(f"ack:{alert.id}", _("I'll take it"))]]
    if written:
        buttons.append([read_button(_, alert, name)])
    if report is not None and akut:
        buttons += [list(row) for row in _case_button(rc, report)]
    elif report is None or akut:  # numbers count only in the newest message: her case too
        case = await case_in_push(rc, alert, message.created_at - LINKED_FOR)
        buttons += [[opens_case(_, case)]] if case is not None else []
    elif report is not None:
        buttons.append([show_button(_, report)])
    if phone:  # "Ring upp" gives the number: with none, there is nothing to call
        buttons.append([Button(f"call:{alert.id}", _("Call back"))])
    elif taker is None and written_to(alert):  # the way to her: write through Trygg
        buttons.append([write_button(_, alert, name)])
    return Reply("\n".join(lines), tuple(tuple(r) for r in buttons), NOTICE_TOKEN)


async def _taken_by_another(rc: RenderContext, alert: Alert) -> str | None:
    """The name of whoever took the alert, if someone other than the recipient has."""
    if alert.status is not AlertStatus.ACKNOWLEDGED or alert.acknowledged_by in (
        None,
        rc.recipient.id,
    ):
        return None
    try:
        card, _p, _m = await DirectoryRepo(rc.session).describe(
            Viewer.of(rc.recipient), alert.acknowledged_by
        )
    except NotFound:
        return rc._("(erased person)")
    return shown_name(rc._, card)


async def _on_in_the_morning(rc: RenderContext, alert: Alert, message: OutboxMessage) -> list[str]:
    """For a report in calm words in the quiet hours: that it mentions no danger, and when
    it goes on and to whom if nobody takes it (woken at 23:00, the contact can tell whether
    it waits for the morning)."""
    held = await on_in_the_morning(rc.session, rc.packs, alert, message.created_at)
    if held is None:
        return []
    when, following = held
    line = rc._(
        "The report mentions no danger. If nobody has taken it by {when}, it goes on to {names}."
    )
    names = names_list(rc._, [shown_name(rc._, card) for card in following])
    return [line.format(when=format_when(when, rc.locale, message.created_at), names=names)]
