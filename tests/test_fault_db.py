"""Database outage: PostgreSQL becomes unreachable for a few seconds in the middle of a report.

The bot runs in-process (tests/telegram_harness.py) against the fake Bot API; its
DATABASE_URL points at a TCP proxy this test controls (127.0.0.1:random → the local
PostgreSQL), on a fresh database created for the test. Cutting the proxy aborts every open
connection and refuses new ones, as a database restart or a network break would.

While the database is away people get a kind "try again in a moment" (with the emergency
number), nothing is half-written — not even the unit of work whose connection died between
its writes and its commit — and when the proxy comes back the very next message works,
without restarting the bot.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession

from bot import orgfile
from bot.app import App
from bot.settings import Settings
from conversations.events import Delivery, InboundEvent
from storage import migrate
from storage.crypto import Keyring
from storage.db import Database
from storage.models import Alert, Conversation, HandledEvent, OutboxMessage, Person, Report, Timer
from storage.reports import ReportRepo
from tests.conftest import (
    DEMO_ORG,
    PG_ADMIN_URL,
    TEST_KEYS,
    _pg_create_database,
    _pg_drop_database,
    _pg_reachable,
    pg_url,
)
from tests.fakebotapi import FakeBotApi, fake_bot_api_fixture  # noqa: F401
from tests.fault_support import REFERENCE, prompt_state, report_figures, texts
from tests.telegram_harness import TelegramHarness, bind, telegram_settings, wait_text

ANNA, PIA, STRANGER = 1001, 1002, 3003
OUTAGE_SECONDS = 3.0


class Proxy:
    """A TCP proxy on 127.0.0.1 that can cut every connection and refuse new ones."""

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.up = True
        self.refused = 0
        self.cuts = 0
        self._links: set[asyncio.StreamWriter] = set()
        self._tasks: set[asyncio.Task[None]] = set()
        self._server: asyncio.Server | None = None

    async def start(self) -> Proxy:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        return self

    @property
    def port(self) -> int:
        assert self._server is not None
        return int(self._server.sockets[0].getsockname()[1])

    def cut(self) -> None:
        """The database goes away: open connections die, new ones are refused."""
        self.up = False
        self.cuts += 1
        for writer in list(self._links):
            writer.transport.abort()
        self._links.clear()

    def restore(self) -> None:
        self.up = True

    async def stop(self) -> None:
        self.cut()
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
        for task in list(self._tasks):
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if not self.up:
            self.refused += 1
            writer.transport.abort()
            return
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.target)
        except OSError:
            writer.transport.abort()
            return
        self._links |= {writer, up_writer}
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        try:
            await asyncio.gather(self._pipe(reader, up_writer), self._pipe(up_reader, writer))
        finally:
            self._tasks.discard(task)
            self._links -= {writer, up_writer}

    @staticmethod
    async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(65536):
                writer.write(data)
                await writer.drain()
        except (ConnectionError, OSError):
            pass
        finally:
            writer.transport.abort()


@pytest.fixture
async def pg_fresh() -> AsyncIterator[str]:
    """A fresh, migrated PostgreSQL database of its own (skips without a server)."""
    reason = await _pg_reachable()
    if reason:
        pytest.skip(reason)
    name = f"trygg_fault_db_{os.getpid()}"
    await _pg_create_database(name)
    url = pg_url(name)
    await asyncio.to_thread(migrate.upgrade, url)
    try:
        yield url
    finally:
        await _pg_drop_database(name)


@pytest.fixture
async def proxy() -> AsyncIterator[Proxy]:
    target = make_url(PG_ADMIN_URL)
    running = await Proxy(target.host or "127.0.0.1", target.port or 5432).start()
    yield running
    await running.stop()


@dataclass
class Outage:
    """A running bot whose database is behind the proxy, and a direct way to look."""

    tg: TelegramHarness
    proxy: Proxy
    direct: Database
    keyring: Keyring
    t: SimpleNamespace = field(default_factory=texts)

    @property
    def fake(self) -> FakeBotApi:
        return self.tg.fake

    async def snapshot(self, handle: str = "anna") -> dict[str, Any]:
        """What the database holds about one person's report, conversation and alerts."""
        async with self.direct.unit_of_work() as session:
            person = (await session.scalars(select(Person).where(Person.handle == handle))).one()
            conversation = await session.get(Conversation, person.id)
            reports = list(
                await session.scalars(select(Report).where(Report.reporter_id == person.id))
            )
            answers = [ReportRepo(session, self.keyring).answers(r) for r in reports]

            async def count(model: type[object]) -> int:
                return int(await session.scalar(select(func.count()).select_from(model)) or 0)

            return {
                "reports": [(r.status.value, r.ref) for r in reports],
                "answers": answers[0] if answers else None,
                "flow": conversation.flow if conversation else None,
                "state": conversation.state if conversation else None,
                "step": conversation.step if conversation else None,
                "handled": await count(HandledEvent),
                "alerts": await count(Alert),
                "outbox": await count(OutboxMessage),
                "timers": await count(Timer),
                "people": await count(Person),
            }

    def buttons(self, chat: int = ANNA) -> dict[str, str]:
        """The latest keyboard as {button id: callback_data}."""
        return {d.partition("|")[2]: d for _label, d in self.fake.buttons(chat)}

    async def step_to(self, state: str) -> dict[str, Any]:
        """Answer the report's required questions and skip the rest, up to ``state``."""
        for _ in range(40):
            message = self.tg.keyboard_message(ANNA)
            ids = list(self.buttons())
            at = prompt_state(str(message["text"]), ids)
            if at == state:
                return message
            if at == "what":
                await self.tg.say(ANNA, "Före avbrottet: ett hotbrev i brevlådan.")
                continue
            button = {"who": "opt:self", "category": "opt:party", "nature": "done"}
            chosen = button.get(at, "done" if "done" in ids else "nav:skip")
            await self.tg.press_data(ANNA, message["message_id"], self.buttons()[chosen])
        raise AssertionError(f"never reached {state}")

    def die_before_commit(self, when: Callable[[InboundEvent], bool]) -> None:
        """The next unit of work matching ``when`` loses its connection between its
        writes (flushed to the server) and its commit."""
        app = self.tg.app
        handle = app.core.handle
        proxy = self.proxy

        async def dies(
            session: AsyncSession, event: InboundEvent, taken: tuple[int, int] | None = None
        ) -> Delivery | None:
            delivery = await handle(session, event, taken)
            if when(event):
                await session.flush()  # the writes reach the server...
                proxy.cut()  # ...and the database goes away before the commit
                app.core.handle = handle  # type: ignore[method-assign]
            return delivery

        app.core.handle = dies  # type: ignore[method-assign]


@pytest.fixture
async def outage(
    pg_fresh: str, proxy: Proxy, fake_bot_api: FakeBotApi, tmp_path: Path
) -> AsyncIterator[Outage]:
    through_proxy = make_url(pg_fresh).set(host="127.0.0.1", port=proxy.port)
    settings = Settings(
        DATABASE_URL=through_proxy.render_as_string(hide_password=False),
        TRYGG_DATA_DIR=tmp_path,
        TRYGG_KEYS=TEST_KEYS,
        TRYGG_DEFAULT_LOCALE="sv",
    )
    app = App.create(telegram_settings(settings, fake_bot_api))
    direct = Database(pg_fresh)
    tg = TelegramHarness(app, fake_bot_api)
    try:
        async with app.db.unit_of_work() as session:
            await orgfile.apply(session, orgfile.parse(DEMO_ORG), app.keyring)
        await bind(app, "anna", ANNA)
        await bind(app, "pia", PIA)
        fake_bot_api.add_chat(PIA)
        await tg.start()
        yield Outage(tg, proxy, direct, app.keyring)
    finally:
        with contextlib.suppress(Exception):
            await tg.stop()
        await app.close()
        await direct.dispose()


def _report(name: str, figures: dict[str, Any], tmp_path: Path) -> None:
    report_figures(name, figures, tmp_path)


async def test_outage_mid_answer_is_kind_atomic_and_heals_itself(
    outage: Outage, tmp_path: Path
) -> None:
    began = time.monotonic()
    tg, fake, t = outage.tg, outage.fake, outage.t
    await tg.say(ANNA, "/rapportera")
    await outage.step_to("nature")  # the question after "what happened"
    before = await outage.snapshot()
    assert before["answers"]["what"] == {"text": "Före avbrottet: ett hotbrev i brevlådan."}

    # 1. The connection dies between the unit of work's writes and its commit.
    outage.die_before_commit(lambda event: event.text.startswith("Mitt i"))
    outage_began = time.monotonic()
    replies = await tg.say(ANNA, "Mitt i avbrottet: det här får inte sparas halvt.")
    assert len(replies) == 1, replies
    assert replies[0].startswith(t.db_down), replies
    assert "112" in replies[0]  # the emergency number, even now

    # 2. While it is away: a button, a text, another person, a stranger: kind answers.
    # The pressed keyboard stays as it was: trying again means pressing it again.
    keyboard = tg.keyboard_message(ANNA)
    done = outage.buttons()["done"]
    start = len(fake.requests)
    pressed = await tg.act(ANNA, lambda: fake.press(ANNA, keyboard["message_id"], done))
    assert [r[: len(t.db_down)] for r in pressed] == [t.db_down]
    await fake.wait_for("answerCallbackQuery", after=start)
    [still] = [m for m in fake.sent(ANNA) if m["message_id"] == keyboard["message_id"]]
    assert still == keyboard  # not marked as chosen, not taken away
    assert (await tg.say(ANNA, "Under avbrottet."))[0].startswith(t.db_down)
    assert (await tg.say(PIA, "/hjalp"))[0].startswith(t.db_down)
    [stranger] = await tg.say(STRANGER, "/start", language_code="en")
    assert stranger.startswith(texts("en").db_down), stranger
    assert outage.proxy.refused > 0

    await asyncio.sleep(max(0.0, OUTAGE_SECONDS - (time.monotonic() - outage_began)))
    outage.proxy.restore()
    seconds = time.monotonic() - outage_began
    assert await outage.snapshot() == before  # nothing of the outage reached the database

    # 3. It heals by itself: the same button, pressed again, now works; so does the rest.
    replies = await tg.press_data(ANNA, keyboard["message_id"], done)
    assert prompt_state(replies[-1], ["nav:skip"]) == "when", replies
    [help_text] = await tg.say(PIA, "/hjalp")
    assert t.help in help_text
    [welcome, *_] = await tg.say(STRANGER, "/start", language_code="en")
    assert "Trygg" in welcome

    after = await outage.snapshot()
    assert len(after["reports"]) == 1
    assert after["answers"]["what"] == {"text": "Före avbrottet: ett hotbrev i brevlådan."}
    assert (after["flow"], after["state"]) == ("report", "when")
    assert after["step"] == before["step"] + 1
    assert after["people"] == before["people"] + 1  # the stranger, once
    _report(
        "fault-db-answer",
        {
            "outage_seconds": round(seconds, 1),
            "connections_refused": outage.proxy.refused,
            "seconds": round(time.monotonic() - began, 1),
        },
        tmp_path,
    )


async def test_outage_while_sending_the_report_sends_it_once_afterwards(
    outage: Outage, tmp_path: Path
) -> None:
    began = time.monotonic()
    tg, fake, t = outage.tg, outage.fake, outage.t
    await tg.say(ANNA, "/rapportera")
    summary = await outage.step_to("summary")
    before = await outage.snapshot()
    assert before["reports"][0][0] == "draft"

    # Submitting writes the report's status, an alert, its outbox row and timers at once;
    # the connection dies after all of them were flushed, before the commit.
    outage.die_before_commit(lambda event: event.button == "send")
    send = outage.buttons()["send"]
    [sorry] = await tg.act(ANNA, lambda: fake.press(ANNA, summary["message_id"], send))
    assert sorry.startswith(t.db_down)
    await asyncio.sleep(OUTAGE_SECONDS / 2)  # the outbox loop and timers hit the outage too
    assert await outage.snapshot() == before  # no report, alert, outbox row or timer
    outage.proxy.restore()
    assert not [m for m in fake.messages_to(PIA) if t.alert_head in m]

    replies = await tg.press_data(ANNA, summary["message_id"], send)
    assert t.sent in replies[0], replies
    match = REFERENCE.search(replies[0])
    assert match, replies[0]
    ref = match.group(0)
    alert = await wait_text(fake, PIA, t.alert_head, ref)
    after = await outage.snapshot()
    assert after["reports"] == [("submitted", ref)]
    assert after["alerts"] == 1
    await asyncio.sleep(1.5)  # an outbox pass or two: the alert is not sent again
    assert [m for m in fake.messages_to(PIA) if t.alert_head in m] == [alert]
    _report(
        "fault-db-send",
        {
            "connections_refused": outage.proxy.refused,
            "seconds": round(time.monotonic() - began, 1),
        },
        tmp_path,
    )
