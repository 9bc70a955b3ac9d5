"""What the alerts a contact took before still offer, offered again where only the newest
message's numbered choices count (a channel without buttons).

Taking a second alert of the same person, the earlier message's choices ("Öppna ärende",
"Läs vad … skrev", "Skriv till …") can no longer be reached by number: the new message
offers them again. Where buttons stay usable on earlier messages, nothing is carried.
"""

from __future__ import annotations

from datetime import datetime

from conversations.akut_notices import read_button, write_button, written_to
from conversations.events import Button
from conversations.flow import Context
from conversations.i18n import shown_name
from conversations.notice_context import opens_case
from storage.alert_notes import AlertNotes
from storage.alerts import AlertRepo
from storage.directory import DirectoryRepo
from storage.models import Alert, Report, ReportStatus


async def carried_choices(
    ctx: Context, alert: Alert, since: datetime, report: Report | None, writes: bool
) -> tuple[list[list[Button]], list[list[Button]]]:
    """The choices of the alerts taken before to offer again with ``alert`` just taken:
    (the case to put first, "Läs"/"Skriv till" to put after the alert's own); ``report``
    is the alert's own case and ``writes`` whether it offers "Skriv till" itself."""
    before = await _taken_before(ctx, alert, since)
    case = await _open_case(ctx, before)
    mine = report is not None and case is not None and case.id == report.id
    cases = [[opens_case(ctx._, case)]] if case is not None and not mine else []
    akut = next((a for a in before if written_to(a)), None)  # the newest /akut one
    return cases, [] if writes else await _to_her(ctx, akut)


async def after_writing(ctx: Context, alert: Alert, since: datetime) -> list[list[Button]]:
    """The choices of the person's alerts the viewer took, offered again after she wrote
    to the person about ``alert`` (the prompt's "Avbryt" was the newest choice)."""
    taken = await _taken_before(ctx, alert, since, besides="")
    if not taken:
        return []
    case = await _open_case(ctx, taken)
    cases = [[opens_case(ctx._, case)]] if case is not None else []
    akut = alert if written_to(alert) else next((a for a in taken if written_to(a)), None)
    return [*cases, *await _to_her(ctx, akut)]


async def _to_her(ctx: Context, akut: Alert | None) -> list[list[Button]]:
    """ "Läs vad … skrev" (when she wrote) and "Skriv till …" of an /akut alert."""
    if akut is None or akut.subject_id is None:
        return []
    card, _p, _m = await DirectoryRepo(ctx.session).describe(ctx.viewer, akut.subject_id)
    name = shown_name(ctx._, card)
    read = await AlertNotes(ctx.session, ctx.keyring).count(akut.id) > 0
    return [
        *([[read_button(ctx._, akut, name)]] if read else []),
        [write_button(ctx._, akut, name)],
    ]


async def _taken_before(
    ctx: Context, alert: Alert, since: datetime, besides: str | None = None
) -> list[Alert]:
    """The person's other alerts the viewer took (a case still open, or an /akut alert
    taken since ``since``), the newest first, on a channel without buttons; none where
    the buttons of the earlier message still work (``besides``: the id left out, by
    default ``alert``'s own)."""
    if ctx.capabilities.has_buttons or alert.subject_id is None:
        return []
    left_out = alert.id if besides is None else besides
    taken = await AlertRepo(ctx.session).taken_by([ctx.person.id], since)
    key = (alert.subject_id, alert.drill_id)
    mine = [a for a in taken if (a.subject_id, a.drill_id) == key and a.id != left_out]
    return sorted(mine, key=lambda a: a.acknowledged_at or a.created_at, reverse=True)


async def _open_case(ctx: Context, alerts: list[Alert]) -> Report | None:
    """The first of these alerts' cases that is still open."""
    for alert in alerts:
        report = await ctx.session.get(Report, alert.report_id) if alert.report_id else None
        if report is not None and report.status is ReportStatus.SUBMITTED:
            return report
    return None
