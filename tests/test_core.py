"""The conversation core: buttons and tokens, idempotency, failures, resuming after a restart."""

from __future__ import annotations

import copy
import dataclasses
import logging
import uuid
from enum import StrEnum

from sqlalchemy import func, select

from bot.app import App
from bot.dispatcher import Dispatcher
from bot.settings import Settings
from conversations.engine import Core
from conversations.events import Button, Delivery, EventKind, InboundEvent
from conversations.flow import Context, Flow, StateResult
from conversations.notices import ALERT
from conversations.router import Command
from storage.directory import DirectoryRepo
from storage.models import Alert, Conversation, HandledEvent, OutboxMessage, Person
from storage.outbox import URGENT, OutboxRepo
from tests.conftest import Chat, FakeClock

REFUSED = "Den knappen hör till ett tidigare meddelande, så jag gjorde ingenting med den."


async def outbox_count(app: App) -> int:
    async with app.db.unit_of_work() as session:
        return int((await session.scalar(select(func.count()).select_from(OutboxMessage))) or 0)


async def alert_count(app: App) -> int:
    async with app.db.unit_of_work() as session:
        return int((await session.scalar(select(func.count()).select_from(Alert))) or 0)


async def person(app: App, handle: str) -> Person:
    async with app.db.unit_of_work() as session:
        return (await session.scalars(select(Person).where(Person.handle == handle))).one()


async def conversation(app: App, handle: str) -> tuple[str | None, str | None, int, object]:
    """(flow, state, step, prompt) of a person's conversation."""
    async with app.db.unit_of_work() as session:
        row = (
            await session.scalars(
                select(Conversation)
                .join(Person, Person.id == Conversation.person_id)
                .where(Person.handle == handle)
            )
        ).one()
        return row.flow, row.state, row.step, row.prompt


def event(
    address: str, kind: EventKind, event_id: str | None = None, **kwargs: str
) -> InboundEvent:
    return InboundEvent(event_id or f"t-{uuid.uuid4().hex}", "console", address, kind, **kwargs)


async def _no_send(delivery: Delivery) -> None:
    return None


# --- buttons and step tokens ------------------------------------------------------------


async def test_button_from_an_old_keyboard_is_refused_and_not_applied(chat, demo_app: App) -> None:  # type: ignore[no-untyped-def]
    anna: Chat = chat("anna")
    await anna.say("/rapportera")
    old = dict((i, t) for i, _, t in anna.buttons)["opt:other"]
    await anna.press("opt:self", token=old)  # on to "Vilket uppdrag har du?"
    new = anna.buttons[0][2]
    assert new != old

    before = await conversation(demo_app, "anna")
    for token in (old, "", "999"):
        reply = await anna.press("opt:other", token=token)
        assert REFUSED in reply
        assert "Vem är du?" not in reply  # not applied
        # The open question is shown again, with the current keyboard.
        assert "Vilket uppdrag har du?" in reply
        assert anna.buttons[0][2] == new
    assert await conversation(demo_app, "anna") == before

    # The current keyboard still works.
    assert "Vad tror du att det hänger ihop med?" in await anna.press("nav:skip", token=new)


async def test_an_older_alert_button_still_alerts_once(chat, demo_app: App) -> None:  # type: ignore[no-untyped-def]
    """Scrolling back in panic to "Larma Pia Lind" after moving on still alerts her; pressed
    again (any keyboard), it says she was alerted instead of paging her twice."""
    anna: Chat = chat("anna")
    await anna.say("/akut")
    old = anna.buttons[0][2]
    await anna.say("/kontakter")
    reply = await anna.press("akut:alert", token=old)
    assert reply.startswith("I fara nu: ring 112.\nJag har larmat Pia Lind"), reply
    assert await outbox_count(demo_app) == 1  # the first level (Pia); Per only on escalation
    for token in (old, anna.buttons[0][2]):
        again = await anna.press("akut:alert", token=token)
        assert "Jag larmade Pia Lind i dag kl. 23.00" in again, again
    assert await outbox_count(demo_app) == 1


async def test_forged_button_is_refused_without_writes(chat, demo_app: App) -> None:  # type: ignore[no-untyped-def]
    eve: Chat = chat("eve")  # new: she is asked which language she wants
    await eve.say("/start")
    token = eve.buttons[0][2]
    before = await conversation(demo_app, "eve")
    for forged in ("lang:de", "akut:alert", "x" * 64, "lang:sv "):
        reply = await eve.press(forged, token=token)
        assert REFUSED in reply, forged
        assert "[1] svenska  [2] English" in reply  # the language question again
    assert await conversation(demo_app, "eve") == before
    assert (await person(demo_app, "eve")).locale is None
    assert await outbox_count(demo_app) == 0
    # The real buttons still work afterwards.
    assert "I will speak English with you." in await eve.press("lang:en", token=token)


async def test_button_with_no_id_is_no_such_choice(chat, demo_app: App) -> None:  # type: ignore[no-untyped-def]
    anna: Chat = chat("anna")
    await anna.say("/akut")
    reply = await anna.press("", token=anna.buttons[0][2])
    assert "Det finns inget sådant val här." in reply
    assert await outbox_count(demo_app) == 0


async def test_button_not_offered_is_refused_even_if_the_state_knows_it(  # type: ignore[no-untyped-def]
    chat, demo_app: App
) -> None:
    """An unregistered person in /akut is not offered the alert: pressing it anyway fails."""
    newcomer: Chat = chat("nybörjare")
    await newcomer.say("/akut")
    ids = [i for i, _, _ in newcomer.buttons]
    assert "akut:alert" not in ids
    before = await conversation(demo_app, "nybörjare")
    reply = await newcomer.press("akut:alert", token=newcomer.buttons[0][2])
    assert REFUSED in reply
    assert "Det finns ingen i Trygg som jag kan larma" not in reply
    assert await conversation(demo_app, "nybörjare") == before
    assert await outbox_count(demo_app) == 0


async def test_forged_alert_for_a_person_outside_akut_does_nothing(chat, demo_app: App) -> None:  # type: ignore[no-untyped-def]
    anna: Chat = chat("anna")
    reply = await anna.press("akut:alert", token="1")  # never shown a keyboard at all
    assert REFUSED in reply
    assert "Det här kan jag hjälpa dig med:" in reply
    assert await outbox_count(demo_app) == 0


async def test_command_buttons_always_work(chat) -> None:  # type: ignore[no-untyped-def]
    anna: Chat = chat("anna")
    await anna.say("/start")  # in the middle of the language question
    cases = [
        ("cmd:akut", "", "• Pia Lind, +46 70 174 06 11"),
        ("cmd:kontakter", "1", "Dina säkerhetsansvariga i partiet:"),
        ("cmd:hjalp", "999", "Trygg hjälper förtroendevalda"),
        ("cmd:meny", "old", "Det här kan jag hjälpa dig med:"),
        ("cmd:akut", "0", "Är du i fara just nu? Ring 112."),
    ]
    for button, token, expected in cases:
        reply = await anna.press(button, token=token)
        assert expected in reply, (button, reply)
        assert REFUSED not in reply
    # A command button for a command that does not exist (an old keyboard after an upgrade)
    # is refused like any stale button; the open question comes back.
    reply = await anna.press("cmd:nej", token="")
    assert REFUSED in reply
    assert "[1] Larma Pia Lind" in reply


# --- idempotency and odd input ------------------------------------------------------------


async def test_redelivered_event_is_handled_once(chat, demo_app: App) -> None:  # type: ignore[no-untyped-def]
    anna: Chat = chat("anna")
    await anna.say("/akut")
    token = anna.buttons[0][2]
    dispatcher = demo_app.dispatcher(_no_send)
    press = event("anna", EventKind.BUTTON, "tg:update:4711", button="akut:alert", token=token)

    first = await dispatcher.process(press)
    assert first is not None and first.notices == 1
    assert "Jag har larmat Pia Lind" in first.replies[0].text
    after_first = await conversation(demo_app, "anna")

    for _ in range(2):
        assert await dispatcher.process(press) is None
    assert await outbox_count(demo_app) == 1
    assert await alert_count(demo_app) == 1  # one alert (and one escalation timer), not three
    assert await conversation(demo_app, "anna") == after_first


async def test_redelivered_command_does_not_advance_the_conversation(chat, demo_app: App) -> None:  # type: ignore[no-untyped-def]
    await chat("anna").say("/hjalp")
    dispatcher = demo_app.dispatcher(_no_send)
    start = event("anna", EventKind.COMMAND, "same-id", command="start")
    assert await dispatcher.process(start) is not None
    after = await conversation(demo_app, "anna")
    assert await dispatcher.process(start) is None
    assert await conversation(demo_app, "anna") == after


async def test_unsupported_kind_gets_a_kind_message(chat, demo_app: App) -> None:  # type: ignore[no-untyped-def]
    anna: Chat = chat("anna")
    dispatcher = demo_app.dispatcher(_no_send)
    delivery = await dispatcher.process(event("anna", EventKind.UNSUPPORTED))
    assert delivery is not None
    text = Chat.text(delivery.replies)
    assert "Det kan jag inte använda här" in text
    assert "Det här kan jag hjälpa dig med:" in text

    # Inside a flow, the open question comes back with its buttons still valid.
    await anna.say("/akut")
    token = anna.buttons[0][2]
    delivery = await dispatcher.process(event("anna", EventKind.UNSUPPORTED))
    assert delivery is not None
    text = Chat.text(delivery.replies)
    assert "Det kan jag inte använda här" in text
    assert "[1] Larma Pia Lind" in text
    assert "Jag har larmat" in await anna.press("akut:alert", token=token)


async def test_unsupported_kind_in_english(chat, demo_app: App) -> None:  # type: ignore[no-untyped-def]
    await chat("bo").say("/hjalp")
    delivery = await demo_app.dispatcher(_no_send).process(event("bo", EventKind.UNSUPPORTED))
    assert delivery is not None
    assert "I can't use that here" in delivery.replies[0].text


# --- a handler that fails -------------------------------------------------------------------


class Boom(StrEnum):
    ARMED = "armed"


SECRET = "Anna Berg +46 70 174 06 10 secret-detail"


async def arm(ctx: Context, event: InboundEvent) -> StateResult:
    ctx.reply("Armed.", [[Button("boom:go", "Go")]])
    return Boom.ARMED


async def write_then_raise(ctx: Context, event: InboundEvent) -> StateResult:
    """Write to the directory, the outbox and the conversation, then fail."""
    await DirectoryRepo(ctx.session).set_locale(ctx.viewer, "en")
    OutboxRepo(ctx.session).enqueue(
        ctx.person.id, ALERT, {"alert": "none"}, priority=URGENT, now=ctx.now
    )
    ctx.notify(ctx.person.id, ALERT, {"alert": "none"}, priority=URGENT)
    ctx.data["half"] = "done"
    await ctx.session.flush()
    raise RuntimeError(SECRET)


BOOM = Flow(name="boom", states=Boom, entry=arm, table={Boom.ARMED: {"boom:go": write_then_raise}})


def with_extras(core: Core, commands: dict[str, Command], *flows: Flow) -> Core:
    """The app's core with extra commands and flows (the real ones stay as they are)."""
    extra = copy.copy(core)
    extra.commands = {**core.commands, **commands}
    extra.flows = {**core.flows, **{flow.name: flow for flow in flows}}
    extra.router = dataclasses.replace(core.router, commands=extra.commands, flows=extra.flows)
    return extra


async def test_failing_handler_gives_a_kind_message_and_commits_nothing(  # type: ignore[no-untyped-def]
    chat, demo_app: App, caplog
) -> None:
    core = with_extras(
        demo_app.core,
        {"boom": Command(BOOM, arm), "crash": Command(None, write_then_raise)},
        BOOM,
    )
    dispatcher = Dispatcher(demo_app.db, core, demo_app.catalogs, _no_send)
    await chat("anna").say("/hjalp")

    armed = await dispatcher.process(event("anna", EventKind.COMMAND, command="boom"))
    assert armed is not None
    token = armed.replies[0].token
    before = await conversation(demo_app, "anna")
    assert before[:2] == ("boom", "armed")

    caplog.set_level(logging.DEBUG)
    for failing in (
        event("anna", EventKind.BUTTON, "fails-1", button="boom:go", token=token),
        event("anna", EventKind.COMMAND, "fails-2", command="crash"),
    ):
        delivery = await dispatcher.process(failing)
        assert delivery is not None
        text = Chat.text(delivery.replies)
        assert "Något gick fel hos mig. Det du berättat tidigare är sparat." in text
        assert "I fara nu: ring 112." in text
        for leak in ("Traceback", "RuntimeError", "secret-detail", "+46 70 174 06 10"):
            assert leak not in text

        # Nothing from the failed event was committed: not the handler's writes, not the
        # new state, not even the event id (so a redelivery is tried again).
        assert await conversation(demo_app, "anna") == before
        assert (await person(demo_app, "anna")).locale == "sv"
        assert await outbox_count(demo_app) == 0
        async with demo_app.db.unit_of_work() as session:
            assert await session.get(HandledEvent, failing.event_id) is None

    # The log names the failure but carries no message text or personal data.
    assert "RuntimeError" in caplog.text
    assert "secret-detail" not in caplog.text
    assert "+46 70 174 06 10" not in caplog.text

    # The question is still open and the real flows still work.
    again = await dispatcher.process(event("anna", EventKind.COMMAND, command="akut"))
    assert again is not None
    assert "Pia Lind" in again.replies[0].text


async def test_failing_handler_in_english_for_english_hint(demo_app: App) -> None:
    core = with_extras(demo_app.core, {"crash": Command(None, write_then_raise)})
    dispatcher = Dispatcher(demo_app.db, core, demo_app.catalogs, _no_send)
    crash = InboundEvent(
        "e-1", "console", "stranger", EventKind.COMMAND, command="crash", locale_hint="en"
    )
    delivery = await dispatcher.process(crash)
    assert delivery is not None
    assert "Something went wrong on my side." in delivery.replies[0].text
    async with demo_app.db.unit_of_work() as session:
        # Even the unregistered person created while handling the event was rolled back.
        assert (
            await session.scalars(select(Person).where(Person.handle == "stranger"))
        ).one_or_none() is None


# --- restart --------------------------------------------------------------------------------


async def test_resume_after_restart(
    chat, demo_app: App, settings: Settings, clock: FakeClock
) -> None:  # type: ignore[no-untyped-def]
    anna: Chat = chat("eve")  # new: she is asked which language she wants
    await anna.say("/start")
    shown = anna.last[-1]
    token = shown.token

    restarted = App.create(settings, clock=clock)
    try:
        async with restarted.db.unit_of_work() as session:
            resumed = await restarted.core.resume(session, "console", "eve")
            never = await restarted.core.resume(session, "console", "pia")
        assert never is None  # pia never started: nothing to resume

        assert resumed is not None
        assert resumed.replies[0].text == "Välkommen tillbaka. Här var vi:"
        prompt = resumed.replies[1]
        assert prompt.text == shown.text
        assert prompt.button_ids == ["lang:sv", "lang:en"]
        assert prompt.token == token

        # The stored state survives: the language button works on the new process.
        again = Chat(restarted, "eve")
        again.last = [prompt]
        assert "I will speak English with you." in await again.say("English")
        assert (await person(restarted, "eve")).locale == "en"
        flow, state, step, _ = await conversation(restarted, "eve")
        assert (flow, state) == (None, None)  # the start flow is finished
        assert step == int(token) + 1
    finally:
        await restarted.close()


async def test_resume_mid_akut_keeps_the_alert_button(  # type: ignore[no-untyped-def]
    chat, demo_app: App, settings: Settings, clock: FakeClock
) -> None:
    await chat("bo").say("/akut")

    restarted = App.create(settings, clock=clock)
    try:
        async with restarted.db.unit_of_work() as session:
            resumed = await restarted.core.resume(session, "console", "bo")
        assert resumed is not None
        assert resumed.replies[0].text == "Welcome back. Here is where we were:"
        assert "Britt Holm, +46 70 174 06 21" in resumed.replies[1].text
        again = Chat(restarted, "bo")
        again.last = resumed.replies
        assert "I have alerted Britt Holm" in await again.say("1")
        assert await outbox_count(restarted) == 1
    finally:
        await restarted.close()
