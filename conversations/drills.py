"""Drills (övningar): an /akut alert for practice, sped up and marked, then a report."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from conversations.alert_next import ESCALATE
from conversations.alerts import SystemContext, deadline
from conversations.drill_notices import DRILL_BRIEF, DRILL_OVER, DRILL_REPORT
from conversations.followups import FOLLOWUP_FIRST, schedule_case
from conversations.i18n import N_
from conversations.notices import ALERT, EVERY_CHANNEL
from conversations.packs import PackLibrary
from conversations.report.draft import VERSION
from conversations.routing import Levels, alert_levels
from storage.alerts import AlertRepo
from storage.crypto import Keyring
from storage.directory import DirectoryRepo
from storage.drills import DrillRepo, may_start
from storage.errors import NotAllowed
from storage.models import Alert, AlertStatus, Drill, Municipality, Person, Report, Role, Timer
from storage.outbox import ROUTINE, URGENT, OutboxRepo
from storage.timers import Planned, TimerRepo
from storage.trust import AuditRepo
from storage.viewer import Viewer

DRILL_END = "drill_end"
DEFAULT_SPEED = 60
# The drill case's whole story: made up, and never anything a real person wrote.
STORY = N_(
    "DRILL. This is not a real incident. An unknown person called and said: we know where "
    "you live. Nobody was hurt."
)


@dataclass(frozen=True, slots=True)
class Started:
    """A drill that has begun: its alert, the person it is about, and who is at which level."""

    drill_id: int
    alert_id: str
    subject_id: int
    levels: list[list[int]]
    ends_at: datetime


async def _levels_for(
    session: AsyncSession, packs: PackLibrary, subject: Person, chosen: Collection[int] | None
) -> Levels:
    """The person's real /akut levels; with ``chosen``, only the people chosen for the drill."""
    municipality = await session.get(Municipality, subject.municipality_id)
    levels = await alert_levels(
        session,
        exclude=subject.id,
        municipality_id=subject.municipality_id,
        party_id=subject.party_id,
        category=None,
        pack=packs.get(municipality.pack if municipality else None),
        unverified=False,
        report=False,
    )
    if chosen is None:
        return levels
    return [kept for level in levels if (kept := [c for c in level if c.person_id in chosen])]


async def _subject(
    session: AsyncSession, packs: PackLibrary, municipality_id: int, subject_id: int | None
) -> Person | None:
    """The official the drill is about: the one asked for, or the first who has someone to
    alert."""
    ids = (
        [subject_id]
        if subject_id is not None
        else await DrillRepo(session).officials(municipality_id)
    )
    for person_id in ids:
        person = await session.get(Person, person_id)
        if (
            person is not None
            and person.municipality_id == municipality_id
            and person.role is Role.OFFICIAL
            and person.revoked_at is None
            and person.erased_at is None
            and await _levels_for(session, packs, person, None)
        ):
            return person
    return None


async def start(
    session: AsyncSession,
    packs: PackLibrary,
    viewer: Viewer,
    municipality_id: int,
    now: datetime,
    *,
    speed: int = DEFAULT_SPEED,
    subject_id: int | None = None,
    chosen: Collection[int] | None = None,
    keyring: Keyring | None = None,
    story: str = STORY,
) -> Started | None:
    """Start a drill: the official is told it is one, their /akut alert goes to the first
    level, and escalation and the end run ``speed`` times faster. With ``keyring``, the alert
    comes with a drill case (``story`` its only answer) whose checklist and follow-ups run
    sped up too. None: nobody to alert. NotAllowed unless the viewer may
    (storage.drills.may_start)."""
    if not await may_start(session, viewer, municipality_id):
        raise NotAllowed("drill")
    subject = await _subject(session, packs, municipality_id, subject_id)
    levels = await _levels_for(session, packs, subject, chosen) if subject else []
    if subject is None or not levels:
        return None
    drill = await DrillRepo(session).start(viewer, municipality_id, speed, now)
    municipality = await session.get(Municipality, municipality_id)
    pack = packs.get(municipality.pack if municipality else None)
    alerting = pack.alerting
    minutes = alerting.ack_minutes_akut if alerting else 10
    ids = [[c.person_id for c in level] for level in levels]
    case = (
        await DrillRepo(session).add_case(
            keyring, drill, subject, pack.id, {"_v": VERSION, "what": {"text": story}}, now
        )
        if keyring is not None
        else None
    )
    alert_id = await AlertRepo(session).create(
        kind="akut",
        subject_id=subject.id,
        report_id=case.id if case is not None else None,
        municipality_id=municipality_id,
        party_id=subject.party_id,
        levels=ids,
        ack_minutes=minutes,
        now=now,
        drill_id=drill.id,
    )
    notices: list[tuple[int, str, dict[str, Any], int]] = [
        (subject.id, DRILL_BRIEF, {"drill": drill.id, "alert": alert_id}, URGENT),
        *((person_id, ALERT, {"alert": alert_id}, URGENT) for person_id in ids[0]),
    ]
    await OutboxRepo(session).enqueue_all(
        notices, now, every_channel=EVERY_CHANNEL, drill_id=drill.id
    )
    # one wait more than every level takes, so the last messages go out before the end;
    # with a case, one wait more than its first follow-up reminder (later ones would keep
    # a drill going for hours; the unit may end it sooner with /ovning)
    ends_at = await deadline(session, drill.id, now, minutes * (len(levels) + 1))
    if case is not None:
        plan = await schedule_case(TimerRepo(session), case.id, pack, now, drill.id)
        first = min((p.due_at for p in plan if p.kind == FOLLOWUP_FIRST), default=now)
        # at least half a minute after it, so a bot that wakes late still sends it first
        wait = await deadline(session, drill.id, now, minutes) - now
        ends_at = max(ends_at, first + max(wait, timedelta(seconds=30)))
    await TimerRepo(session).schedule_all(
        [
            Planned(
                ESCALATE, alert_id, await deadline(session, drill.id, now, minutes), {}, drill.id
            ),
            Planned(DRILL_END, str(drill.id), ends_at, {}, drill.id),
        ]
    )
    actor = await _actor(session, viewer)
    AuditRepo(session).record(actor, "drill_started", str(drill.id), municipality_id, now)
    return Started(drill.id, alert_id, subject.id, ids, ends_at)


async def _actor(session: AsyncSession, viewer: Viewer) -> str:
    person = await session.get(Person, viewer.person_id) if viewer.person_id else None
    return person.handle if person is not None else "operator"


def _after(alert_created: datetime, at: datetime | None, speed: int) -> int | None:
    """Seconds from the alert to ``at``, as they would have been without the speed-up."""
    return None if at is None else round((at - alert_created).total_seconds() * speed)


async def summarize(session: AsyncSession, drill: Drill) -> dict[str, Any]:
    """What the drill showed, as ids, counts and seconds (never free text): who was alerted
    when, who was reached, who took it when, and who would have been alerted next."""
    repo = DrillRepo(session)
    alerts = await repo.alerts(drill.id)
    summary: dict[str, Any] = {"speed": drill.speed, "alerts": []}
    reached = await repo.delivered(drill.id, ALERT)
    briefed = await repo.delivered(drill.id, DRILL_BRIEF)
    for alert in alerts:
        rows = await AlertRepo(session).recipients(alert.id)
        why = await repo.unreachable([r.person_id for r in rows])
        # A level is alerted when its timer fires; a process that woke late (a drill started
        # from the command line waits for the bot's next look at the timers) would show its
        # delay multiplied by the speed: count from when the timer was due instead.
        due: dict[datetime | None, datetime] = {
            t.fired_at: t.due_at for t in await repo.fired(alert.id) if t.fired_at
        }
        people = [
            {
                "id": r.person_id,
                "level": r.level,
                "alerted_after": _after(
                    alert.created_at, due.get(r.notified_at) or r.notified_at, drill.speed
                ),
                "would_after": (r.level - 1) * alert.ack_minutes * 60,
                "reached": r.person_id in reached,
                "why": None if r.person_id in reached else why.get(r.person_id),
            }
            for r in rows
        ]
        summary["alerts"].append(
            {
                "subject": alert.subject_id,
                "subject_reached": alert.subject_id in briefed,
                "subject_why": (await repo.unreachable([alert.subject_id])).get(alert.subject_id)
                if alert.subject_id is not None
                else None,
                "ack_minutes": alert.ack_minutes,
                "levels": alert.levels,
                "taken_by": alert.acknowledged_by,
                "taken_after": _after(alert.created_at, alert.acknowledged_at, drill.speed),
                "unanswered": alert.status is AlertStatus.EXHAUSTED,
                "people": people,
                "case": await _case_summary(session, drill, alert),
            }
        )
    return summary


async def _case_summary(session: AsyncSession, drill: Drill, alert: Alert) -> dict[str, Any] | None:
    """What was done in the alert's drill case: the checklist items answered (ids), and the
    follow-ups and check-ins that fired, with when as they would have been."""
    if alert.report_id is None or alert.kind != "akut":  # a check-in's alert: same case
        return None
    report = await session.get(Report, alert.report_id)
    if report is None:
        return None
    repo = DrillRepo(session)
    fired = sorted(await repo.fired(report.id), key=lambda t: t.due_at)
    return {
        "pack": report.pack,
        "answered": await repo.answered(report.id),
        "fired": [
            {
                "kind": t.kind,
                "stage": t.payload.get("stage"),
                "day": t.payload.get("day"),
                "after": _after(alert.created_at, t.due_at, drill.speed),
            }
            for t in fired
        ],
    }


async def end(session: AsyncSession, drill: Drill, now: datetime, actor: str = "system") -> None:
    """End the drill: the unit gets its report, and every row the drill made is removed."""
    if drill.ended_at is not None:
        return
    summary = await summarize(session, drill)
    await DrillRepo(session).finish(drill, summary, now)
    _party, unit = await DirectoryRepo(session).security_of(drill.municipality_id, None)
    to = dict.fromkeys(
        [*([drill.started_by] if drill.started_by else []), *(c.person_id for c in unit)]
    )
    others = [person_id for person_id in _in_it(summary) if person_id not in to]
    await OutboxRepo(session).enqueue_all(
        [
            *((person_id, DRILL_REPORT, {"drill": drill.id}, URGENT) for person_id in to),
            *((person_id, DRILL_OVER, {"drill": drill.id}, ROUTINE) for person_id in others),
        ],
        now,
    )
    AuditRepo(session).record(actor, "drill_ended", str(drill.id), drill.municipality_id, now)


def _in_it(summary: dict[str, Any]) -> list[int]:
    """The people a drill reached: each alert's official, and everyone alerted."""
    people: dict[int, None] = {}
    for alert in summary.get("alerts", []):
        if alert.get("subject") is not None and alert.get("subject_reached"):
            people[int(alert["subject"])] = None
        for person in alert.get("people", []):
            if person.get("reached"):
                people[int(person["id"])] = None
    return list(people)


async def end_in_time(sc: SystemContext, timer: Timer) -> None:
    """The drill's time is up: end it."""
    drill = await DrillRepo(sc.session).get(int(timer.subject))
    if drill is not None:
        await end(sc.session, drill, sc.now)


TIMERS = {DRILL_END: end_in_time}
