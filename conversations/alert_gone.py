"""Whoever took her alert may no longer handle it: she is told so, who has been told now and
whom to call; at once, or, for a report in calm words in the quiet hours, at their end."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from conversations.alert_next import morning
from conversations.notices import ALERT_ACKED, ALERT_TAKER_GONE
from storage.models import Alert
from storage.outbox import ROUTINE, URGENT, OutboxRepo
from storage.timers import TimerRepo

GONE = "gone"  # in an escalation timer: who had taken the alert and may no longer act on it
TAKER_GONE_LATER = "alert_taker_gone_later"  # told after the quiet hours, if still untaken

Notify = Callable[[int, str, dict[str, Any], int], None]


async def to_tell(session: AsyncSession, reopened: Sequence[Alert], now: datetime) -> set[str]:
    """Of the alerts taken back from whoever may no longer act, the ones whose person is to
    be told: one per person (an /akut alert before a report's, then the newest), and only
    where she was told who took it (a notice not yet sent is dropped: she heard nothing)."""
    outbox = OutboxRepo(session)
    heard: dict[int, list[Alert]] = {}
    for alert in reopened:
        if alert.subject_id is None:
            continue
        unsent = await outbox.drop_pending(
            alert.subject_id, (ALERT_ACKED,), {"alert": alert.id}, now, "taker gone"
        )
        if not unsent:
            heard.setdefault(alert.subject_id, []).append(alert)
    return {
        max(alerts, key=lambda a: (a.kind == "akut", a.created_at)).id for alerts in heard.values()
    }


async def tell_taker_gone(
    session: AsyncSession,
    alert: Alert,
    now: datetime,
    notify: Notify,
    gone: int,
    to: Sequence[int],
    calm: bool,
) -> None:
    """Tell the person that ``gone`` can no longer handle her alert and that ``to`` have
    been told (nobody: whom to call): at once, as the alert goes on; a report in calm words
    in the quiet hours, at their end, if nobody has taken it by then."""
    if alert.subject_id is None:
        return
    payload: dict[str, Any] = {"alert": alert.id, GONE: gone, "to": list(to)}
    later = await morning(session, alert.municipality_id, now)
    if calm and alert.kind == "report" and alert.drill_id is None and later > now:
        TimerRepo(session).schedule(TAKER_GONE_LATER, alert.id, later, payload)
        return
    notify(alert.subject_id, ALERT_TAKER_GONE, payload, URGENT)


def later_notice(
    alert: Alert | None, payload: dict[str, Any]
) -> tuple[int, str, dict[str, Any], int] | None:
    """The notice held over the quiet hours, if nobody has taken the alert since."""
    if alert is None or not alert.untaken or alert.subject_id is None:
        return None
    return alert.subject_id, ALERT_TAKER_GONE, dict(payload), ROUTINE
