"""The outbox sender: render in the recipient's language, mark sent, retry, give up, priority."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from bot.app import App
from bot.transports.base import DeliveryFailed
from conversations.events import Reply
from conversations.notices import ALERT, ALERT_UNANSWERED
from storage.models import (
    ChannelBinding,
    OutboxMessage,
    OutboxStatus,
    Person,
    Timer,
    TimerState,
)
from storage.outbox import CONVERSATION, ROUTINE, URGENT, OutboxRepo
from storage.timers import Planned, TimerRepo
from tests.conftest import Chat, FakeClock


@dataclass
class FakeTransport:
    """Collects what would be sent; fails as told, per address, in order."""

    channel: str = "console"
    sent: list[tuple[str, str, int]] = field(default_factory=list)
    failures: dict[str, list[Exception]] = field(default_factory=dict)

    async def send(self, address: str, replies: Sequence[Reply], priority: int = 3) -> None:
        planned = self.failures.get(address)
        if planned:
            raise planned.pop(0)
        for reply in replies:
            self.sent.append((address, reply.text, priority))

    def texts(self, address: str) -> list[str]:
        return [t for a, t, _ in self.sent if a == address]


async def rows(app: App) -> dict[str, OutboxMessage]:
    """The outbox rows by recipient handle (the newest one, where a person has several)."""
    async with app.db.unit_of_work() as session:
        result = await session.execute(
            select(Person.handle, OutboxMessage)
            .join(OutboxMessage, OutboxMessage.recipient_id == Person.id)
            .order_by(OutboxMessage.id)
        )
        return {handle: message for handle, message in result.all()}


async def alert_from(chat, sender: str, *recipients: str) -> None:  # type: ignore[no-untyped-def]
    """Connect the recipients once (so they have a console address), then raise an alert."""
    for handle in recipients:
        await chat(handle).say("/hjalp")
    person: Chat = chat(sender)
    await person.say("/akut")
    assert "akut:alert" in [i for i, _, _ in person.buttons]
    await person.press("akut:alert")


async def test_alert_is_rendered_in_each_recipients_language(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    per: Chat = chat("per")
    await per.say("/start")
    assert "I will speak English" in await per.say("English")  # per reads English, pia Swedish
    await alert_from(chat, "anna", "pia", "per")

    transport = FakeTransport()
    sender = demo_app.outbox_sender(transport)
    assert await sender.deliver_due() == 1  # the first level only: Pia

    [to_pia] = transport.texts("pia")
    assert "BRÅDSKANDE – larm från Trygg" in to_pia
    assert "Anna Berg (Gröna partiet, Sjöviks kommun) behöver dig nu." in to_pia
    assert "Ring: +46 70 174 06 10" in to_pia
    assert "ring 112" in to_pia
    assert transport.texts("per") == []

    # Nobody took it in 10 minutes: Per is next, in English; Pia is reminded, in Swedish.
    clock.advance(minutes=10)
    await demo_app.timer_runner().run_due()
    assert await sender.deliver_due() == 2

    [to_per] = transport.texts("per")
    assert "Nobody has answered yet – you are next." in to_per
    assert "URGENT – Trygg alert" in to_per
    assert "Anna Berg (Gröna partiet, Sjövik Municipality) needs you now." in to_per
    assert "Call: +46 70 174 06 10" in to_per
    assert "BRÅDSKANDE" not in to_per
    reminder = transport.texts("pia")[1]
    assert "Påminnelse: ingen har tagit det här än." in reminder
    assert "BRÅDSKANDE" in reminder

    assert {priority for _, _, priority in transport.sent} == {URGENT}


async def test_sent_messages_are_marked_and_not_sent_again(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    await alert_from(chat, "bo", "britt")
    transport = FakeTransport()
    sender = demo_app.outbox_sender(transport)

    assert await sender.deliver_due() == 1
    britt = (await rows(demo_app))["britt"]
    assert britt.status is OutboxStatus.SENT
    assert britt.sent_at == clock.now
    assert britt.attempts == 1
    # britt reads Swedish although bo writes English.
    assert "BRÅDSKANDE" in transport.texts("britt")[0]
    assert "Bo Sand (Blå partiet, Sjöviks kommun)" in transport.texts("britt")[0]

    clock.advance(minutes=10)
    assert await sender.deliver_due() == 0
    assert len(transport.sent) == 1


async def test_recipient_without_an_address_on_this_channel_waits(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    await alert_from(chat, "anna", "pia")  # per has never connected
    clock.advance(minutes=10)
    await demo_app.timer_runner().run_due()  # nobody took it: per is alerted, pia reminded
    transport = FakeTransport()
    assert await demo_app.outbox_sender(transport).deliver_due() == 2
    assert [a for a, _, _ in transport.sent] == ["pia", "pia"]
    outbox = await rows(demo_app)
    assert outbox["per"].status is OutboxStatus.PENDING

    # When per connects, the alert reaches him.
    await chat("per").say("/hjalp")
    assert await demo_app.outbox_sender(transport).deliver_due() == 1
    assert "Anna Berg" in transport.texts("per")[0]


async def test_retry_after_reschedules(chat, demo_app: App, clock: FakeClock) -> None:  # type: ignore[no-untyped-def]
    await alert_from(chat, "anna", "pia")
    await alert_from(chat, "bo", "britt")
    transport = FakeTransport(failures={"pia": [DeliveryFailed("429", retry_after=5)]})
    sender = demo_app.outbox_sender(transport)
    failed_at = clock.now

    assert await sender.deliver_due() == 1  # britt got hers; pia's was refused for now
    pia = (await rows(demo_app))["pia"]
    assert pia.status is OutboxStatus.PENDING
    assert pia.due_at == failed_at + timedelta(seconds=5)
    assert pia.claimed_until is None
    assert pia.last_error == "429"
    assert (await rows(demo_app))["britt"].status is OutboxStatus.SENT

    clock.advance(seconds=4)
    assert await sender.deliver_due() == 0
    assert transport.texts("pia") == []

    clock.advance(seconds=1)
    assert await sender.deliver_due() == 1
    assert "BRÅDSKANDE" in transport.texts("pia")[0]
    pia = (await rows(demo_app))["pia"]
    assert pia.status is OutboxStatus.SENT
    assert pia.attempts == 2


async def test_unexpected_transport_error_backs_off(chat, demo_app: App, clock: FakeClock) -> None:  # type: ignore[no-untyped-def]
    await alert_from(chat, "bo", "britt")
    transport = FakeTransport(failures={"britt": [RuntimeError("boom"), RuntimeError("boom")]})
    sender = demo_app.outbox_sender(transport)

    assert await sender.deliver_due() == 0  # attempt 1 fails: wait 2 s
    assert (await rows(demo_app))["britt"].due_at == clock.now + timedelta(seconds=2)
    clock.advance(seconds=2)
    assert await sender.deliver_due() == 0  # attempt 2 fails: wait 4 s
    assert (await rows(demo_app))["britt"].due_at == clock.now + timedelta(seconds=4)
    clock.advance(seconds=3)
    assert await sender.deliver_due() == 0
    clock.advance(seconds=1)
    assert await sender.deliver_due() == 1
    britt = (await rows(demo_app))["britt"]
    assert (britt.status, britt.attempts) == (OutboxStatus.SENT, 3)


async def test_permanent_failure_marks_failed(chat, demo_app: App, clock: FakeClock) -> None:  # type: ignore[no-untyped-def]
    await alert_from(chat, "bo", "britt")
    transport = FakeTransport(
        failures={"britt": [DeliveryFailed("bot was blocked by the user", permanent=True)]}
    )
    sender = demo_app.outbox_sender(transport)

    assert await sender.deliver_due() == 0
    britt = (await rows(demo_app))["britt"]
    assert britt.status is OutboxStatus.FAILED
    assert britt.sent_at is None
    assert britt.last_error == "bot was blocked by the user"

    clock.advance(hours=1)
    assert await sender.deliver_due() == 0
    assert transport.sent == []
    assert (await rows(demo_app))["britt"].status is OutboxStatus.FAILED


async def _enqueue(app: App, recipient: str, sender: str, priorities: list[int], clock: FakeClock):  # type: ignore[no-untyped-def]
    """Queue one notice per priority, oldest first, one second apart."""
    async with app.db.unit_of_work() as session:
        ids = dict(
            (
                await session.execute(
                    select(Person.handle, Person.id).where(Person.handle.in_([recipient, sender]))
                )
            ).all()
        )
        outbox = OutboxRepo(session)
        for n, priority in enumerate(priorities):
            outbox.enqueue(
                ids[recipient],
                ALERT_UNANSWERED,
                {"alert": "none"},  # rendered without the alert: the generic advice
                priority=priority,
                now=clock.now + timedelta(seconds=n),
            )
    return ids


async def test_claim_puts_urgent_first(chat, demo_app: App, clock: FakeClock) -> None:  # type: ignore[no-untyped-def]
    await chat("pia").say("/hjalp")
    await _enqueue(demo_app, "pia", "anna", [ROUTINE, CONVERSATION, ROUTINE, URGENT], clock)
    clock.advance(seconds=10)

    async with demo_app.db.unit_of_work() as session:
        [first] = await OutboxRepo(session).claim(
            clock.now, lease=timedelta(seconds=60), limit=1, channel="console"
        )
        assert first.priority == URGENT
        # A claimed row is leased: the next claim does not get it again.
        [second] = await OutboxRepo(session).claim(
            clock.now, lease=timedelta(seconds=60), limit=1, channel="console"
        )
        assert second.priority == CONVERSATION
        assert second.id != first.id


async def test_delivery_order_follows_priority_then_age(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    await chat("pia").say("/hjalp")
    await _enqueue(demo_app, "pia", "anna", [ROUTINE, CONVERSATION, URGENT, URGENT], clock)
    clock.advance(seconds=10)

    transport = FakeTransport()
    assert await demo_app.outbox_sender(transport).deliver_due() == 4
    assert [priority for _, _, priority in transport.sent] == [
        URGENT,
        URGENT,
        CONVERSATION,
        ROUTINE,
    ]


async def test_nothing_is_sent_before_it_is_due(chat, demo_app: App, clock: FakeClock) -> None:  # type: ignore[no-untyped-def]
    await chat("pia").say("/hjalp")
    await _enqueue(demo_app, "pia", "anna", [URGENT], clock)
    clock.advance(seconds=-1)
    transport = FakeTransport()
    assert await demo_app.outbox_sender(transport).deliver_due() == 0
    clock.advance(seconds=1)
    assert await demo_app.outbox_sender(transport).deliver_due() == 1


@dataclass
class SlowTransport(FakeTransport):
    """Takes a moment per send and records how many sends were in flight at once."""

    in_flight: dict[str, int] = field(default_factory=dict)
    most_at_once: int = 0
    most_per_chat: int = 0

    async def send(self, address: str, replies: Sequence[Reply], priority: int = 3) -> None:
        self.in_flight[address] = self.in_flight.get(address, 0) + 1
        self.most_at_once = max(self.most_at_once, sum(self.in_flight.values()))
        self.most_per_chat = max(self.most_per_chat, self.in_flight[address])
        await asyncio.sleep(0.02)
        await super().send(address, replies, priority)
        self.in_flight[address] -= 1


async def test_urgent_lane_sends_to_different_chats_at_once_each_in_order(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    for handle in ("pia", "per"):
        await chat(handle).say("/hjalp")
    await _enqueue(demo_app, "pia", "anna", [URGENT, URGENT, URGENT], clock)
    await _enqueue(demo_app, "per", "anna", [URGENT, URGENT], clock)
    clock.advance(seconds=10)

    transport = SlowTransport()
    sender = demo_app.outbox_sender(transport)
    assert await sender.deliver_due(max_priority=CONVERSATION, concurrent=True) == 5
    assert transport.most_at_once == 2  # pia's and per's alerts went out side by side
    assert transport.most_per_chat == 1  # but each chat got one message at a time
    assert (len(transport.texts("pia")), len(transport.texts("per"))) == (3, 2)
    async with demo_app.db.unit_of_work() as session:
        statuses = (await session.scalars(select(OutboxMessage.status))).all()
    assert statuses == [OutboxStatus.SENT] * 5

    await _enqueue(demo_app, "pia", "anna", [URGENT, URGENT], clock)
    await _enqueue(demo_app, "per", "anna", [URGENT], clock)
    clock.advance(seconds=10)
    transport = SlowTransport()
    assert await demo_app.outbox_sender(transport).deliver_due() == 3
    assert transport.most_at_once == 1  # without concurrent: one send at a time


async def test_urgent_lane_claims_a_free_chats_alert_while_a_busy_chat_is_still_sending(  # type: ignore[no-untyped-def]
    chat, demo_app: App, clock: FakeClock
) -> None:
    for handle in ("pia", "per"):
        await chat(handle).say("/hjalp")
    await _enqueue(demo_app, "pia", "anna", [URGENT] * 4, clock)
    clock.advance(seconds=10)
    transport = SlowTransport()
    sender = demo_app.outbox_sender(transport)
    idle: list[int] = []
    sender.on_idle = lambda: idle.append(len(transport.sent))
    assert await sender.start_due(limit=50, max_priority=CONVERSATION) == 4  # returns at once
    assert transport.sent == []

    await _enqueue(demo_app, "pia", "anna", [URGENT], clock)  # raised meanwhile
    await _enqueue(demo_app, "per", "anna", [URGENT], clock)
    clock.advance(seconds=10)
    # pia's fifth waits for her first four (her chat stays in order); per's goes now
    assert await sender.start_due(limit=50, max_priority=CONVERSATION) == 1
    assert await sender.start_due(limit=50, max_priority=CONVERSATION) == 0
    await sender.drain()
    order = [address for address, _, _ in transport.sent]
    per_at = next(i for i, address in enumerate(order) if order.count(address) == 1)
    assert per_at < 3  # per's alert did not wait behind pia's four
    assert len(idle) == 2  # each chat said when it was free
    assert await sender.start_due(limit=50, max_priority=CONVERSATION) == 1  # pia's fifth
    await sender.drain()
    assert (len(transport.texts("pia")), len(transport.texts("per"))) == (5, 1)
    assert transport.most_per_chat == 1
    async with demo_app.db.unit_of_work() as session:
        statuses = (await session.scalars(select(OutboxMessage.status))).all()
    assert statuses == [OutboxStatus.SENT] * 6


async def test_messages_and_timers_queued_together_count_in_their_unit_of_work_or_not_at_all(
    demo_app: App, clock: FakeClock
) -> None:
    async with demo_app.db.unit_of_work() as session:
        pia = (await session.scalars(select(Person.id).where(Person.handle == "pia"))).one()
    due = clock.now + timedelta(days=3)
    with pytest.raises(RuntimeError):
        async with demo_app.db.unit_of_work() as session:
            await OutboxRepo(session).enqueue_all([(pia, ALERT_UNANSWERED, {}, URGENT)], clock.now)
            await TimerRepo(session).schedule_all([Planned("checkin", "r1", due, {"day": 3})])
            raise RuntimeError("the event's handler failed after queueing")
    async with demo_app.db.unit_of_work() as session:
        assert (await session.scalars(select(OutboxMessage))).all() == []
        assert (await session.scalars(select(Timer))).all() == []

    async with demo_app.db.unit_of_work() as session:
        outbox, timers = OutboxRepo(session), TimerRepo(session)
        await outbox.enqueue_all(
            [(pia, ALERT_UNANSWERED, {"alert": "a1"}, URGENT), (pia, "nudge", {"n": 1}, ROUTINE)],
            clock.now,
        )
        await timers.schedule_all(
            [Planned("checkin", "r1", due, {"day": 3}), Planned("checkin", "r2", due, {})]
        )
        # seen by the rest of the unit of work at once, as ORM rows would be
        claimed = await outbox.claim(clock.now, lease=timedelta(minutes=1), limit=10)
        assert [(m.kind, m.payload, m.priority) for m in claimed] == [
            (ALERT_UNANSWERED, {"alert": "a1"}, URGENT),
            ("nudge", {"n": 1}, ROUTINE),
        ]
        assert await timers.cancel("checkin", "r2") == 1
    async with demo_app.db.unit_of_work() as session:
        stored = (await session.scalars(select(Timer).order_by(Timer.id))).all()
        assert [(t.subject, t.state, t.due_at, t.payload) for t in stored] == [
            ("r1", TimerState.PENDING, due, {"day": 3}),
            ("r2", TimerState.CANCELLED, due, {}),
        ]
        messages = (await session.scalars(select(OutboxMessage))).all()
        assert {(m.recipient_id, m.attempts, m.created_at) for m in messages} == {
            (pia, 1, clock.now)  # claimed once, above
        }


async def test_a_message_is_claimed_on_the_channel_it_goes_to(
    demo_app: App, clock: FakeClock
) -> None:
    """No channel: the recipient's live binding last written on (never written on: the
    oldest); a channel: that one only; dead and held bindings: never; none live: it waits.
    An alert goes to every live channel, one row each."""
    async with demo_app.db.unit_of_work() as session:
        pia = (await session.scalars(select(Person.id).where(Person.handle == "pia"))).one()
        for n, channel in enumerate(("telegram", "signal", "console")):
            session.add(
                ChannelBinding(
                    channel=channel,
                    address=f"pia-{channel}",
                    person_id=pia,
                    created_at=clock.now + timedelta(seconds=n),
                )
            )

    async def claims(**binding: object) -> dict[str, list[str | None]]:
        """Which channel claims which of pia's due rows (the claims are rolled back)."""
        found: dict[str, list[str | None]] = {}
        async with demo_app.db.unit_of_work() as session:
            for channel, values in binding.items():
                await session.execute(
                    update(ChannelBinding)
                    .where(ChannelBinding.person_id == pia, ChannelBinding.channel == channel)
                    .values(**values)  # type: ignore[arg-type]
                )
            outbox = OutboxRepo(session)
            for channel in ("telegram", "signal", "console"):
                rows = await outbox.claim(
                    clock.now, lease=timedelta(minutes=1), limit=10, channel=channel
                )
                found[channel] = sorted((r.channel or "-") for r in rows)
            await session.rollback()
        return found

    async with demo_app.db.unit_of_work() as session:
        outbox = OutboxRepo(session)
        outbox.enqueue(pia, ALERT_UNANSWERED, {"alert": "x"}, priority=ROUTINE, now=clock.now)
        outbox.enqueue(
            pia, ALERT_UNANSWERED, {"alert": "y"}, priority=ROUTINE, now=clock.now, channel="signal"
        )
    nobody_wrote = await claims()
    assert nobody_wrote == {"telegram": ["-"], "signal": ["signal"], "console": []}
    wrote = {"last_used_at": clock.now + timedelta(minutes=1)}
    assert await claims(console=wrote) == {"telegram": [], "signal": ["signal"], "console": ["-"]}
    dead = {"dead_at": clock.now}
    assert await claims(console=wrote | dead, signal=dead) == {
        "telegram": ["-"],
        "signal": [],
        "console": [],
    }
    held = {"held_at": clock.now}
    assert await claims(telegram=held, signal=held, console=held) == {
        "telegram": [],
        "signal": [],
        "console": [],
    }

    async with demo_app.db.unit_of_work() as session:
        await session.execute(
            update(ChannelBinding)
            .where(ChannelBinding.person_id == pia, ChannelBinding.channel == "console")
            .values(dead_at=clock.now)
        )
        await OutboxRepo(session).enqueue_all(
            [(pia, ALERT, {"alert": "z"}, URGENT), (pia, ALERT_UNANSWERED, {}, URGENT)],
            clock.now,
            every_channel={ALERT},
        )
        fanned = (
            await session.scalars(
                select(OutboxMessage).where(OutboxMessage.payload["alert"].as_string() == "z")
            )
        ).all()
    assert sorted(str(r.channel) for r in fanned) == ["signal", "telegram"]
