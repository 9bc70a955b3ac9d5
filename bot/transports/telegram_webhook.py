"""Telegram's webhook: an HTTP endpoint that answers each update only once it is handled."""

from __future__ import annotations

import asyncio
import hmac
import json
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from telegram import Bot

from bot.transports.telegram_updates import JSON, json_int

ALLOWED_UPDATES = ["message", "edited_message", "callback_query", "channel_post", "my_chat_member"]


@dataclass(frozen=True, slots=True)
class Webhook:
    """Where Telegram posts updates (instead of long polling)."""

    url: str
    listen: str
    port: int
    secret: str | None

    async def serve(
        self, bot: Bot, handle: Callable[[JSON], Awaitable[None]], stop: asyncio.Event
    ) -> None:
        """Serve Telegram's webhook calls until ``stop``; answer each after its update."""
        import tornado.httpserver
        import tornado.web

        token = self.secret or secrets.token_urlsafe(32)

        class Hook(tornado.web.RequestHandler):
            async def post(self) -> None:
                given = self.request.headers.get("X-Telegram-Bot-Api-Secret-Token", "")
                if not hmac.compare_digest(given.encode(), token.encode()):
                    self.set_status(403)
                    return
                try:
                    update = json.loads(self.request.body)
                except ValueError:
                    update = None
                if not isinstance(update, dict) or json_int(update.get("update_id")) is None:
                    self.set_status(400)
                    return
                await handle(update)
                self.set_status(200)

        path = "/" + self.url.split("://", 1)[-1].partition("/")[2]
        server = tornado.httpserver.HTTPServer(tornado.web.Application([(path, Hook)]))
        server.listen(self.port, address=self.listen)
        try:
            await bot.set_webhook(self.url, secret_token=token, allowed_updates=ALLOWED_UPDATES)
            await stop.wait()
        finally:
            server.stop()
