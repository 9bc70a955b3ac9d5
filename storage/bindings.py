"""The state of a channel address: gone (dead), held after an identity change, confirmed.

A dead address gets nothing until the person writes from it again. A held address gets no
case content until the person is confirmed: by the municipal security unit of their
municipality, or by a fresh invite redeemed from that address. Confirmed (``confirmed_at``)
means the platform has not yet been told to trust the new identity; the transport does
that at its next send and takes the mark away (:meth:`BindingRepo.take_confirmed`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.errors import NotAllowed, NotFound
from storage.models import ChannelBinding, Person, Role
from storage.trust import AuditRepo
from storage.viewer import Viewer

CONFIRMED_FOR = timedelta(days=3)
"""A confirmation is used at the next identity failure within this time, never later: an
old confirmation must not let a later, unconfirmed identity change through."""


@dataclass(frozen=True, slots=True)
class Held:
    """A binding just put on hold: which one and whose (for the unit's notice)."""

    binding_id: int
    person_id: int
    channel: str
    municipality_id: int | None


class BindingRepo:
    """Marks addresses dead, held or confirmed. Never commits."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def _find(self, channel: str, address: str) -> ChannelBinding | None:
        return (
            await self.session.scalars(
                select(ChannelBinding).where(
                    ChannelBinding.channel == channel, ChannelBinding.address == address
                )
            )
        ).one_or_none()

    async def mark_dead(self, channel: str, address: str, now: datetime) -> bool:
        """The platform says the address is gone; return True if it was live until now."""
        binding = await self._find(channel, address)
        if binding is None or binding.dead_at is not None:
            return False
        binding.dead_at = now
        return True

    async def revive(self, channel: str, address: str) -> None:
        """The person wrote from the address: it is live again."""
        await self.session.execute(
            update(ChannelBinding)
            .where(
                ChannelBinding.channel == channel,
                ChannelBinding.address == address,
                ChannelBinding.dead_at.is_not(None),
            )
            .values(dead_at=None)
        )

    async def hold(self, channel: str, address: str, now: datetime) -> Held | None:
        """The address's identity changed: hold it; return it if it was not held already."""
        binding = await self._find(channel, address)
        if binding is None or binding.held_at is not None:
            return None
        binding.held_at, binding.confirmed_at = now, None
        person = await self.session.get(Person, binding.person_id)
        municipality = person.municipality_id if person is not None else None
        return Held(binding.id, binding.person_id, binding.channel, municipality)

    async def describe(self, binding_id: int) -> tuple[ChannelBinding, Person] | None:
        """A binding and its person (for a notice about it); None if gone."""
        binding = await self.session.get(ChannelBinding, binding_id)
        if binding is None:
            return None
        person = await self.session.get(Person, binding.person_id)
        return (binding, person) if person is not None else None

    async def may_confirm(self, viewer: Viewer, binding_id: int) -> ChannelBinding:
        """The binding, if the viewer may confirm it: the municipal security unit of the
        person's municipality, as the directory says now (never the role a button was
        sent to). Raises NotFound / NotAllowed otherwise."""
        found = await self.describe(binding_id)
        if found is None or viewer.person_id is None:
            raise NotFound("binding")
        binding, person = found
        confirmer = await self.session.get(Person, viewer.person_id)
        if (
            confirmer is None
            or confirmer.role is not Role.MUNICIPAL_SECURITY
            or confirmer.municipality_id is None
            or confirmer.municipality_id != person.municipality_id
            or confirmer.id == person.id
        ):
            raise NotAllowed("only the person's municipal security unit confirms")
        return binding

    async def confirm(self, viewer: Viewer, binding_id: int, now: datetime) -> bool:
        """The unit confirms it is the person: the hold ends; return False if it was not
        held (confirmed already, or a fresh invite ended it)."""
        binding = await self.may_confirm(viewer, binding_id)
        if binding.held_at is None:
            return False
        binding.held_at, binding.confirmed_at = None, now
        confirmer = await self.session.get(Person, viewer.person_id)
        person = await self.session.get(Person, binding.person_id)
        if confirmer is None or person is None:  # checked in may_confirm
            raise NotFound("person")
        AuditRepo(self.session).record(
            confirmer.handle, "identity_confirmed", person.handle, person.municipality_id, now
        )
        return True

    async def confirm_by_invite(self, channel: str, address: str, now: datetime) -> bool:
        """A fresh invite was redeemed from the address: the hold ends."""
        binding = await self._find(channel, address)
        if binding is None or binding.held_at is None:
            return False
        binding.held_at, binding.confirmed_at = None, now
        return True

    async def take_confirmed(self, channel: str, address: str, now: datetime) -> bool:
        """Whether the address was confirmed after a hold (recently, see CONFIRMED_FOR) and
        the platform not yet told; the mark is taken away either way."""
        binding = await self._find(channel, address)
        if binding is None or binding.confirmed_at is None:
            return False
        recent = now - binding.confirmed_at <= CONFIRMED_FOR and binding.held_at is None
        binding.confirmed_at = None
        return recent

    async def is_held(self, channel: str, address: str) -> bool:
        binding = await self._find(channel, address)
        return binding is not None and binding.held_at is not None

    async def counts(self, channel: str) -> tuple[int, int]:
        """How many addresses on the channel are (dead, held)."""
        dead = await self.session.scalar(
            select(func.count(ChannelBinding.id)).where(
                ChannelBinding.channel == channel, ChannelBinding.dead_at.is_not(None)
            )
        )
        held = await self.session.scalar(
            select(func.count(ChannelBinding.id)).where(
                ChannelBinding.channel == channel, ChannelBinding.held_at.is_not(None)
            )
        )
        return int(dead or 0), int(held or 0)
