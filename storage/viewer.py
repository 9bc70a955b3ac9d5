"""Who is asking: every repository call takes a viewer, so access rules live here."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from storage.models import Municipality, Party, Person, Role


class _Someone(Protocol):
    @property
    def id(self) -> int: ...
    @property
    def role(self) -> Role: ...
    @property
    def municipality_id(self) -> int | None: ...
    @property
    def party_id(self) -> int | None: ...


@dataclass(frozen=True, slots=True)
class Sender:
    """The person behind an incoming event, as the one row every event loads: who they
    are, where they belong and which routine packs apply. Not an ORM object: storage
    methods that change a person load them by id."""

    id: int
    handle: str
    display_name: str | None
    role: Role
    municipality_id: int | None
    party_id: int | None
    phone: str | None
    locale: str | None
    municipality_pack: str | None  # None: no municipality
    party_pack: str | None  # the party's own pack, if it has one
    assignment: str | None = None  # function and committee, as the directory has them

    @classmethod
    def of(
        cls, person: Person, party: Party | None = None, municipality: Municipality | None = None
    ) -> Sender:
        """Describe a loaded person (with their party and municipality, if they have any)."""
        return cls(
            person.id,
            person.handle,
            person.display_name,
            person.role,
            person.municipality_id,
            person.party_id,
            person.phone,
            person.locale,
            municipality.pack if municipality is not None else None,
            party.pack if party is not None else None,
            person.assignment,
        )


@dataclass(frozen=True, slots=True)
class Viewer:
    """The person on whose behalf storage is read or written."""

    person_id: int | None
    role: Role
    municipality_id: int | None = None
    party_id: int | None = None

    @classmethod
    def of(cls, person: _Someone) -> Viewer:
        return cls(person.id, person.role, person.municipality_id, person.party_id)

    @classmethod
    def operator(cls) -> Viewer:
        """The local operator running the CLI on the server (trusted like an admin)."""
        return cls(None, Role.ADMIN)

    @property
    def registered(self) -> bool:
        return self.role is not Role.UNREGISTERED

    @property
    def is_admin(self) -> bool:
        return self.role is Role.ADMIN
