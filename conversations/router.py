"""Routing: which flow and handler an event goes to, from the person's current step, the
words she typed, the command or the button; nothing is stored here."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from conversations.capabilities import UNDECLARED, Capabilities
from conversations.events import EventKind, InboundEvent, Reply, phrase_of
from conversations.flow import Context, Flow, Handler, Input, StateResult
from conversations.words import Words, folded
from storage.dialogue import ConversationRow
from storage.viewer import Viewer

COMMAND_BUTTON = "cmd:"
"""Buttons whose id starts with this behave exactly like typing the command: always valid."""

PRESSED_AGAIN = timedelta(minutes=1)
"""The button she just pressed, pressed again within this long with nothing said since, is
the same press (a double tap, a slow network): it is answered with silence."""


async def pressed_again(ctx: Context, event: InboundEvent) -> StateResult:
    """Say nothing and change nothing: the press she just made was taken once already."""
    return None


def press_record(event: InboundEvent, now: datetime, reply_no: int) -> dict[str, Any]:
    """What is kept with the step a press made, to know the same press again."""
    return {
        "button": event.button,
        "token": event.token,
        "channel": event.channel,  # the same alert's button on another channel is another press
        "at": now.isoformat(),
        "reply": reply_no,
    }


@dataclass(frozen=True, slots=True)
class Command:
    """A slash command: the flow it enters (None for one-shot answers) and its handler."""

    flow: Flow | None
    handler: Handler


@dataclass(frozen=True, slots=True)
class Fallbacks:
    """Handlers the core uses when an input fits no flow."""

    menu: Handler  # free text outside a flow
    unknown_command: Handler
    stale_button: Handler  # old keyboard, forged or unknown button
    unsupported: Handler  # stickers, locations ... inside or outside a flow
    unexpected: Handler  # input a state does not take (e.g. text where a button is needed)
    too_large: Handler  # a file over the bot download limit
    edited: Handler  # an edit no flow could apply
    held: Handler | None = None  # anything from an address held after an identity change
    back: Handler | None = None  # coming back with nothing in progress: a greeting, the menu


@dataclass(slots=True)
class Router:
    """Picks the flow and handler for an event (the core runs it in the unit of work)."""

    flows: Mapping[str, Flow]
    commands: Mapping[str, Command]
    actions: Mapping[str, Handler]
    words: Words
    fallbacks: Fallbacks
    clock: Callable[[], datetime]
    capabilities: Mapping[str, Capabilities]  # by channel, as the transports declare
    standing: dict[str, tuple[Flow, Handler]] = field(init=False)
    revisited: dict[str, Flow] = field(init=False)

    def __post_init__(self) -> None:
        self.standing = {
            button: (flow, handler)
            for flow in self.flows.values()
            for button in flow.standing
            for table in flow.table.values()
            if (handler := table.get(button)) is not None
        }
        self.revisited = {  # buttons that name their subject, by action: whose they are
            action: flow
            for flow in self.flows.values()
            if flow.revisit is not None
            for table in flow.table.values()
            for action in table
        }

    def route(
        self,
        conversation: ConversationRow,
        stored_prompt: dict[str, Any] | None,
        prompt: Reply | None,
        event: InboundEvent,
        names: frozenset[str] = frozenset(),
        viewer: Viewer | None = None,
    ) -> tuple[Flow | None, Handler, bool]:
        """Pick (flow, handler, entering-a-new-flow) for the event; ``names``: the words of
        the names of people her words may mean (Words.names); ``viewer``: who wrote them."""
        fb = self.fallbacks
        current = self.flows.get(conversation.flow or "")
        # after a long silence she no longer sees its question: her words are taken as they
        # would be outside any flow ("någon krossade min ruta" a day after /akut opens it)
        idle = (
            current is not None
            and current.idle_after is not None
            and current.on_idle is not None
            and conversation.updated_at is not None
            and self.clock() - conversation.updated_at > current.idle_after
        )
        in_flow = current is not None and current.takes_words and not idle
        acting = self.words.act(event.text) if event.kind is EventKind.TEXT else None
        if acting is not None:  # like the button it stands for: the step is left alone
            return current, acting, False
        if current is not None and event.kind is EventKind.TEXT:
            own = current.typed.get(phrase_of(event.text))
            if own is not None:  # the flow's own command in words ("avbryt")
                return current, own, False
        typed = event.kind is EventKind.TEXT
        if typed and self.words.means_command(event.text, in_flow, names, viewer):
            said = self.commands[self.words.command]  # e.g. "akut" typed, or a cry for help
            if not (in_flow and said.flow is current):  # (its own flow answers a cry itself)
                return said.flow, said.handler, True
        if event.kind is EventKind.BUTTON and self._again(conversation, stored_prompt, event):
            return current, pressed_again, False
        if event.kind is EventKind.COMMAND or (
            event.kind is EventKind.BUTTON and event.button.startswith(COMMAND_BUTTON)
        ):
            name = event.command if event.kind is EventKind.COMMAND else event.button[4:]
            name = name.partition(" ")[0]
            command = self.commands.get(name) or self.commands.get(folded(name))
            typed_cry = event.kind is EventKind.COMMAND and self.words.means_command(name, False)
            if command is None and typed_cry:  # "/hotad": help asked for, as in words
                said = self.commands[self.words.command]
                return said.flow, said.handler, True
            if command is None:  # a command button for a command that no longer exists
                unknown = fb.unknown_command if event.kind is EventKind.COMMAND else fb.stale_button
                if event.kind is EventKind.COMMAND and current and current.on_unknown:
                    unknown = current.on_unknown  # "/checklista" at /akut: not all of it again
                return current, unknown, False
            return command.flow, command.handler, True
        if event.kind is EventKind.BUTTON and event.button.partition(":")[0] in self.actions:
            # Buttons on messages from others (ack:, show:, call:) act on their own subject;
            # their handlers check access and leave the person's current step alone.
            return current, self.actions[event.button.partition(":")[0]], False
        if event.kind is EventKind.BUTTON:
            offered = (stored_prompt or {}).get("offered", [])
            valid = (
                current is not None
                and prompt is not None
                and event.token == str(conversation.step)
                and event.button in offered
            )
            handler = (
                current.handler_for(conversation.state or "", event.action)
                if valid and current
                else None
            )
            if handler is None:
                standing = self.standing.get(event.button)
                older = event.token.isdigit() and 0 < int(event.token) < (conversation.step or 0)
                if standing is not None and older:  # an older message's: acts, enters its flow
                    flow, entry = standing
                    return flow, entry, True
                revisited = self.revisited.get(event.action) if event.subject else None
                if revisited is not None and revisited.revisit is not None and older:
                    # an older message's button that names its subject (a case card further
                    # up): its flow checks it and acts on that subject, or leaves her be
                    return revisited, revisited.revisit, False
                return current, fb.stale_button, False
            return current, handler, False
        if idle and current is not None and current.on_idle is not None:
            return current, current.on_idle, False
        if event.kind is EventKind.UNSUPPORTED:
            return current, fb.unsupported, False
        attachment = event.attachment
        limit = self.capabilities.get(event.channel, UNDECLARED).max_download_bytes
        if attachment and attachment.size and limit is not None and attachment.size > limit:
            return current, fb.too_large, False
        key = {
            EventKind.ATTACHMENT: Input.ATTACHMENT,
            EventKind.EDIT: Input.EDIT,
        }.get(event.kind, Input.TEXT)
        if event.kind is EventKind.EDIT:
            handler = current.handler_for(conversation.state or "", key) if current else None
            return current, handler or fb.edited, False
        if current is None:
            return None, fb.menu, True
        handler = current.handler_for(conversation.state or "", key)
        return current, handler or fb.unexpected, False

    def _again(
        self,
        conversation: ConversationRow,
        stored_prompt: dict[str, Any] | None,
        event: InboundEvent,
    ) -> bool:
        """Whether the press is the one that made the current step, made again: the same
        button of the same message (its token, on the same channel), soon, with nothing said
        to her since."""
        pressed = (stored_prompt or {}).get("pressed")
        if not isinstance(pressed, dict) or not event.button:
            return False
        if not self.capabilities.get(event.channel, UNDECLARED).taps:
            return False  # "1" typed again (Signal, the console) is meant: it is answered
        try:
            at = datetime.fromisoformat(str(pressed.get("at")))
        except ValueError:
            return False
        return (
            pressed.get("button") == event.button
            and pressed.get("token") == event.token
            and pressed.get("channel") == event.channel
            and pressed.get("reply") == conversation.reply_no
            and self.clock() - at <= PRESSED_AGAIN
        )
