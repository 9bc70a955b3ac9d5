"""Alerts that must be acknowledged: raise, acknowledge (first wins), escalate."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from conversations.akut_notices import VIEW, read_button, write_button, written_to
from conversations.alert_carried import LINKED_FOR as LINKED_FOR  # imported from here
from conversations.alert_carried import carried_choices, taken_already
from conversations.alert_gone import GONE, later_notice, tell_taker_gone, to_tell
from conversations.alert_next import (
    CALM,
    ESCALATE,
    current_levels,
    marked_calm,
    morning,
    not_yet_alerted,
)
from conversations.events import Button, InboundEvent, Reply
from conversations.flow import Context, StateResult
from conversations.i18n import shown_name
from conversations.notice_context import NOTICE_TOKEN, opens_case
from conversations.notices import (
    ALERT,
    ALERT_ACKED,
    ALERT_LINKED,
    ALERT_TAKEN,
    ALERT_UNANSWERED,
    EVERY_CHANNEL,
)
from conversations.packs import PackLibrary
from conversations.routing import Levels, everyone, without
from conversations.taken_back import refuse_alert
from storage.alert_notes import AlertNotes
from storage.alerts import AlertRepo
from storage.crypto import Keyring
from storage.directory import ContactCard, DirectoryRepo
from storage.drills import DrillRepo
from storage.errors import NotFound
from storage.models import (
    Alert,
    AlertStatus,
    Report,
    ReportStatus,
    Timer,
)
from storage.outbox import ROUTINE, URGENT, OutboxRepo
from storage.reports import AnyReport
from storage.timers import Planned, TimerRepo

UNANSWERED_TELL = "alert_unanswered_tell"  # nobody took her report: told after the quiet hours
WHY = ("handover", "unreached", "danger")  # why an escalation came before its deadline


@dataclass(slots=True)
class SystemContext:
    """What a timer handler may use: no person is talking, but messages still go out."""

    session: AsyncSession
    now: datetime
    keyring: Keyring
    packs: PackLibrary
    notices: list[tuple[int, str, dict[str, Any], int]] = field(default_factory=list)
    drill_id: int | None = None  # the timer belongs to a drill: its messages do too

    def notify(self, recipient_id: int, kind: str, payload: dict[str, Any], priority: int) -> None:
        """Queue a message for someone (in the outbox by :meth:`queue`, with the timer)."""
        self.notices.append((recipient_id, kind, payload, priority))

    async def queue(self) -> None:
        """Put the messages the handler queued into the outbox, in its unit of work."""
        if self.notices:
            await OutboxRepo(self.session).enqueue_all(
                self.notices, self.now, every_channel=EVERY_CHANNEL, drill_id=self.drill_id
            )


TimerHandler = Callable[[SystemContext, Timer], Awaitable[None]]


async def raise_alert(
    ctx: Context,
    *,
    kind: str,
    levels: Levels,
    ack_minutes: int,
    party_id: int | None,
    report: AnyReport | None = None,
    taken_akut: Alert | None = None,
    calm: bool = False,
) -> str | None:
    """Alert the first level now; escalate if nobody acknowledges within ``ack_minutes``;
    return the alert's id (None: nobody to alert). ``party_id``: whose security contacts
    may act on it (None: the municipality's unit only). ``taken_akut``: the person's /akut
    alert, taken by someone in the levels: this one is theirs at once (the rest of the
    first level is told so) and nobody is paged. ``calm``: a report in calm words, whose
    escalation and reminders wait out the quiet hours (see :func:`morning`)."""
    if not levels:
        return None
    taker = taken_akut.acknowledged_by if taken_akut is not None else None
    if taker is not None:  # theirs first, beside the plan's first level
        mine = [c for c in everyone(levels) if c.person_id == taker][:1]
        rest = [c for c in levels[0] if c.person_id != taker]
        levels = [[*mine, *rest], *without(levels[1:], {taker})]
    # about a drill's case (a check-in's "call me"): part of the drill, sped up and marked
    drill_id = getattr(report, "drill_id", None)
    if drill_id is not None:
        ctx.drill_id = drill_id
    alert_id = await AlertRepo(ctx.session).create(
        kind=kind,
        subject_id=ctx.person.id,
        report_id=report.id if report else None,
        municipality_id=report.municipality_id if report else ctx.person.municipality_id,
        party_id=party_id,
        levels=[[c.person_id for c in level] for level in levels],
        ack_minutes=ack_minutes,
        now=ctx.now,
        drill_id=drill_id,
    )
    if taken_akut is not None and await _theirs_at_once(ctx, alert_id, taken_akut, levels[0]):
        return alert_id
    for card in levels[0]:
        ctx.notify(card.person_id, ALERT, {"alert": alert_id}, priority=URGENT)
    due = (
        ctx.now + timedelta(minutes=ack_minutes)
        if drill_id is None
        else await deadline(ctx.session, drill_id, ctx.now, ack_minutes)
    )
    calm = calm and drill_id is None
    if calm:  # a report sent at 23:00 in calm words paged Per at 01:00 and Sara at 03:00
        due = await morning(ctx.session, report.municipality_id if report else None, due)
    held = {CALM: True} if calm else {}
    await TimerRepo(ctx.session).schedule_all([Planned(ESCALATE, alert_id, due, held, drill_id)])
    return alert_id


async def escalate_soon(
    session: AsyncSession, alert: Alert, at: datetime, why: dict[str, Any] | None = None
) -> None:
    """Escalate the alert at ``at`` instead of at its deadline (``why`` goes with it); a
    calm report stays calm, also when it goes back out after who took it may no longer act:
    the escalations after this one still wait out the quiet hours."""
    timers = TimerRepo(session)
    calm = await marked_calm(session, alert.id)
    await timers.cancel(ESCALATE, alert.id)
    payload = {**(why or {}), **({CALM: True} if calm else {})}
    timers.schedule(ESCALATE, alert.id, at, payload, drill_id=alert.drill_id)


async def _theirs_at_once(
    ctx: Context, alert_id: str, taken_akut: Alert, first: Sequence[ContactCard]
) -> bool:
    """Give a new alert to whoever took the person's /akut alert, if they may act on it;
    tell them, and give the others of its first level the alert as taken (who has it)."""
    repo = AlertRepo(ctx.session)
    alert = await repo.get(alert_id)
    taker = taken_akut.acknowledged_by
    if alert is None or taker is None or not await repo.may_act(alert, taker):
        return False
    if not await repo.take_for(alert, taker, ctx.now):
        return False
    ctx.notify(taker, ALERT_LINKED, {"alert": alert_id, "after": taken_akut.id}, URGENT)
    for card in first:  # the plan's first level: the report, and who has it
        if card.person_id != taker:
            ctx.notify(card.person_id, ALERT, {"alert": alert_id}, URGENT)
    return True


async def hurry(ctx: Context, report: AnyReport, minutes: int) -> bool:
    """Her words may tell of danger while nobody has taken her case: its open alert goes on
    to the next level within ``minutes`` rather than at its own deadline; False if no alert
    of the case waits."""
    waiting = [
        a for a in await AlertRepo(ctx.session).of_report(report.id) if a.status is AlertStatus.OPEN
    ]
    timers = TimerRepo(ctx.session)
    for alert in waiting:
        soon = await deadline(ctx.session, alert.drill_id, ctx.now, minutes)
        pending = await timers.pending(ESCALATE, alert.id)
        if pending and min(t.due_at for t in pending) <= soon:
            continue  # due sooner already
        await timers.cancel(ESCALATE, alert.id)  # the next level hears why it comes early
        timers.schedule(ESCALATE, alert.id, soon, {"danger": True}, drill_id=alert.drill_id)
    return bool(waiting)


async def someone_next(session: AsyncSession, packs: PackLibrary, report: AnyReport) -> bool:
    """Whether an alert of the case waits with someone at a later level not alerted yet."""
    for alert in await AlertRepo(session).of_report(report.id):
        if alert.status is AlertStatus.OPEN:
            levels = await current_levels(session, packs, alert)
            if await not_yet_alerted(session, levels, alert):
                return True
    return False


async def deadline(
    session: AsyncSession, drill_id: int | None, now: datetime, minutes: int
) -> datetime:
    """When a wait of ``minutes`` from now ends: sooner in a drill, by its speed."""
    return now + timedelta(minutes=minutes) / await DrillRepo(session).speed(drill_id)


async def sped_up(
    session: AsyncSession, drill_id: int | None, now: datetime, at: datetime
) -> datetime:
    """When ``at`` comes in a drill, whose time runs faster by its speed (``at`` if none)."""
    return now + (at - now) / await DrillRepo(session).speed(drill_id)


Notify = Callable[[int, str, dict[str, Any], int], None]


async def next_level(
    session: AsyncSession,
    packs: PackLibrary,
    alert: Alert,
    now: datetime,
    notify: Notify,
    why: dict[str, Any],
    calm: bool = False,
    gone: int | None = None,
) -> None:
    """Alert the next level that has someone not alerted yet who may act now, and remind
    the earlier ones who still may; with nobody left, tell the person to call. ``why``
    goes with the alert: ``escalated`` (nobody answered), ``handover`` (who took it may no
    longer act) or ``unreached`` (who called could not reach the person). ``calm``: a
    report in calm words, whose next escalation waits out the quiet hours. ``gone``: who
    had taken it and may no longer act, whom the person was told of: she is told who now."""
    repo = AlertRepo(session)
    levels = await current_levels(session, packs, alert)
    fresh = [card.person_id for card in await not_yet_alerted(session, levels, alert)]
    if gone is not None:  # she waits for a call from someone who may no longer make it
        await tell_taker_gone(session, alert, now, notify, gone, fresh, calm)
    if not fresh:
        alert.status = AlertStatus.EXHAUSTED  # still theirs to take: each is reminded once
        if gone is None:  # else she was just told whom to call
            await _tell_unanswered(session, alert, now, notify)
        # everyone it went to who may still act: the plan's people and any brought in later
        keep = {r.person_id for r in await repo.recipients(alert.id)}
        keep = {i for i in keep if await repo.may_act(alert, i)}
        for row in await repo.remind_earlier(alert, keep, now, also_current=True):
            notify(row.person_id, ALERT, {"alert": alert.id, "reminder": True}, URGENT)
        return
    await repo.notify(alert, fresh, now)
    for person_id in fresh:
        notify(person_id, ALERT, {"alert": alert.id, **why}, URGENT)
    keep = {c.person_id for c in everyone(levels)}
    keep.discard(why.get("unreached"))  # she has just said she could not reach the person
    for row in await repo.remind_earlier(alert, keep, now):
        notify(row.person_id, ALERT, {"alert": alert.id, "reminder": True}, URGENT)
    due = await deadline(session, alert.drill_id, now, alert.ack_minutes)
    if calm:
        due = await morning(session, alert.municipality_id, due)
    held = {CALM: True} if calm else None
    TimerRepo(session).schedule(ESCALATE, alert.id, due, held, drill_id=alert.drill_id)


async def _tell_unanswered(
    session: AsyncSession, alert: Alert, now: datetime, notify: Notify
) -> None:
    """Tell the person that nobody took her alert: at once after /akut or "call me"; after
    a report she sent in calm words, as a routine message, and not in the quiet hours (a
    report sent at 23:00 had woken her at 05:00)."""
    if alert.subject_id is None:
        return
    if alert.kind != "report" or alert.drill_id is not None:
        notify(alert.subject_id, ALERT_UNANSWERED, {"alert": alert.id}, URGENT)
        return
    later = await morning(session, alert.municipality_id, now)
    if later > now:
        TimerRepo(session).schedule(UNANSWERED_TELL, alert.id, later)
        return
    notify(alert.subject_id, ALERT_UNANSWERED, {"alert": alert.id}, ROUTINE)


async def tell_unanswered(sc: SystemContext, timer: Timer) -> None:
    """The quiet hours are over: tell her that nobody has taken her report, if still so."""
    alert = await AlertRepo(sc.session).get(timer.subject)
    if alert is not None and alert.untaken and alert.subject_id is not None:
        sc.notify(alert.subject_id, ALERT_UNANSWERED, {"alert": alert.id}, ROUTINE)


async def tell_taker_gone_later(sc: SystemContext, timer: Timer) -> None:
    """The quiet hours are over: tell her who took her report may no longer, if still open."""
    notice = later_notice(await AlertRepo(sc.session).get(timer.subject), timer.payload)
    if notice is not None:
        sc.notify(*notice)


async def escalate(sc: SystemContext, timer: Timer) -> None:
    """Nobody acknowledged in time: alert the next level and remind the earlier ones once."""
    alert = await AlertRepo(sc.session).get(timer.subject)
    if alert is None or alert.status is not AlertStatus.OPEN:
        return
    report = await sc.session.get(Report, alert.report_id) if alert.report_id else None
    if report is not None and report.status is ReportStatus.CLOSED and alert.kind != "checkin":
        return  # the case was closed: nobody more needs to be alerted (her call is still owed)
    handler = await AlertRepo(sc.session).handler_of_person(alert, sc.now - LINKED_FOR)
    if handler is not None:
        # someone already handles this person: nobody is paged; the alert is theirs too
        await _link(sc.session, alert, handler, sc.now, sc.notify)
        return
    why = {key: timer.payload[key] for key in WHY if key in timer.payload} or {"escalated": True}
    calm = bool(timer.payload.get(CALM)) and alert.drill_id is None
    gone = timer.payload.get(GONE)
    await next_level(sc.session, sc.packs, alert, sc.now, sc.notify, why, calm, gone)


async def _link(
    session: AsyncSession, alert: Alert, handler: int, now: datetime, notify: Notify
) -> None:
    """Give an untaken alert to the person who already handles its person, and tell them
    and the others it went to."""
    repo = AlertRepo(session)
    if not await repo.take_for(alert, handler, now):
        return
    notify(handler, ALERT_LINKED, {"alert": alert.id}, URGENT)
    if alert.subject_id is not None:  # they were told who comes next: now it is the handler
        notify(alert.subject_id, ALERT_ACKED, {"alert": alert.id}, URGENT)
    for row in await repo.recipients(alert.id):
        others = row.person_id != handler and row.notified_at is not None
        if others and not row.failed and await repo.may_act(alert, row.person_id):
            notify(row.person_id, ALERT_TAKEN, {"alert": alert.id}, URGENT)


async def _escalate_at_once_if_stuck(session: AsyncSession, alert: Alert, now: datetime) -> None:
    """If nobody the alert went to last can be reached or may act any more, don't wait
    for the deadline: escalate now."""
    if alert.status is not AlertStatus.OPEN or await AlertRepo(session).reachable(alert):
        return
    if any(t.due_at <= now for t in await TimerRepo(session).pending(ESCALATE, alert.id)):
        return  # already escalating now
    await escalate_soon(session, alert, now)


async def escalate_now(
    session: AsyncSession, alert_id: str, recipient_id: int, now: datetime
) -> None:
    """A recipient can't be reached (blocked the bot, unknown chat) or may no longer act:
    if nobody at the current level can, escalate at once instead of waiting."""
    repo = AlertRepo(session)
    await repo.mark_failed(alert_id, recipient_id)
    alert = await repo.get(alert_id)
    if alert is not None:
        await _escalate_at_once_if_stuck(session, alert, now)


async def directory_changed(session: AsyncSession, person_ids: Sequence[int], now: datetime) -> int:
    """People were revoked, removed, erased or moved: drop alerts queued for them that they
    may no longer act on, and escalate at once where nobody else at the level can act;
    return how many open alerts were looked at."""
    repo = AlertRepo(session)
    alerts = await repo.open_for(person_ids)
    for alert in alerts:
        for person_id in person_ids:
            if not await repo.may_act(alert, person_id):
                await OutboxRepo(session).drop_pending(
                    person_id, (ALERT,), {"alert": alert.id}, now, "no longer allowed"
                )
        await _escalate_at_once_if_stuck(session, alert, now)
    taken = await repo.taken_by(person_ids, now - LINKED_FOR)
    gone = [
        (alert, taker)
        for alert in taken
        if (taker := alert.acknowledged_by) is not None and not await repo.may_act(alert, taker)
    ]
    tell = await to_tell(session, [alert for alert, _taker in gone], now)  # told who took it
    for alert, taker in gone:
        # an open case (or an /akut alert of the last day) whose handler may no longer act
        # is not left without one: it goes on to the next person the plan names, at once;
        # she, told who took it, hears who now (see next_level)
        alert.status, alert.acknowledged_by, alert.acknowledged_at = AlertStatus.OPEN, None, None
        await repo.mark_failed(alert.id, taker)
        told = {GONE: taker} if alert.id in tell else {}
        await escalate_soon(session, alert, now, {"handover": True, **told})
    return len(alerts) + len(taken)


async def acknowledge(ctx: Context, event: InboundEvent) -> StateResult:
    """Take the alert: the first acknowledgement wins; the others are told who took it."""
    _ = ctx._
    _prefix, alert_id, how = [*event.button.split(":"), ""][:3]
    repo = AlertRepo(ctx.session)
    try:
        await repo.recipient(ctx.viewer, alert_id)
        # Timer rows before the alert row, in the order the timer runner locks them: an
        # acknowledgement at the moment of escalation waits for it instead of deadlocking.
        await TimerRepo(ctx.session).cancel(ESCALATE, alert_id)
        won = await repo.acknowledge(ctx.viewer, alert_id, ctx.now)
    except NotFound:
        await refuse_alert(ctx, alert_id)
        return None
    alert = await repo.get(alert_id)
    if alert is None:
        return None
    ctx.drill_id = alert.drill_id
    if not won:
        if alert.acknowledged_by == ctx.person.id:
            ctx.reply(_("You have already taken this."))
        elif alert.acknowledged_by is not None:
            await taken_already(ctx, alert, alert.acknowledged_by)
        else:
            ctx.reply(_("Someone else has already taken this; they will contact the person."))
        return None
    if alert.drill_id is None:  # for the operator's metrics: how long until it was taken
        ctx.alert_taken = (alert.kind, (ctx.now - alert.created_at).total_seconds())
    # taken on one channel, it is settled on all: what has not gone out elsewhere won't
    await ctx.outbox.drop_pending(ctx.person.id, (ALERT,), {"alert": alert.id}, ctx.now, "taken")
    if alert.subject_id is not None:
        ctx.notify(alert.subject_id, ALERT_ACKED, {"alert": alert.id}, priority=URGENT)
    for row in await repo.recipients(alert.id):
        others = row.person_id != ctx.person.id and row.notified_at is not None
        if others and not row.failed and await repo.may_act(alert, row.person_id):
            ctx.notify(row.person_id, ALERT_TAKEN, {"alert": alert.id}, priority=URGENT)
    # after "did you reach her? yes" (or taking a second alert) she has the number already
    taken = _("Thank you – it is yours.") if how in ("reached", "too") else await _yours(ctx, alert)
    report = await ctx.session.get(Report, alert.report_id) if alert.report_id else None
    subject = alert.subject_id
    card = None
    if subject is not None and (report is None or written_to(alert)):
        card, _p, _m = await DirectoryRepo(ctx.session).describe(ctx.viewer, subject)
    name = shown_name(_, card) if card is not None else ""
    # she can be written to through Trygg: the way to her when there is no number to call
    write = [write_button(_, alert, name)] if card is not None and written_to(alert) else []
    # numbered choices count only in the newest message: what the alerts taken before
    # offered ("Öppna ärende", "Läs vad … skrev", "Skriv till …") comes again with this one
    since = ctx.now - LINKED_FOR
    cases, carried = await carried_choices(ctx, alert, since, report, bool(write))
    offers = await _other_offers(ctx, alert)
    # numbered choices count only in the newest message: the offers join this one there
    joined = offers if not ctx.capabilities.has_buttons else []
    also = "".join(f"\n{line}" for line, _button in joined)
    more = [[button] for _line, button in joined]
    if report is None and card is not None and await _written(ctx, alert):  # one press away
        ctx.reply(
            taken + "\n" + _("{name} has also written to Trygg.").format(name=name) + also,
            [*cases, [read_button(_, alert, name)], write, *carried, *more],
            anew=f"{VIEW} {alert.id}",  # back later: the alert as it is then, not "Tack"
        )
    elif report is None:
        ctx.reply(taken + also, [*cases, write, *carried, *more], anew=f"{VIEW} {alert.id}")
    else:  # the case is one press away (its button leaves her current step alone)
        rows = ((opens_case(_, report),), *((tuple(write),) if write else ()))
        rows += (*map(tuple, cases), *map(tuple, carried), *map(tuple, more))
        ctx.replies.append(Reply(taken + also, rows, NOTICE_TOKEN))
    for line, button in [] if joined else offers:  # buttons: each offer under its own line
        ctx.reply(line, [[button]])
    return None


TAKE_WORDS = ("jag tar det", "ja jag tar det", "jag tar larmet", "i'll take it", "i will take it")
"""Typed by someone an alert waits for, these take it as its button does."""
TAKING = re.compile(rf"\b({'|'.join(map(re.escape, TAKE_WORDS))})\b(?! här)")
"""The same words inside a message ("ok jag tar det"): where her own case's alert waits."""


async def take_typed(ctx: Context, event: InboundEvent) -> StateResult:
    """'Jag tar det' typed instead of pressed: take the alert of the case she has open if
    it waits for her, else the most urgent one that does (see :func:`waiting_for`); if none
    does, say so (nothing else is done with the words)."""
    case = ctx.data.get("case")
    newest = await waiting_for(ctx.session, ctx.person.id, about=str(case)) if case else None
    newest = newest or await waiting_for(ctx.session, ctx.person.id)
    if newest is None:
        taken = await AlertRepo(ctx.session).taken_from(ctx.person.id, ctx.now - LINKED_FOR)
        if taken is not None and taken.acknowledged_by is not None:  # woken late: who has it
            await taken_already(ctx, taken, taken.acknowledged_by)
            return None
        ctx.reply(ctx._("There is no alert waiting for you to take."))
        return None
    return await acknowledge(ctx, replace(event, button=f"ack:{newest.id}"))


async def waiting_for(
    session: AsyncSession, person_id: int, besides: str | None = None, about: str | None = None
) -> Alert | None:
    """The open alert that went to this person and that they may take, the most urgent
    first: an /akut alert (someone in danger now) before a report's, then the newest
    (``besides``: not one about that case; ``about``: only one about that case)."""
    repo = AlertRepo(session)
    waiting = [
        alert
        for alert in await repo.open_for([person_id], untaken=True)
        if (besides is None or alert.report_id != besides)
        and (about is None or alert.report_id == about)
        and await repo.may_act(alert, person_id)
    ]
    return max(waiting, key=lambda alert: (alert.kind == "akut", alert.created_at), default=None)


async def _may_take(ctx: Context, alert: Alert) -> bool:
    try:
        await AlertRepo(ctx.session).recipient(ctx.viewer, alert.id)
    except NotFound:
        return False
    return True


async def _other_offers(ctx: Context, alert: Alert) -> list[tuple[str, Button]]:
    """The person's other untaken alerts that the viewer may take too: for each, the
    question and its button (named by its time where several share one message)."""
    _ = ctx._
    if alert.subject_id is None:
        return []
    same = await AlertRepo(ctx.session).of_same_person(alert)
    others = [a for a in same if await _may_take(ctx, a)][:3]
    if not others:
        return []
    card, _p, _m = await DirectoryRepo(ctx.session).describe(ctx.viewer, alert.subject_id)
    shared = len(others) > 1 and not ctx.capabilities.has_buttons
    offers = []
    for other in others:
        when = ctx.when(other.created_at)
        label = _("Take the alert from {when}").format(when=when) if shared else _("Take it too")
        case = await ctx.session.get(Report, other.report_id) if other.report_id else None
        if case is not None and other.kind != "akut":  # which of her messages: the case's
            line = _("{name} also has an open alert about case {ref} from {when} – take it too?")
        else:
            line = _("{name} also has an open alert from {when} – take it too?")
        name = shown_name(_, card)
        ref = case.ref if case is not None else ""
        offers.append(
            (line.format(name=name, ref=ref, when=when), Button(f"ack:{other.id}:too", label))
        )
    return offers


async def _written(ctx: Context, alert: Alert) -> bool:
    """Whether the person wrote anything with her /akut alert."""
    if alert.subject_id is None:
        return False
    return await AlertNotes(ctx.session, ctx.keyring).count(alert.id) > 0


async def _yours(ctx: Context, alert: Alert) -> str:
    """Say the alert is theirs, and whom to call: by name and number when Trygg knows them."""
    _ = ctx._
    if alert.subject_id is not None:  # someone with no name yet is described, not skipped
        card, _party, _m = await DirectoryRepo(ctx.session).describe(ctx.viewer, alert.subject_id)
        if card.phone:
            return _("Thank you – it is yours. Call {name} now: {phone}").format(
                name=shown_name(_, card), phone=card.phone
            )
        if written_to(alert):  # no number to call: "Skriv till Lisa Ek" is the way to her
            return _(
                "Thank you – it is yours. There is no phone number for {name}. "
                "Write instead: {name} gets it in Trygg."
            ).format(name=shown_name(_, card))
    return _("Thank you – it is yours. Please contact the person now.")
