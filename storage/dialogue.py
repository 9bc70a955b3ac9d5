"""Conversation state per person, and the ids of events already handled."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, delete, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.sql import Insert

from storage.crypto import Keyring
from storage.db import execute_core
from storage.models import Conversation, HandledEvent
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

        ``loaded``: the row as it came with the person (DirectoryRepo.person_and_conversation)."""
        assert viewer.person_id is not None  # noqa: S101 - a programming error, not input
        if loaded is not None and loaded.person_id == viewer.person_id:
            return loaded
        row = await self.session.get(Conversation, viewer.person_id, with_for_update=False)
        if row is None:
            row = Conversation(person_id=viewer.person_id, step=0, data={})
            self.session.add(row)
        return row

    async def save(
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
        # flush (a third of the cost of a unit of work); the loaded row is kept in step.
        statement = _SAVE_STEP if new_step else _SAVE
        params = {"person": row.person_id, **{f"v_{k}": v for k, v in values.items()}}
        await execute_core(self.session, statement, params)
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


class HandledEventRepo:
    """Remembers handled inbound event ids so a redelivered event is not applied twice."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def claim(self, event_id: str, now: datetime) -> bool:
        """Record the event id; False if it was handled before (one statement, no race)."""
        statement = _CLAIM[self.session.get_bind().dialect.name]  # Core: no ORM bulk path
        params = {"event_id": event_id, "handled_at": now}
        result = await execute_core(self.session, statement, params)
        return int(result.rowcount or 0) == 1

    async def forget_before(self, cutoff: Any) -> int:
        result = await self.session.execute(
            delete(HandledEvent).where(HandledEvent.handled_at < cutoff)
        )
        return int(getattr(result, "rowcount", 0) or 0)
