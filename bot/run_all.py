"""Run every configured transport in one process (`trygg run`): Telegram, Signal or both.

Telegram runs on bot.runtime; Signal still has its own dispatcher, outbox lanes and timer
runner (to move onto the same runtime). Here they are tied together: one SIGINT/SIGTERM
stops them all, and a commit on either channel wakes both outboxes at once, so an alert
from a person on Signal to a contact on Telegram goes out without waiting a poll. Both
timer runners claim timers in the database, so none fires twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
from collections.abc import Awaitable, Callable

from bot.app import App, settle_heap
from bot.transports.signal import SignalBot
from bot.transports.telegram import TelegramBot


def _hooks(bot: TelegramBot | SignalBot) -> tuple[Callable[[], None], Callable[[], None]]:
    """A bot's "messages were queued" and "wake the outbox" hooks."""
    if isinstance(bot, SignalBot):
        return bot._after_commit, bot._wake_outbox
    return bot.runtime.after_commit, bot.runtime.wake_outbox


def _tie(bots: list[TelegramBot | SignalBot]) -> None:
    """A commit or a fired timer on any channel wakes every channel's outbox."""
    if len(bots) < 2:
        return
    hooks = [_hooks(bot) for bot in bots]

    def after_commit() -> None:
        for commit, _wake in hooks:
            commit()

    def wake_outboxes() -> None:
        for _commit, wake in hooks:
            wake()

    for bot in bots:
        bot.dispatcher.on_notices = after_commit
        bot.timers.on_notices = wake_outboxes


async def run_configured(app: App, webhook: str | None = None) -> None:
    """Run Telegram if a token is set and Signal if its daemon address is, until stopped."""
    settings = app.settings
    bots: list[TelegramBot | SignalBot] = []
    runs: list[Awaitable[None]] = []
    if settings.telegram_bot_token:
        tg = TelegramBot(app)
        bots.append(tg)
        url = webhook or settings.telegram_webhook_url
        if url:
            listen, port = settings.webhook_listen, settings.webhook_port
            runs.append(tg.run_webhook(url, listen, port, settings.telegram_webhook_secret))
        else:
            runs.append(tg.run_polling())
    if settings.signal_rpc:
        sg = SignalBot(app)
        bots.append(sg)
        runs.append(sg.run())
    if not runs:
        raise ValueError("neither TELEGRAM_BOT_TOKEN nor TRYGG_SIGNAL_RPC is set")
    _tie(bots)
    settle_heap()

    def stop_all() -> None:
        for bot in bots:
            bot.stop.set()

    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop_all)

    async def until_done(run: Awaitable[None]) -> None:
        try:
            await run
        finally:
            stop_all()  # one transport ending (or failing) ends the others cleanly

    await asyncio.gather(*(until_done(r) for r in runs))
