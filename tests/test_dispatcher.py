"""The dispatcher: one person's events in order, different people concurrently, drain."""

from __future__ import annotations

import asyncio
import uuid
from contextlib import asynccontextmanager

import pytest

from bot.app import App
from bot.dispatcher import Dispatcher
from bot.settings import Settings
from conversations.events import Delivery, EventKind, InboundEvent
from storage.db import Database
from storage.errors import DatabaseUnavailable
from tests.conftest import Chat, FakeClock

HANG_GUARD = 30  # seconds; only so that a broken dispatcher fails instead of hanging


def command(address: str, name: str, locale_hint: str | None = None) -> InboundEvent:
    return InboundEvent(
        f"t-{uuid.uuid4().hex}",
        "console",
        address,
        EventKind.COMMAND,
        command=name,
        locale_hint=locale_hint,
    )


def text(delivery: Delivery) -> str:
    return Chat.text(delivery.replies)


async def test_one_persons_events_run_in_order(demo_app: App) -> None:
    received: list[str] = []
    started = running = most = 0

    async def slow_send(delivery: Delivery) -> None:
        nonlocal started, running, most
        started += 1
        running += 1
        most = max(most, running)
        # Earlier events take longer: if they ran concurrently, they would finish out of order.
        for _ in range(60 - 2 * started):
            await asyncio.sleep(0)
        received.append(text(delivery))
        running -= 1

    dispatcher = demo_app.dispatcher(slow_send)
    names = [f"x{n}" for n in range(20)]
    for name in names:
        dispatcher.submit(command("anna", name))
    assert dispatcher.active == 1  # one worker for the person, not one per event
    await asyncio.wait_for(dispatcher.drain(), HANG_GUARD)

    assert most == 1, "two of one person's events were in flight at the same time"
    assert len(received) == len(names)
    for name, reply in zip(names, received, strict=True):
        assert f"Jag känner inte igen kommandot /{name}." in reply


async def test_a_persons_state_follows_the_order_of_their_events(demo_app: App) -> None:
    """/akut then the alert button: the press is valid only if /akut was handled first."""
    received: list[str] = []

    async def send(delivery: Delivery) -> None:
        received.append(text(delivery))

    warmup = Chat(demo_app, "anna")
    await warmup.say("/hjalp")
    step = int(warmup.buttons[0][2])  # the next keyboard will carry step + 1

    dispatcher = demo_app.dispatcher(send)
    dispatcher.submit(command("anna", "akut"))
    dispatcher.submit(
        InboundEvent(
            "press-1", "console", "anna", EventKind.BUTTON, button="akut:alert", token=str(step + 1)
        )
    )
    await asyncio.wait_for(dispatcher.drain(), HANG_GUARD)

    assert len(received) == 2
    assert "Larma Pia Lind" in received[0]
    assert "Jag har larmat Pia Lind" in received[1]


async def test_a_blocked_person_does_not_block_others(demo_app: App) -> None:
    gate = asyncio.Event()  # holds back everything sent to anna
    bo_done = asyncio.Event()
    delivered: dict[str, list[str]] = {"anna": [], "bo": []}

    async def send(delivery: Delivery) -> None:
        if delivery.address == "anna":
            await gate.wait()
        delivered[delivery.address].append(text(delivery))
        if delivery.address == "bo" and len(delivered["bo"]) == 3:
            bo_done.set()

    dispatcher = demo_app.dispatcher(send)
    dispatcher.submit(command("anna", "akut"))
    dispatcher.submit(command("anna", "kontakter"))
    for name in ("hjalp", "kontakter", "akut"):
        dispatcher.submit(command("bo", name))
    assert dispatcher.active == 2

    # bo is served completely while anna's first reply is still stuck in the sender.
    await asyncio.wait_for(bo_done.wait(), HANG_GUARD)
    assert delivered["anna"] == []
    assert "Trygg helps elected officials" in delivered["bo"][0]
    assert "Britt Holm" in delivered["bo"][1]
    assert "Alert Britt Holm" in delivered["bo"][2]
    assert dispatcher.active == 1  # bo's worker is gone; anna's waits

    gate.set()
    await asyncio.wait_for(dispatcher.drain(), HANG_GUARD)
    assert len(delivered["anna"]) == 2
    assert "Larma Pia Lind" in delivered["anna"][0]
    assert "Dina säkerhetsansvariga i partiet:" in delivered["anna"][1]
    assert dispatcher.active == 0


async def test_drain_waits_for_everything_including_events_submitted_meanwhile(
    demo_app: App,
) -> None:
    delivered: list[tuple[str, str]] = []
    dispatcher: Dispatcher

    async def send(delivery: Delivery) -> None:
        delivered.append((delivery.address, text(delivery)))
        if len(delivered) == 1:  # a new event arrives while the first reply is being sent
            dispatcher.submit(command(delivery.address, "late"))
        await asyncio.sleep(0)

    dispatcher = demo_app.dispatcher(send)
    people = ["anna", "bo", "pia", "per", "nybörjare"]
    for handle in people:
        for name in ("hjalp", "meny"):
            dispatcher.submit(command(handle, name))
    await asyncio.wait_for(dispatcher.drain(), HANG_GUARD)

    assert dispatcher.active == 0
    assert dispatcher.handled == 2 * len(people) + 1
    assert len(delivered) == 2 * len(people) + 1
    for handle in people:
        mine = [t for a, t in delivered if a == handle]
        assert "Trygg hjälper" in mine[0] or "Trygg helps" in mine[0], mine  # /hjalp
        assert "hjälpa dig med" in mine[1] or "help you with" in mine[1], mine  # then /meny
    assert any("kommandot /late" in t or "command /late" in t for _, t in delivered)


async def test_a_failing_sender_does_not_stop_the_queue(demo_app: App) -> None:
    delivered: list[str] = []

    async def flaky(delivery: Delivery) -> None:
        if not delivered:
            delivered.append("lost")
            raise ConnectionError("network down")
        delivered.append(text(delivery))

    dispatcher = demo_app.dispatcher(flaky)
    dispatcher.submit(command("anna", "akut"))
    dispatcher.submit(command("anna", "hjalp"))
    await asyncio.wait_for(dispatcher.drain(), HANG_GUARD)
    assert dispatcher.handled == 2
    assert "Trygg hjälper förtroendevalda" in delivered[1]

    # The lost reply's state was committed: the person can continue from it.
    async with demo_app.db.unit_of_work() as session:
        resumed = await demo_app.core.resume(session, "console", "anna")
    assert resumed is not None


# --- the database is unavailable -----------------------------------------------------------


UNREACHABLE = "postgresql+asyncpg://postgres@127.0.0.1:1/x"  # nothing listens on port 1


@pytest.fixture
async def unreachable_app(settings: Settings, clock: FakeClock):  # type: ignore[no-untyped-def]
    """The app configured as usual, except that its PostgreSQL server cannot be reached."""
    app = App.create(settings.model_copy(update={"database_url": UNREACHABLE}), clock=clock)
    yield app
    await app.close()


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # it is not used
async def test_unreachable_database_asks_to_try_again(unreachable_app: App) -> None:
    delivered: list[Delivery] = []

    async def send(delivery: Delivery) -> None:
        delivered.append(delivery)

    dispatcher = unreachable_app.dispatcher(send)
    dispatcher.submit(command("anna", "akut"))
    dispatcher.submit(command("bo", "akut", locale_hint="en-GB"))
    await asyncio.wait_for(dispatcher.drain(), HANG_GUARD)

    by_address = {d.address: text(d) for d in delivered}
    assert "Försök igen om en liten stund." in by_address["anna"]
    assert "I fara nu: ring 112." in by_address["anna"]
    assert "Please try again in a moment." in by_address["bo"]
    assert "In danger now: call 112." in by_address["bo"]
    for reply in by_address.values():
        for leak in ("Traceback", "127.0.0.1", "asyncpg", "Connection"):
            assert leak not in reply


async def test_database_unavailable_during_unit_of_work(  # type: ignore[no-untyped-def]
    demo_app: App, monkeypatch
) -> None:
    @asynccontextmanager
    async def broken(self: Database):  # type: ignore[no-untyped-def]
        raise DatabaseUnavailable("ConnectionRefusedError")
        yield  # pragma: no cover

    monkeypatch.setattr(Database, "unit_of_work", broken)
    delivery = await demo_app.dispatcher(_ignore).process(command("anna", "akut"))
    assert delivery is not None
    assert "Jag kan inte spara något just nu. Försök igen om en liten stund." in text(delivery)
    assert "Pia Lind" not in text(delivery)

    monkeypatch.undo()
    # Once the database is back, the same person is served normally.
    delivery = await demo_app.dispatcher(_ignore).process(command("anna", "akut"))
    assert delivery is not None
    assert "Pia Lind, +46 70 174 06 11" in text(delivery)


async def _ignore(delivery: Delivery) -> None:
    return None


async def test_an_event_is_confirmed_at_commit_and_its_reply_never_overtaken(
    demo_app: App,
) -> None:
    """The platform may confirm an update once it is committed; the person's next event
    is handled while the reply is on its way, but their replies still come in order."""
    gate = asyncio.Event()  # holds back the first reply
    sent: list[str] = []

    async def send(delivery: Delivery) -> None:
        if not sent and not gate.is_set():
            await gate.wait()
        sent.append(text(delivery))

    dispatcher = demo_app.dispatcher(send)
    first = dispatcher.submit(command("anna", "hjalp"))
    second = dispatcher.submit(command("anna", "kontakter"))
    await asyncio.wait_for(asyncio.gather(first, second), HANG_GUARD)  # both committed...
    assert sent == []  # ...while the first reply is still held back
    assert dispatcher.busy("console", "anna")
    gate.set()
    await asyncio.wait_for(dispatcher.drain(), HANG_GUARD)
    assert "Trygg helps elected officials" in sent[0] or "Trygg hjälper" in sent[0]
    assert "säkerhetsansvariga" in sent[1]
    assert not dispatcher.busy("console", "anna")


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)  # PostgreSQL interleaves
async def test_replies_get_a_turn_between_units_of_work_in_a_burst(demo_app: App) -> None:
    """SQLite runs units of work inline: in a burst of 30 people, the first one's reply
    must not wait until all 30 units of work have run."""
    order: list[str] = []

    async def send(delivery: Delivery) -> None:
        order.append(f"sent {delivery.address}")

    dispatcher = demo_app.dispatcher(send)
    dispatcher.TURN_SLICE = 0.0  # a turn after every unit of work
    process = dispatcher.process

    async def recording(event: InboundEvent) -> Delivery | None:
        order.append(f"handled {event.address}")
        return await process(event)

    dispatcher.process = recording  # type: ignore[method-assign]
    people = [f"burst-{n}" for n in range(30)]
    for person in people:
        dispatcher.submit(command(person, "hjalp"))
    await asyncio.wait_for(dispatcher.drain(), HANG_GUARD)
    assert order.index(f"sent {people[0]}") < order.index(f"handled {people[-1]}")
    assert sorted(order) == sorted([f"handled {p}" for p in people] + [f"sent {p}" for p in people])
