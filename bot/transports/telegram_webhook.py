"""Telegram's webhook: an HTTP endpoint that answers each update only once it is handled.

The same server answers an operator's /healthz, /readyz and /metrics (bot.health), so a
load balancer in front of the webhook can check the process it sends updates to.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from telegram import Bot

from bot.transports.telegram_updates import JSON, json_int

if TYPE_CHECKING:
    from bot.health import Health

ALLOWED_UPDATES = ["message", "edited_message", "callback_query", "channel_post", "my_chat_member"]


@dataclass(frozen=True, slots=True)
class Webhook:
    """Where Telegram posts updates (instead of long polling)."""

    url: str
    listen: str
    port: int
    secret: str | None
    health: Health | None = None  # answer /healthz, /readyz and /metrics too

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
        routes: list[Any] = [(path, Hook)]
        if self.health is not None:
            routes = [*_health_routes(self.health), *routes]
        server = tornado.httpserver.HTTPServer(tornado.web.Application(routes))
        server.listen(self.port, address=self.listen)
        try:
            await bot.set_webhook(self.url, secret_token=token, allowed_updates=ALLOWED_UPDATES)
            await stop.wait()
        finally:
            server.stop()


def _health_routes(health: Health) -> list[Any]:
    """Tornado handlers for the operator's three paths (see bot.health)."""
    import tornado.web

    from bot.metrics import CONTENT_TYPE

    class Plain(tornado.web.RequestHandler):
        def answer(self, status: int, text: str) -> None:
            self.set_status(status)
            self.set_header("Content-Type", "text/plain; charset=utf-8")
            self.finish(text)

    class Alive(Plain):
        def get(self) -> None:
            self.answer(200, "ok")

    class Ready(Plain):
        async def get(self) -> None:
            reason = await health.unready()
            if reason is None:
                self.answer(200, "ready")
            else:
                self.answer(503, reason)

    class Metrics(Plain):
        async def get(self) -> None:
            if not health.may_read_metrics(self.request.headers.get("Authorization")):
                self.set_header("WWW-Authenticate", "Bearer")
                self.answer(401, "unauthorized")
                return
            body = await health.metrics_text()
            self.set_header("Content-Type", CONTENT_TYPE)
            self.finish(body)

    return [(r"/healthz", Alive), (r"/readyz", Ready), (r"/metrics", Metrics)]
