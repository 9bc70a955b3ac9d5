"""Who an alert goes to next and when: the plan's levels as the directory is now, who has
not had it yet, and the calm mark of a report sent in calm words, whose escalation waits
out the quiet hours."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from conversations.packs import PackLibrary
from conversations.routing import Levels, alert_levels, everyone
from conversations.schedule import out_of_quiet_hours, quiet_hours_of
from storage.access import INTERNAL
from storage.alerts import AlertRepo
from storage.directory import ContactCard
from storage.models import Alert, AlertStatus, Municipality, Report
from storage.timers import TimerRepo

ESCALATE = "alert_escalate"
CALM = "calm"  # in an escalation timer: a report in calm words, not escalated in the quiet hours


async def morning(session: AsyncSession, municipality_id: int | None, at: datetime) -> datetime:
    """``at``, or, in the municipality's quiet hours, their end: when what can wait goes."""
    return out_of_quiet_hours(at, await quiet_hours_of(session, municipality_id))


async def current_levels(session: AsyncSession, packs: PackLibrary, alert: Alert) -> Levels:
    """Who the plan names for an alert, from the directory as it is now: people revoked,
    removed or moved to another party are no longer in it; an internal case keeps to the
    people the reporter chose."""
    report = await session.get(Report, alert.report_id) if alert.report_id else None
    if report is not None:
        pack_id: str | None = report.pack
    else:
        municipality = (
            await session.get(Municipality, alert.municipality_id)
            if alert.municipality_id
            else None
        )
        pack_id = municipality.pack if municipality else None
    levels = await alert_levels(
        session,
        exclude=alert.subject_id,
        municipality_id=alert.municipality_id,
        party_id=alert.party_id,
        category=report.category if report else None,
        pack=packs.get(pack_id),
        unverified=report.unverified if report else False,
        report=alert.kind == "report",
    )
    if report is not None and report.category == INTERNAL:
        chosen = {r.person_id for r in await AlertRepo(session).recipients(alert.id)}
        kept = [c for c in everyone(levels) if c.person_id in chosen]
        return [kept] if kept else []
    if alert.drill_id is not None:  # a drill keeps to the people chosen for it
        chosen = {r.person_id for r in await AlertRepo(session).recipients(alert.id)}
        return [kept for level in levels if (kept := [c for c in level if c.person_id in chosen])]
    off = await AlertRepo(session).taken_off(alert.id)  # named as the threat: never again
    return [kept for level in levels if (kept := [c for c in level if c.person_id not in off])]


async def not_yet_alerted(session: AsyncSession, levels: Levels, alert: Alert) -> list[ContactCard]:
    """The first level with someone the alert has not gone to yet: those people."""
    done = await AlertRepo(session).notified(alert.id)
    for level in levels:
        fresh = [card for card in level if card.person_id not in done]
        if fresh:
            return fresh
    return []


async def marked_calm(session: AsyncSession, alert_id: str) -> bool:
    """Whether the alert's last escalation carried the calm mark: still so once someone
    took it (its timer cancelled), so it stays calm if it goes back out."""
    last = await TimerRepo(session).latest(ESCALATE, alert_id)
    return last is not None and bool(last.payload.get(CALM))


async def on_in_the_morning(
    session: AsyncSession, packs: PackLibrary, alert: Alert, at: datetime
) -> tuple[datetime, list[ContactCard]] | None:
    """When and to whom a calm report's alert goes on if nobody takes it, when ``at`` is in
    the quiet hours and its escalation waits for their end; None otherwise (words that may
    tell of danger, by day, taken, or nobody next)."""
    by_day = await morning(session, alert.municipality_id, at) <= at
    if by_day or alert.status is not AlertStatus.OPEN:
        return None
    held = [t for t in await TimerRepo(session).pending(ESCALATE, alert.id) if t.payload.get(CALM)]
    fresh = await not_yet_alerted(session, await current_levels(session, packs, alert), alert)
    return (min(t.due_at for t in held), fresh) if held and fresh else None
