"""Timers after a report: follow-up nudges, check-ins with the targeted person, and the
organisation's recurring duties. Nudges and check-ins respect quiet hours; alerts don't."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import and_, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from conversations.alerts import SystemContext, TimerHandler, raise_alert, sped_up
from conversations.checkin_timing import CHOSEN, asked_at, moved_till_asked
from conversations.checkin_words import asks_again, asks_for_call, checkin_answer
from conversations.events import Button, InboundEvent
from conversations.flow import Context, StateResult
from conversations.i18n import DISPLAY_TZ, names_list
from conversations.notices import (
    CHECKIN_ASK,
    DUTY,
    FOLLOWUP_BOOKED,
    FOLLOWUP_NUDGE,
    FOLLOWUP_OVERDUE,
    PURGE_IDLE_NOTICE,
    PURGE_NOTICE,
)
from conversations.packs import Pack, PackLibrary
from conversations.routing import alert_levels, escalation_lines, handler_first
from conversations.schedule import (
    days_after,
    is_day_off,
    next_duty,
    on_working_day,
    out_of_quiet_hours,
    quiet_hours_of,
)
from conversations.words import says_nothing
from conversations.words_to_case import (
    CHECKIN_OPEN,
    keep_with_case,
    note_for_handlers,
    open_case,
)
from storage.access import INTERNAL, Access
from storage.alerts import AlertRepo
from storage.calls import CHECKIN_KINDS, CallRepo
from storage.cases import CaseRepo
from storage.directory import DirectoryRepo
from storage.models import (
    Alert,
    AlertRecipient,
    Municipality,
    Person,
    Report,
    ReportStatus,
    Role,
    Timer,
)
from storage.outbox import ROUTINE, OutboxRepo
from storage.reports import ReportRepo
from storage.retention import WARN_AHEAD, RetentionRepo
from storage.timers import Planned, TimerRepo
from storage.trust import AuditRepo
from storage.viewer import Viewer

FOLLOWUP_FIRST = "followup_first"  # stages: nudge (day 2), remind (day 10), escalate (day 14)
TO_BOOK = ("nudge", "remind", "escalate")  # its stages about call 1 not booked: workday news
FOLLOWUP_DUE = "followup_due"  # follow-up 2 or 3 on its planned date
FOLLOWUP_CALL = "followup_call"  # before a booked call: the morning of the day, an hour before
FOLLOWUP_TELL = "followup_tell"  # a call booked in the quiet hours: the targeted person told after
CHECKIN = "checkin"
DUTY_TIMER = "duty"
PURGE_WARNING = "purge_warning"
PURGE = "purge"
RESTARTED = 7  # days: the check-in after she starts them again, if none is planned


async def schedule_case(
    timers: TimerRepo, report_id: str, pack: Pack, now: datetime, drill_id: int | None = None
) -> list[Planned]:
    """Plan follow-up 1 and the check-ins for a newly submitted case; return the plan. A
    drill's case runs them sped up, with no quiet hours (the drill is now)."""
    plan = pack.followup
    if plan is None:
        return []
    report = await timers.session.get(Report, report_id)
    quiet = await quiet_hours_of(timers.session, report.municipality_id if report else None)
    stages = (
        ("nudge", plan.first_nudge_day),
        ("remind", plan.first_remind_day),
        ("escalate", plan.first_escalate_day),
    )
    plan_days: list[tuple[str, int, dict[str, Any]]] = [
        *((FOLLOWUP_FIRST, day, {"stage": stage}) for stage, day in stages),
        *((CHECKIN, day, {"day": day}) for day in plan.checkin_days),
    ]
    planned = [
        Planned(
            kind,
            report_id,
            await sped_up(timers.session, drill_id, now, now + timedelta(days=day))
            if drill_id is not None
            else reminder_due(kind, payload, days_after(now, day, quiet), quiet),
            payload,
            drill_id,
        )
        for kind, day, payload in plan_days
    ]
    await timers.schedule_all(planned)
    return planned


def to_book(kind: str, payload: Mapping[str, Any]) -> bool:
    """Whether a timer tells of a call still to book (not of a booked one): the contact is
    reminded, and on day 14 the unit brought in, on a working day."""
    if kind == FOLLOWUP_FIRST:
        return payload.get("stage") in TO_BOOK
    return kind == FOLLOWUP_DUE


def reminder_due(kind: str, payload: Mapping[str, Any], due: datetime, quiet: str) -> datetime:
    """When a timer of a case comes: a reminder to book a call on a working day (the
    contacts are mostly volunteers), anything else when it is due."""
    return on_working_day(due, quiet) if to_book(kind, payload) else due


async def _open_report(sc: SystemContext, report_id: str) -> Report | None:
    report = await sc.session.get(Report, report_id)
    if report is None or report.status is not ReportStatus.SUBMITTED:
        return None  # closed or gone: nothing more is sent
    return report


async def _moved_out_of_quiet_hours(
    sc: SystemContext, timer: Timer, report: Report, working: bool = False
) -> bool:
    """If a nudge comes due inside the municipality's quiet hours (by default 21–08, or after
    downtime), move it to the end of them; a reminder to book a call (``working``) that
    comes due on a weekend or a holiday, to the morning of the next working day, unless the
    contact moved it there herself. A drill's case has none: the drill is now."""
    if report.drill_id is not None:
        return False
    quiet = await quiet_hours_of(sc.session, report.municipality_id)
    if working and not timer.payload.get(CHOSEN):
        later = on_working_day(sc.now, quiet)
    else:
        later = out_of_quiet_hours(sc.now, quiet)
    if later > sc.now + timedelta(seconds=1):
        TimerRepo(sc.session).schedule(timer.kind, timer.subject, later, dict(timer.payload))
        return True
    return False


async def followup_first(sc: SystemContext, timer: Timer) -> None:
    """Day 2: ask the contact to book follow-up 1; day 10: remind; day 14: escalate."""
    report = await _open_report(sc, timer.subject)
    working = to_book(timer.kind, timer.payload)
    if report is None or await _moved_out_of_quiet_hours(sc, timer, report, working):
        return
    cases = CaseRepo(sc.session, sc.keyring)
    first = (await cases.followups_for_jobs(report)).get(1)
    if first is not None and first.status == "documented":
        return
    stage = str(timer.payload.get("stage", "nudge"))
    if stage == "nudge" and first is not None and first.planned_for is not None:
        return  # already booked: its own reminders come before it
    if stage == "escalate":
        # The unit is brought onto the case; an internal case stays with the people the
        # reporter chose, so it goes to them instead.
        unit = await DirectoryRepo(sc.session).municipal_security(report.municipality_id)
        told = [c.person_id for c in unit]
        if report.category == INTERNAL:
            told = await cases.handlers(report)
        else:
            await AlertRepo(sc.session).bring_in(report.id, told, sc.now)
        for person_id in told:
            sc.notify(person_id, FOLLOWUP_OVERDUE, {"report": report.id}, ROUTINE)
        return
    for person_id in await cases.handlers(report):
        sc.notify(person_id, FOLLOWUP_NUDGE, {"report": report.id, "n": 1, "stage": stage}, ROUTINE)


async def followup_due(sc: SystemContext, timer: Timer) -> None:
    """Follow-up 2 or 3 is due today: remind whoever handles the case."""
    report = await _open_report(sc, str(timer.payload.get("report", "")))
    if report is None:
        return
    number = int(timer.payload.get("n", 2))
    row = (await CaseRepo(sc.session, sc.keyring).followups_for_jobs(report)).get(number)
    if row is not None and row.status != "planned":
        return
    # a day off she kept for the call ("behåll lördag"): reminded that morning, as promised
    kept = row is not None and row.planned_day is not None and is_day_off(row.planned_day)
    if await _moved_out_of_quiet_hours(sc, timer, report, working=not kept):
        return
    for person_id in await CaseRepo(sc.session, sc.keyring).handlers(report):
        sc.notify(
            person_id,
            FOLLOWUP_NUDGE,
            {"report": report.id, "n": number, "stage": "due"},
            ROUTINE,
        )


async def checkin(sc: SystemContext, timer: Timer) -> None:
    """Ask the targeted person how they are (unless they opted out or the case closed)."""
    report = await _open_report(sc, timer.subject)
    if report is None or not report.checkins or report.reporter_id is None:
        return
    if await _moved_out_of_quiet_hours(sc, timer, report):
        return
    if await moved_till_asked(sc, timer, report):  # she told us or was asked lately, or a call
        return
    sc.notify(report.reporter_id, CHECKIN_ASK, {"report": report.id}, ROUTINE)


async def followup_call(sc: SystemContext, timer: Timer) -> None:
    """Before a booked call, remind whoever booked it and handles the case (not at night:
    a reminder that would only fit after the call is dropped)."""
    report = await _open_report(sc, str(timer.payload.get("report", "")))
    if report is None:
        return
    number = int(timer.payload.get("n", 1))
    cases = CaseRepo(sc.session, sc.keyring)
    row = (await cases.followups_for_jobs(report)).get(number)
    if row is None or row.status != "planned" or row.planned_for is None:
        return  # documented, or not needed any more
    if await _moved_out_of_quiet_hours(sc, timer, report):
        return
    if timer.kind == FOLLOWUP_TELL:  # booked in the quiet hours: the targeted person is told now
        if report.reporter_id is not None:
            sc.notify(report.reporter_id, FOLLOWUP_BOOKED, dict(timer.payload), ROUTINE)
        return
    if sc.now >= row.planned_for:
        return  # moved past the call by the quiet hours
    booked = timer.payload.get("by")
    people = [booked] if isinstance(booked, int) else []
    # the outbox drops it for anyone who may no longer handle the case (notices.may_receive)
    for person_id in dict.fromkeys([*people, *await cases.handlers(report)]):
        payload = {"report": report.id, "n": number, "stage": "call"}
        sc.notify(person_id, FOLLOWUP_NUDGE, payload, ROUTINE)


async def checkin_reply(ctx: Context, text: str) -> bool:
    """Keep words typed after a check-in ("it's okay but I sleep badly") with the case, tell
    the person who will see them, and tell those who handle the case; False if no check-in
    is open for the person."""
    asked = await OutboxRepo(ctx.session).last_sent(
        ctx.person.id, CHECKIN_ASK, ctx.now - CHECKIN_OPEN
    )
    report = await _open_report_of(ctx, asked.payload.get("report") if asked else None)
    if asks_again(text) and await _asked_again(ctx, None):
        return True
    if report is None or asked is None or asked.sent_at is None:
        return await _call_asked(ctx, text)
    choice = checkin_answer(text)
    called = await AlertRepo(ctx.session).checkin_since(ctx.viewer, report, asked.sent_at)
    if choice in ("no", "unclear") and called:  # "ok" after "ja, ring mig"
        ctx.reply(ctx._("Thank you. You have asked for a call, and that stands."))
        return True
    if choice is not None:  # "ja, ring mig", "nej tack": as the buttons say
        await _checkin_answered(ctx, report, choice)
        return True
    if says_nothing(text):  # "hej", "tack": nothing to keep, nothing to ask again
        return False
    if asks_for_call(text):  # "jag vill prata med någon": a call, with her words kept
        await _call_with_words(ctx, report, text)
        return True
    wrote = await CaseRepo(ctx.session, ctx.keyring).wrote_since(ctx.viewer, report, asked.sent_at)
    await keep_with_case(ctx, report, text, unasked=False, ask_call=not (wrote or called))
    return True


async def _asked_again(ctx: Context, report: Report | None) -> bool:
    """Words asking for the check-ins she stopped ("du får fråga igen"), or "Ask me again"
    pressed: start them again in her open case; False if she has none, or they are on."""
    if report is None:
        report = await ReportRepo(ctx.session, ctx.keyring).latest_submitted(ctx.viewer)
    if report is None or report.status is not ReportStatus.SUBMITTED or report.checkins:
        return False
    due = await restart_checkins(ctx, report)
    said = ctx._("I will check in with you again. Next check-in: {when}")
    ctx.reply(said.format(when=ctx.when(due)))
    return True


async def restart_checkins(ctx: Context, report: Report) -> datetime:
    """Start the check-ins of her case again; return when the next one will be put to her:
    the next planned one, or, if they have all come and gone, one more in a week."""
    report.checkins = True
    upcoming = await CallRepo(ctx.session, ctx.keyring).upcoming(ctx.viewer, report, CHECKIN_KINDS)
    if upcoming:  # when it will be put to her: not moments after her words, nor around a call
        return await asked_at(ctx.session, ctx.keyring, upcoming[0], report, ctx.now)
    quiet = await quiet_hours_of(ctx.session, report.municipality_id)
    due = days_after(ctx.now, RESTARTED, quiet)
    TimerRepo(ctx.session).schedule(CHECKIN, report.id, due)
    return due


async def _call_asked(ctx: Context, text: str) -> bool:
    """Words to her open case that ask for a call ("kan någon ringa mig?"), with no check-in
    open: a call asked for, her words kept with the case; False if not so."""
    if not asks_for_call(text):
        return False
    report = await open_case(ctx)
    if report is None:
        return False
    await _call_with_words(ctx, report, text)
    return True


async def _call_with_words(ctx: Context, report: Report, text: str) -> None:
    """Keep the words that ask for a call with her case, and ask for the call."""
    await note_for_handlers(ctx, report, text)
    await _checkin_answered(ctx, report, "yes")


async def _open_report_of(ctx: Context, report_id: object) -> Report | None:
    report = await ctx.session.get(Report, str(report_id)) if report_id else None
    if report is None or report.reporter_id != ctx.person.id:
        return None
    return report if report.status is ReportStatus.SUBMITTED else None


async def answer_checkin(ctx: Context, event: InboundEvent) -> StateResult:
    """Answer a check-in: "yes" alerts the contact, "stop" ends them, "again" starts them."""
    _prefix, report_id, choice = [*event.button.split(":"), "", ""][:3]
    report = await ctx.session.get(Report, report_id)
    if report is None or report.reporter_id != ctx.person.id:
        ctx.reply(ctx._("That case is not available to you."))
        return None
    await _checkin_answered(ctx, report, choice)
    return None


async def _checkin_answered(ctx: Context, report: Report, choice: str) -> None:
    """Do what the check-in's answer asks, pressed or typed: "yes" alerts the security
    contact, "stop" ends the check-ins, "no" thanks."""
    _ = ctx._
    ctx.drill_id = report.drill_id  # a drill's check-in: the answer is part of the drill
    if choice == "again":  # "Ask me again" after she stopped them
        if not await _asked_again(ctx, report):
            ctx.reply(_("The check-ins are already on."))
        return
    if choice == "stop":
        # Only the flag: the planned check-ins stay, so "start the check-ins again" in the
        # case view brings the remaining ones back (the handler skips them while stopped).
        report.checkins = False
        again = Button(f"checkin:{report.id}:again", _("Ask me again"))
        ctx.reply(_("I will stop asking how you are. You can always write to me."), [[again]])
        return
    if choice == "unclear":  # "okej": fine, or yes to a call?
        ctx.reply(
            _("I'm not sure what you mean. Do you want someone to call you?"),
            [
                [Button(f"checkin:{report.id}:yes", _("Yes, call me"))],
                [Button(f"checkin:{report.id}:no", _("No, I'm fine"))],
            ],
        )
        return
    if choice != "yes":
        ctx.reply(_("Thank you. Then nobody calls you now. Write to me whenever you need."))
        return
    pack = ctx.packs.get(report.pack)
    levels = await alert_levels(
        ctx.session,
        exclude=ctx.person.id,
        municipality_id=report.municipality_id,
        party_id=report.party_id,
        category=report.category,
        pack=pack,
        unverified=report.unverified,
        report=False,
    )
    if report.category == "internal":
        # an internal case reaches only the people the reporter chose to send it to
        chosen = await AlertRepo(ctx.session).report_recipients(report.id)
        levels = [kept for level in levels if (kept := [c for c in level if c.person_id in chosen])]
    levels = handler_first(levels, await CaseRepo(ctx.session, ctx.keyring).taken_by(report))
    minutes = pack.alerting.ack_minutes_akut if pack.alerting else 10
    alert = await raise_alert(
        ctx,
        kind="checkin",
        levels=levels,
        ack_minutes=minutes,
        party_id=report.party_id,
        report=report,
    )
    if alert is None:
        ctx.reply(_("There is nobody in Trygg I can alert for you: call the numbers above."))
        return
    names = names_list(_, [c.name for c in levels[0]])
    wait = ctx.ngettext("{n} minute", "{n} minutes", minutes).format(n=minutes)
    next_ones = escalation_lines(ctx, levels, wait)[:1]
    if not ctx.viewer.registered:  # an unregistered person sees nobody's name
        names, next_ones = _("municipal security unit"), []
    asked = _("I have asked {names} to call you.").format(names=names)
    ctx.reply("\n".join([_("In danger now: call 112."), asked, *next_ones]))


async def ensure_duties(
    timers: TimerRepo, packs: PackLibrary, municipality: Municipality, now: datetime
) -> int:
    """Make sure each recurring duty of the municipality's pack has a pending reminder."""
    added = 0
    for duty in packs.get(municipality.pack).duties:
        subject = f"{municipality.id}:{duty.id}"
        if await timers.pending(DUTY_TIMER, subject):
            continue
        timers.schedule(
            DUTY_TIMER,
            subject,
            next_duty(duty.cadence, now),
            {"municipality": municipality.id, "duty": duty.id, "pack": municipality.pack},
        )
        added += 1
    return added


async def duty(sc: SystemContext, timer: Timer) -> None:
    """Remind the municipal security unit of a recurring duty, and plan the next one."""
    library = sc.packs
    municipality = await sc.session.get(Municipality, int(timer.payload.get("municipality", 0)))
    if municipality is None:
        return
    pack = library.get(municipality.pack)
    found = next((d for d in pack.duties if d.id == timer.payload.get("duty")), None)
    if found is None:
        return
    for card in await DirectoryRepo(sc.session).municipal_security(municipality.id):
        sc.notify(card.person_id, DUTY, {"pack": pack.id, "duty": found.id}, ROUTINE)
    TimerRepo(sc.session).schedule(
        DUTY_TIMER, timer.subject, next_duty(found.cadence, sc.now), dict(timer.payload)
    )


async def schedule_retention(session: AsyncSession, report: Report, now: datetime) -> None:
    """Plan the purge of a closed case after the municipality's retention period."""
    municipality = (
        await session.get(Municipality, report.municipality_id) if report.municipality_id else None
    )
    months = municipality.retention_months if municipality else 24
    local = now.astimezone(DISPLAY_TZ)
    year, month = divmod(local.month - 1 + months, 12)
    day = min(local.day, 28)
    due = datetime.combine(date(local.year + year, month + 1, day), time(9, 0), DISPLAY_TZ)
    timers = TimerRepo(session)
    timers.schedule(PURGE_WARNING, report.id, due - WARN_AHEAD)
    timers.schedule(PURGE, report.id, due)


async def _may_handle(sc: SystemContext, report: Report) -> list[int]:
    """The people who may handle the case now: the only ones told it will be purged (an
    internal case stays unknown to whoever the reporter left out)."""
    alerted = (
        select(AlertRecipient.person_id)
        .join(Alert, Alert.id == AlertRecipient.alert_id)
        .where(Alert.report_id == report.id)
    )
    candidates = await sc.session.scalars(
        select(Person)
        .where(
            or_(
                and_(
                    Person.municipality_id == report.municipality_id,
                    Person.role.in_((Role.PARTY_SECURITY, Role.MUNICIPAL_SECURITY)),
                ),
                Person.id.in_(alerted),
            )
        )
        .order_by(Person.id)
    )
    cases = CaseRepo(sc.session, sc.keyring)
    return [
        person.id
        for person in candidates.all()
        if await cases.access(Viewer.of(person), report) is Access.HANDLER
    ]


async def _due_for_purge(sc: SystemContext, timer: Timer, by: datetime) -> Report | None:
    """The case a purge timer is about, if it is still to be purged by ``by``: a closed case
    at the end of its period, an open one (``idle``) only while nothing has happened."""
    report = await sc.session.get(Report, timer.subject)
    if report is None or report.hold:
        return None
    if not timer.payload.get("idle"):
        return report if report.status is ReportStatus.CLOSED else None
    if report.status is not ReportStatus.SUBMITTED:
        return None  # closed since: its own retention applies
    if await RetentionRepo(sc.session).idle_until(report) > by:
        return None  # activity since it was planned
    return report


async def purge_warning(sc: SystemContext, timer: Timer) -> None:
    """A week before a purge, warn whoever may handle the case; they can keep it."""
    report = await _due_for_purge(sc, timer, sc.now + WARN_AHEAD)
    if report is None:
        return
    kind = PURGE_IDLE_NOTICE if timer.payload.get("idle") else PURGE_NOTICE
    for person_id in await _may_handle(sc, report):
        sc.notify(person_id, kind, {"report": report.id}, ROUTINE)


async def purge(sc: SystemContext, timer: Timer) -> None:
    """Delete a case at the end of its retention period, unless it is kept (on hold) or,
    for an open case, something happened to it since the warning."""
    report = await _due_for_purge(sc, timer, sc.now)
    if report is None:
        return
    AuditRepo(sc.session).record(
        "system", "purged", report.ref, report.municipality_id, sc.now, report=report
    )
    await RetentionRepo(sc.session).purge_case(report)


async def hold_case(ctx: Context, event: InboundEvent) -> StateResult:
    """Keep a case past its retention (e.g. a pending trial): anyone who may handle it."""
    _ = ctx._
    report = await ctx.session.get(Report, event.button.partition(":")[2])
    allowed = (
        report is not None
        and report.status in (ReportStatus.SUBMITTED, ReportStatus.CLOSED)
        and await CaseRepo(ctx.session, ctx.keyring).access(ctx.viewer, report) is Access.HANDLER
    )
    if report is None or not allowed:
        ctx.reply(_("That case is not available to you."))
        return None
    report.hold = True
    AuditRepo(ctx.session).record(
        ctx.person.handle, "hold", report.ref, report.municipality_id, ctx.now, report=report
    )
    ctx.reply(_("Case {ref} is kept; it will not be purged.").format(ref=report.ref))
    return None


TIMERS: dict[str, TimerHandler] = {
    PURGE_WARNING: purge_warning,
    PURGE: purge,
    FOLLOWUP_FIRST: followup_first,
    FOLLOWUP_DUE: followup_due,
    FOLLOWUP_CALL: followup_call,
    FOLLOWUP_TELL: followup_call,
    CHECKIN: checkin,
    DUTY_TIMER: duty,
}
