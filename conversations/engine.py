"""The conversation core: one inbound event in, one unit of work, replies out.

The caller (bot.dispatcher) opens the transaction; everything the handler writes and the
person's next state commit together, or not at all.
"""

from __future__ import annotations

import copy
import secrets
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from conversations.capabilities import UNDECLARED, Capabilities
from conversations.drill_mark import marked
from conversations.events import Delivery, EventKind, InboundEvent, Reply
from conversations.flow import END, Context, Flow, Handler
from conversations.i18n import SUPPORTED, Catalogs
from conversations.invite_code import invite_code
from conversations.notices import EVERY_CHANNEL
from conversations.packs import PackLibrary
from conversations.recovery import (
    Recovery,
    after_way_out,
    already_saved,
    lost,
    question_of,
    recover,
)
from conversations.router import (
    COMMAND_BUTTON,
    Command,
    Fallbacks,
    Router,
    press_record,
    pressed_again,
)
from conversations.words import Words
from conversations.written_in import written_in
from storage.bindings import BindingRepo
from storage.crypto import Keyring
from storage.dialogue import ConversationRepo, ConversationRow, Outgoing, arrive, unsent
from storage.directory import DirectoryRepo
from storage.models import Person, Role
from storage.outbox import OutboxRepo
from storage.viewer import Sender, Viewer

Clock = Callable[[], datetime]

KEPT_REPLIES = 10
"""At most this many unconfirmed replies (the newest) are kept to be sent again."""


class Returning(Protocol):
    """What is shown first to someone who comes back to the chat (the alerts that wait for
    her): given when she last wrote on ``channel`` (None: she opened the chat again),
    whether the menu goes under it (nothing else is open), and the button she pressed."""

    async def __call__(
        self,
        ctx: Context,
        channel: str,
        last_here: datetime | None,
        *,
        menu: bool = False,
        pressed: str = "",
    ) -> list[Reply]: ...


KEPT_LANGUAGE = 4  # words: a message this long in one language sets the person's language


def _prompt(replies: list[Reply], token: str) -> dict[str, Any] | None:
    """The open prompt kept with a step: its last reply with buttons of the step's token,
    with every button the step offered (older messages' buttons are not among them)."""
    buttoned = [r for r in replies if r.buttons and r.token == token]
    if not buttoned:
        return None
    prompt = buttoned[-1].to_json()
    prompt["offered"] = [i for r in buttoned for i in r.button_ids]
    return prompt


def _question(stored: dict[str, Any] | None) -> Reply | None:
    """The open question of a stored prompt (None: the step asks with no buttons, and keeps
    only the press that made it)."""
    question = {k: v for k, v in (stored or {}).items() if k != "pressed"}
    return Reply.from_json(question) if question else None


def _reconfirms(event: InboundEvent) -> bool:
    """Whether the event brings an invitation code (``start CODE``): a fresh invite ends a
    hold after an identity change, so it is let through."""
    return event.kind is EventKind.COMMAND and event.command == "start" and bool(event.text.strip())


class Core:
    """Routes events to flow handlers and records the person's next state."""

    def __init__(
        self,
        catalogs: Catalogs,
        commands: Mapping[str, Command],
        flows: Mapping[str, Flow],
        fallbacks: Fallbacks,
        clock: Clock,
        keyring: Keyring,
        packs: PackLibrary,
        actions: Mapping[str, Handler] | None = None,
        words: Words | None = None,
        capabilities: Mapping[str, Capabilities] | None = None,
        web_url: str | None = None,
        returning: Returning | None = None,
    ) -> None:
        self.web_url = web_url  # the web console's public address (for /webb), if served
        self.returning = returning  # shown first to someone coming back (waiting alerts)
        self.actions = actions or {}
        self.capabilities = dict(capabilities or {})  # by channel, as the transports declare
        self.words = words or Words()
        self._menu = self.words.menu_phrases(catalogs.gettext(loc) for loc in SUPPORTED)
        for name, command in commands.items():
            if command.flow is not None and flows.get(command.flow.name) is not command.flow:
                raise ValueError(
                    f"command /{name} enters flow {command.flow.name!r}, not registered"
                )
        self.keyring = keyring
        self.packs = packs
        self.catalogs = catalogs
        self.commands = commands
        self.flows = flows
        self.fallbacks = fallbacks
        self.clock = clock
        self.router = Router(
            flows=flows,
            commands=commands,
            actions=self.actions,
            words=self.words,
            fallbacks=fallbacks,
            clock=clock,
            capabilities=self.capabilities,
        )
        self._fallback_handlers = {getattr(fallbacks, f) for f in fallbacks.__dataclass_fields__}
        self.run = secrets.token_hex(8)  # this process: replies kept by another one were lost
        # Several processes on one database (PostgreSQL): another process's replies are
        # taken as lost only once they are this old and still unconfirmed; younger ones
        # are on their way from a live process (it confirms them within a fraction of a
        # second). Zero on SQLite, where a run that is not this one has ended.
        self.others_grace = timedelta(0)

    def capabilities_of(self, channel: str) -> Capabilities:
        """What a channel can do, as its transport declared it."""
        return self.capabilities.get(channel, UNDECLARED)

    async def handle(
        self, session: AsyncSession, event: InboundEvent, taken: tuple[int, int] | None = None
    ) -> Delivery | None:
        """Handle one event inside the caller's transaction; None if already handled.

        ``taken``: (person id, reply number): the transport has taken that person's
        replies up to this number, which is not yet marked in the database.

        A redelivered event (after a crash) changes nothing and says nothing: its replies
        were kept with the step it committed, and are sent again at start-up
        (:meth:`unsent`) unless the transport had confirmed them.
        """
        arrival = await arrive(session, event.event_id, self.clock(), event.channel, event.address)
        if not arrival.new:
            return None
        words = event.kind is EventKind.TEXT
        named = self.words.command_in(event.text, self._menu) if words else None
        if named is not None:  # "Ärenden", "öppna K7M4-QX2P": as the command, not as words
            event = replace(event, kind=EventKind.COMMAND, command=named[0], text=named[1])
        person = arrival.person or await self._register_sender(session, event)
        code = invite_code(event.text, expected=True) if event.kind is EventKind.TEXT else None
        if code is not None and person.role is Role.UNREGISTERED:
            # "abcd efgh jkmn" from someone with no role yet: their code, as they read it
            event = replace(event, kind=EventKind.COMMAND, command="start", text=code)
        if arrival.dead:  # the platform said it was gone; it wrote now, so it is not
            await BindingRepo(session).revive(event.channel, event.address)
        viewer = Viewer.of(person)
        # nobody chose a language yet: the one they write in, then their platform's
        unchosen = person.locale is None and event.kind is EventKind.TEXT
        typed = written_in(event.text) if unchosen else None
        locale = self.catalogs.pick(person.locale, typed, event.locale_hint)
        if typed is not None and len(event.text.split()) >= KEPT_LANGUAGE:
            # a sentence plainly in one language: the rest of the talk stays in it
            await DirectoryRepo(session).set_locale(viewer, self.catalogs.pick(typed))
        conversations = ConversationRepo(session, self.keyring)
        now = self.clock()
        conversation = await conversations.load(viewer, now, arrival.conversation)
        stored_prompt = conversations.prompt_of(conversation)
        prompt = _question(stored_prompt)
        _ = self.catalogs.gettext(locale)
        sent_no = conversation.sent_no
        if taken is not None and taken[0] == person.id and taken[1] > sent_no:
            sent_no = taken[1]  # marked with this event's save, not a statement of its own
        recovery = recover(
            conversations, conversation, sent_no, event, now, _, self.run, self.others_grace
        )
        held = self.fallbacks.held if arrival.held and not _reconfirms(event) else None

        if held is not None:
            # nothing of a case goes to an identity not confirmed, not even lost replies
            flow, handler, fresh = self.flows.get(conversation.flow or ""), held, False
            recovery = Recovery()
        elif recovery.retyped(event):
            flow, fresh = self.flows.get(conversation.flow or ""), False
            handler = already_saved(recovery)
        else:
            names = await self.words.names_in(session, viewer, event)  # "ring Pia"
            flow, handler, fresh = self.router.route(
                conversation, stored_prompt, prompt, event, names, viewer
            )
        if event.kind is EventKind.BUTTON and event.button.startswith(COMMAND_BUTTON):
            # a command button may carry arguments ("cmd:arende K7M4-QX2P")
            event = replace(event, text=event.button[4:].partition(" ")[2])
        # the row was read for this event (storage.dialogue.arrive): its data is this event's
        # own to change, and save() writes what the flow leaves in it
        data = {} if fresh else (conversation.data or {})
        ctx = self._context(session, person, viewer, locale, event.channel, now, data, prompt)
        result = await handler(ctx, event)
        # (not before a cry for help: the way out comes first)
        left = self.flows.get(conversation.flow or "") if fresh else None
        crying = self.commands.get(self.words.command)
        left = None if crying is not None and flow is crying.flow else left
        if left is not None and left.on_leave is not None and conversation.state:
            # she left it in the middle for a command: where what she wrote is kept
            kept = await left.on_leave(ctx, conversation.state, dict(conversation.data or {}))
            if kept:
                ctx.replies.insert(0, Reply(kept))
        if ctx.drill_id is not None:
            ctx.replies = [marked(r, ctx._) for r in ctx.replies]
        if ctx.person.id != person.id:
            # an invitation moved this chat to a directory person: their conversation goes
            # on, and this event's replies are kept there (nothing of the old one is carried)
            conversation = await conversations.load(ctx.viewer, now)
            sent_no, recovery = conversation.sent_no, Recovery()

        back: list[Reply] = []  # she comes back: alerts still waiting for her go first
        if (
            self.returning is not None
            and held is None
            and not ctx.forgotten
            and conversation.step
            and handler is not pressed_again  # (her press was answered a moment ago)
        ):
            last_here = conversation.updated_at
            back = await self.returning(ctx, event.channel, last_here, pressed=event.button)

        if result is None and fresh:
            result = END
        if result is None:
            next_flow, next_state = conversation.flow, conversation.state
        elif result is END or flow is None:
            next_flow, next_state = None, None
        else:
            next_flow, next_state = flow.name, str(result)

        changed = (next_flow, next_state) != (conversation.flow, conversation.state) or fresh
        new_buttons = any(r.buttons and not r.token for r in ctx.replies)
        new_step = changed or new_buttons
        token = str((conversation.step or 0) + 1) if new_step else str(conversation.step)
        replies = [replace(r, token=token) if r.buttons and not r.token else r for r in ctx.replies]
        next_prompt = _prompt(replies, token)
        replies = after_way_out(back, [*recovery.earlier, *replies])
        outgoing: Outgoing | None = None
        if replies:
            # The replies are kept with the step until the transport confirms them, so a
            # crash before they went out does not lose them.
            # Typed text a flow took and moved on from (a new question, or new buttons):
            # typed again after a crash, it would be taken as the answer to what follows.
            answered = (
                event.kind is EventKind.TEXT
                and new_step
                and not fresh
                and handler not in self._fallback_handlers
            )
            outgoing = Outgoing(
                event.channel,
                event.address,
                ctx.locale,
                self.run,
                (*recovery.carry, *(r.to_json() for r in replies))[-KEPT_REPLIES:],
                event.text if answered else None,
                question_of(prompt.asked_again().text) if answered and prompt is not None else None,
                recovery.guard,
            )
        applied = handler not in self._fallback_handlers and handler is not pressed_again
        if event.kind is EventKind.BUTTON and new_step and applied and ctx.person.id == person.id:
            # the press that made this step, kept with it: the same press again (a double
            # tap) is known for what it is, after a restart too
            reply_no = conversation.reply_no + (outgoing is not None)
            next_prompt = {**(next_prompt or {}), "pressed": press_record(event, now, reply_no)}
        if not ctx.forgotten:  # erased with the person: nothing of them is saved again
            conversations.save(
                conversation,
                flow=next_flow,
                state=next_state,
                prompt=next_prompt,
                data=ctx.data,
                new_step=new_step,
                now=ctx.now,
                outgoing=outgoing,
                resent_at=recovery.resent_at,
                sent_no=sent_no,
            )
        await OutboxRepo(session).enqueue_all(
            [(n.recipient_id, n.kind, n.payload, n.priority) for n in ctx.notices],
            ctx.now,
            every_channel=EVERY_CHANNEL,
            drill_id=ctx.drill_id,
        )
        return Delivery(
            event.channel,
            event.address,
            replies,
            ctx.locale,
            len(ctx.notices),
            ctx.clear_range,
            accepted=handler is not self.fallbacks.stale_button,
            menu=(ctx.viewer.role.value, ctx.locale) if ctx.menu_changed else None,
            person_id=ctx.person.id,
            reply_no=conversation.reply_no if outgoing and not ctx.forgotten else 0,
            alert_taken=ctx.alert_taken,
        )

    async def unsent(
        self,
        session: AsyncSession,
        channel: str,
        person_id: int | None = None,
        before: datetime | None = None,
    ) -> list[Delivery]:
        """Return the replies on ``channel`` (or one person's) that were committed (before
        ``before``, if given) but not confirmed sent, each person's in order, to send again
        (at start-up, after a crash)."""
        deliveries = []
        for item in await unsent(session, self.keyring, person_id, before):
            kept = item.outgoing
            if kept.channel != channel:
                continue
            if await BindingRepo(session).is_held(channel, kept.address):
                continue  # not to an identity not confirmed (they may quote a case)
            locale = self.catalogs.pick(kept.locale)
            deliveries.append(
                Delivery(
                    channel,
                    kept.address,
                    lost(kept.replies, self.catalogs.gettext(locale)),
                    locale,
                    person_id=item.person_id,
                    reply_no=item.reply_no,
                    resend=True,
                )
            )
        return deliveries

    def _context(
        self,
        session: AsyncSession,
        person: Sender,
        viewer: Viewer,
        locale: str,
        channel: str,
        now: datetime,
        data: dict[str, Any],
        prompt: Reply | None = None,
    ) -> Context:
        """The handler's context for one person on one channel, in their language."""
        return Context(
            session=session,
            person=person,
            viewer=viewer,
            locale=locale,
            _=self.catalogs.gettext(locale),
            ngettext=self.catalogs.ngettext(locale),
            now=now,
            data=data,
            catalogs=self.catalogs,
            keyring=self.keyring,
            packs=self.packs,
            prompt=prompt,
            capabilities=self.capabilities_of(channel),
            web_url=self.web_url,
        )

    async def resume(self, session: AsyncSession, channel: str, address: str) -> Delivery | None:
        """Return 'where we were' for a reconnecting person; None if they never started.
        An open question that shows what may have changed since (a case card, her case
        list) is rendered anew; with nothing in progress (the welcome, the menu) she is
        greeted shortly, with the menu (Fallbacks.back). Alerts that wait for her come
        first; with nothing open (no flow), they are all of it, the menu under the last, so
        that "1" takes it."""
        person = await self.identify(session, InboundEvent("", channel, address, EventKind.TEXT))
        conversations = ConversationRepo(session, self.keyring)
        now = self.clock()
        conversation = await conversations.load(Viewer.of(person), now)
        if not conversation.step:
            return None
        sender = Sender.of(person)  # with where they belong, as an event's handler has it
        if person.party_id is not None or person.municipality_id is not None:
            await session.refresh(person, ["party", "municipality"])
            sender = Sender.of(person, person.party, person.municipality)
        locale = self.catalogs.pick(person.locale)
        _ = self.catalogs.gettext(locale)
        data = copy.deepcopy(conversation.data or {})
        ctx = self._context(session, sender, Viewer.of(person), locale, channel, now, data)
        nothing_open = conversation.flow is None
        if nothing_open and self.returning is not None:
            back = await self.returning(ctx, channel, None, menu=True)
            if back:
                return Delivery(channel, address, back, locale)
        kept = _question(conversations.prompt_of(conversation))
        opened = InboundEvent("", channel, address, EventKind.COMMAND)
        replies = [Reply(_("Welcome back. Here is where we were:"))]
        anew = await self._shown_anew(ctx, conversations, conversation, kept, opened)
        if anew:
            replies += anew
        elif nothing_open and (kept is None or kept.rest) and self.fallbacks.back is not None:
            replies = await self._step(
                ctx, conversations, conversation, None, self.fallbacks.back, opened
            )
        elif kept is not None:
            replies.append(kept.asked_again())
        else:
            replies = [Reply(_("Welcome back. Write /meny to see what I can do."))]
        back = (
            []
            if nothing_open or self.returning is None
            else await self.returning(ctx, channel, None)
        )
        return Delivery(channel, address, [*back, *replies], locale)

    async def _shown_anew(
        self,
        ctx: Context,
        conversations: ConversationRepo,
        conversation: ConversationRow,
        kept: Reply | None,
        opened: InboundEvent,
    ) -> list[Reply]:
        """The open question rendered anew, where its flow says it shows what may have
        changed since (Flow.shown_anew), or, outside any flow, by the command its message
        names (Reply.anew), as a new step: its buttons are the valid ones."""
        flow = self.flows.get(conversation.flow or "")
        if flow is not None:
            render = flow.shown_anew.get(conversation.state or "")
            if render is None:
                return []
            return await self._step(
                ctx, conversations, conversation, flow, lambda c, _e: render(c), opened
            )
        name, _sp, args = (kept.anew if kept is not None else "").partition(" ")
        command = self.commands.get(name)
        if conversation.flow is not None or command is None:
            return []
        event = replace(opened, command=name, text=args)  # "arende K7M4": her case, as now
        return await self._step(
            ctx, conversations, conversation, command.flow, command.handler, event
        )

    async def _step(
        self,
        ctx: Context,
        conversations: ConversationRepo,
        conversation: ConversationRow,
        flow: Flow | None,
        handler: Handler,
        event: InboundEvent,
    ) -> list[Reply]:
        """What ``handler`` shows (in ``flow``; None: outside any), kept as a new step."""
        result = await handler(ctx, event)
        token = str((conversation.step or 0) + 1)
        replies = [replace(r, token=token) if r.buttons and not r.token else r for r in ctx.replies]
        ctx.replies.clear()  # what follows (waiting alerts) sees only its own
        state = conversation.state if result is None else None if result is END else str(result)
        conversations.save(
            conversation,
            flow=flow.name if flow is not None and state is not None else None,
            state=state if flow is not None else None,
            prompt=_prompt(replies, token),
            data=ctx.data,
            new_step=True,
            now=ctx.now,
            resent_at=conversation.resent_at,
            sent_no=conversation.sent_no,
        )
        return [r.asked_again() for r in replies]

    async def person_id(self, session: AsyncSession, channel: str, address: str) -> int:
        """Return the id of the person behind an address (creating an unregistered one)."""
        event = InboundEvent("", channel, address, EventKind.TEXT)
        return (await self.identify(session, event)).id

    async def identify(self, session: AsyncSession, event: InboundEvent) -> Person:
        """Return the person behind a transport address, creating an unregistered one."""
        person = await DirectoryRepo(session).person_for_address(event.channel, event.address)
        return person if person is not None else await self._register(session, event)

    async def _register_sender(self, session: AsyncSession, event: InboundEvent) -> Sender:
        """Bind a new address (see :meth:`_register`) and describe who is behind it."""
        person = await self._register(session, event)
        if person.party_id is None and person.municipality_id is None:
            return Sender.of(person)  # nothing to look up (a new, unregistered person)
        await session.refresh(person, ["party", "municipality"])
        return Sender.of(person, person.party, person.municipality)

    async def _register(self, session: AsyncSession, event: InboundEvent) -> Person:
        """Bind a new address: to an unregistered person (or, where addresses are handles,
        the person with that handle)."""
        directory = DirectoryRepo(session)
        person: Person | None = None
        if self.capabilities_of(event.channel).address_is_handle:
            # The console runs on the server itself: its operator may act as any handle.
            person = await directory.person_by_handle(event.address)
            handle = event.address
        else:
            handle = f"{event.channel[:2]}-{secrets.token_hex(5)}"
        if person is None:
            person = await directory.create_unregistered(handle, None)
        await directory.bind(event.channel, event.address, person)
        if event.phone:  # a number to call them on before they give one (or none)
            directory.platform_phone(person, event.phone)
        return person
