"""A flow is a declared table: state -> {input -> handler}. Handlers return the next state."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from conversations.capabilities import UNDECLARED, Capabilities
from conversations.events import Button, InboundEvent, Reply
from conversations.i18n import Catalogs, format_when
from conversations.packs import PackLibrary
from storage.crypto import Keyring
from storage.outbox import OutboxRepo
from storage.viewer import Sender, Viewer


class Input(StrEnum):
    """Table keys for inputs that are not a specific button."""

    TEXT = "<text>"
    ATTACHMENT = "<attachment>"
    EDIT = "<edit>"


class End(StrEnum):
    END = "<end>"


END = End.END
"""Returned by a handler to leave its flow (the person goes back to the menu)."""

StateResult = StrEnum | None
"""The next state, END, or None to stay where we are."""


@dataclass(slots=True)
class Notice:
    """A message for someone else, queued in the outbox with the same commit."""

    recipient_id: int
    kind: str
    payload: dict[str, Any]
    priority: int


@dataclass(slots=True)
class Context:
    """Everything a handler may use: who, in which language, storage, and what to answer."""

    session: AsyncSession
    person: Sender
    viewer: Viewer
    locale: str
    _: Callable[[str], str]
    ngettext: Callable[[str, str, int], str]
    now: datetime
    data: dict[str, Any]
    catalogs: Catalogs
    keyring: Keyring
    packs: PackLibrary
    prompt: Reply | None = None
    capabilities: Capabilities = UNDECLARED  # what the person's channel can do
    clear_range: tuple[int, int] | None = None  # platform message ids to delete
    forgotten: bool = False  # the person was erased: keep no conversation state
    menu_changed: bool = False  # their role or language changed: renew their command menu
    drill_id: int | None = None  # the event is part of a drill: every message is marked
    web_url: str | None = None  # the web console's public address, if it is switched on
    alert_taken: tuple[str, float] | None = None  # see Delivery.alert_taken
    document: bool = False  # what is written is read long after (a PDF): dates in full
    replies: list[Reply] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)

    def reply(
        self,
        text: str,
        buttons: Sequence[Sequence[Button]] = (),
        lead: Sequence[str] = (),
        *,
        rest: bool = False,
        anew: str = "",
    ) -> None:
        """Answer the person (sent after the unit of work commits); ``lead``: lines said
        before ``text`` about what was just done, not shown again with the question;
        ``rest``, ``anew``: what coming back to the chat shows of it (Reply)."""
        said = "".join(f"{line}\n" for line in lead)
        rows = tuple(tuple(row) for row in buttons if row)
        self.replies.append(Reply(said + text, rows, lead=len(said), rest=rest, anew=anew))

    def switch_locale(self, locale: str) -> None:
        """Speak another language from now on (the person just chose it)."""
        self.locale = locale
        self._ = self.catalogs.gettext(locale)
        self.ngettext = self.catalogs.ngettext(locale)

    def when(self, moment: datetime) -> str:
        """Say a moment for this reader: "i dag kl. 17.40"; in a document, with its date."""
        return format_when(moment, self.locale, None if self.document else self.now)

    def again(self) -> bool:
        """Show the open question once more, with its buttons still valid."""
        if self.prompt is None:
            return False
        self.replies.append(self.prompt.asked_again())
        return True

    def notify(self, recipient_id: int, kind: str, payload: dict[str, Any], priority: int) -> None:
        """Queue a message for someone else (rendered in their language when delivered)."""
        self.notices.append(Notice(recipient_id, kind, payload, priority))

    @property
    def outbox(self) -> OutboxRepo:
        return OutboxRepo(self.session)


Handler = Callable[[Context, InboundEvent], Awaitable[StateResult]]


@dataclass(frozen=True, slots=True)
class Flow:
    """A dialogue: its states, the handler that enters it, and what each state accepts.

    ``idle_after``/``on_idle``: a person who comes back after a long silence is first
    asked where to go on (e.g. continue an unfinished report) instead of having their
    message taken as the answer to a question they no longer see.

    ``takes_words``: False for a flow whose questions take no words as an answer (the
    choice of a language): a cry for help typed there opens /akut, as it would outside any
    flow, instead of being read as the answer.

    ``standing``: buttons that still act when pressed on an older message of this flow (a
    person scrolling back in panic to "Larma Pia Lind"): their handler enters the flow. Only
    from a keyboard of an earlier step in this chat; never one the current step does not
    offer, nor one never shown.

    ``typed``: phrases typed alone that work as this flow's own commands in any of its
    states ("avbryt" in a report): never taken as an answer.

    ``shown_anew``: states whose question shows what may have changed since it was asked
    (a case card: who took it, the checklist): coming back to the chat, the person sees it
    rendered anew by the given function, not as it was kept.

    ``revisit``: takes a button of this flow that names what it acts on (events.about), when
    it is pressed on an older message of this chat (a case card further up, after a short
    "Sparat"): it checks that the person may still act on that subject and that the button
    still makes sense there, then acts as it did on that message. It gets the person's
    current step and data; it clears them once it acts (a refusal leaves her where she was).
    The flow's other buttons on older messages are refused.

    ``on_unknown``: what a /command Trygg does not know answers in this flow; without it,
    the open question is asked again.

    ``on_leave``: what to tell a person who leaves this flow for a command in the middle of
    it (given the state and data she left): where what she wrote is kept, and how to go on
    with it; None to say nothing.
    """

    name: str
    states: type[StrEnum]
    entry: Handler
    table: Mapping[StrEnum, Mapping[str, Handler]]
    idle_after: timedelta | None = None
    on_idle: Handler | None = None
    takes_words: bool = True
    standing: frozenset[str] = frozenset()
    typed: Mapping[str, Handler] = field(default_factory=dict)
    revisit: Handler | None = None
    on_unknown: Handler | None = None
    on_leave: Callable[[Context, str, dict[str, Any]], Awaitable[str | None]] | None = None
    shown_anew: Mapping[str, Callable[[Context], Awaitable[StateResult]]] = field(
        default_factory=dict
    )

    def handler_for(self, state: str, key: str) -> Handler | None:
        """Return the handler for an input in a state: exact id first, then 'prefix:*'."""
        try:
            member = self.states(state)
        except ValueError:
            return None
        handlers = self.table.get(member, {})
        found = handlers.get(key)
        if found is None and ":" in key:
            found = handlers.get(key.split(":", 1)[0] + ":*")
        return found
