"""Who is alerted, in which order, according to the organisation's plan (a routine pack)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from conversations.flow import Context
from conversations.packs import Pack
from storage.directory import ContactCard, DirectoryRepo

Levels = list[list[ContactCard]]


async def alert_levels(
    session: AsyncSession,
    *,
    exclude: int | None,
    municipality_id: int | None,
    party_id: int | None,
    category: str | None,
    pack: Pack,
    unverified: bool,
    report: bool,
) -> Levels:
    """Return escalation levels: who is alerted first, and who next if nobody answers.

    Default: the first party security contact, then the second, then the municipal
    security unit. The unit is alerted at once when the category is one the plan sends
    there (municipal assignment), when the plan says every report goes there
    (Staffanstorp), and for an unregistered reporter (who names the municipality).
    Read from the directory as it is now; ``exclude``: the person asking for help.
    """
    party, unit = await DirectoryRepo(session).security_of(municipality_id, party_id)
    party = [] if unverified else [c for c in party if c.person_id != exclude]
    unit = [c for c in unit if c.person_id != exclude]
    alerting = pack.alerting
    unit_at_once = unverified or (
        alerting is not None
        and (
            (report and alerting.always_municipal_unit)
            or (category or "") in alerting.municipal_unit_categories
        )
    )
    levels: Levels = []
    if party:
        levels.append([party[0], *(unit if unit_at_once else [])])
        levels += [[contact] for contact in party[1:]]
        if not unit_at_once and unit:
            levels.append(unit)
    elif unit:
        levels.append(unit)
    return levels


def without(levels: Levels, excluded: set[int]) -> Levels:
    """Drop excluded people (internal cases); empty levels disappear."""
    kept = [[c for c in level if c.person_id not in excluded] for level in levels]
    return [level for level in kept if level]


def handler_first(levels: Levels, handler: int | None) -> Levels:
    """The one who handles the case first, alone, then the rest in their order: a call she
    asks for in her case goes to the person she knows has it."""
    first = [c for level in levels for c in level if c.person_id == handler][:1]
    return [first, *without(levels, {handler or 0})] if first else levels


def everyone(levels: Levels) -> list[ContactCard]:
    return [contact for level in levels for contact in level]


def escalation_lines(ctx: Context, levels: Levels, wait: str) -> list[str]:
    """Say in plain words who is alerted next, and when, if nobody takes it."""
    _ = ctx._
    names = [", ".join(c.name for c in level) for level in levels[1:]]
    if not names:
        return []
    lines = [
        _("If nobody takes it within {wait}, I alert {names}.").format(wait=wait, names=names[0])
    ]
    if len(names) == 2:
        lines.append(
            _("If still nobody has taken it after another {wait}, I alert {names}.").format(
                wait=wait, names=names[1]
            )
        )
    elif len(names) > 2:
        lines.append(
            _("If still nobody has taken it, after another {wait} each: {names}.").format(
                wait=wait, names=" → ".join(names[1:])
            )
        )
    return lines
