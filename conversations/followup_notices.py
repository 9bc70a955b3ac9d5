"""Messages about follow-up: the contact asked to book or hold a follow-up call, reminded
of one booked, the person told of a call booked with her, and the check-ins that ask the
targeted person how she is (and tell the contact she wrote)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select

from conversations.about import about_someone_else, named_target
from conversations.events import Button, Reply
from conversations.i18n import DISPLAY_TZ, format_clock, format_day, format_when, shown_name
from conversations.notice_context import NOTICE_TOKEN, RenderContext, name_for
from conversations.notice_context import case_button as _case_button
from conversations.notice_context import report_of as _report
from storage.alerts import AlertRepo
from storage.directory import DirectoryRepo
from storage.errors import NotFound
from storage.models import CaseNote, FollowUp, OutboxMessage, Report
from storage.reports import ReportRepo
from storage.viewer import Viewer

SOON_SAID = timedelta(minutes=90)  # a reminder this close to the call says how soon it is


async def render_followup_nudge(rc: RenderContext, message: OutboxMessage) -> Reply:
    """Ask the security contact to book or hold a follow-up conversation."""
    _ = rc._
    report = await _report(rc, message)
    if report is None:
        return Reply(_("A case in Trygg was closed before you saw this reminder."))
    number = int(message.payload.get("n", 1))
    stage = message.payload.get("stage")
    if stage == "nudge":
        text = _(
            "Case {ref}: please book follow-up call 1 with {name} – it should be held "
            "within two weeks of the incident."
        )
    elif stage == "remind":
        text = _(
            "Case {ref}: follow-up call 1 is not documented yet. It should be held "
            "within two weeks; after that the municipal security unit is told."
        )
    elif stage == "call":
        return await _call_reminder(rc, message, report, number)
    else:
        return await _due_reminder(rc, message, report, number)
    name = await name_for(rc, report.reporter_id) if report.reporter_id else _("the person")
    return Reply(
        text.format(ref=report.ref, n=number, name=name), _case_button(rc, report), NOTICE_TOKEN
    )


async def _due_reminder(
    rc: RenderContext, message: OutboxMessage, report: Report, number: int
) -> Reply:
    """The morning of the day a call was planned for with no time (or a booked time that
    went by while the case was closed): book a time with her, or document the call."""
    _ = rc._
    row = await rc.session.scalar(
        select(FollowUp).where(FollowUp.report_id == report.id, FollowUp.number == number)
    )
    gone = _("A follow-up call in Trygg was moved or documented before this reminder.")
    if row is None or row.status != "planned":
        return Reply(gone)
    name, phone = await _name(rc, report.reporter_id)
    if row.planned_day is not None:
        today = message.created_at.astimezone(DISPLAY_TZ).date()
        text = _(
            "Case {ref}: follow-up call {n} with {name} is planned for around {day}, but no "
            "time is booked."
        ).format(
            ref=report.ref, n=number, name=name, day=format_day(row.planned_day, today, rc.locale)
        )
    elif row.planned_for is not None:
        text = _(
            "Case {ref}: follow-up call {n} with {name} was booked for {when} and is not "
            "documented."
        ).format(
            ref=report.ref,
            n=number,
            name=name,
            when=format_when(row.planned_for, rc.locale, message.created_at),
        )
    else:
        return Reply(gone)
    if phone:
        text += "\n" + _("Phone: {phone}").format(phone=phone)
    text += "\n" + _("Book a time with {name}, or document the call if it has been held.").format(
        name=name
    )
    return Reply(text, _case_button(rc, report), NOTICE_TOKEN)


async def _planned_for(rc: RenderContext, report: Report, number: int) -> datetime | None:
    row = await rc.session.scalar(
        select(FollowUp).where(FollowUp.report_id == report.id, FollowUp.number == number)
    )
    return row.planned_for if row is not None and row.status == "planned" else None


async def _name(rc: RenderContext, person_id: object) -> tuple[str, str | None]:
    if not isinstance(person_id, int):
        return "–", None
    try:
        card, _p, _m = await DirectoryRepo(rc.session).describe(Viewer.of(rc.recipient), person_id)
    except NotFound:
        return "–", None
    return shown_name(rc._, card), card.phone


async def _call_reminder(
    rc: RenderContext, message: OutboxMessage, report: Report, number: int
) -> Reply:
    """Remind the contact of a booked call: with whom, when, and the number to call."""
    _ = rc._
    when = await _planned_for(rc, report, number)
    if when is None:
        return Reply(_("A follow-up call in Trygg was moved or documented before this reminder."))
    name, phone = await _name(rc, report.reporter_id)
    left = when - message.created_at
    if left <= SOON_SAID:  # the second reminder, an hour before: it is soon, not "today"
        minutes = max(1, round(left.total_seconds() / 60))
        ngettext = rc.ngettext or (lambda one, other, n: one if n == 1 else other)
        span = (
            _("in an hour")
            if abs(minutes - 60) <= 5
            else ngettext("in {m} minute", "in {m} minutes", minutes).format(m=minutes)
        )
        text = _("Case {ref}: follow-up call {n} with {name} {span}, at {time}.").format(
            ref=report.ref,
            n=number,
            name=name,
            span=span,
            time=format_clock(when.astimezone(DISPLAY_TZ).time(), rc.locale),
        )
    else:
        text = _("Case {ref}: follow-up call {n} with {name}, {when}.").format(
            ref=report.ref,
            n=number,
            name=name,
            when=format_when(when, rc.locale, message.created_at),
        )
    if phone:
        text += "\n" + _("Phone: {phone}").format(phone=phone)
    text += "\n" + _("Afterwards, document it in the case: date, who took part, notes.")
    return Reply(text, _case_button(rc, report), NOTICE_TOKEN)


async def render_followup_booked(rc: RenderContext, message: OutboxMessage) -> Reply:
    """Tell the targeted person that a follow-up call with her is booked (or moved)."""
    _ = rc._
    report = await _report(rc, message)
    number = int(message.payload.get("n", 1))
    when = await _planned_for(rc, report, number) if report is not None else None
    if report is None or when is None:
        return Reply(_("A follow-up call in Trygg was moved or documented before this message."))
    said = format_when(when, rc.locale, message.created_at)
    if not Viewer.of(rc.recipient).registered:  # an unregistered person sees nobody's name
        text = _("The person handling your case wants to have a follow-up call with you {when}.")
        return Reply(text.format(when=said), _case_button(rc, report), NOTICE_TOKEN)
    name, phone = await _name(rc, message.payload.get("by"))
    text = _("{name} wants to have a follow-up call with you {when}.").format(name=name, when=said)
    if message.payload.get("was"):  # moved: the old time is off
        was = datetime.fromisoformat(str(message.payload["was"]))
        text = _("{name} has moved your follow-up call from {was} to {when}.").format(
            name=name, was=format_when(was, rc.locale, message.created_at), when=said
        )
    if phone:
        text += "\n" + _("If that time does not suit you, call {name} on {phone}.").format(
            name=name, phone=phone
        )
    return Reply(text, _case_button(rc, report), NOTICE_TOKEN)


async def render_followup_overdue(rc: RenderContext, message: OutboxMessage) -> Reply:
    """Tell the municipal unit that follow-up 1 was not documented within two weeks."""
    _ = rc._
    report = await _report(rc, message)
    if report is None:
        return Reply(_("A case in Trygg was closed before you saw this reminder."))
    return Reply(
        _(
            "Case {ref}: follow-up call 1 has not been documented within two weeks. "
            "Please make sure the person is followed up."
        ).format(ref=report.ref)
    )


async def render_checkin(rc: RenderContext, message: OutboxMessage) -> Reply:
    """Ask the targeted person how they are, and whether someone should call."""
    _ = rc._
    report = await _report(rc, message)
    if report is None:
        return Reply(_("Trygg: how are you? Write to me whenever you need."))
    answers = ReportRepo(rc.session, rc.keyring).answers(report) if rc.keyring else {}
    if about_someone_else(answers):  # she reported what happened to someone else: ask about them
        name = named_target(answers) or _("the person")
        asked = _(
            "Trygg here, about what happened to {name} (case {ref}). How is {name} now? Do "
            "you want someone to call you?"
        ).format(name=name, ref=report.ref)
        fine = _("No, all is well")
    else:
        asked = _(
            "Trygg here, about what happened (case {ref}). How are you? Do you want someone to "
            "call you?"
        ).format(ref=report.ref)
        fine = _("No, I'm fine")
    return Reply(
        asked,
        (
            (Button(f"checkin:{report.id}:yes", _("Yes, call me")),),
            (Button(f"checkin:{report.id}:no", fine),),
            (Button(f"checkin:{report.id}:stop", _("Stop asking")),),
        ),
        NOTICE_TOKEN,
    )


async def render_checkin_reply(rc: RenderContext, message: OutboxMessage) -> Reply:
    """Tell those who handle a case that its reporter wrote to them (after a check-in, or
    of her own accord), urgently if her words may tell of danger now."""
    _ = rc._
    report = await _report(rc, message)
    note = await rc.session.get(CaseNote, int(message.payload.get("note", 0)))
    if report is None or note is None:
        return Reply(_("A case in Trygg was closed before you saw this reminder."))
    who, phone = "–", None
    if report.reporter_id is not None:
        card, _party, _m = await DirectoryRepo(rc.session).describe(
            Viewer.of(rc.recipient), report.reporter_id
        )
        who, phone = shown_name(rc._, card), card.phone
    # the words stay inside the case: a push is shown on a locked phone; after a check-in
    # too, they may tell of new danger, so they are never announced as a routine answer
    told = _("Case {ref}: {name} has written to you.").format(ref=report.ref, name=who)
    lines = [told, _("Open the case to read it.")]
    if message.payload.get("news"):  # her answer to a check-in tells of something new
        told = _("Case {ref}: {name} answered the check-in with something new.").format(
            ref=report.ref, name=who
        )
        lines = [told, _("Open the case and read it.")]
    if message.payload.get("danger"):  # "han står utanför och har en kniv": read it now
        lines = [
            _("URGENT – Trygg"),
            told,
            _("Read it now: it may be new danger."),
            *([_("Call: {phone}").format(phone=phone)] if phone else []),
            _("If someone is in danger, call 112."),
        ]
        take = await _take_button(rc, report)
        if take is not None:  # nobody has taken her case: the one who reads this may
            return Reply("\n".join(lines), (*_case_button(rc, report), (take,)), NOTICE_TOKEN)
    return Reply("\n".join(lines), _case_button(rc, report), NOTICE_TOKEN)


async def _take_button(rc: RenderContext, report: Report) -> Button | None:
    """ "I'll take it" for the case's alert that nobody has taken yet and that reached the
    recipient (None: taken, or not theirs to take)."""
    repo = AlertRepo(rc.session)
    for alert in await repo.of_report(report.id):
        if alert.untaken and rc.recipient.id in await repo.notified(alert.id):
            return Button(f"ack:{alert.id}", rc._("I'll take it"))
    return None


def booked_in(message: OutboxMessage) -> list[datetime]:
    """The booked calls a handed-over case's message names."""
    return [datetime.fromisoformat(str(when)) for when in message.payload.get("calls", [])]


def days_in(message: OutboxMessage) -> list[date]:
    """The days a handed-over case's message names calls planned for, with no time yet."""
    return [date.fromisoformat(str(day)) for day in message.payload.get("days", [])]


def calls_given(rc: RenderContext, message: OutboxMessage, who: str) -> list[str]:
    """The follow-up calls with ``who`` a handed-over case's new handler holds now: those
    booked, and those planned for a day with no time booked yet (theirs to book)."""
    _ = rc._
    today = message.created_at.astimezone(DISPLAY_TZ).date()
    booked = [
        _("A follow-up call with {name} is booked for {when}: it is yours now.").format(
            name=who, when=format_when(when, rc.locale, message.created_at)
        )
        for when in booked_in(message)
    ]
    planned = [
        _(
            "A follow-up call with {name} is planned for around {day}, with no time "
            "booked yet: it is yours to book."
        ).format(name=who, day=format_day(day, today, rc.locale))
        for day in days_in(message)
    ]
    return booked + planned
