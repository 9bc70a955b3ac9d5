"""Who may act on a case or an alert: decided from the directory as it is now, on every read.

One rule, in two forms (a Python check for one case, an SQL condition for lists), tested
against each other:

- the reporter always sees their own case;
- a case is handled by the people it was sent to (alerted so far, as its plan says; in an
  internal case only the people the reporter chose), and only while their role still fits
  it: a security contact of the case's party in its municipality, or its municipality's
  security unit. A contact who was revoked, removed from the org file or moved to another
  party or municipality loses the case at once; a later level of the plan reads it only
  once it has been alerted;
- the municipal director of its municipality sees the header and checklist of a case that
  is not internal (they own the police-report step), never the report text nor the
  others' comments on the checklist (internal notes);
- the local operator at the server's command line (who holds the keys anyway) reads every
  submitted case whole, to export it for the archive.

Statistics count more widely than anyone reads (:func:`counted_cases`): the security unit
counts every sent case of its municipality, a party contact every case of their party there,
but an internal case only where the viewer may access it; whether they may read a counted
case decides if a small count of it must be hidden (storage.stats).

A viewer is built from the person's row at the start of every event, so a role taken away
or changed in the directory counts from the next event on.
"""

from __future__ import annotations

import enum
from collections.abc import Collection
from typing import Any

from sqlalchemy import ColumnElement, and_, exists, false, or_, select, true
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Alert, AlertRecipient, AlertStatus, Report, ReportStatus, Role
from storage.viewer import Viewer

INTERNAL = "internal"


class Access(enum.IntEnum):
    NONE = 0
    CHECKLIST = 1  # header and checklist only (municipal director)
    OWN = 2  # the reporter
    HANDLER = 3  # full report, checklist, follow-ups, closing


def in_scope(viewer: Viewer, municipality_id: int | None, party_id: int | None) -> bool:
    """True if the viewer's current role makes them a handler of this municipality and party."""
    if viewer.person_id is None or municipality_id is None:
        return False
    if viewer.municipality_id != municipality_id:
        return False
    if viewer.role is Role.MUNICIPAL_SECURITY:
        return True
    party = viewer.role is Role.PARTY_SECURITY and party_id is not None
    return party and viewer.party_id == party_id


def _alerted(report_id: object, person_id: int) -> ColumnElement[bool]:
    """The case has been sent to this person (alerted, not removed from it)."""
    return exists(
        select(AlertRecipient.id)
        .join(Alert, Alert.id == AlertRecipient.alert_id)
        .where(
            Alert.report_id == report_id,
            AlertRecipient.person_id == person_id,
            AlertRecipient.removed.is_(False),
            AlertRecipient.notified_at.is_not(None),
        )
    )


async def was_alerted(session: AsyncSession, report_id: str, person_id: int) -> bool:
    """True if the case has been sent to the person (and they were not removed from it)."""
    return bool(await session.scalar(select(_alerted(report_id, person_id))))


async def case_access(session: AsyncSession, viewer: Viewer, report: Report) -> Access:
    """Return what the viewer may do with a submitted case now."""
    if report.status is ReportStatus.DRAFT:
        return Access.NONE
    if viewer.person_id is None:
        return Access.HANDLER if viewer.is_admin else Access.NONE
    if (
        viewer.registered
        and in_scope(viewer, report.municipality_id, report.party_id)
        and await was_alerted(session, report.id, viewer.person_id)
    ):
        return Access.HANDLER
    if report.reporter_id == viewer.person_id:
        return Access.OWN
    internal = report.category == INTERNAL
    if (
        report.drill_id is None  # a drill's case is for the people in the drill
        and viewer.role is Role.MUNICIPAL_DIRECTOR
        and viewer.municipality_id is not None
        and viewer.municipality_id == report.municipality_id
        and not internal
    ):
        return Access.CHECKLIST
    return Access.NONE


def visible_cases(viewer: Viewer, case: Any = Report) -> ColumnElement[bool]:
    """The same rule as :func:`case_access` as an SQL condition on ``case`` (the Report
    entity or an alias of it): the cases the viewer may see at all (any access above NONE)."""
    if viewer.person_id is None:
        return case.status != ReportStatus.DRAFT if viewer.is_admin else false()
    own = case.reporter_id == viewer.person_id
    if not viewer.registered or viewer.municipality_id is None:
        return and_(own, case.status != ReportStatus.DRAFT)
    here = case.municipality_id == viewer.municipality_id
    not_internal = or_(case.category.is_(None), case.category != INTERNAL)
    if viewer.role is Role.MUNICIPAL_SECURITY:
        scope: ColumnElement[bool] = here
    elif viewer.role is Role.PARTY_SECURITY and viewer.party_id is not None:
        scope = and_(here, case.party_id == viewer.party_id)
    else:
        scope = false()
    handler = and_(scope, _alerted(case.id, viewer.person_id))
    director = (
        and_(here, not_internal, case.drill_id.is_(None))
        if viewer.role is Role.MUNICIPAL_DIRECTOR
        else false()
    )
    return and_(case.status != ReportStatus.DRAFT, or_(own, handler, director))


def alert_in_scope(viewer: Viewer, alert: Alert) -> bool:
    """True if the viewer's current role still fits the alert (its municipality and party)."""
    return viewer.registered and in_scope(viewer, alert.municipality_id, alert.party_id)


def visible_alert(viewer: Viewer, alert_id: Any) -> ColumnElement[bool]:
    """The rule of storage.alerts.AlertRepo.recipient as an SQL condition on ``alert_id``:
    the alert went to the viewer, was not taken off them nor withdrawn, and their role
    still fits it now (its municipality and, for a party's contact, its party)."""
    if viewer.person_id is None or not viewer.registered or viewer.municipality_id is None:
        return false()
    if viewer.role is Role.MUNICIPAL_SECURITY:
        fits: ColumnElement[bool] = true()
    elif viewer.role is Role.PARTY_SECURITY and viewer.party_id is not None:
        fits = Alert.party_id == viewer.party_id
    else:
        return false()
    return exists(
        select(AlertRecipient.id)
        .join(Alert, Alert.id == AlertRecipient.alert_id)
        .where(
            AlertRecipient.alert_id == alert_id,
            AlertRecipient.person_id == viewer.person_id,
            AlertRecipient.removed.is_(False),
            AlertRecipient.notified_at.is_not(None),
            Alert.status != AlertStatus.WITHDRAWN,
            Alert.municipality_id == viewer.municipality_id,
            fits,
        )
    )


CLOSED_GROUP = "closed_group"
"""The part of those who handle an internal case: the few people she chose do every staff
step of the routine, since the party's contacts and the director are kept out of it."""


def responsibility_key(access: Access, role: Role, category: str | None = None) -> str:
    """The routine's name for the viewer's part in a case: 'targeted' for the reporter, the
    closed group for those handling an internal case (``category``), else their role (as a
    pack's checklist names who is responsible for an item)."""
    if access is Access.OWN:
        return "targeted"
    if access is Access.HANDLER and category == INTERNAL:
        return CLOSED_GROUP
    return role.value


def responsible(key: str, responsible_roles: Collection[str]) -> bool:
    """Whether a part in a case answers an item the routine gives to ``responsible_roles``:
    the closed group of an internal case answers every staff item."""
    if key == CLOSED_GROUP:
        return any(role != "targeted" for role in responsible_roles)
    return key in responsible_roles


_WHOLE_MUNICIPALITY = frozenset({Role.MUNICIPAL_SECURITY, Role.MUNICIPAL_DIRECTOR})
"""Roles whose statistics count every sent case of their municipality."""


def keeps_statistics(viewer: Viewer) -> bool:
    """True if the viewer's role counts cases for statistics: the municipal security unit
    and the municipal director (its municipality: the director answers for revising the
    plan) or a party security contact (their party there); the operator too."""
    if viewer.person_id is None:
        return viewer.is_admin
    if not viewer.registered or viewer.municipality_id is None:
        return False
    if viewer.role in _WHOLE_MUNICIPALITY:
        return True
    return viewer.role is Role.PARTY_SECURITY and viewer.party_id is not None


def counted_cases(viewer: Viewer, case: Any = Report) -> ColumnElement[bool]:
    """The cases the viewer's statistics count, as an SQL condition on ``case``: the sent
    cases of their municipality (the security unit, the director) or of their party there (a
    party security contact), whether or not they were alerted; an internal case only if the
    viewer may access it (:func:`visible_cases`). The operator counts every sent case."""
    # a drill's case is practice: never counted, not even while the drill runs
    sent: ColumnElement[bool] = and_(case.status != ReportStatus.DRAFT, case.drill_id.is_(None))
    if not keeps_statistics(viewer):
        return false()
    if viewer.person_id is None:
        return sent
    here = case.municipality_id == viewer.municipality_id
    scope = (
        here if viewer.role in _WHOLE_MUNICIPALITY else and_(here, case.party_id == viewer.party_id)
    )
    not_internal = or_(case.category.is_(None), case.category != INTERNAL)
    return and_(sent, scope, or_(not_internal, visible_cases(viewer, case)))


def readable_in_statistics(viewer: Viewer, case: Any = Report) -> ColumnElement[bool]:
    """Whether the viewer may access a counted case itself (the operator: every case): a
    small count made only of such cases needs no hiding from them."""
    if viewer.person_id is None and viewer.is_admin:
        return true()
    return visible_cases(viewer, case)
