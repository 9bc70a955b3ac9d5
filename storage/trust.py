"""Who is who and what happened: revocation, the audit log, erasure, purging."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from storage.access import visible_alert, visible_cases
from storage.crypto import Keyring
from storage.directory import drop_invites_naming
from storage.errors import NotAllowed, NotFound
from storage.models import (
    Alert,
    AlertNote,
    AlertRecipient,
    AlertStatus,
    AuditEntry,
    ChannelBinding,
    Conversation,
    ErasedHandle,
    Invite,
    OfferedChoices,
    OutboxMessage,
    OutboxStatus,
    Person,
    Report,
    ReportStatus,
    Role,
    SentMessage,
    Timer,
    TimerState,
    WebLogin,
    WebSession,
)
from storage.viewer import Viewer


def tombstone_mac(keyring: Keyring, handle: str) -> str:
    """The keyed hash under which an erased handle is remembered (see ErasedHandle)."""
    key = keyring.index_keys()[0]
    return hmac.new(key, b"erased:" + handle.strip().encode(), hashlib.sha256).hexdigest()


def tombstone_macs(keyring: Keyring, handle: str) -> list[str]:
    """Return a handle's tombstone hashes under every configured key, current first."""
    # a tombstone made before a key rotation still holds while its key is configured
    message = b"erased:" + handle.strip().encode()
    return [hmac.new(key, message, hashlib.sha256).hexdigest() for key in keyring.index_keys()]


class Tombstones:
    """Handles of people erased at their request, kept only as keyed hashes. Never commits."""

    def __init__(self, session: AsyncSession, keyring: Keyring) -> None:
        self.session = session
        self.keyring = keyring

    async def erased_among(self, handles: Iterable[str]) -> set[str]:
        """Return the handles that belong to someone erased at their request."""
        stored = set((await self.session.scalars(select(ErasedHandle.handle_mac))).all())
        erased: set[str] = set()
        for handle in handles if stored else ():
            current, *older = tombstone_macs(self.keyring, handle)
            if current in stored:
                erased.add(handle)
            elif found := stored.intersection(older):
                erased.add(handle)
                # made under a key that is being retired: re-key it while the old key is here
                await self.session.execute(
                    update(ErasedHandle)
                    .where(ErasedHandle.handle_mac.in_(found))
                    .values(handle_mac=current)
                )
        return erased

    async def lift(self, handle: str) -> None:
        """Forget a handle's tombstone (the operator restores the person on purpose)."""
        await self.session.execute(
            delete(ErasedHandle).where(
                ErasedHandle.handle_mac.in_(tombstone_macs(self.keyring, handle))
            )
        )


class CaseLike(Protocol):
    """A case as the audit needs it (a Report, or a draft's row)."""

    @property
    def id(self) -> str: ...
    @property
    def category(self) -> str | None: ...


class AuditRepo:
    """The append-only audit log: rows are added, never changed or removed here."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    def record(
        self,
        actor: str,
        action: str,
        subject: str,
        municipality_id: int | None,
        now: datetime,
        *,
        report: CaseLike | None = None,
        alert: str | None = None,
    ) -> None:
        """Append an entry; ``report``: the case it is about, ``alert``: the id of the alert
        it is about, so that only people who may access that case, or see that alert, see
        the entry."""
        internal = report is not None and report.category == "internal"
        self.session.add(
            AuditEntry(
                at=now,
                actor=actor[:64],
                action=action[:32],
                subject=subject[:64],
                municipality_id=municipality_id,
                report_id=report.id if report is not None else None,
                alert_id=alert,
                # an internal case's or an alert's: hidden from all but the operator once gone
                restricted=internal or alert is not None,
            )
        )

    async def entries(self, viewer: Viewer, limit: int = 50, offset: int = 0) -> list[AuditEntry]:
        """Recent entries, newest first, ``offset`` of them skipped: the municipal unit sees
        its municipality's, but of entries about a case only those of cases it may access
        now (an internal case it was left out of stays hidden, even once purged), and of
        entries about an alert only those of alerts it may see now (one that went to a
        party alone never shows); an admin sees everything."""
        stmt = (
            select(AuditEntry)
            .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
            .limit(limit)
            .offset(max(0, offset))
        )
        if viewer.role is Role.MUNICIPAL_SECURITY and viewer.municipality_id is not None:
            case = aliased(Report)
            stmt = (
                stmt.outerjoin(case, case.id == AuditEntry.report_id)
                .where(AuditEntry.municipality_id == viewer.municipality_id)
                .where(
                    or_(
                        and_(
                            AuditEntry.report_id.is_(None),
                            AuditEntry.alert_id.is_(None),
                            AuditEntry.restricted.is_(False),
                        ),
                        and_(
                            AuditEntry.report_id.is_not(None),
                            case.id.is_(None),
                            AuditEntry.restricted.is_(False),
                        ),
                        and_(case.id.is_not(None), visible_cases(viewer, case)),
                        and_(
                            AuditEntry.alert_id.is_not(None),
                            visible_alert(viewer, AuditEntry.alert_id),
                        ),
                    )
                )
            )
        elif not viewer.is_admin:
            raise NotFound("audit log")
        return list((await self.session.scalars(stmt)).all())


@dataclass(frozen=True, slots=True)
class ErasureKinds:
    """What the conversation layer calls the things erasure stops (storage knows no flows)."""

    escalation_timer: str  # a timer whose subject is an alert id
    alert_message: str  # an outbox message that pages someone about an alert
    checkin_timer: str  # a timer whose subject is one of the person's report ids


@dataclass(frozen=True, slots=True)
class Erasure:
    drafts_deleted: int
    reports_pseudonymised: int
    alerts_withdrawn: int = 0
    checkins_cancelled: int = 0
    # (recipient id, alert id): people who were paged and must hear the alert is withdrawn
    withdrawn: tuple[tuple[int, str], ...] = ()


def _count(result: object) -> int:
    return int(getattr(result, "rowcount", 0) or 0)


class PeopleRepo:
    """Revocation and erasure of people. Never commits."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def revoke(self, handle: str, now: datetime) -> Person:
        """Take a person's role away at once (their chats keep working, unprivileged);
        NotAllowed if they have none to take."""
        person = (await self.session.scalars(select(Person).where(Person.handle == handle))).first()
        if person is None:
            raise NotFound("person")
        if person.role is Role.UNREGISTERED:
            raise NotAllowed("no role")
        person.role = Role.UNREGISTERED
        person.revoked_at = now
        await drop_invites_naming(self.session, person.id)
        return person

    async def open_alerts(self, person_id: int) -> list[str]:
        """Ids of the alerts about this person that still page someone (or could)."""
        rows = await self.session.scalars(
            select(Alert.id).where(
                Alert.subject_id == person_id,
                Alert.status.in_((AlertStatus.OPEN, AlertStatus.EXHAUSTED)),
            )
        )
        return list(rows.all())

    async def erase(
        self, person: Person, now: datetime, *, keyring: Keyring, kinds: ErasureKinds
    ) -> Erasure:
        """Erase a person; cases others must document are kept, pseudonymised. Their open
        alerts are withdrawn, their check-ins stop, and a tombstone keeps the org file
        from bringing them back."""
        old_handle = person.handle
        drafts = await self.session.execute(
            delete(Report).where(
                Report.reporter_id == person.id, Report.status == ReportStatus.DRAFT
            )
        )
        kept = (
            await self.session.scalar(
                select(func.count(Report.id)).where(Report.reporter_id == person.id)
            )
        ) or 0
        alerts = await self.open_alerts(person.id)
        withdrawn = await self.withdraw(alerts, now, kinds)
        # what she wrote around her alerts is not a case others must document: it goes
        mine = select(Alert.id).where(Alert.subject_id == person.id).scalar_subquery()
        await self.session.execute(
            delete(AlertNote)
            .where(AlertNote.alert_id.in_(mine))
            .execution_options(synchronize_session=False)
        )
        checkins = await self._stop_checkins(person.id, kinds.checkin_timer)
        # Messages still waiting for them (a check-in, "someone has taken your alert")
        # have nobody to reach any more.
        await self.session.execute(
            delete(OutboxMessage).where(
                OutboxMessage.recipient_id == person.id,
                OutboxMessage.status == OutboxStatus.PENDING,
            )
        )
        # An unused invite naming them would hand their identity to whoever redeems it.
        await self.session.execute(
            delete(Invite).where(Invite.person_id == person.id, Invite.used_at.is_(None))
        )
        await self.session.execute(delete(Conversation).where(Conversation.person_id == person.id))
        # Signed-in browsers and unused links into the web console end with them.
        await self.session.execute(delete(WebLogin).where(WebLogin.person_id == person.id))
        await self.session.execute(delete(WebSession).where(WebSession.person_id == person.id))
        # Their addresses go, and with them what a channel kept per address (the choices
        # last offered, the ids of messages the bot may still delete).
        bound = (
            await self.session.execute(
                select(ChannelBinding.channel, ChannelBinding.address).where(
                    ChannelBinding.person_id == person.id
                )
            )
        ).all()
        for table in (OfferedChoices, SentMessage):
            for channel, address in bound:
                await self.session.execute(
                    delete(table).where(table.channel == channel, table.address == address)
                )
        await self.session.execute(
            delete(ChannelBinding).where(ChannelBinding.person_id == person.id)
        )
        person.handle = f"erased-{secrets.token_hex(6)}"
        # The audit log is append-only everywhere else; this is the one sanctioned rewrite:
        # the person's old handle (often a first name) becomes their new, meaningless one,
        # so the trail of what was done stays whole without saying who it was.
        for column in (AuditEntry.actor, AuditEntry.subject):
            await self.session.execute(
                update(AuditEntry)
                .where(column == old_handle)
                .values({column.key: person.handle})
                .execution_options(synchronize_session=False)
            )
        await self._tombstone(tombstone_mac(keyring, old_handle), now)
        person.display_name = None
        person.phone = None
        person.assignment = None  # "ordförande i …": a title names her as well as a name
        person.locale = None
        person.role = Role.UNREGISTERED
        person.party_id = None
        person.municipality_id = None
        person.in_org_file = False
        person.erased_at = now
        return Erasure(_count(drafts), int(kept), len(alerts), checkins, withdrawn)

    async def withdraw(
        self, alerts: list[str], now: datetime, kinds: ErasureKinds
    ) -> tuple[tuple[int, str], ...]:
        """Withdraw the alerts (the person was erased, or the threat comes from those they
        went to): no escalation, no page still queued; return who was paged."""
        if not alerts:
            return ()
        await self.session.execute(
            update(Timer)
            .where(
                Timer.kind == kinds.escalation_timer,
                Timer.subject.in_(alerts),
                Timer.state == TimerState.PENDING,
            )
            .values(state=TimerState.CANCELLED)
        )
        await self.session.execute(
            update(Alert)
            .where(Alert.id.in_(alerts))
            .values(status=AlertStatus.WITHDRAWN)
            .execution_options(synchronize_session=False)
        )
        pages = (
            await self.session.execute(
                select(
                    OutboxMessage.id,
                    OutboxMessage.recipient_id,
                    OutboxMessage.payload,
                    OutboxMessage.status,
                    OutboxMessage.claimed_until,
                ).where(OutboxMessage.kind == kinds.alert_message)
            )
        ).all()
        wanted = set(alerts)
        dropped: list[int] = []
        unseen: set[tuple[int, str]] = set()  # queued, never sent: they saw nothing
        seen: set[tuple[int, str]] = set()
        for row_id, recipient, payload, status, claimed_until in pages:
            alert_id = str((payload or {}).get("alert", ""))
            if alert_id not in wanted:
                continue
            in_flight = claimed_until is not None and claimed_until > now
            if status is OutboxStatus.PENDING:
                dropped.append(row_id)
            if status is OutboxStatus.PENDING and not in_flight:
                unseen.add((recipient, alert_id))
            else:
                seen.add((recipient, alert_id))
        if dropped:
            await self.session.execute(delete(OutboxMessage).where(OutboxMessage.id.in_(dropped)))
        notified = await self.session.execute(
            select(AlertRecipient.person_id, AlertRecipient.alert_id)
            .where(
                AlertRecipient.alert_id.in_(alerts),
                AlertRecipient.notified_at.is_not(None),
                AlertRecipient.removed.is_(False),
                AlertRecipient.failed.is_(False),
            )
            .order_by(AlertRecipient.id)
        )
        return tuple(
            (person_id, alert_id)
            for person_id, alert_id in notified.all()
            if (person_id, alert_id) in seen or (person_id, alert_id) not in unseen
        )

    async def _stop_checkins(self, person_id: int, checkin_timer: str) -> int:
        """Cancel the check-ins planned on the person's reports (follow-ups keep running)."""
        theirs = select(Report.id).where(Report.reporter_id == person_id).scalar_subquery()
        await self.session.execute(
            update(Report)
            .where(Report.reporter_id == person_id)
            .values(checkins=False)
            .execution_options(synchronize_session=False)
        )
        result = await self.session.execute(
            update(Timer)
            .where(
                Timer.kind == checkin_timer,
                Timer.subject.in_(theirs),
                Timer.state == TimerState.PENDING,
            )
            .values(state=TimerState.CANCELLED)
        )
        return _count(result)

    async def _tombstone(self, handle_mac: str, now: datetime) -> None:
        """Remember the erased handle (keyed hash only) so the org file does not revive it."""
        found = (
            await self.session.scalars(
                select(ErasedHandle).where(ErasedHandle.handle_mac == handle_mac)
            )
        ).first()
        if found is None:
            self.session.add(ErasedHandle(handle_mac=handle_mac, erased_at=now))
        else:
            found.erased_at = now
