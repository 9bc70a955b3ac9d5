"""The organisation directory: municipalities, parties, people and channel bindings."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import and_, bindparam, delete, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import joinedload, selectinload

from storage.errors import NotAllowed, NotFound
from storage.models import ChannelBinding, Invite, Municipality, Party, Person, Report, Role
from storage.phones import PHONE, international
from storage.prepared import Prepared
from storage.viewer import Viewer

# A binding that may be sent to: the platform has not said it is gone, nor that its identity
# changed (then nothing goes there until the person is confirmed again).
LIVE = and_(ChannelBinding.dead_at.is_(None), ChannelBinding.held_at.is_(None))


@dataclass(frozen=True, slots=True)
class ContactCard:
    """A person one may call: only what is needed to reach them."""

    person_id: int
    name: str  # "" for someone erased, or someone invited who has not given a name yet
    phone: str | None
    nameless: bool = False  # invited, no name yet: the reader is told so, never a handle


@dataclass(frozen=True, slots=True)
class PlaceName:
    """A municipality's name as the org file gives it, and its English name if it gives one."""

    name: str
    name_en: str | None = None

    @classmethod
    def of(cls, municipality: Municipality) -> PlaceName:
        return cls(municipality.name, municipality.name_en)


@dataclass(frozen=True, slots=True)
class Contacts:
    """The people and numbers a viewer may see when they need help."""

    municipality_name: PlaceName | None
    security_unit_phone: str | None
    switchboard_phone: str | None
    party_name: str | None
    party_security: tuple[ContactCard, ...]
    municipal_security: tuple[ContactCard, ...]


@dataclass(frozen=True, slots=True)
class DirectoryEntry:
    """One line of the directory as the operator sees it (keys, not names)."""

    person_id: int
    handle: str
    role: str
    party: str  # the party's key, or "-"
    municipality: str  # the municipality's key, or "-"


_PERSON_FOR_ADDRESS = (
    select(Person)
    .options(joinedload(Person.party), joinedload(Person.municipality))
    .join(ChannelBinding, ChannelBinding.person_id == Person.id)
    .where(
        ChannelBinding.channel == bindparam("channel"),
        ChannelBinding.address == bindparam("address"),
    )
)


def _card(person: Person) -> ContactCard:
    """A person's card; someone erased has no name, and a handle is an internal id, never
    shown as a name."""
    if person.erased_at is not None:
        return ContactCard(person.id, "", None)
    return ContactCard(person.id, person.display_name or "", person.phone, not person.display_name)


# Who an alert goes to: every submitted report and every /akut asks, so it is one
# statement for both lists and no ORM objects (see storage.prepared).
_QUIET_HOURS = Prepared(select(Municipality.quiet_hours).where(Municipality.id == bindparam("id")))
_SECURITY = Prepared(
    select(Person.id, Person.display_name, Person.phone, Person.role)
    .where(
        Person.municipality_id == bindparam("municipality_id"),
        or_(
            Person.role == Role.MUNICIPAL_SECURITY,
            and_(Person.role == Role.PARTY_SECURITY, Person.party_id == bindparam("party_id")),
        ),
    )
    .order_by(Person.id)
)


class DirectoryRepo:
    """Reads and writes the directory on behalf of a viewer. Never commits."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def person_for_address(self, channel: str, address: str) -> Person | None:
        """Return the person bound to a transport address, if any."""
        params = {"channel": channel, "address": address}
        return (await self.session.scalars(_PERSON_FOR_ADDRESS, params)).one_or_none()

    async def person_by_handle(self, handle: str) -> Person | None:
        return (
            await self.session.scalars(
                select(Person)
                .options(selectinload(Person.party), selectinload(Person.municipality))
                .where(Person.handle == handle)
            )
        ).one_or_none()

    async def person(self, person_id: int) -> Person:
        person = await self.session.get(Person, person_id)
        if person is None:
            raise NotFound("person")
        return person

    async def bind(self, channel: str, address: str, person: Person) -> None:
        """Bind a transport address to a person (replacing an earlier binding)."""
        existing = (
            await self.session.scalars(
                select(ChannelBinding).where(
                    ChannelBinding.channel == channel, ChannelBinding.address == address
                )
            )
        ).one_or_none()
        if existing is None:
            self.session.add(ChannelBinding(channel=channel, address=address, person_id=person.id))
        else:
            existing.person_id = person.id

    @staticmethod
    def platform_phone(person: Person, phone: str) -> None:
        """Keep the number the platform gives for a new address (Signal's, when shared) as
        the person's, if nothing else is known: whoever takes their alert can call them.
        The org file is authoritative for its people."""
        if person.phone is None and not person.in_org_file and PHONE.match(phone):
            person.phone = international(phone)[:40]

    async def addresses(self, person_id: int, *, live: bool = False) -> dict[str, str]:
        """Return the person's transport addresses by channel (``live``: only those that
        may be sent to: neither dead nor held)."""
        stmt = select(ChannelBinding.channel, ChannelBinding.address).where(
            ChannelBinding.person_id == person_id
        )
        if live:
            stmt = stmt.where(LIVE)
        rows = await self.session.execute(stmt)
        return {channel: address for channel, address in rows}

    async def create_unregistered(self, handle: str, locale: str | None) -> Person:
        """Create a person with no role in the directory (they can still get help)."""
        person = Person(handle=handle, role=Role.UNREGISTERED, locale=locale)
        self.session.add(person)
        await self.session.flush()
        return person

    async def set_locale(self, viewer: Viewer, locale: str) -> None:
        """Remember the viewer's language."""
        if viewer.person_id is None:
            raise NotFound("person")
        person = await self.person(viewer.person_id)
        person.locale = locale

    async def set_own_card(
        self, viewer: Viewer, *, name: str | None = None, phone: str | None = None
    ) -> None:
        """Let an invited person give their own name and phone number (those who help them
        see these). The org file is authoritative for its people: they change nothing here."""
        if viewer.person_id is None or not viewer.registered:
            raise NotFound("person")
        person = await self.person(viewer.person_id)
        if person.in_org_file:
            raise NotAllowed("card")
        if name is not None:
            person.display_name = name[:200]
        if phone is not None:
            person.phone = phone[:40]

    async def _published_for(self, viewer: Viewer) -> Contacts:
        named = await self.session.scalar(
            select(Report.municipality_id)
            .where(Report.reporter_id == viewer.person_id, Report.municipality_id.is_not(None))
            .order_by(Report.updated_at.desc())
            .limit(1)
        )
        place = await self.session.get(Municipality, named) if named is not None else None
        if place is None:
            return Contacts(None, None, None, None, (), ())
        return Contacts(PlaceName.of(place), place.security_unit_phone, None, None, (), ())

    async def contacts_for(self, viewer: Viewer) -> Contacts:
        """Return the security contacts the viewer may see: own party, own municipality.
        Someone unregistered sees only the published numbers of the municipality their
        latest report names, if any (never a person)."""
        if not viewer.registered:
            return await self._published_for(viewer)
        if viewer.municipality_id is None:
            return Contacts(None, None, None, None, (), ())
        municipality = await self.session.get(Municipality, viewer.municipality_id)
        if municipality is None:
            raise NotFound("municipality")
        party = await self.session.get(Party, viewer.party_id) if viewer.party_id else None
        party_security: Sequence[Person] = ()
        if party is not None:
            party_security = (
                await self.session.scalars(
                    select(Person)
                    .where(
                        Person.role == Role.PARTY_SECURITY,
                        Person.party_id == party.id,
                        Person.municipality_id == municipality.id,
                        Person.id != viewer.person_id,
                    )
                    .order_by(Person.id)
                )
            ).all()
        unit = (
            await self.session.scalars(
                select(Person)
                .where(
                    Person.role == Role.MUNICIPAL_SECURITY,
                    Person.municipality_id == municipality.id,
                    Person.id != viewer.person_id,
                )
                .order_by(Person.id)
            )
        ).all()
        return Contacts(
            municipality_name=PlaceName.of(municipality),
            security_unit_phone=municipality.security_unit_phone,
            switchboard_phone=municipality.switchboard_phone,
            party_name=party.name if party else None,
            party_security=tuple(_card(p) for p in party_security),
            municipal_security=tuple(_card(p) for p in unit),
        )

    async def municipalities(self) -> list[tuple[str, str]]:
        """Return (key, name) of every municipality (published information)."""
        rows = await self.session.execute(
            select(Municipality.key, Municipality.name).order_by(Municipality.name)
        )
        return [(key, name) for key, name in rows]

    async def unit_numbers(self) -> list[tuple[PlaceName, str, str | None]]:
        """Return (name, security unit's phone, switchboard) of every municipality, by name
        (published information: what someone not yet in Trygg may call)."""
        rows = await self.session.scalars(select(Municipality).order_by(Municipality.name))
        return [(PlaceName.of(m), m.security_unit_phone, m.switchboard_phone) for m in rows]

    async def municipality_by_key(self, key: str) -> Municipality | None:
        return (
            await self.session.scalars(select(Municipality).where(Municipality.key == key))
        ).one_or_none()

    async def party_by_key(self, municipality_id: int, key: str) -> Party | None:
        return (
            await self.session.scalars(
                select(Party).where(Party.municipality_id == municipality_id, Party.key == key)
            )
        ).one_or_none()

    async def municipality_id(self, key: str) -> int | None:
        row = await self.municipality_by_key(key)
        return row.id if row else None

    async def quiet_hours(self, municipality_id: int) -> str | None:
        """Return the municipality's quiet hours as its org file sets them (None: unset)."""
        params = {"id": municipality_id}
        rows = await self.session.run_sync(lambda s: _QUIET_HOURS.rows(s.connection(), params))
        return rows[0][0] if rows else None

    async def security_of(
        self, municipality_id: int | None, party_id: int | None
    ) -> tuple[list[ContactCard], list[ContactCard]]:
        """Return (the party's security contacts, the municipality's security unit), each
        first appointed first, in one statement."""
        if municipality_id is None:
            return [], []
        params = {"municipality_id": municipality_id, "party_id": party_id}
        rows = await self.session.run_sync(lambda s: _SECURITY.rows(s.connection(), params))
        party: list[ContactCard] = []
        unit: list[ContactCard] = []
        for person_id, name, phone, role in rows:
            card = ContactCard(person_id, name or "", phone, not name)
            (unit if role is Role.MUNICIPAL_SECURITY else party).append(card)
        return party, unit

    async def municipal_security(self, municipality_id: int | None) -> list[ContactCard]:
        """Return the people of a municipality's security unit."""
        return (await self.security_of(municipality_id, None))[1]

    async def describe(
        self, viewer: Viewer, person_id: int
    ) -> tuple[ContactCard, str | None, PlaceName | None]:
        """Return a person's card with party and municipality names (for an alert); to
        someone not in Trygg, no one else's number (published ones are the units')."""
        row = (
            await self.session.execute(
                select(Person, Party.name, Municipality.name, Municipality.name_en)
                .outerjoin(Party, Party.id == Person.party_id)
                .outerjoin(Municipality, Municipality.id == Person.municipality_id)
                .where(Person.id == person_id)
            )
        ).one_or_none()
        if row is None:
            raise NotFound("person")
        person, party, municipality, municipality_en = row
        place = PlaceName(municipality, municipality_en) if municipality is not None else None
        card = _card(person)
        if not viewer.registered and person.id != viewer.person_id:
            card = replace(card, phone=None)
        return card, party, place

    # --- administration (the operator's CLI) -------------------------------------------

    async def upsert_municipality(
        self,
        viewer: Viewer,
        key: str,
        name: str,
        unit_phone: str,
        switchboard: str | None,
        pack: str = "oxelosund",
        name_en: str | None = None,
    ) -> Municipality:
        _require_admin(viewer)
        row = (
            await self.session.scalars(select(Municipality).where(Municipality.key == key))
        ).one_or_none()
        if row is None:
            row = Municipality(key=key)
            self.session.add(row)
        row.name, row.security_unit_phone, row.switchboard_phone = name, unit_phone, switchboard
        row.name_en = name_en
        row.pack = pack
        await self.session.flush()
        return row

    async def upsert_party(
        self,
        viewer: Viewer,
        municipality: Municipality,
        key: str,
        name: str,
        pack: str | None = None,
    ) -> Party:
        _require_admin(viewer)
        row = (
            await self.session.scalars(
                select(Party).where(Party.municipality_id == municipality.id, Party.key == key)
            )
        ).one_or_none()
        if row is None:
            row = Party(municipality_id=municipality.id, key=key)
            self.session.add(row)
        row.name, row.pack = name, pack
        await self.session.flush()
        return row

    async def upsert_person(
        self,
        viewer: Viewer,
        *,
        handle: str,
        name: str,
        role: Role,
        municipality: Municipality | None,
        party: Party | None,
        phone: str | None,
        locale: str | None,
        assignment: str | None = None,
    ) -> Person:
        _require_admin(viewer)
        row = await self.person_by_handle(handle)
        if row is None:
            row = Person(handle=handle)
            self.session.add(row)
        before = (row.role, row.municipality_id, row.party_id)
        row.display_name, row.role, row.phone = name, role, phone
        row.assignment = assignment
        row.in_org_file = True
        if row.revoked_at is not None:  # revoked: only a new invitation gives a role back
            row.role = Role.UNREGISTERED
        row.municipality_id = municipality.id if municipality else None
        row.party_id = party.id if party else None
        if row.id is not None and before != (row.role, row.municipality_id, row.party_id):
            await drop_invites_naming(self.session, row.id)
        if locale is not None:
            row.locale = locale
        await self.session.flush()
        return row

    async def org_file_people(self, viewer: Viewer) -> list[DirectoryEntry]:
        """Return everyone who holds a role the organisation file gave them."""
        _require_admin(viewer)
        stmt = (
            select(Person)
            .where(
                Person.in_org_file.is_(True),
                Person.role != Role.UNREGISTERED,
                Person.erased_at.is_(None),
            )
            .options(selectinload(Person.party), selectinload(Person.municipality))
            .order_by(Person.handle)
        )
        return [_entry(p) for p in (await self.session.scalars(stmt)).all()]

    async def remove_role(self, viewer: Viewer, person_id: int, now: datetime) -> Person:
        """Take away a role the organisation file gave, as a revocation does."""
        # Party and municipality stay, so their unit still sees the audit entries; a later
        # load of the file does not give the role back (revoked_at), a new invitation does.
        _require_admin(viewer)
        person = await self.person(person_id)
        person.role = Role.UNREGISTERED
        person.revoked_at = now
        person.in_org_file = False
        await drop_invites_naming(self.session, person.id)
        return person

    async def listing(self, viewer: Viewer) -> list[tuple[str, str, str, str]]:
        """Return (handle, role, party, municipality) for every directory person."""
        _require_admin(viewer)
        stmt = (
            select(Person)
            .where(Person.role != Role.UNREGISTERED)
            .options(selectinload(Person.party), selectinload(Person.municipality))
            .order_by(Person.handle)
        )
        return [
            (e.handle, e.role, e.party, e.municipality)
            for e in map(_entry, (await self.session.scalars(stmt)).all())
        ]


async def drop_invites_naming(session: AsyncSession, person_id: int) -> None:
    """Delete the unused invites naming the person: each was made for who they were, and
    must not undo a change of their role, party or municipality (nor a revocation)."""
    await session.execute(
        delete(Invite).where(Invite.person_id == person_id, Invite.used_at.is_(None))
    )


def _entry(person: Person) -> DirectoryEntry:
    return DirectoryEntry(
        person.id,
        person.handle,
        person.role.value,
        person.party.key if person.party else "-",
        person.municipality.key if person.municipality else "-",
    )


def _require_admin(viewer: Viewer) -> None:
    if not viewer.is_admin:
        raise NotFound("directory administration")
