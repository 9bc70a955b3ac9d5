"""Shared fixtures: databases (SQLite file and PostgreSQL), a controllable clock, a chat."""

from __future__ import annotations

import asyncio
import os
import shutil
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot import orgfile
from bot.app import App
from bot.settings import Settings
from conversations.events import EventKind, InboundEvent, Reply, action_of, subject_of
from storage import migrate
from storage.crypto import Keyring

REPO = Path(__file__).resolve().parent.parent
DEMO_ORG = REPO / "bot" / "demo" / "org.yaml"
TEST_KEYS = Keyring.new_key_line()
PG_ADMIN_URL = os.environ.get(
    "TRYGG_TEST_PG", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
)


class FakeClock:
    """A clock the tests move by hand; starts at a fixed, timezone-aware instant."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime(2026, 11, 22, 22, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kwargs: float) -> None:
        self.now += timedelta(**kwargs)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


async def _pg_reachable() -> str | None:
    try:
        import asyncpg
    except ImportError:  # pragma: no cover
        return "asyncpg is not installed"
    url = PG_ADMIN_URL.replace("postgresql+asyncpg", "postgresql")
    try:
        conn = await asyncio.wait_for(asyncpg.connect(url), 5)
    except Exception as exc:
        return f"PostgreSQL not reachable at {url}: {type(exc).__name__}"
    await conn.close()
    return None


async def _pg_create_database(name: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(PG_ADMIN_URL.replace("postgresql+asyncpg", "postgresql"))
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()


def pg_url(name: str) -> str:
    base, _, _ = PG_ADMIN_URL.rpartition("/")
    return f"{base}/{name}"


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An SQLite file migrated to head once; each test gets a copy."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    migrate.upgrade(f"sqlite+aiosqlite:///{path}")
    return path


@pytest.fixture(scope="session")
def pg_database() -> Iterator[str]:
    """A PostgreSQL database migrated to head once per test session (skips if no server)."""
    reason = asyncio.run(_pg_reachable())
    if reason:
        pytest.skip(reason)
    name = f"trygg_test_{os.getpid()}"
    asyncio.run(_pg_create_database(name))
    url = pg_url(name)
    migrate.upgrade(url)
    yield url
    asyncio.run(_pg_drop_database(name))


async def _pg_drop_database(name: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(PG_ADMIN_URL.replace("postgresql+asyncpg", "postgresql"))
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


async def _pg_truncate(url: str) -> None:
    from sqlalchemy import text

    from storage.db import create_engine
    from storage.models import Base

    engine = create_engine(url)
    tables = ", ".join(f'"{t.name}"' for t in Base.metadata.sorted_tables)
    async with engine.begin() as conn:
        await conn.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    await engine.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A fresh, migrated database: an SQLite file, or PostgreSQL with empty tables."""
    if request.param == "sqlite":
        path = tmp_path / "trygg.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite+aiosqlite:///{path}"
    url: str = request.getfixturevalue("pg_database")
    asyncio.run(_pg_truncate(url))
    return url


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return Settings(
        DATABASE_URL=database_url,
        TRYGG_DATA_DIR=tmp_path,
        TRYGG_DEFAULT_LOCALE="sv",
        TRYGG_KEYS=TEST_KEYS,
    )


@pytest.fixture
async def app(settings: Settings, clock: FakeClock) -> AsyncIterator[App]:
    app = App.create(settings, clock=clock)
    yield app
    await app.close()


@pytest.fixture
async def demo_app(app: App) -> App:
    """An app whose directory holds the demo organisation."""
    async with app.db.unit_of_work() as session:
        await orgfile.apply(session, orgfile.parse(DEMO_ORG), app.keyring)
    return app


@dataclass
class Chat:
    """One person talking to the core, the way a transport would (console channel)."""

    app: App
    address: str
    channel: str = "console"
    locale_hint: str | None = None
    last: list[Reply] = field(default_factory=list)
    keyboard: Reply | None = None  # the latest message with buttons: they stay usable

    @property
    def buttons(self) -> list[tuple[str, str, str]]:
        """(id, label, token) of the most recent keyboard shown (an answer without buttons
        leaves the one before usable, as in a chat)."""
        with_buttons = [r for r in self.last if r.buttons]
        reply = with_buttons[-1] if with_buttons else self.keyboard
        if reply is None:
            return []
        return [(b.id, b.label, reply.token) for row in reply.buttons for b in row]

    @property
    def last_buttons(self) -> list[str]:
        """What the buttons of the latest answer do (their ids, without the subject a card's
        buttons name: "case:note"); empty if it offered none."""
        return [action_of(b.id) for reply in self.last for row in reply.buttons for b in row]

    async def send(self, event: InboundEvent) -> list[Reply]:
        dispatcher = self.app.dispatcher(self._collect)
        delivery = await dispatcher.process(event)
        replies = delivery.replies if delivery else []
        if replies:
            self.last = replies
        for reply in replies:
            if reply.buttons:
                self.keyboard = reply
        return replies

    async def _collect(self, delivery: object) -> None:  # pragma: no cover - unused sender
        return None

    def _event(self, kind: EventKind, **kwargs: str) -> InboundEvent:
        return InboundEvent(
            f"t-{uuid.uuid4().hex}",
            self.channel,
            self.address,
            kind,
            locale_hint=self.locale_hint,
            **kwargs,  # type: ignore[arg-type]
        )

    async def say(self, text: str) -> str:
        """Type a line: a /command, a button label or number, or text; return the reply text."""
        stripped = text.strip()
        if stripped.startswith("/"):
            name, _, args = stripped[1:].partition(" ")
            event = self._event(EventKind.COMMAND, command=name.lower(), text=args)
        else:
            pressed = self._find_button(stripped)
            if pressed is not None:
                event = self._event(EventKind.BUTTON, button=pressed[0], token=pressed[2])
            else:
                event = self._event(EventKind.TEXT, text=text)
        return self.text(await self.send(event))

    async def press(self, button_id: str, token: str | None = None) -> str:
        """Press a button by its stable id (token defaults to the current keyboard's). A
        button that names its subject ("case:note@<report id>") is found by what it does
        ("case:note") too, on the current keyboard."""
        if token is None:
            shown = [(i, t) for i, _, t in self.buttons]
            found = next((b for b in shown if b[0] == button_id), None) or next(
                (b for b in shown if subject_of(b[0]) and action_of(b[0]) == button_id), None
            )
            button_id, token = found or (button_id, "")
        return self.text(
            await self.send(self._event(EventKind.BUTTON, button=button_id, token=token))
        )

    def _find_button(self, typed: str) -> tuple[str, str, str] | None:
        buttons = self.buttons
        if typed.isdigit() and 0 < int(typed) <= len(buttons):
            return buttons[int(typed) - 1]
        return next((b for b in buttons if b[1].casefold() == typed.casefold()), None)

    @staticmethod
    def text(replies: list[Reply]) -> str:
        parts = []
        for reply in replies:
            parts.append(reply.text)
            if reply.file is not None:
                parts.append(f"📎 {reply.file.name}")
            labels = [b.label for row in reply.buttons for b in row]
            if labels:
                parts.append("  ".join(f"[{n}] {label}" for n, label in enumerate(labels, 1)))
        return "\n".join(parts)


@pytest.fixture
def chat(demo_app: App):  # type: ignore[no-untyped-def]
    """Return a factory: chat("anna") talks as the demo person with that handle."""

    def make(handle: str, locale_hint: str | None = None) -> Chat:
        return Chat(demo_app, handle, locale_hint=locale_hint)

    return make


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Print the fault tests' figures (kills survived, answers checked, duplicates seen)."""
    from tests.fault_support import FIGURES

    if FIGURES:
        terminalreporter.section("fault test figures")
        for line in FIGURES:
            terminalreporter.write_line(line)
