"""Invite codes: who may grant which role, codes as keyed hashes, and redeeming them."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.crypto import Keyring
from storage.models import (
    AuditEntry,
    ChannelBinding,
    Conversation,
    Invite,
    Municipality,
    Party,
    Person,
    Role,
)
from storage.trust import AuditRepo
from storage.viewer import Viewer

CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
SHORTEST, LONGEST = timedelta(hours=1), timedelta(hours=336)  # how long a code may be valid
MAX_FAILURES, FAILURE_WINDOW = 5, timedelta(hours=1)  # wrong codes per person, then a pause


class InviteError(Exception):
    """An invite code is unknown, used, expired, or the issuer may not grant the role."""


class InviteLimited(InviteError):
    """The person typed too many wrong codes lately: this one was not even checked."""


class IssuerGone(InviteError):
    """The code is valid, but whoever made it may no longer grant its role."""


class InviteOutdated(InviteError):
    """The code was made before the person using it lost their role: it does not undo that."""


def may_grant(issuer: Viewer, role: Role, municipality_id: int) -> bool:
    """True if the issuer, as their role is now, may grant ``role`` in the municipality: an
    admin anything, the municipality's own security unit anything but admin."""
    if issuer.is_admin:
        return True
    return (
        issuer.role is Role.MUNICIPAL_SECURITY
        and issuer.municipality_id == municipality_id
        and role is not Role.ADMIN
    )


def _code_hashes(keyring: Keyring, code: str) -> list[str]:
    """Keyed hashes (blind index) of a code under every configured key, current first."""
    normalised = code.strip().upper().replace("-", "").replace(" ", "")
    return [
        hmac.new(key, b"invite:" + normalised.encode(), hashlib.sha256).hexdigest()
        for key in keyring.index_keys()
    ]


def code_hash(keyring: Keyring, code: str) -> str:
    """The keyed hash of a code under the current key (what Invite.code_hash holds)."""
    return _code_hashes(keyring, code)[0]


@dataclass(frozen=True, slots=True)
class Redeemed:
    person: Person
    role: Role


class InviteRepo:
    """One-time codes that grant roles. Never commits."""

    def __init__(self, session: AsyncSession, keyring: Keyring) -> None:
        self.session = session
        self.keyring = keyring

    async def create(
        self,
        issuer: Viewer,
        *,
        role: Role,
        municipality: Municipality,
        party: Party | None,
        person: Person | None,
        now: datetime,
        valid_for: timedelta = timedelta(hours=72),
    ) -> str:
        """Create a code; only an admin or the municipality's security unit may."""
        if not SHORTEST <= valid_for <= LONGEST:
            raise InviteError("an invitation is valid for 1 to 336 hours")
        if not may_grant(issuer, Role.OFFICIAL, municipality.id):
            raise InviteError("only the municipal security unit or an admin issues roles")
        if role in (Role.PARTY_SECURITY, Role.OFFICIAL) and party is None:
            raise InviteError(f"role {role.value} needs a party")
        if not may_grant(issuer, role, municipality.id):
            raise InviteError("only an admin can grant admin")
        if party is not None and party.municipality_id != municipality.id:
            raise InviteError("the party belongs to another municipality")
        if (
            person is not None
            and not issuer.is_admin
            and (person.role is Role.ADMIN or person.municipality_id != municipality.id)
        ):
            # redeeming moves the named identity (and the cases it was alerted to)
            raise InviteError("the unit may only name people of its own municipality")
        chars = "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))
        row = Invite(
            code_hash=code_hash(self.keyring, chars),
            role=role,
            municipality_id=municipality.id,
            party_id=party.id if party else None,
            person_id=person.id if person else None,
            created_by=issuer.person_id,
            created_at=now,
            expires_at=now + valid_for,
        )
        self.session.add(row)
        await self.session.flush()
        # kept sealed, so that a key rotation can hash it again under the new key
        row.code = self.keyring.seal(chars.encode(), table="invite", column="code", row=row.id)
        await self.session.flush()
        return f"{chars[:4]}-{chars[4:8]}-{chars[8:]}"

    async def recent_failures(self, person: Person, now: datetime) -> int:
        """How many wrong codes the person typed within the last FAILURE_WINDOW."""
        place = AuditEntry.municipality_id
        count = await self.session.scalar(
            select(func.count(AuditEntry.id)).where(
                place.is_(None)
                if person.municipality_id is None
                else place == person.municipality_id,
                AuditEntry.at > now - FAILURE_WINDOW,
                AuditEntry.actor == person.handle,
                AuditEntry.action == "invite_failed",
            )
        )
        return int(count or 0)

    async def redeem(
        self, person: Person, code: str, now: datetime, address: tuple[str, str] | None = None
    ) -> Redeemed:
        """Bind the code's role to the person using it (once; before it expires).

        ``address`` (channel, address) it was typed from: a hold on it after an identity
        change ends (a fresh invite proves who it is), see storage.bindings."""
        # A wrong code is audited (never the code itself). After MAX_FAILURES within
        # FAILURE_WINDOW, the person's codes are refused unchecked, and not audited again.
        if await self.recent_failures(person, now) >= MAX_FAILURES:
            raise InviteLimited("too many wrong codes lately")
        invite = (
            await self.session.scalars(
                select(Invite)
                .where(Invite.code_hash.in_(_code_hashes(self.keyring, code[:40])))
                .with_for_update()
            )
        ).first()
        if invite is None or invite.used_at is not None or invite.expires_at <= now:
            AuditRepo(self.session).record(
                person.handle, "invite_failed", "-", person.municipality_id, now
            )
            raise InviteError("unknown, used or expired code")
        if invite.created_by is not None:
            # a code is only as good as its issuer's role now: one made by someone who has
            # since left the unit (or was revoked, moved, erased) grants nothing
            issuer = await self.session.get(Person, invite.created_by)
            if issuer is None or not may_grant(
                Viewer.of(issuer), invite.role, invite.municipality_id
            ):
                AuditRepo(self.session).record(
                    person.handle, "invite_issuer_gone", "-", invite.municipality_id, now
                )
                raise IssuerGone("the issuer may no longer grant this role")
        if person.revoked_at is not None and person.revoked_at >= invite.created_at:
            # a code she held from before she was revoked does not undo the revocation
            raise InviteOutdated("the code is older than the revocation")
        invite.used_at, invite.used_by = now, person.id
        invite.code = None  # used: nothing left to keep
        target = person
        if invite.person_id is not None and invite.person_id != person.id:
            # the invite names a directory person: this account becomes that person
            named = await self.session.get(Person, invite.person_id)
            if named is None:
                raise InviteError("the invited person no longer exists")
            channels = select(ChannelBinding.channel).where(ChannelBinding.person_id == person.id)
            # the new account replaces the named person's old one on the same channel (a lost
            # or handed-over phone must stop getting their alerts)
            await self.session.execute(
                delete(ChannelBinding).where(
                    ChannelBinding.person_id == named.id,
                    ChannelBinding.channel.in_(channels.scalar_subquery()),
                )
            )
            await self.session.execute(
                update(ChannelBinding)
                .where(ChannelBinding.person_id == person.id)
                .values(person_id=named.id)
            )
            await self.session.execute(
                delete(Conversation).where(Conversation.person_id == person.id)
            )
            named.locale = named.locale or person.locale
            target = named
        target.role = invite.role
        target.municipality_id = invite.municipality_id
        target.party_id = invite.party_id
        target.revoked_at = None
        if address is not None:
            await self.session.execute(
                update(ChannelBinding)
                .where(
                    ChannelBinding.channel == address[0],
                    ChannelBinding.address == address[1],
                    ChannelBinding.held_at.is_not(None),
                )
                .values(held_at=None, confirmed_at=now)
            )
        return Redeemed(target, invite.role)
