"""What the alerts a contact took before still offer, offered again where only the newest
message's numbered choices count (a channel without buttons).

Taking a second alert of the same person, the earlier message's choices ("Öppna ärende",
"Läs vad … skrev", "Skriv till …") can no longer be reached by number: the new message
offers them again. Where buttons stay usable on earlier messages, nothing is carried.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from conversations.akut_notices import read_button, write_button, written_to
from conversations.events import Button
from conversations.flow import Context
from conversations.i18n import shown_name
from conversations.notice_context import RenderContext, opens_case
from storage.alert_notes import AlertNotes
from storage.alerts import AlertRepo
from storage.directory import DirectoryRepo
from storage.models import Alert, Report, ReportStatus

# An /akut alert someone took counts as "handling the person" for this long (a case counts
# while it is open): a second alert of the same person in that time pages nobody new.
LINKED_FOR = timedelta(hours=24)


async def carried_choices(
    ctx: Context, alert: Alert, since: datetime, report: Report | None, writes: bool
) -> tuple[list[list[Button]], list[list[Button]]]:
    """The choices of the alerts taken before to offer again with ``alert`` just taken:
    (the case to put first, "Läs"/"Skriv till" to put after the alert's own); ``report``
    is the alert's own case and ``writes`` whether it offers "Skriv till" itself."""
    before = await _taken_before(ctx, alert, since)
    case = await _open_case(ctx.session, before)
    mine = report is not None and case is not None and case.id == report.id
    cases = [[opens_case(ctx._, case)]] if case is not None and not mine else []
    akut = next((a for a in before if written_to(a)), None)  # the newest /akut one
    return cases, [] if writes else await _to_her(ctx, akut)


async def taken_already(ctx: Context, alert: Alert, taker_id: int) -> None:
    """Answer a late "Jag tar det": who has it, that nothing more is needed, how to reach
    the taker; and, where only the newest message's numbers count, what the push still
    offers her (what the person wrote, the case), never its dead "Jag tar det"."""
    _ = ctx._
    directory = DirectoryRepo(ctx.session)
    taker, _p, _m = await directory.describe(ctx.viewer, taker_id)
    lines = [
        _("{name} has already taken it.").format(name=shown_name(_, taker)),
        _("You don't need to do anything more."),
    ]
    if taker.phone:
        line = _("To hear how it goes, call {name}: {phone}")
        lines.append(line.format(name=shown_name(_, taker), phone=taker.phone))
    buttons: list[list[Button]] = []
    if not ctx.capabilities.has_buttons and alert.subject_id is not None:
        if await AlertNotes(ctx.session, ctx.keyring).count(alert.id) > 0:
            card, _p, _m = await directory.describe(ctx.viewer, alert.subject_id)
            buttons.append([read_button(_, alert, shown_name(_, card))])
        report = await ctx.session.get(Report, alert.report_id) if alert.report_id else None
        if report is not None and report.status is ReportStatus.SUBMITTED:
            buttons.append([opens_case(_, report)])
    ctx.reply("\n".join(lines), buttons)


async def after_writing(ctx: Context, alert: Alert, since: datetime) -> list[list[Button]]:
    """The choices of the person's alerts the viewer took, offered again after she wrote
    to the person about ``alert`` (the prompt's "Avbryt" was the newest choice)."""
    taken = await _taken_before(ctx, alert, since, besides="")
    if not taken:
        return []
    case = await _open_case(ctx.session, taken)
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


async def case_in_push(rc: RenderContext, alert: Alert, since: datetime) -> Report | None:
    """The open case of the person that the push's recipient took before ``alert`` came,
    to open by number from its push (not ``alert``'s own case, which the push offers)."""
    if rc.capabilities.has_buttons or alert.subject_id is None:
        return None
    taken = await _taken(rc.session, rc.recipient.id, alert, since, alert.id)
    case = await _open_case(rc.session, taken)
    return None if case is None or case.id == alert.report_id else case


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
    return await _taken(ctx.session, ctx.person.id, alert, since, left_out)


async def _taken(
    session: AsyncSession, person_id: int, alert: Alert, since: datetime, left_out: str
) -> list[Alert]:
    """The alerts of ``alert``'s person that ``person_id`` took, the newest first."""
    taken = await AlertRepo(session).taken_by([person_id], since)
    key = (alert.subject_id, alert.drill_id)
    mine = [a for a in taken if (a.subject_id, a.drill_id) == key and a.id != left_out]
    return sorted(mine, key=lambda a: a.acknowledged_at or a.created_at, reverse=True)


async def _open_case(session: AsyncSession, alerts: list[Alert]) -> Report | None:
    """The first of these alerts' cases that is still open."""
    for alert in alerts:
        report = await session.get(Report, alert.report_id) if alert.report_id else None
        if report is not None and report.status is ReportStatus.SUBMITTED:
            return report
    return None
