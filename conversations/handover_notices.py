"""A case handed over: its new handler told whose it is and whom to call, and the person
it is about told who has it now."""

from __future__ import annotations

from conversations.events import Reply
from conversations.followup_notices import booked_in, calls_given, days_in
from conversations.i18n import DISPLAY_TZ, format_day, format_when, shown_name
from conversations.notice_context import NOTICE_TOKEN, RenderContext, name_for
from conversations.notice_context import case_button as _case_button
from conversations.notice_context import report_of as _report
from conversations.notice_people import language_of
from storage.directory import DirectoryRepo
from storage.models import OutboxMessage, Person, Role
from storage.viewer import Viewer


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
    who = _("the targeted person")  # with no name known, the calls are "with the targeted person"
    if report.reporter_id is not None:
        card, _party, _m = await DirectoryRepo(rc.session).describe(
            Viewer.of(rc.recipient), report.reporter_id
        )
        who = shown_name(_, card)
        lines.append(_("Reported by: {who}").format(who=who))
        language = await language_of(rc, report.reporter_id)
        if language:
            lines.append(_("Language: {language}").format(language=language))
        call = _("Call: {phone}").format(phone=card.phone) if card.phone else None
        lines.append(call or _("No phone number known."))
    lines += calls_given(rc, message, who)
    return Reply("\n".join(lines), _case_button(rc, report), NOTICE_TOKEN)


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
        for when in booked_in(message)
    ]
    today = message.created_at.astimezone(DISPLAY_TZ).date()
    lines += [
        _(
            "Your next follow-up call is planned for around {day}: {name} will get in touch "
            "with you about the time."
        ).format(day=format_day(day, today, rc.locale), name=name)
        for day in days_in(message)
    ]
    return Reply("\n".join(lines))
