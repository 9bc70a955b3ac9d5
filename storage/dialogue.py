"""Conversation state per person, and the ids of events already handled."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from storage.crypto import Keyring
from storage.db import write_at_commit
from storage.models import ChannelBinding, Conversation, HandledEvent, Municipality, Party, Person
from storage.prepared import Prepared
from storage.viewer import Sender, Viewer


@dataclass(slots=True)
class ConversationRow:
    """A person's conversation state as stored (``prompt`` sealed), kept in step with the
    writes :meth:`ConversationRepo.save` queues for the commit."""

    person_id: int
    flow: str | None = None
    state: str | None = None
    step: int = 0
    prompt: bytes | None = None
    data: dict[str, Any] = field(default_factory=dict)
    updated_at: datetime | None = None


_COLUMNS = (
    Conversation.person_id,
    Conversation.flow,
    Conversation.state,
    Conversation.step,
    Conversation.prompt,
    Conversation.data,
    Conversation.updated_at,
)
_LOAD = Prepared(select(*_COLUMNS).where(Conversation.person_id == bindparam("person")))
_CREATE = Prepared(
    insert(Conversation).values(
        person_id=bindparam("person"),
        step=0,
        data=bindparam("data"),
        updated_at=bindparam("now"),
    )
)


class ConversationRepo:
    """Loads and stores the viewer's own conversation row. Never commits."""

    def __init__(self, session: AsyncSession, keyring: Keyring) -> None:
        self.session = session
        self.keyring = keyring

    def prompt_of(self, row: ConversationRow) -> dict[str, Any] | None:
        """Return the open prompt (sealed at rest: it may quote the person's answers)."""
        if row.prompt is None:
            return None
        value = self.keyring.open_json(
            row.prompt, table="conversation", column="prompt", row=row.person_id
        )
        return value if isinstance(value, dict) else None

    async def load(
        self, viewer: Viewer, now: datetime, loaded: ConversationRow | None = None
    ) -> ConversationRow:
        """Return the viewer's conversation, creating an idle one on first contact.

        ``loaded``: the row as it came with the person (:func:`arrive`)."""
        person = viewer.person_id
        assert person is not None  # noqa: S101 - a programming error, not input
        if loaded is not None and loaded.person_id == person:
            return loaded

        def run(sync: Session) -> ConversationRow:
            connection = sync.connection()
            found = _LOAD.rows(connection, {"person": person})
            if found:
                return ConversationRow(*found[0])
            _CREATE.run(connection, {"person": person, "data": {}, "now": now})
            return ConversationRow(person, updated_at=now)

        return await self.session.run_sync(run)

    def save(
        self,
        row: ConversationRow,
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
        # Every event ends here: one prepared UPDATE, sent with the commit.
        statement = _SAVE_STEP if new_step else _SAVE
        params = {"person": row.person_id, **{f"v_{k}": v for k, v in values.items()}}
        write_at_commit(self.session, ("conversation", row.person_id), statement, params)
        for key, value in values.items():
            setattr(row, key, value)


_SAVE_BASE = (
    update(Conversation)
    .where(Conversation.person_id == bindparam("person"))
    .values(
        flow=bindparam("v_flow"),
        state=bindparam("v_state"),
        data=bindparam("v_data"),
        updated_at=bindparam("v_updated_at"),
    )
)
_SAVE = Prepared(_SAVE_BASE)
_SAVE_STEP = Prepared(_SAVE_BASE.values(step=bindparam("v_step"), prompt=bindparam("v_prompt")))


def _claim(insert_for: Any) -> Prepared:
    return Prepared(
        insert_for(HandledEvent)
        .values(event_id=bindparam("event_id"), handled_at=bindparam("handled_at"))
        .on_conflict_do_nothing()
    )


_CLAIM: dict[str, Prepared] = {  # one per dialect (ON CONFLICT is spelled per dialect)
    "postgresql": _claim(pg_insert),
    "sqlite": _claim(sqlite_insert),
}

# The sender with their conversation: the row every event starts with.
_SENDER = (
    Person.id,
    Person.handle,
    Person.display_name,
    Person.role,
    Person.municipality_id,
    Person.party_id,
    Person.phone,
    Person.locale,
    Municipality.pack,
    Party.pack,
    Person.assignment,
)
_ARRIVAL = Prepared(
    select(*_SENDER, *_COLUMNS)
    .select_from(ChannelBinding)
    .join(Person, Person.id == ChannelBinding.person_id)
    .outerjoin(Municipality, Municipality.id == Person.municipality_id)
    .outerjoin(Party, Party.id == Person.party_id)
    .outerjoin(Conversation, Conversation.person_id == Person.id)
    .where(
        ChannelBinding.channel == bindparam("channel"),
        ChannelBinding.address == bindparam("address"),
    )
)


@dataclass(frozen=True, slots=True)
class Arrival:
    """What an incoming event finds: whether it is new, who sent it, where they were."""

    new: bool  # False: handled before (a redelivery), nothing was loaded
    person: Sender | None = None  # None: nobody is bound to the address yet
    conversation: ConversationRow | None = None  # None: no conversation row yet


async def arrive(
    session: AsyncSession, event_id: str, now: datetime, channel: str, address: str
) -> Arrival:
    """Claim the event id and load the sender with their conversation, in one hop into
    SQLAlchemy's sync layer (every event starts with these two statements)."""
    claim = _CLAIM[session.get_bind().dialect.name]

    def run(sync: Session) -> Arrival:
        connection = sync.connection()
        if claim.run(connection, {"event_id": event_id, "handled_at": now}) != 1:
            return Arrival(new=False)
        found = _ARRIVAL.rows(connection, {"channel": channel, "address": address})
        if not found:
            return Arrival(True)
        row = found[0]
        sender = Sender(*row[: len(_SENDER)])
        conversation = row[len(_SENDER) :]
        if conversation[0] is None:
            return Arrival(True, sender)
        return Arrival(True, sender, ConversationRow(*conversation))

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
