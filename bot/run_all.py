"""Run every configured transport in one process (`trygg run`): Telegram, Signal or both.

One runtime (bot.runtime) serves them all: one dispatcher, one outbox sender per channel,
one timer runner, one waker and one shutdown order. A commit on either channel wakes every
channel's outbox, so an alert from a person on Signal to a contact on Telegram goes out
without waiting a poll. One SIGINT/SIGTERM stops every intake; then the lanes drain, the
dispatcher drains, the waker stops, and the transports disconnect. Several such processes
may share one PostgreSQL (TRYGG_SEVERAL_PROCESSES): long polling and Signal then read in
one of them, elected (bot.receiver); webhook calls are served by each.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
from dataclasses import dataclass

from bot.app import App, settle_heap
from bot.health import Health
from bot.receiver import Elected
from bot.runtime import Intake, Runtime, run
from bot.transports.signal import SignalBot
from bot.transports.telegram import TelegramBot
from bot.transports.telegram_webhook import Webhook
from bot.web.server import WebIntake

log = logging.getLogger(__name__)


@dataclass(slots=True)
class Process:
    """The runtime and the bots of every configured transport on it."""

    runtime: Runtime
    telegram: TelegramBot | None = None
    signal: SignalBot | None = None
    web: WebIntake | None = None  # the web console, when TRYGG_WEB_URL is set

    @property
    def intakes(self) -> list[Intake]:
        return [bot for bot in (self.telegram, self.signal, self.web) if bot is not None]

    def receivers(self) -> list[Intake]:
        """The intakes as this process runs them: with several processes on PostgreSQL
        (TRYGG_SEVERAL_PROCESSES), long polling and Signal read only in the process that
        holds their channel's receiver lease (bot.receiver); the webhook and the web
        console serve in every process."""
        app, stop = self.runtime.app, self.runtime.stop
        if app.db.sqlite or not app.settings.several_processes:
            return self.intakes
        found: list[Intake] = []
        if self.telegram is not None:
            polling = self.telegram.webhook is None
            tg = Elected(self.telegram, app, "telegram", stop, at_open=False)
            found.append(tg if polling else self.telegram)
        if self.signal is not None:
            found.append(Elected(self.signal, app, "signal", stop, at_open=True))
        if self.web is not None:
            found.append(self.web)
        return found

    async def run(self) -> None:
        """Run until ``runtime.stop`` is set (or an intake ends)."""
        await run(self.runtime, self.receivers())


def configured(app: App, webhook: str | None = None) -> Process:
    """Telegram if a token is set, Signal if its daemon address is, on one runtime; the web
    console beside them if its public URL is."""
    settings = app.settings
    process = Process(Runtime(app))
    if settings.telegram_bot_token:
        process.telegram = TelegramBot(app, runtime=process.runtime)
        url = webhook or settings.telegram_webhook_url
        if url:
            listen, port = settings.webhook_listen, settings.webhook_port
            secret = settings.telegram_webhook_secret
            health = Health.of(app, process.runtime.ready)
            process.telegram.webhook = Webhook(url, listen, port, secret, health)
    if settings.signal_rpc:
        process.signal = SignalBot(app, runtime=process.runtime)
    if not process.intakes:
        raise ValueError("neither TELEGRAM_BOT_TOKEN nor TRYGG_SIGNAL_RPC is set")
    if settings.web_url:
        runtime = process.runtime
        process.web = WebIntake(app, runtime.stop, runtime.after_commit, runtime.ready)
    return process


def describe(process: Process) -> str:
    """What this process serves, for the operator's log: channels, modes and ports only."""
    settings = process.runtime.app.settings
    parts = []
    if process.telegram is not None:
        webhook = process.telegram.webhook
        mode = "long polling" if webhook is None else f"webhook on port {webhook.port}"
        parts.append(f"Telegram ({mode})")
    if process.signal is not None:
        parts.append("Signal (signal-cli)")
    if process.web is not None:
        parts.append(f"the web console on port {settings.web_port}")
    database = "SQLite" if process.runtime.app.db.sqlite else "PostgreSQL"
    return f"{', '.join(parts)}; {database}"


async def run_configured(app: App, webhook: str | None = None) -> None:
    """Run every configured transport until SIGINT/SIGTERM."""
    process = configured(app, webhook)
    settle_heap()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, process.runtime.stop.set)
    log.info("running: %s", describe(process))
    await process.run()
    log.info("stopped")
