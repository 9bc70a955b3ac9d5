"""A committed reply reaches the person after a crash, without them writing again; an answer
they type again meanwhile is not filed under the next question (issue 17, item 4).

A crash between commit and send is played by handling an event in its unit of work and
never sending what it returned (``Dispatcher.process``: what the process had done when it
died), then starting again on the same database with a new App (a new process).

The retype rule must hold for any flow, so most tests use a two-question flow of their own
(``/fraga``: "Har du polisanmält?", then "Vill du ha stöd?", both taking typed answers);
one test plays /akut, whose first line is the way out.
"""

from __future__ import annotations

import asyncio
import io
import uuid
from datetime import UTC, datetime, timedelta
from enum import StrEnum

from sqlalchemy import select

from bot.app import App
from bot.settings import Settings
from bot.transports.console import run_console
from conversations.engine import Core
from conversations.events import Button, Delivery, EventKind, InboundEvent
from conversations.flow import Context, Flow, Input, StateResult
from conversations.registry import ACTIONS, COMMANDS, FALLBACKS, FLOWS
from conversations.router import Command
from storage.dialogue import Sent, record_sent
from storage.models import Conversation, Person
from tests.conftest import FakeClock
from tests.fakebotapi import FakeBotApi, fake_bot_api_fixture  # noqa: F401
from tests.golden import Transcript
from tests.telegram_harness import (  # noqa: F401
    TelegramHarness,
    eventually,
    telegram_app_fixture,
)

LOST = "Jag tappade kontakten en stund – här är var vi var:"
FIRST = "Har du polisanmält?"
SECOND = "Vill du ha stöd?"
THANKS = "Tack, det är sparat."
SAVED_FIRST = f"Det har jag redan sparat, som ditt svar på ”{FIRST}”."


class Q(StrEnum):
    FIRST = "first"
    SECOND = "second"
    DONE = "done"


def _yes_no() -> list[list[Button]]:
    return [[Button("yes", "Ja"), Button("no", "Nej")]]


async def _ask_first(ctx: Context, event: InboundEvent) -> StateResult:
    ctx.reply(FIRST + "\nSkriv, eller välj:", _yes_no())
    return Q.FIRST


async def _take_first(ctx: Context, event: InboundEvent) -> StateResult:
    ctx.data["first"] = event.text or event.button
    ctx.reply(SECOND, _yes_no())
    return Q.SECOND


async def _take_second(ctx: Context, event: InboundEvent) -> StateResult:
    ctx.data["second"] = event.text or event.button
    ctx.reply(THANKS)
    return Q.DONE


QUIZ = Flow(
    "quiz",
    Q,
    _ask_first,
    {
        Q.FIRST: {Input.TEXT: _take_first, "yes": _take_first, "no": _take_first},
        Q.SECOND: {Input.TEXT: _take_second, "yes": _take_second, "no": _take_second},
    },
)


def with_quiz(app: App) -> App:
    """The app with /fraga (the two-question flow) next to the real commands."""
    app.core = Core(
        app.catalogs,
        {**COMMANDS, "fraga": Command(QUIZ, _ask_first)},
        {**FLOWS, QUIZ.name: QUIZ},
        FALLBACKS,
        app.clock,
        app.keyring,
        app.packs,
        ACTIONS,
        capabilities=app.core.capabilities,
    )
    return app


def restart(settings: Settings, clock: FakeClock) -> App:
    """A new process on the same database."""
    return with_quiz(App.create(settings, clock=clock))


class Phone:
    """What reaches the person: every delivery the dispatcher sends."""

    def __init__(self) -> None:
        self.got: list[Delivery] = []

    async def __call__(self, delivery: Delivery) -> None:
        self.got.append(delivery)

    def texts(self) -> list[str]:
        return [r.text for d in self.got for r in d.replies]


def event(text: str, *, sent_at: datetime | None = None, to: str = "anna") -> InboundEvent:
    kind, command = EventKind.TEXT, ""
    if text.startswith("/"):
        kind, command, text = EventKind.COMMAND, text[1:], ""
    return InboundEvent(
        f"t-{uuid.uuid4().hex}", "console", to, kind, text, command, sent_at=sent_at
    )


async def say(app: App, phone: Phone, text: str, **kwargs: datetime) -> list[str]:
    """Type a line; return the texts that reached the person."""
    dispatcher = app.dispatcher(phone)
    before = len(phone.texts())
    dispatcher.submit(event(text, **kwargs))
    await dispatcher.drain()
    return phone.texts()[before:]


async def crash_after_commit(app: App, text: str) -> None:
    """Type a line; the process dies after its unit of work committed, before sending."""
    delivery = await app.dispatcher(Phone()).process(event(text))
    assert delivery is not None and delivery.replies  # committed, with replies never sent


async def answers(app: App, handle: str = "anna") -> dict[str, object]:
    async with app.db.unit_of_work() as session:
        row = await session.scalar(
            select(Conversation.data)
            .join(Person, Person.id == Conversation.person_id)
            .where(Person.handle == handle)
        )
    return dict(row or {})


async def test_a_reply_lost_between_commit_and_send_is_sent_at_the_next_start(
    demo_app: App, settings: Settings, clock: FakeClock
) -> None:
    app, phone = with_quiz(demo_app), Phone()
    assert (await say(app, phone, "/fraga"))[0].startswith(FIRST)
    await crash_after_commit(app, "nej")

    again = restart(settings, clock)
    try:
        after = Phone()
        assert await again.dispatcher(after).resend("console") == 1
        assert after.texts() == [LOST, SECOND]  # the person wrote nothing
        [resent] = after.got
        assert [b.id for b in resent.replies[1].buttons[0]] == ["yes", "no"]
        assert await again.dispatcher(Phone()).resend("console") == 0  # once: marked sent
        assert await answers(again) == {"first": "nej"}
        # its buttons still work
        token = resent.replies[1].token
        dispatcher = again.dispatcher(after)
        dispatcher.submit(
            InboundEvent("t-press", "console", "anna", EventKind.BUTTON, button="no", token=token)
        )
        await dispatcher.drain()
        assert after.texts()[-1] == THANKS
        assert await answers(again) == {"first": "nej", "second": "no"}
    finally:
        await again.close()


async def test_an_answer_typed_again_after_the_resend_is_not_filed_under_the_next_question(
    demo_app: App, settings: Settings, clock: FakeClock
) -> None:
    app = with_quiz(demo_app)
    await say(app, Phone(), "/fraga")
    await crash_after_commit(app, "nej")
    again = restart(settings, clock)
    try:
        phone = Phone()
        await again.dispatcher(phone).resend("console")
        clock.advance(seconds=20)
        # the person saw nothing for a while and typed their answer again
        assert await say(again, phone, " Nej ") == [SAVED_FIRST, SECOND]
        assert await answers(again) == {"first": "nej"}
        # now they have seen the question: the same word is their answer to it
        assert await say(again, phone, "nej") == [THANKS]
        assert await answers(again) == {"first": "nej", "second": "nej"}
    finally:
        await again.close()


async def test_a_different_text_after_the_resend_is_the_answer(
    demo_app: App, settings: Settings, clock: FakeClock
) -> None:
    app = with_quiz(demo_app)
    await say(app, Phone(), "/fraga")
    await crash_after_commit(app, "nej")
    again = restart(settings, clock)
    try:
        phone = Phone()
        await again.dispatcher(phone).resend("console")
        assert await say(again, phone, "hallå?") == [THANKS]  # never thrown away
        assert await answers(again) == {"first": "nej", "second": "hallå?"}
    finally:
        await again.close()


async def test_the_same_answer_to_two_questions_in_a_row_is_taken_without_a_crash(
    demo_app: App,
) -> None:
    app, phone = with_quiz(demo_app), Phone()
    await say(app, phone, "/fraga")
    assert await say(app, phone, "nej") == [SECOND]
    assert await say(app, phone, "nej") == [THANKS]
    assert await answers(app) == {"first": "nej", "second": "nej"}


async def test_messages_sent_before_the_resend_are_all_checked(
    demo_app: App, settings: Settings, clock: FakeClock
) -> None:
    """Where the platform says when a message was sent (Telegram), everything typed before
    the resend is compared, not only the first message: "hallå?" and then the answer."""
    app = with_quiz(demo_app)
    await say(app, Phone(), "/fraga")
    await crash_after_commit(app, "nej")
    typed = clock.now + timedelta(seconds=5)  # while the bot was down
    clock.advance(minutes=2)
    again = restart(settings, clock)
    try:
        phone = Phone()
        await again.dispatcher(phone).resend("console")
        assert await say(again, phone, "hallå?", sent_at=typed) == [THANKS]
        assert await say(again, phone, "nej", sent_at=typed + timedelta(seconds=3)) == [SAVED_FIRST]
        assert await answers(again) == {"first": "nej", "second": "hallå?"}
        # typed after the resend, and not the first message after it: taken as usual
        assert await say(again, phone, "/fraga") == [f"{FIRST}\nSkriv, eller välj:"]
        assert await say(again, phone, "nej", sent_at=clock.now) == [SECOND]
    finally:
        await again.close()


async def test_a_lost_reply_not_yet_resent_comes_with_the_next_message(
    demo_app: App, settings: Settings, clock: FakeClock
) -> None:
    """Replies still unsent from an earlier process (their resend at start failed, or the
    person is on another channel now) go out before the answer to their next message."""
    app = with_quiz(demo_app)
    await say(app, Phone(), "/fraga")
    await crash_after_commit(app, "nej")
    again = restart(settings, clock)
    try:
        phone = Phone()
        assert await say(again, phone, "nej") == [LOST, SECOND, SAVED_FIRST]
        assert await answers(again) == {"first": "nej"}
        assert await again.dispatcher(Phone()).resend("console") == 0
    finally:
        await again.close()


async def test_the_retype_check_ends_after_a_while(
    demo_app: App, settings: Settings, clock: FakeClock
) -> None:
    app = with_quiz(demo_app)
    await say(app, Phone(), "/fraga")
    await crash_after_commit(app, "nej")
    again = restart(settings, clock)
    try:
        phone = Phone()
        await again.dispatcher(phone).resend("console")
        clock.advance(hours=1)  # they read the question long ago
        assert await say(again, phone, "nej") == [THANKS]
    finally:
        await again.close()


async def test_replies_lost_after_akut_are_resent_with_the_way_out_first(
    demo_app: App, settings: Settings, clock: FakeClock
) -> None:
    await crash_after_commit(demo_app, "/akut")
    again = App.create(settings, clock=clock)
    try:
        phone = Phone()
        assert await again.dispatcher(phone).resend("console") == 1
        assert phone.texts()[0].startswith("Är du i fara just nu? Ring 112.")
    finally:
        await again.close()


async def test_marking_an_older_reply_sent_keeps_a_newer_one_unsent(demo_app: App) -> None:
    app = with_quiz(demo_app)
    first = await app.dispatcher(Phone()).process(event("/fraga"))
    second = await app.dispatcher(Phone()).process(event("nej"))
    assert first is not None and second is not None and first.person_id is not None
    assert second.reply_no == first.reply_no + 1
    async with app.db.unit_of_work() as session:
        await record_sent(session, [Sent(first.person_id, first.reply_no)])  # late
    phone = Phone()
    await app.dispatcher(phone).resend("console")
    assert phone.texts() == [LOST, f"{FIRST}\nSkriv, eller välj:", SECOND]  # both, in order


async def test_replies_in_flight_are_kept_until_the_transport_took_them(demo_app: App) -> None:
    """Replies go out after the next event may have committed: both are kept until sent."""
    app = with_quiz(demo_app)
    dispatcher = app.dispatcher(Phone())
    await dispatcher.process(event("/fraga"))
    await dispatcher.process(event("nej"))
    async with app.db.unit_of_work() as session:
        row = await session.scalar(select(Conversation).where(Conversation.reply_no > 0))
        assert row is not None and row.reply_no > row.sent_no and row.replies is not None
    phone = Phone()
    await say(app, phone, "nej")  # handled and sent: everything up to now is marked
    async with app.db.unit_of_work() as session:
        row = await session.scalar(select(Conversation).where(Conversation.reply_no > 0))
        assert row is not None and row.sent_no == row.reply_no and row.replies is None


async def test_a_button_on_the_latest_prompt_proves_its_replies_arrived(
    demo_app: App, settings: Settings, clock: FakeClock
) -> None:
    """Replies not yet confirmed are kept with the next ones; but a button pressed on the
    latest prompt shows they arrived. A crash after the answer to it sends that answer's
    replies again, not the question before them once more after them."""
    app = with_quiz(demo_app)
    asked = await app.dispatcher(Phone()).process(event("/fraga"))  # sent, never confirmed
    assert asked is not None
    async with app.db.unit_of_work() as session:
        step = await session.scalar(select(Conversation.step).where(Conversation.reply_no > 0))
    press = InboundEvent(
        f"t-{uuid.uuid4().hex}", "console", "anna", EventKind.BUTTON, button="no", token=str(step)
    )
    answered = await app.dispatcher(Phone()).process(press)  # the process dies before sending
    assert answered is not None and [r.text for r in answered.replies] == [SECOND]
    again = restart(settings, clock)
    try:
        phone = Phone()
        await again.dispatcher(phone).resend("console")
        assert phone.texts() == [LOST, SECOND]  # not the first question again, after it
    finally:
        await again.close()


async def test_the_console_prints_a_lost_reply_instead_of_welcome_back(
    demo_app: App, settings: Settings, clock: FakeClock
) -> None:
    app = with_quiz(demo_app)
    await say(app, Phone(), "/fraga")
    await crash_after_commit(app, "nej")
    again = restart(settings, clock)
    try:
        out = io.StringIO()
        await run_console(again, "anna", stdin=io.StringIO(""), out=out)
        printed = out.getvalue()
        assert printed.startswith(f"{LOST}\n\n{SECOND}\n[1] Ja  [2] Nej\n")
        assert "Välkommen tillbaka" not in printed
        out = io.StringIO()
        await run_console(again, "anna", stdin=io.StringIO(""), out=out)
        assert out.getvalue().startswith(f"Välkommen tillbaka. Här var vi:\n\n{SECOND}")
    finally:
        await again.close()


async def test_telegram_sends_lost_replies_before_polling_and_catches_the_retype(
    tg_app: App, clock: FakeClock, fake_bot_api: FakeBotApi
) -> None:
    app = with_quiz(tg_app)
    tg = TelegramHarness(app, fake_bot_api)
    chat = 1001
    try:
        await tg.start()
        await tg.bind("anna", chat)
        assert (await tg.say(chat, "/fraga"))[0].startswith(FIRST)
        # the process dies after committing the answer, before its reply goes out
        tg.bot.dispatcher.send = _died  # type: ignore[method-assign]
        assert await tg.say(chat, "nej") == []
        await tg.stop()
        # meanwhile the person writes the answer again
        retyped = fake_bot_api.send_text(chat, "nej", extra={"date": int(clock.now.timestamp())})
        before = tg.mark(chat)
        clock.advance(seconds=30)
        await tg.start()
        await tg.handled(retyped)
        assert tg.since(chat, before) == [LOST, SECOND, SAVED_FIRST, SECOND]
        assert await answers(app) == {"first": "nej"}
        assert await tg.press(chat, "Nej") == [THANKS]
        await eventually(lambda: not tg.bot.dispatcher.busy("telegram", str(chat)), "sent")
        await tg.stop()
        async with app.db.unit_of_work() as session:
            rows = await session.scalars(select(Conversation).where(Conversation.reply_no > 0))
            assert all(r.sent_no == r.reply_no for r in rows)  # nothing to send again
    finally:
        await tg.stop()


async def _died(delivery: Delivery) -> None:
    """A send that never happens and is never marked: the process is gone."""
    raise asyncio.CancelledError


def test_messages_on_the_wire_carry_the_time_they_were_sent() -> None:
    from bot.transports.telegram_updates import event_for

    update = {
        "update_id": 5,
        "message": {
            "message_id": 9,
            "date": 1_790_000_000,
            "chat": {"id": 1001, "type": "private"},
            "from": {"id": 1001, "is_bot": False, "first_name": "A"},
            "text": "nej",
        },
    }
    found = event_for(update)
    assert found is not None and found.sent_at == datetime.fromtimestamp(1_790_000_000, UTC)


async def mark_delivered(app: App, handle: str) -> None:
    """Mark a person's replies sent, as the transport's confirmation does (Chat never sends)."""
    async with app.db.unit_of_work() as session:
        row = (
            await session.execute(
                select(Conversation.person_id, Conversation.reply_no)
                .join(Person, Person.id == Conversation.person_id)
                .where(Person.handle == handle)
            )
        ).one()
        await record_sent(session, [Sent(row.person_id, row.reply_no)])


async def test_crash_mid_report_transcripts(
    demo_app: App, settings: Settings, clock: FakeClock
) -> None:
    for name, handle, script in (
        ("crash_mid_report_sv", "anna", ("Det hände mig", "Anna Berg, kommunstyrelsen", "1")),
        ("crash_mid_report_en", "bo", ("It happened to me", "Bo Ek, the building committee", "1")),
    ):
        app = demo_app
        t = Transcript(name, app)
        person = t.person(handle)
        await t.say(person, "/rapportera")
        await mark_delivered(app, handle)
        await t.say(person, script[0])
        await mark_delivered(app, handle)
        t.note(f"{handle} writes “{script[1]}”; the bot saves it, then stops before answering")
        await person.say(script[1])
        again = App.create(settings, clock=clock)
        try:
            t.note("the bot starts again; nobody has written")
            phone = Phone()
            async with again.db.unit_of_work() as session:
                person_id = await again.core.person_id(session, "console", handle)
            assert await again.dispatcher(phone).resend("console", person_id) == 1
            t._bot(handle, [r for d in phone.got for r in d.replies])
            person.app, t.app = again, again
            person.last = phone.got[-1].replies
            t.note(f"{handle} had seen nothing, and writes the answer again")
            await t.say(person, script[1])
            await t.say(person, script[2])
        finally:
            await again.close()
        t.check()
