"""Messages to other people (the outbox), rendered in the recipient's language on delivery.

An outbox row stores only a kind and ids; names and numbers are looked up when the
message is sent, so no personal data sits in the queue and the text is always current.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from conversations import drill_notices, identity
from conversations.about import about_someone_else
from conversations.akut_notices import ALERT_WORDS, read_button, render_alert_words, written_with
from conversations.case_notices import (
    ABOUT_A_CASE_TO_ANYONE,
    CASE_RENDERERS,
    FOR_THE_HANDLERS,
    FOR_THE_REPORTER,
)
from conversations.drill_mark import marked
from conversations.events import Button, Reply
from conversations.followup_notices import (
    render_checkin,
    render_checkin_reply,
    render_followup_booked,
    render_followup_nudge,
    render_followup_overdue,
)
from conversations.i18n import N_, NAMELESS, Catalogs, after_label, format_when, shown_name
from conversations.notice_context import NOTICE_TOKEN, RenderContext, Renderer, name_for, opens_case
from conversations.notice_context import case_button as _case_button
from conversations.notice_context import report_of as _report
from conversations.packs import PackLibrary
from conversations.withdrawn_notices import render_withdrawn
from storage.access import Access, case_access, responsibility_key, responsible
from storage.alerts import AlertRepo
from storage.crypto import Keyring
from storage.directory import DirectoryRepo
from storage.errors import NotFound
from storage.models import (
    Alert,
    AlertStatus,
    Municipality,
    OutboxMessage,
    Person,
    Report,
    Role,
)
from storage.reports import ReportRepo
from storage.viewer import Viewer

ALERT = "alert"
ALERT_ACKED = "alert_acked"
ALERT_TAKEN = "alert_taken"
ALERT_LINKED = "alert_linked"
CASE_HANDED_OVER = "case_handed_over"
CASE_NEW_HANDLER = "case_new_handler"
ALERT_UNANSWERED = "alert_unanswered"
ALERT_WITHDRAWN = "alert_withdrawn"
FOLLOWUP_NUDGE = "followup_nudge"
FOLLOWUP_OVERDUE = "followup_overdue"
FOLLOWUP_BOOKED = "followup_booked"  # to the targeted person: a call with her is booked
CHECKIN_ASK = "checkin_ask"
CHECKIN_REPLY = "checkin_reply"
DUTY = "duty"
PURGE_NOTICE = "purge_notice"
PURGE_IDLE_NOTICE = "purge_idle_notice"
# Kinds that go to every channel the recipient is bound on (taking an alert on one of them
# settles it on all); everything else goes to the channel they last wrote on.
EVERY_CHANNEL = frozenset({ALERT})


async def _subject(rc: RenderContext, alert: Alert) -> tuple[str, str | None, str]:
    """Who the alert is about: their name with party and municipality, phone, and name."""
    if alert.subject_id is None:
        return rc._("(erased person)"), None, rc._("(erased person)")
    card, party, municipality = await DirectoryRepo(rc.session).describe(
        Viewer.of(rc.recipient), alert.subject_id
    )
    where = ", ".join(x for x in (party, municipality) if x)
    name = shown_name(rc._, card)
    if card.nameless and where:
        return (
            rc._("A new person in Trygg ({where}, no name yet)").format(where=where),
            card.phone,
            name,
        )
    return (f"{name} ({where})" if where else name), card.phone, name


async def _party_member(rc: RenderContext, alert: Alert) -> str | None:
    """The name of the person an alert is about, if they belong to a party."""
    subject = await rc.session.get(Person, alert.subject_id) if alert.subject_id else None
    if subject is None or subject.party_id is None:
        return None
    return subject.display_name or rc._(NAMELESS)


def _category_line(rc: RenderContext, report: Report) -> str:
    """The category in neutral words; if the reporter wrote her own, say so (the words
    themselves are report text: never in a push that a lock screen may show)."""
    _ = rc._
    if report.category == "unknown" and rc.keyring is not None:
        answer = ReportRepo(rc.session, rc.keyring).answers(report).get("category")
        if isinstance(answer, dict) and answer.get("text") and not answer.get("choice"):
            return _("Category: in their own words (see the report)")
    pack = rc.packs.get(report.pack)
    label = next(
        (c.shown(rc.locale, neutral=True) for c in pack.categories if c.id == report.category),
        report.category or "",
    )
    return _("Category: {category}").format(category=after_label(label))


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


LANGUAGES = {"sv": N_("Swedish"), "en": N_("English")}


async def _language(rc: RenderContext, person_id: int | None) -> str | None:
    """The language a person chose, as the recipient names it."""
    person = await rc.session.get(Person, person_id) if person_id else None
    name = LANGUAGES.get(person.locale or "") if person is not None else None
    return rc._(name) if name else None


async def render_alert(rc: RenderContext, message: OutboxMessage) -> Reply:
    """Render the push to a contact: urgency, who, how to call, buttons; no report text."""
    _ = rc._
    alert = await rc.session.get(Alert, str(message.payload["alert"]))
    if alert is None:
        return Reply(_("An alert in Trygg was withdrawn before you saw it."))
    who, phone, name = await _subject(rc, alert)
    report = await rc.session.get(Report, alert.report_id) if alert.report_id else None
    akut = alert.kind == "akut"  # a drill's /akut alert comes with its drill case
    lines: list[str] = []
    lines += await _why_you(rc, message.payload, name)
    if alert.kind == "checkin" and report is not None:
        lines += [
            _("Trygg check-in: {who} wants someone to call them (case {ref}).").format(
                who=who, ref=report.ref
            )
        ]
    elif report is None or akut:
        lines += [_("URGENT – Trygg alert"), _("{who} needs you now.").format(who=who)]
        member = await _party_member(rc, alert) if alert.party_id is None else None
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
            _("New incident report in Trygg – case {ref}").format(ref=report.ref),
            _("Reported by: {who}").format(who=who),
        ]
        answers = ReportRepo(rc.session, rc.keyring).answers(report) if rc.keyring else {}
        if about_someone_else(answers):  # whom, only inside Trygg: a push shows on a lock screen
            lines.append(_("They report for someone else: the report says who."))
        if report.category:
            lines.append(_category_line(rc, report))
        if report.unverified:
            lines.append(_("The reporter is not registered in Trygg (unverified)."))
    language = await _language(rc, alert.subject_id)
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
    if taker is not None:
        lines.append(_("{name} has already taken it.").format(name=taker))
    buttons = [] if taker is not None else [[Button(f"ack:{alert.id}", _("I'll take it"))]]
    if written:
        buttons.append([read_button(_, alert, name)])
    if report is not None and akut:
        buttons += [list(row) for row in _case_button(rc, report)]
    elif report is not None:
        buttons.append([Button(f"show:{report.id}", _("Show the report"))])
    buttons.append([Button(f"call:{alert.id}", _("Call back"))])
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


def _has_items(rc: RenderContext, report: Report) -> bool:
    """Whether the recipient's role owns items in the case's checklist (the unit's 3.1.2)."""
    key = responsibility_key(Access.HANDLER, rc.recipient.role, report.category)
    return any(responsible(key, item.responsible) for item in rc.packs.get(report.pack).checklist)


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
        text = _("{name} has seen your report and will contact you.")
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
    who, _phone, _name = await _subject(rc, alert)
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
    still = _("The alert from {who}, {when}, is still waiting for someone to take it.").format(
        who=who, when=format_when(other.created_at, rc.locale, message.created_at)
    )
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
    who, phone, _name = await _subject(rc, alert)
    call = _("Call: {phone}").format(phone=phone) if phone else _("No phone number known.")
    buttons = [(Button(f"call:{alert.id}", _("Call back")),)]
    akut = await rc.session.get(Alert, str(message.payload.get("after", "")))
    report = await rc.session.get(Report, alert.report_id) if alert.report_id else None
    if report is not None and akut is not None:  # her report, after the alert they took
        lines = [
            _("New incident report in Trygg – case {ref}").format(ref=report.ref),
            _("Reported by: {who}").format(who=who),
            *([_category_line(rc, report)] if report.category else []),
            _("The alert from {when} is yours, so the case is yours too.").format(
                when=format_when(akut.created_at, rc.locale, message.created_at)
            ),
        ]
        language = await _language(rc, alert.subject_id)
        if language:
            lines.append(_("Language: {language}").format(language=language))
        lines.append(call)
        buttons.insert(0, (Button(f"show:{report.id}", _("Show the report")),))
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
    if unit_phone:
        lines.append(
            _("Call the municipality's security unit on {phone}.").format(phone=unit_phone)
        )
    if alert is not None and alert.report_id is not None:
        lines.append(_("Your case stays open and visible to the municipal security unit."))
    else:  # an /akut alert: there is no case
        lines.append(_("The alert stays open: whoever takes it will call you."))
    return Reply("\n".join(lines))


async def render_handed_over(rc: RenderContext, message: OutboxMessage) -> Reply:
    """Tell a contact that a case was handed over to them: whose, and whom to call."""
    _ = rc._
    report = await _report(rc, message)
    if report is None:
        return Reply(_("A case in Trygg was closed before you saw this reminder."))
    giver = await name_for(rc, int(message.payload.get("from", 0)))
    lines = [_("{name} has handed case {ref} over to you.").format(name=giver, ref=report.ref)]
    if message.payload.get("named"):  # she named a party contact as the threat
        lines = [
            _(
                "{name} says the threat comes from inside the party: case {ref} is yours now."
            ).format(name=giver, ref=report.ref),
            _(
                "Don't bring in the party's security contacts without asking {name} "
                "first: the threat may come from inside the party."
            ).format(name=giver),
        ]
    if report.reporter_id is not None:
        card, _party, _m = await DirectoryRepo(rc.session).describe(
            Viewer.of(rc.recipient), report.reporter_id
        )
        lines.append(_("Reported by: {who}").format(who=shown_name(_, card)))
        language = await _language(rc, report.reporter_id)
        if language:
            lines.append(_("Language: {language}").format(language=language))
        call = _("Call: {phone}").format(phone=card.phone) if card.phone else None
        lines.append(call or _("No phone number known."))
    lines += [
        _("A follow-up call with the person is booked for {when}: it is yours now.").format(
            when=format_when(when, rc.locale, message.created_at)
        )
        for when in _booked(message)
    ]
    return Reply("\n".join(lines), _case_button(rc, report), NOTICE_TOKEN)


def _booked(message: OutboxMessage) -> list[datetime]:
    """The booked calls a handed-over case's message names."""
    return [datetime.fromisoformat(str(when)) for when in message.payload.get("calls", [])]


async def render_new_handler(rc: RenderContext, message: OutboxMessage) -> Reply:
    """Tell the person a case is about who has it now."""
    _ = rc._
    report = await _report(rc, message)
    receiver = await rc.session.get(Person, int(message.payload.get("to", 0)))
    if report is None or receiver is None:
        return Reply(_("Someone in Trygg has seen your alert."))
    if Viewer.of(rc.recipient).registered:
        name = await name_for(rc, receiver.id)
    else:  # an unregistered person sees nobody's name
        unit = receiver.role is Role.MUNICIPAL_SECURITY
        label = _("municipal security unit") if unit else _("party security contact")
        name = label[:1].upper() + label[1:]
    danger = _("In danger now: call {number}.").format(number="112")
    text = _("{name} now has your case {ref} and will contact you.")
    lines = [danger, text.format(name=name, ref=report.ref)]
    lines += [
        _("Your follow-up call {when} is with {name}.").format(
            when=format_when(when, rc.locale, message.created_at), name=name
        )
        for when in _booked(message)
    ]
    return Reply("\n".join(lines))


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


RENDERERS: dict[str, Renderer] = {
    **CASE_RENDERERS,
    **drill_notices.RENDERERS,
    **identity.IDENTITY_RENDERERS,
    PURGE_NOTICE: render_purge_notice,
    PURGE_IDLE_NOTICE: render_purge_idle_notice,
    FOLLOWUP_NUDGE: render_followup_nudge,
    FOLLOWUP_OVERDUE: render_followup_overdue,
    FOLLOWUP_BOOKED: render_followup_booked,
    CHECKIN_ASK: render_checkin,
    CHECKIN_REPLY: render_checkin_reply,
    DUTY: render_duty,
    CASE_HANDED_OVER: render_handed_over,
    CASE_NEW_HANDLER: render_new_handler,
    ALERT: render_alert,
    ALERT_ACKED: render_acked,
    ALERT_TAKEN: render_taken,
    ALERT_LINKED: render_linked,
    ALERT_UNANSWERED: render_unanswered,
    ALERT_WITHDRAWN: render_withdrawn,
    ALERT_WORDS: render_alert_words,
}


# for the people alerted, not the person it is about
ABOUT_AN_ALERT = {ALERT, ALERT_TAKEN, ALERT_LINKED, ALERT_WORDS}
ABOUT_A_CASE = {  # for those who handle it
    CASE_HANDED_OVER,
    CHECKIN_REPLY,
    FOLLOWUP_NUDGE,
    FOLLOWUP_OVERDUE,
    PURGE_NOTICE,
    PURGE_IDLE_NOTICE,
}


async def may_receive(session: AsyncSession, recipient: Person, message: OutboxMessage) -> bool:
    """Check, as the directory is now, that the recipient may still get this message: a
    contact revoked, removed or moved since it was queued gets nothing about the case."""
    viewer = Viewer.of(recipient)
    if message.kind == identity.IDENTITY_HELD:
        return await identity.may_receive(session, recipient, message)
    if message.kind in ABOUT_AN_ALERT:
        alert = await session.get(Alert, str(message.payload.get("alert", "")))
        return alert is None or await AlertRepo(session).may_act(alert, recipient.id)
    if message.kind in ABOUT_A_CASE | FOR_THE_HANDLERS:
        report = await session.get(Report, str(message.payload.get("report", "")))
        return report is None or await case_access(session, viewer, report) is Access.HANDLER
    if message.kind in ABOUT_A_CASE_TO_ANYONE | FOR_THE_REPORTER:
        report = await session.get(Report, str(message.payload.get("report", "")))
        if report is None:
            return True
        level = await case_access(session, viewer, report)
        return level is Access.OWN if message.kind in FOR_THE_REPORTER else level > Access.NONE
    return True


async def render(
    session: AsyncSession,
    catalogs: Catalogs,
    packs: PackLibrary,
    recipient: Person,
    message: OutboxMessage,
    keyring: Keyring | None = None,
) -> Reply | None:
    """Render an outbox message for its recipient, in their language; None if they may no
    longer receive it (it is then dropped, never sent)."""
    if not await may_receive(session, recipient, message):
        return None
    locale = catalogs.pick(recipient.locale)
    rc = RenderContext(
        session,
        recipient,
        catalogs.gettext(locale),
        locale,
        packs,
        keyring,
        catalogs.ngettext(locale),
    )
    reply = await RENDERERS[message.kind](rc, message)
    return reply if message.drill_id is None else marked(reply, rc._)
