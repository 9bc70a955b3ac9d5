"""Conversation state per person, and the ids of events already handled."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import bindparam, case, delete, func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session, aliased

from storage.crypto import CryptoError, Keyring
from storage.db import write_at_commit
from storage.leases import lock_person
from storage.models import ChannelBinding, Conversation, HandledEvent, Municipality, Party, Person
from storage.prepared import Prepared
from storage.viewer import Sender, Viewer

log = logging.getLogger(__name__)


@dataclass(slots=True)
class ConversationRow:
    """A person's conversation state as stored (``prompt`` sealed), kept in step with the
    writes :meth:`ConversationRepo.save` queues for the commit."""

    person_id: int
    flow: str | None = None
    state: str | None = None
    step: int = 0
    prompt: bytes | None = None
    reply_no: int = 0  # the last event's replies ...
    sent_no: int = 0  # ... and the last ones the transport confirmed
    replies: bytes | None = None  # sealed: see Outgoing
    resent_at: datetime | None = None  # replies lost in a crash were sent again then
    data: dict[str, Any] = field(default_factory=dict)
    updated_at: datetime | None = None

    @property
    def unsent(self) -> bool:
        """Whether replies were committed that the transport has not confirmed sending."""
        return self.reply_no > self.sent_no


@dataclass(frozen=True, slots=True)
class Outgoing:
    """An event's replies (as JSON), kept with its step until the transport confirms them
    sent, so that a crash in between does not lose them; and what a retyped answer is
    compared with after they were sent again. Sealed at rest: replies quote answers."""

    channel: str  # where the person wrote, so the replies go there again
    address: str
    locale: str
    run: str  # the process that committed them: another one means they died with it
    replies: tuple[dict[str, Any], ...]
    answer: str | None = None  # the text these replies answer
    question: str | None = None  # the question that text answered
    guard: tuple[str, str | None] | None = None  # (answer, question) checked since a re-send

    def to_json(self) -> dict[str, Any]:
        return {
            "to": [self.channel, self.address],
            "locale": self.locale,
            "run": self.run,
            "replies": list(self.replies),
            "answer": self.answer,
            "question": self.question,
            "guard": None if self.guard is None else list(self.guard),
        }

    @classmethod
    def from_json(cls, value: Any) -> Outgoing | None:
        if not isinstance(value, dict):
            return None
        to, replies, guard = value.get("to"), value.get("replies"), value.get("guard")
        if not (isinstance(to, list) and len(to) == 2 and isinstance(replies, list)):
            return None
        return cls(
            str(to[0]),
            str(to[1]),
            str(value.get("locale") or ""),
            str(value.get("run") or ""),
            tuple(r for r in replies if isinstance(r, dict)),
            _text(value.get("answer")),
            _text(value.get("question")),
            (str(guard[0]), _text(guard[1]))
            if isinstance(guard, list) and len(guard) == 2 and isinstance(guard[0], str)
            else None,
        )


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


_COLUMNS = (
    Conversation.person_id,
    Conversation.flow,
    Conversation.state,
    Conversation.step,
    Conversation.prompt,
    Conversation.reply_no,
    Conversation.sent_no,
    Conversation.replies,
    Conversation.resent_at,
    Conversation.data,
    Conversation.updated_at,
)
_LOAD = Prepared(select(*_COLUMNS).where(Conversation.person_id == bindparam("person")))
_CREATE = Prepared(
    insert(Conversation).values(
        person_id=bindparam("person"),
        step=0,
        reply_no=0,
        sent_no=0,
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

    def outgoing_of(self, row: ConversationRow) -> Outgoing | None:
        """Return the last replies kept with the row (None: none, or they cannot be read)."""
        if row.replies is None:
            return None
        return _open_outgoing(self.keyring, row.person_id, row.replies)

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
        outgoing: Outgoing | None = None,
        resent_at: datetime | None = None,
        sent_no: int = 0,
    ) -> None:
        """Record the next state; a new prompt gets a new step so old buttons go stale.

        ``outgoing``: the event's replies, numbered and kept until the transport confirms
        them (:func:`record_sent`, or ``sent_no`` here). ``resent_at``: keep (or start)
        checking for retyped answers after a re-send; None ends it.
        """
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
        if outgoing is not None:
            values["reply_no"] = row.reply_no + 1
            values["replies"] = self.keyring.seal_json(
                outgoing.to_json(), table="conversation", column="replies", row=row.person_id
            )
        if sent_no > row.sent_no:
            values["sent_no"] = sent_no
        if resent_at is not None or row.resent_at is not None:
            values["resent_at"] = resent_at
        values["updated_at"] = now
        # Every event ends here: one prepared UPDATE, sent with the commit.
        statement = _save_statement(tuple(values))
        params = {"person": row.person_id, **{f"v_{k}": v for k, v in values.items()}}
        write_at_commit(self.session, ("conversation", row.person_id), statement, params)
        for key, value in values.items():
            setattr(row, key, value)


_SAVES: dict[tuple[str, ...], Prepared] = {}


def _save_statement(columns: tuple[str, ...]) -> Prepared:
    """The prepared UPDATE of these columns of a person's conversation (made once each)."""
    statement = _SAVES.get(columns)
    if statement is None:
        statement = _SAVES[columns] = Prepared(
            update(Conversation)
            .where(Conversation.person_id == bindparam("person"))
            .values({column: bindparam(f"v_{column}") for column in columns})
        )
    return statement


def _open_outgoing(keyring: Keyring, person_id: int, blob: bytes) -> Outgoing | None:
    try:
        value = keyring.open_json(blob, table="conversation", column="replies", row=person_id)
    except (CryptoError, ValueError) as exc:  # a recovery aid only: never in the way
        log.warning("kept replies could not be read: %s", type(exc).__name__)
        return None
    return Outgoing.from_json(value)


@dataclass(frozen=True, slots=True)
class Unsent:
    """Replies a person has not been confirmed to have got (e.g. lost in a crash)."""

    person_id: int
    reply_no: int
    outgoing: Outgoing


async def unsent(
    session: AsyncSession,
    keyring: Keyring,
    person_id: int | None = None,
    before: datetime | None = None,
) -> list[Unsent]:
    """Return every conversation's (or one person's) committed, unconfirmed replies (if
    ``before``: only those committed before then)."""
    statement = select(Conversation.person_id, Conversation.reply_no, Conversation.replies).where(
        Conversation.reply_no > Conversation.sent_no, Conversation.replies.is_not(None)
    )
    if before is not None:
        statement = statement.where(Conversation.updated_at < before)
    if person_id is not None:
        statement = statement.where(Conversation.person_id == person_id)
    found = []
    for person, number, blob in (await session.execute(statement.order_by("person_id"))).all():
        outgoing = None if blob is None else _open_outgoing(keyring, person, blob)
        if outgoing is not None and outgoing.replies:
            found.append(Unsent(person, number, outgoing))
    return found


@dataclass(frozen=True, slots=True)
class Sent:
    """The transport confirmed a person's replies up to ``reply_no``; ``resent_at``: they
    had been lost in a crash and were sent again then."""

    person_id: int
    reply_no: int
    resent_at: datetime | None = None


_CONFIRM = (
    update(Conversation)
    .where(
        Conversation.person_id == bindparam("person"),
        Conversation.reply_no == bindparam("number"),  # a newer reply is never marked sent
    )
    .values(
        sent_no=bindparam("number"),
        # drop the replies, unless a retyped answer is still being checked against them
        replies=case((Conversation.resent_at.is_(None), None), else_=Conversation.replies),
    )
)
_RESENT = (
    update(Conversation)
    .where(
        Conversation.person_id == bindparam("person"),
        Conversation.reply_no == bindparam("number"),
    )
    .values(sent_no=bindparam("number"), resent_at=bindparam("at"))
)


async def record_sent(session: AsyncSession, sent: Iterable[Sent]) -> None:
    """Mark replies as sent, many people's at once (one statement per kind)."""
    confirmed, resent = [], []
    for item in sent:
        params = {"person": item.person_id, "number": item.reply_no}
        if item.resent_at is None:
            confirmed.append(params)
        else:
            resent.append(params | {"at": item.resent_at})
    connection = await session.connection()
    for statement, batch in ((_CONFIRM, confirmed), (_RESENT, resent)):
        if batch:
            await connection.execute(statement, batch)


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
_OTHER = aliased(ChannelBinding)
# When the person last wrote on any other channel (then this one becomes their preferred).
_OTHER_USED = (
    select(func.max(_OTHER.last_used_at))
    .where(_OTHER.person_id == ChannelBinding.person_id, _OTHER.id != ChannelBinding.id)
    .correlate(ChannelBinding)
    .scalar_subquery()
)
_BINDING = (
    ChannelBinding.id,
    ChannelBinding.last_used_at,
    _OTHER_USED,
    ChannelBinding.held_at,
    ChannelBinding.dead_at,
)
_ARRIVAL = Prepared(
    select(*_SENDER, *_COLUMNS, *_BINDING)
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


_TOUCH = Prepared(
    update(ChannelBinding)
    .where(ChannelBinding.id == bindparam("binding"))
    .values(last_used_at=bindparam("at"))
)
# A binding's last use is written only when the person changed channel or this often: the
# channel they last wrote on is where messages for them go, and a write per event would
# cost every event a statement.
TOUCH_EVERY = timedelta(minutes=5)


def _touch(last: datetime | None, other: datetime | None, now: datetime) -> datetime | None:
    """When to record that the person wrote on this binding now (None: no need)."""
    if other is not None and (last is None or other >= last):
        return max(now, other + timedelta(microseconds=1))  # strictly the latest
    if last is None or now - last >= TOUCH_EVERY:
        return now
    return None


@dataclass(frozen=True, slots=True)
class Arrival:
    """What an incoming event finds: whether it is new, who sent it, where they were."""

    new: bool  # False: handled before (a redelivery), nothing was loaded
    person: Sender | None = None  # None: nobody is bound to the address yet
    conversation: ConversationRow | None = None  # None: no conversation row yet
    held: bool = False  # the address's identity changed and is not confirmed yet
    dead: bool = False  # the platform said the address was gone (it wrote now: it is not)


async def arrive(
    session: AsyncSession, event_id: str, now: datetime, channel: str, address: str
) -> Arrival:
    """Claim the event id and load the sender with their conversation, in one hop into
    SQLAlchemy's sync layer (every event starts with these two statements; on PostgreSQL
    after the address's lock, so that processes take a person's events one at a time:
    see storage.leases)."""
    claim = _CLAIM[session.get_bind().dialect.name]

    def run(sync: Session) -> Arrival:
        connection = sync.connection()
        lock_person(connection, channel, address)
        if claim.run(connection, {"event_id": event_id, "handled_at": now}) != 1:
            return Arrival(new=False)
        found = _ARRIVAL.rows(connection, {"channel": channel, "address": address})
        if not found:
            return Arrival(True)
        row = found[0]
        sender = Sender(*row[: len(_SENDER)])
        conversation = row[len(_SENDER) : len(_SENDER) + len(_COLUMNS)]
        binding, last, other, held_at, dead_at = row[len(_SENDER) + len(_COLUMNS) :]
        touched.append((binding, _touch(last, other, now)))
        held, dead = held_at is not None, dead_at is not None
        if conversation[0] is None:
            return Arrival(True, sender, held=held, dead=dead)
        return Arrival(True, sender, ConversationRow(*conversation), held, dead)

    touched: list[tuple[int, datetime | None]] = []
    arrival = await session.run_sync(run)
    for binding, at in touched:
        if at is not None:
            params = {"binding": binding, "at": at}
            write_at_commit(session, ("binding used", binding), _TOUCH, params)
    return arrival


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
