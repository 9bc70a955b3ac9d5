"""Wiring: settings → database, catalogs, conversation core, dispatcher.

Nothing happens on import; `App.create` builds the parts.
"""

from __future__ import annotations

import asyncio
import gc
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from bot import logs
from bot.delivery import OutboxSender
from bot.dispatcher import Dispatcher, Sender
from bot.metrics import Metrics
from bot.settings import Settings
from bot.timers import TimerRunner
from bot.transports.base import Transport
from conversations.capabilities import Capabilities
from conversations.engine import Clock, Core
from conversations.events import Delivery
from conversations.i18n import Catalogs
from conversations.packs import PackLibrary
from conversations.registry import (
    ACTIONS,
    COMMANDS,
    FALLBACKS,
    FLOWS,
    RETURNING,
    TIMERS,
    WORDS,
)
from storage import files, legacy, migrate
from storage.crypto import KeyMissing, Keyring
from storage.db import Database


def system_clock() -> datetime:
    """Return the current time in UTC."""
    return datetime.now(UTC)


def configure_logging(level: str) -> None:
    """Log to stderr: Trygg's own loggers at ``level``, never personal data or message text;
    other libraries capped at WARNING and shown without their values (see bot.logs)."""
    logs.configure(level)


# PostgreSQL: how long another process's unconfirmed replies count as on their way
OTHERS_GRACE = timedelta(seconds=3)
GC_YOUNG = 20_000


def settle_heap() -> None:
    """Once at start-up of a long-running bot: collect, then freeze what is alive (modules,
    packs, catalogs, the ORM's metadata), so the collector's full passes no longer walk
    those objects again and again. Under load they otherwise pause everything for 100 ms
    and more; frozen, a pass only looks at what was created since.

    The youngest generation is collected every GC_YOUNG allocations instead of Python's 700:
    each event allocates thousands of short-lived objects (rows, statements, JSON), and
    at 700 the collector ran several times per event."""
    gc.collect()
    gc.freeze()
    _, middle, oldest = gc.get_threshold()
    gc.set_threshold(GC_YOUNG, middle, oldest)


def declared_capabilities() -> dict[str, Capabilities]:
    """Every transport's declared capabilities, by channel (the flows read them from here)."""
    # imported here: the console transport imports this module
    from bot.transports import console, signal_inbound, telegram_updates

    return {t.CHANNEL: t.CAPABILITIES for t in (console, signal_inbound, telegram_updates)}


def refuse_a_new_key(settings: Settings) -> None:
    """Stop if the key file is gone but the SQLite database beside it holds data."""
    database = settings.sqlite_file
    if database is None or settings.keys or settings.key_path.exists():
        return
    if files.holds_data(database):
        raise KeyMissing(
            f"the key file {settings.key_path} is missing, but the database {database} "
            "already holds data. Restore the key file from its copy, or set TRYGG_KEYS. "
            "No new key was made: it would leave every sealed answer in the database "
            "unreadable."
        )


@dataclass
class App:
    """The running bot's parts, shared by every transport."""

    settings: Settings
    db: Database
    catalogs: Catalogs
    core: Core
    clock: Clock
    keyring: Keyring
    packs: PackLibrary
    metrics: Metrics = field(default_factory=Metrics)  # this process's, for /metrics

    @classmethod
    def create(cls, settings: Settings, clock: Clock = system_clock) -> App:
        catalogs = Catalogs(settings.locale_dir, settings.default_locale)
        refuse_a_new_key(settings)  # before anything is created
        if settings.uses_data_dir:
            files.private_dir(settings.data_dir, "the data directory")
        db = Database(settings.db_url, hide_parameters=True)
        # A key file is created on first use only for the embedded SQLite default; a
        # server database needs TRYGG_KEYS (or TRYGG_KEY_FILE) shared by every process.
        keyring = Keyring.load(settings.keys, settings.key_path, create=db.sqlite)
        packs = PackLibrary()
        core = Core(
            catalogs,
            COMMANDS,
            FLOWS,
            FALLBACKS,
            clock,
            keyring,
            packs,
            ACTIONS,
            WORDS,
            declared_capabilities(),
            web_url=settings.web_url,
            returning=RETURNING,
        )
        if settings.several_processes and not db.sqlite:  # see Core.others_grace
            core.others_grace = OTHERS_GRACE
        return cls(settings, db, catalogs, core, clock, keyring, packs)

    async def migrate(self) -> None:
        """Bring the database schema to head, then convert rows written the old way."""
        await asyncio.to_thread(migrate.upgrade, self.settings.db_url)
        await legacy.seal_evidence_hashes(self.db, self.keyring)

    def dispatcher(self, send: Sender) -> Dispatcher:
        return Dispatcher(self.db, self.core, self.catalogs, send, metrics=self.metrics)

    def outbox_sender(self, transport: Transport) -> OutboxSender:
        return OutboxSender(
            self.db,
            self.catalogs,
            self.packs,
            transport,
            self.clock,
            self.keyring,
            metrics=self.metrics,
        )

    def timer_runner(self) -> TimerRunner:
        return TimerRunner(
            self.db, self.keyring, self.packs, TIMERS, self.clock, metrics=self.metrics
        )

    async def close(self) -> None:
        await self.db.dispose()


def deliver_via(transport: Transport) -> Sender:
    """Return a sender that hands a delivery's replies to a transport."""

    async def send(delivery: Delivery) -> None:
        await transport.send(delivery.address, delivery.replies)

    return send
