"""Whether a police report was decided and made, in one line on the staff's card ("Polisanmälan:
ja, gjord 3 december"): the director files it when she decides so, and reads no report."""

from __future__ import annotations

from conversations.flow import Context
from conversations.i18n import DISPLAY_TZ, format_day
from conversations.packs import Pack
from conversations.stats import ptu
from storage.access import Access
from storage.cases import ItemState
from storage.models import Report
from storage.reports import ReportRepo


async def police_line(
    ctx: Context, report: Report, pack: Pack, state: dict[str, ItemState], access: Access
) -> str | None:
    """The police report's state for staff: made (the checklist's "Ja", with its day), not
    to be made ("Inte aktuellt"), decided in the report but not made yet, or not decided
    yet; None for the targeted person, or a plan that has no police report."""
    if access is Access.OWN or not _has_police_report(pack):
        return None
    _ = ctx._
    done = next((state[i] for i in sorted(ptu.POLICE_CHECKS) if i in state), None)
    if done is not None and done.answer == "yes":
        day = done.answered_at.astimezone(DISPLAY_TZ).date()
        today = ctx.now.astimezone(DISPLAY_TZ).date()
        return _("Police report: yes, made {day}").format(
            day=format_day(day, today, ctx.locale, weekday=False)
        )
    if done is not None and done.answer == "na":
        return _("Police report: no, not to be made")
    chosen = await ReportRepo(ctx.session, ctx.keyring).decided_measures(ctx.viewer, report)
    if ptu.POLICE_MEASURE in chosen:
        return _("Police report: yes, decided in the report – not made yet")
    return _("Police report: not decided yet")


def _has_police_report(pack: Pack) -> bool:
    """Whether the plan offers a police report at all (as a measure or a checklist item)."""
    measures = {m.id for m in pack.measures}
    items = {i.id for i in pack.checklist}
    return ptu.POLICE_MEASURE in measures or bool(items & ptu.POLICE_CHECKS)
