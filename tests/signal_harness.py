"""A harness for end-to-end Signal tests: the real SignalBot against tests/fakesignal.py.

``sg`` is a running :class:`SignalHarness` on the demo organisation. ``await sg.say(p, "akut")``
pushes a message from the fake Signal user ``p`` and waits until the bot has handled it
(committed, replies sent); it returns the texts sent to ``p`` meanwhile. Demo people are
linked to Signal users with ``await sg.bind("anna")``.

Every test builds its bots here only (:func:`make_bot`), so a change of SignalBot's
constructor touches one line. ``await sg.crash()`` ends the bot as a killed process would
(nothing drained or marked sent); ``await sg.restarted(clock)`` starts a new one, with a new
App, on the same database and daemon.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest

from bot import orgfile
from bot.app import App
from bot.run_all import Process
from bot.runtime import Runtime
from bot.settings import Settings
from bot.transports.signal import SignalBot
from bot.transports.signal_inbound import CHANNEL
from bot.transports.signal_rpc import Backoff, SignalRpc
from bot.transports.telegram import TelegramBot
from storage.directory import DirectoryRepo
from tests.conftest import DEMO_ORG, FakeClock
from tests.fakebotapi import FakeBotApi
from tests.fakesignal import FakeSignal, Person
from tests.fakesignal_push import push_edit
from tests.telegram_harness import TelegramHarness, eventually

TIMEOUT = 10.0
CHOICE = re.compile(r"(\d+) ([^·]+?)(?: · |$)")


def make_bot(app: App, address: str, runtime: Runtime | None = None) -> SignalBot:
    """The one place the tests build a SignalBot (alone, or on a shared runtime)."""
    rpc = SignalRpc(address, timeout=5, backoff=Backoff(first=0.02, cap=0.1))
    return SignalBot(app, rpc, runtime)


class _Dead:
    """A database for a process that died: nothing it left running may write any more."""

    def unit_of_work(self, **_: object) -> Any:
        raise ConnectionError("the process is gone")


class SignalHarness:
    """A running SignalBot, the fake daemon it talks to, and helpers to converse.

    ``runtime``: a runtime shared with other transports (see :func:`one_process`); then
    :meth:`start` does not run the bot, the process does."""

    def __init__(self, app: App, fake: FakeSignal, runtime: Runtime | None = None) -> None:
        self.app, self.fake = app, fake
        self.bot = make_bot(app, fake.address, runtime)
        self.rpc = self.bot.rpc
        self.shared = runtime is not None
        self._task: asyncio.Task[None] | None = None
        self._before: set[asyncio.Task[Any]] = set()
        self.last_ts = 0  # the timestamp (Signal id) of the latest message pushed by say()

    async def start(self) -> None:
        self._before = asyncio.all_tasks()
        if not self.shared:
            self._task = asyncio.create_task(self.bot.run())
        await self.connected()

    async def connected(self) -> None:
        """Wait until the bot is connected to the daemon (or its run failed)."""
        waiting = asyncio.ensure_future(self.rpc.connected.wait())
        runs = {waiting} if self._task is None else {waiting, self._task}
        done, _pending = await asyncio.wait(
            runs, timeout=TIMEOUT, return_when=asyncio.FIRST_COMPLETED
        )
        waiting.cancel()
        if self._task is not None and self._task in done:
            self._task.result()  # the bot failed to start: raise its error here
            raise AssertionError("the Signal bot stopped before connecting")
        assert done, "timed out waiting for the Signal bot to connect"

    async def started(self) -> None:
        """Wait until start-up is over (what a crash left unsent has gone out again)."""

        def reading() -> bool:  # start() is over once it reads incoming messages
            return any(t.get_name() == "signal-intake" for t in asyncio.all_tasks())

        await eventually(reading, "the bot to start", TIMEOUT)
        await self.bot.dispatcher.drain()

    async def crash(self) -> None:
        """The process dies where it stands: every task it runs ends at once; nothing is
        drained, sent, or marked sent; its database connections are gone."""
        self.app.db.unit_of_work = _Dead().unit_of_work  # type: ignore[method-assign]
        me = asyncio.current_task()
        for _ in range(20):
            mine = [
                t
                for t in asyncio.all_tasks() - self._before
                if t is not me and t not in self.fake._tasks and not t.done()
            ]
            if not mine:
                break
            for task in mine:
                task.cancel()
            await asyncio.gather(*mine, return_exceptions=True)
        await self.fake.drop()
        self._task = None

    async def stop(self) -> None:
        self.bot.stop.set()
        if self._task is not None:
            await asyncio.wait_for(self._task, TIMEOUT)

    async def restarted(self, clock: FakeClock) -> SignalHarness:
        """A new process on the same database and daemon (the caller closes its app)."""
        app = App.create(self.app.settings, clock=clock)
        harness = SignalHarness(app, self.fake)
        await harness.start()
        await harness.started()
        return harness

    async def bind(self, handle: str) -> Person:
        """A new Signal user, linked to a directory person."""
        user = self.fake.person(number=None, name=handle)
        async with self.app.db.unit_of_work() as session:
            repo = DirectoryRepo(session)
            person = await repo.person_by_handle(handle)
            assert person is not None, handle
            await repo.bind(CHANNEL, user.aci, person)
        return user

    def sends(self, user: Person) -> list[dict[str, Any]]:
        """The bot's `send` params to this user, oldest first."""
        found = []
        for request in self.fake.calls("send"):
            params = request.get("params") or {}
            if user.aci in (params.get("recipient") or ()):
                found.append(params)
        return found

    def texts(self, user: Person) -> list[str]:
        return [str(p.get("message") or "") for p in self.sends(user)]

    async def _handled(self, user: Person, before: int, within: float = TIMEOUT) -> None:
        dispatcher = self.bot.dispatcher

        def done() -> bool:
            return self.bot.handled > before and not dispatcher.busy(CHANNEL, user.aci)

        await eventually(done, "the message to be handled", within)

    async def say(self, user: Person, text: str) -> list[str]:
        """``user`` writes ``text``; the texts the bot sent them while handling it."""
        seen, handled = len(self.texts(user)), self.bot.handled
        self.last_ts = await self.fake.push_text(user, text)
        await self._handled(user, handled)
        return self.texts(user)[seen:]

    async def edit(self, user: Person, target: int, text: str) -> list[str]:
        """``user`` edits their message ``target``; the texts the bot sent them meanwhile."""
        seen, handled = len(self.texts(user)), self.bot.handled
        await push_edit(self.fake, user, target, text)
        await self._handled(user, handled)
        return self.texts(user)[seen:]

    async def restart(self) -> None:
        """Stop the bot and start a new one on the same database: memory is gone."""
        await self.stop()
        self.bot = make_bot(self.app, self.fake.address)
        self.rpc = self.bot.rpc
        await self.start()

    async def act(self, user: Person, inject: Callable[[], Awaitable[object]],
                  within: float = TIMEOUT) -> list[str]:  # fmt: skip
        """Whatever ``inject`` pushes for ``user``; the texts sent to them while handling it."""
        seen, handled = len(self.texts(user)), self.bot.handled
        await inject()
        await self._handled(user, handled, within)
        return self.texts(user)[seen:]

    async def raw(self, note: object) -> None:
        """A line from the daemon exactly as given (any shape, e.g. a malformed one)."""
        for conn in list(self.fake.connections):
            await conn.write(note)

    async def attach(self, user: Person, content: bytes, mime: str, name: str,
                     caption: str = "") -> list[str]:  # fmt: skip
        seen, handled = len(self.texts(user)), self.bot.handled
        await self.fake.push_attachment(user, content, mime, name, caption or None)
        await self._handled(user, handled)
        return self.texts(user)[seen:]

    async def wait_text(self, user: Person, needle: str) -> str:
        """Wait until a message to ``user`` contains ``needle``; return it."""
        found: list[str] = []

        def present() -> bool:
            found[:] = [t for t in self.texts(user) if needle in t]
            return bool(found)

        await eventually(present, f"a message containing {needle!r}", TIMEOUT)
        return found[-1]

    def button_ids(self, user: Person) -> list[str]:
        """The ids behind the numbered choices the bot last offered ``user``, in order."""
        offered = self.bot.transport.choices._offered.get(user.aci)
        return [b.id for b in offered.buttons] if offered else []

    def choices(self, user: Person) -> dict[str, str]:
        """The numbered choices of the latest message to ``user``: label -> number."""
        texts = self.texts(user)
        if not texts:
            return {}
        last_line = texts[-1].rsplit("\n", 1)[-1]
        return {label.strip(): number for number, label in CHOICE.findall(last_line)}


@contextlib.asynccontextmanager
async def one_process(
    app: App, fake_api: FakeBotApi, fake_signal: FakeSignal
) -> AsyncIterator[tuple[TelegramHarness, SignalHarness]]:
    """Telegram and Signal in one process, as `trygg run` runs them (bot.run_all): one
    runtime, one dispatcher, one timer runner; a harness for each channel."""
    runtime = Runtime(app)
    tg = TelegramHarness(app, fake_api)
    tbot = TelegramBot(app, throttle=tg.throttle_factory(), runtime=runtime)
    tg.adopt(tbot)
    sg = SignalHarness(app, fake_signal, runtime)
    start = len(fake_api.requests)
    task = asyncio.create_task(Process(runtime, tbot, sg.bot).run())
    sg._task = task

    def polling() -> bool:
        if task.done():
            task.result()
            raise AssertionError("the process stopped before polling")
        return any(r.method == "getUpdates" for r in fake_api.requests[start:])

    try:
        await sg.connected()
        await eventually(polling, "the bot to poll for updates")
        yield tg, sg
    finally:
        runtime.stop.set()
        await asyncio.wait_for(task, TIMEOUT)


def signal_settings(settings: Settings, fake: FakeSignal) -> Settings:
    return settings.model_copy(update={"signal_rpc": fake.address})


@pytest.fixture(name="fake_signal")
async def fake_signal_fixture() -> AsyncIterator[FakeSignal]:
    async with FakeSignal() as fake:
        yield fake
        fake.assert_valid()  # every request the bot made followed the reference


@pytest.fixture(name="sg_app")
async def signal_app_fixture(
    settings: Settings, clock: FakeClock, fake_signal: FakeSignal
) -> AsyncIterator[App]:
    app = App.create(signal_settings(settings, fake_signal), clock=clock)
    async with app.db.unit_of_work() as session:
        await orgfile.apply(session, orgfile.parse(DEMO_ORG), app.keyring)
    yield app
    await app.close()


@pytest.fixture(name="sg")
async def signal_fixture(sg_app: App, fake_signal: FakeSignal) -> AsyncIterator[SignalHarness]:
    harness = SignalHarness(sg_app, fake_signal)
    await harness.start()
    yield harness
    await harness.stop()
