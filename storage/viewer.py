"""Who is asking: every repository call takes a viewer, so access rules live here."""

from __future__ import annotations

from dataclasses import dataclass

from storage.models import Person, Role


@dataclass(frozen=True, slots=True)
class Viewer:
    """The person on whose behalf storage is read or written."""

    person_id: int | None
    role: Role
    municipality_id: int | None = None
    party_id: int | None = None

    @classmethod
    def of(cls, person: Person) -> Viewer:
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
