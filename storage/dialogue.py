"""Conversation state per person, and the ids of events already handled."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, delete, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.sql import Insert

from storage.crypto import Keyring
from storage.db import write_at_commit
from storage.directory import PERSON_FOR_ADDRESS
from storage.models import Conversation, HandledEvent, Person
from storage.viewer import Viewer


class ConversationRepo:
    """Loads and stores the viewer's own conversation row. Never commits."""

    def __init__(self, session: AsyncSession, keyring: Keyring) -> None:
        self.session = session
        self.keyring = keyring

    def prompt_of(self, row: Conversation) -> dict[str, Any] | None:
        """Return the open prompt (sealed at rest: it may quote the person's answers)."""
        if row.prompt is None:
            return None
        value = self.keyring.open_json(
            row.prompt, table="conversation", column="prompt", row=row.person_id
        )
        return value if isinstance(value, dict) else None

    async def load(self, viewer: Viewer, loaded: Conversation | None = None) -> Conversation:
        """Return the viewer's conversation, creating an idle one on first contact.

        ``loaded``: the row as it came with the person (:func:`arrive`)."""
        assert viewer.person_id is not None  # noqa: S101 - a programming error, not input
        if loaded is not None and loaded.person_id == viewer.person_id:
            return loaded
        row = await self.session.get(Conversation, viewer.person_id, with_for_update=False)
        if row is None:
            row = Conversation(person_id=viewer.person_id, step=0, data={})
            self.session.add(row)
        return row

    def save(
        self,
        row: Conversation,
        *,
        flow: str | None,
        state: str | None,
        prompt: dict[str, Any] | None,
        data: dict[str, Any],
        new_step: bool,
        now: datetime,
    ) -> None:
        """Record the next state; a new prompt gets a new step so old buttons go stale."""
        values: dict[str, Any] = {"flow": flow, "state": state, "data": dict(data)}
        if new_step:
            values["step"] = (row.step or 0) + 1
            values["prompt"] = (
                None
                if prompt is None
                else self.keyring.seal_json(
                    prompt, table="conversation", column="prompt", row=row.person_id
                )
            )
        values["updated_at"] = now
        if row in self.session.new:  # first contact: the row is inserted with the flush
            for key, value in values.items():
                setattr(row, key, value)
            return
        # Every event ends here: one prepared UPDATE, not the ORM's change tracking and
        # flush, sent with the commit; the loaded row is kept in step.
        statement = _SAVE_STEP if new_step else _SAVE
        params = {"person": row.person_id, **{f"v_{k}": v for k, v in values.items()}}
        write_at_commit(self.session, ("conversation", row.person_id), statement, params)
        for key, value in values.items():
            set_committed_value(row, key, value)


_SAVE = (
    update(Conversation)
    .where(Conversation.person_id == bindparam("person"))
    .values(
        flow=bindparam("v_flow"),
        state=bindparam("v_state"),
        data=bindparam("v_data"),
        updated_at=bindparam("v_updated_at"),
    )
)
_SAVE_STEP = _SAVE.values(step=bindparam("v_step"), prompt=bindparam("v_prompt"))

_CLAIM: dict[str, Insert] = {  # built once per dialect (see storage.directory)
    "postgresql": pg_insert(HandledEvent).on_conflict_do_nothing(),
    "sqlite": sqlite_insert(HandledEvent).on_conflict_do_nothing(),
}


@dataclass(frozen=True, slots=True)
class Arrival:
    """What an incoming event finds: whether it is new, who sent it, where they were."""

    new: bool  # False: handled before (a redelivery), nothing was loaded
    person: Person | None = None  # None: nobody is bound to the address yet
    conversation: Conversation | None = None  # None: no conversation row yet


async def arrive(
    session: AsyncSession, event_id: str, now: datetime, channel: str, address: str
) -> Arrival:
    """Claim the event id and load the sender with their conversation, in one hop into
    SQLAlchemy's sync layer (every event starts with these two statements)."""
    claim = _CLAIM[session.get_bind().dialect.name]

    def run(sync: Session) -> Arrival:
        claimed = sync.connection().execute(claim, {"event_id": event_id, "handled_at": now})
        if int(claimed.rowcount or 0) != 1:
            return Arrival(new=False)
        row = sync.execute(PERSON_FOR_ADDRESS, {"channel": channel, "address": address})
        found = row.one_or_none()
        return Arrival(True) if found is None else Arrival(True, found[0], found[1])

    return await session.run_sync(run)


class HandledEventRepo:
    """Handled inbound event ids (claimed by :func:`arrive`), so that a redelivered event
    is not applied twice."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def forget_before(self, cutoff: Any) -> int:
        result = await self.session.execute(
            delete(HandledEvent).where(HandledEvent.handled_at < cutoff)
        )
        return int(getattr(result, "rowcount", 0) or 0)
