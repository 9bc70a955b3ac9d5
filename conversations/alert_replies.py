"""What follows an alert: the person told who took it, the others told it is taken, the
handler told a second alert of the same person is theirs too, and nobody having answered."""

from __future__ import annotations

from conversations.akut_notices import written_to
from conversations.events import Button, Reply
from conversations.i18n import format_when, names_list, shown_name
from conversations.notice_context import NOTICE_TOKEN, RenderContext, opens_case, show_button
from conversations.notice_people import category_line, language_of, subject_of
from storage.access import Access, responsibility_key, responsible
from storage.alerts import AlertRepo
from storage.cases import CaseRepo
from storage.directory import DirectoryRepo
from storage.errors import NotFound
from storage.models import Alert, AlertStatus, Municipality, OutboxMessage, Person, Report, Role
from storage.viewer import Viewer


def _has_items(rc: RenderContext, report: Report) -> bool:
    """Whether the recipient's role owns items in the case's checklist (the unit's 3.1.2)."""
    key = responsibility_key(Access.HANDLER, rc.recipient.role, report.category)
    return any(responsible(key, item.responsible) for item in rc.packs.get(report.pack).checklist)


async def _wrote_after(rc: RenderContext, alert: Alert) -> bool:
    """Whether the person wrote in her case after sending it ("he is outside now"), so the
    one who took its alert was asked to read her words, not only the report."""
    report = await rc.session.get(Report, alert.report_id)
    if report is None or rc.keyring is None or report.reporter_id != rc.recipient.id:
        return False
    cases = CaseRepo(rc.session, rc.keyring)
    try:
        return await cases.wrote_since(Viewer.of(rc.recipient), report, alert.created_at)
    except NotFound:  # no longer hers to read (erased, handed to someone else's name)
        return False


async def render_acked(rc: RenderContext, message: OutboxMessage) -> Reply:
    """Tell the person who asked for help that someone has taken it."""
    _ = rc._
    alert = await rc.session.get(Alert, str(message.payload["alert"]))
    if alert is None or alert.acknowledged_by is None:
        return Reply(_("Someone in Trygg has seen your alert."))
    card, _party, _m = await DirectoryRepo(rc.session).describe(
        Viewer.of(rc.recipient), alert.acknowledged_by
    )
    name = shown_name(rc._, card)
    if not Viewer.of(rc.recipient).registered:  # an unregistered person sees nobody's name
        taker = await rc.session.get(Person, alert.acknowledged_by)
        unit = taker is not None and taker.role is Role.MUNICIPAL_SECURITY
        label = _("municipal security unit") if unit else _("party security contact")
        name = label[:1].upper() + label[1:]
    if alert.kind == "checkin":
        text = _("{name} will call you.")
    elif alert.report_id and alert.kind != "akut":
        text = (
            _("{name} has read what you wrote and will contact you.")
            if await _wrote_after(rc, alert)
            else _("{name} has seen your report and will contact you.")
        )
    elif written_to(alert) and not (await subject_of(rc, alert))[1]:
        # no number to call her on: the contact's words come here (alert_write)
        text = _(
            "{name} has seen your alert. Trygg has no phone number for you, so {name} will "
            "write to you here."
        )
    else:
        text = _("{name} has seen your alert and will contact you.")
    danger = _("In danger now: call {number}.").format(number="112")
    return Reply(danger + "\n" + text.format(name=name))


async def render_taken(rc: RenderContext, message: OutboxMessage) -> Reply:
    """Tell the other recipients who took which alert; if the same person has another alert
    that this recipient got and nobody has taken, say that it still waits for them."""
    _ = rc._
    alert = await rc.session.get(Alert, str(message.payload["alert"]))
    if alert is None or alert.acknowledged_by is None:
        return Reply(_("An alert you received has been taken."))
    card, _party, _m = await DirectoryRepo(rc.session).describe(
        Viewer.of(rc.recipient), alert.acknowledged_by
    )
    who, _phone, _name = await subject_of(rc, alert)
    report = await rc.session.get(Report, alert.report_id) if alert.report_id else None
    if report is not None:
        taken = _("{name} has taken the alert about case {ref}.").format(
            name=shown_name(_, card), ref=report.ref
        )
    else:
        taken = _("{name} has taken the alert from {who}, {when}.").format(
            name=shown_name(_, card),
            who=who,
            when=format_when(alert.created_at, rc.locale, message.created_at),
        )
    repo = AlertRepo(rc.session)
    waiting = [
        other
        for other in await repo.of_same_person(alert)
        if other.status is AlertStatus.OPEN and rc.recipient.id in await repo.notified(other.id)
    ]
    taker = await rc.session.get(Person, alert.acknowledged_by)
    others = taker is not None and taker.role is not rc.recipient.role  # not the same part
    if not waiting and report is not None and others and _has_items(rc, report):  # Sara: 3.1.2
        return Reply(
            taken + "\n" + _("Your items in its checklist are still yours to do."),
            ((opens_case(_, report),),),
            NOTICE_TOKEN,
        )
    if not waiting:
        return Reply(taken + "\n" + _("You don't need to do anything more."))
    other = waiting[0]
    when = format_when(other.created_at, rc.locale, message.created_at)
    case = await rc.session.get(Report, other.report_id) if other.report_id else None
    if case is not None and other.kind != "akut":  # named as its taking is: by its case
        still = _("The alert about case {ref}, {when}, is still waiting for someone to take it.")
    else:
        still = _("The alert from {who}, {when}, is still waiting for someone to take it.")
    still = still.format(who=who, when=when, ref=case.ref if case is not None else "")
    return Reply(
        taken + "\n" + still,
        ((Button(f"ack:{other.id}", _("I'll take it")),),),
        NOTICE_TOKEN,
    )


async def render_linked(rc: RenderContext, message: OutboxMessage) -> Reply:
    """Tell the person who handles someone that another alert of theirs is theirs too (her
    report, after the /akut alert they took: the case)."""
    _ = rc._
    alert = await rc.session.get(Alert, str(message.payload["alert"]))
    if alert is None:
        return Reply(_("An alert in Trygg was withdrawn before you saw it."))
    who, phone, _name = await subject_of(rc, alert)
    call = _("Call: {phone}").format(phone=phone) if phone else _("No phone number known.")
    buttons = [(Button(f"call:{alert.id}", _("Call back")),)] if phone else []
    akut = await rc.session.get(Alert, str(message.payload.get("after", "")))
    report = await rc.session.get(Report, alert.report_id) if alert.report_id else None
    if report is not None and akut is not None:  # her report, after the alert they took
        lines = [
            _("New incident report in Trygg – case {ref}").format(ref=report.ref),
            _("Reported by: {who}").format(who=who),
            *([category_line(rc, report)] if report.category else []),
            _("The alert from {when} is yours, so the case is yours too.").format(
                when=format_when(akut.created_at, rc.locale, message.created_at)
            ),
        ]
        language = await language_of(rc, alert.subject_id)
        if language:
            lines.append(_("Language: {language}").format(language=language))
        lines.append(call)
        buttons.insert(0, (show_button(_, report),))
        return Reply("\n".join(lines), tuple(buttons), NOTICE_TOKEN)
    lines = [
        _("{who} also sent an alert {when}. You already handle them: it is yours too.").format(
            who=who, when=format_when(alert.created_at, rc.locale, message.created_at)
        ),
        call,
    ]
    return Reply("\n".join(lines), tuple(buttons), NOTICE_TOKEN)


async def render_unanswered(rc: RenderContext, message: OutboxMessage) -> Reply:
    """Tell the person that nobody answered, and whom to call instead."""
    _ = rc._
    alert = await rc.session.get(Alert, str(message.payload["alert"]))
    unit_phone = None
    if alert is not None and alert.municipality_id is not None:
        municipality = await rc.session.get(Municipality, alert.municipality_id)
        unit_phone = municipality.security_unit_phone if municipality else None
    asked = alert is not None and alert.kind == "checkin"  # she said "Ja, ring mig"
    lines = [  # the way out first: whoever reads this may be in danger
        _("In danger now: call 112. Not urgent: the police on 114 14."),
        _("Nobody in Trygg has taken your request for a call yet.")
        if asked
        else _("Nobody in Trygg has taken your report yet.")
        if alert is not None and alert.kind == "report"
        else _("Nobody in Trygg has answered your alert yet."),
    ]
    report = await rc.session.get(Report, alert.report_id) if alert and alert.report_id else None
    keyring = rc.keyring
    taker = await CaseRepo(rc.session, keyring).taken_by(report) if report and keyring else None
    name, phone = await _shown(rc, taker) if taker is not None else ("", None)
    if name and phone and unit_phone:  # she knows who has her case: that person first
        lines.append(
            _("Call {name} on {phone}, or the security unit on {unit}.").format(
                name=name, phone=phone, unit=unit_phone
            )
        )
    elif unit_phone:
        lines.append(
            _("Call the municipality's security unit on {phone}.").format(phone=unit_phone)
        )
    if report is not None and name:
        lines.append(_("Your case stays open: {name} has it.").format(name=name))
    elif report is not None:
        lines.append(_("Your case stays open and visible to the municipal security unit."))
    else:  # an /akut alert: there is no case
        lines.append(_("The alert stays open: whoever takes it will call you."))
    return Reply("\n".join(lines))


async def _shown(rc: RenderContext, person_id: int) -> tuple[str, str | None]:
    """How a person is named to the recipient, and their number if the recipient may have
    it: to someone unregistered, no name or number, only what they are."""
    if not Viewer.of(rc.recipient).registered:
        person = await rc.session.get(Person, person_id)
        unit = person is not None and person.role is Role.MUNICIPAL_SECURITY
        label = rc._("municipal security unit") if unit else rc._("party security contact")
        return label[:1].upper() + label[1:], None
    card, _party, _m = await DirectoryRepo(rc.session).describe(Viewer.of(rc.recipient), person_id)
    return shown_name(rc._, card), card.phone


async def render_taker_gone(rc: RenderContext, message: OutboxMessage) -> Reply:
    """Tell the person that whoever took her alert can no longer handle it: who has been
    told now and will contact her, and whom to call if it cannot wait (never why)."""
    _ = rc._
    alert = await rc.session.get(Alert, str(message.payload["alert"]))
    report = await rc.session.get(Report, alert.report_id) if alert and alert.report_id else None
    case = report is not None and alert is not None and alert.kind != "akut"
    gone, _phone = await _shown(rc, int(message.payload.get("gone", 0)))
    lines = [
        _("{name} can no longer handle your case {ref}.").format(name=gone, ref=report.ref)
        if case and report is not None
        else _("{name} can no longer handle your alert.").format(name=gone)
    ]
    told = [await _shown(rc, int(i)) for i in message.payload.get("to") or []]
    if told:
        names = names_list(_, [name for name, _phone in told])
        ngettext = rc.ngettext or (lambda one, many, n: one if n == 1 else many)
        lines.append(
            ngettext(
                "{names} has been told and will contact you.",
                "{names} have been told: one of them will contact you.",
                len(told),
            ).format(names=names)
        )
        called = next(((name, phone) for name, phone in told if phone), None)
        if called is not None:
            lines.append(
                _("Can't wait? Call {name}: {phone}").format(name=called[0], phone=called[1])
            )
        return Reply("\n".join([_("In danger now: call {number}.").format(number="112"), *lines]))
    lines.append(
        _("Nobody else in Trygg has your case yet.")
        if case
        else _("Nobody else in Trygg has your alert yet.")
    )
    unit_phone = None
    if alert is not None and alert.municipality_id is not None:
        municipality = await rc.session.get(Municipality, alert.municipality_id)
        unit_phone = municipality.security_unit_phone if municipality else None
    if unit_phone:
        lines.append(
            _("Call the municipality's security unit on {phone}.").format(phone=unit_phone)
        )
    danger = _("In danger now: call 112. Not urgent: the police on 114 14.")
    return Reply("\n".join([danger, *lines]))
