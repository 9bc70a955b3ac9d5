"""Serve the console with uvicorn: on its own (`trygg web`) or as an intake of `trygg run`."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable, Iterator

import uvicorn

from bot.app import App
from bot.web.app import create_web
from bot.web.desk import Web

PROXIES = "127.0.0.1"  # the operator's reverse proxy, whose X-Forwarded-For is believed


def web_of_app(
    app: App,
    on_commit: Callable[[], None] = lambda: None,
    running: Callable[[], bool] | None = None,
) -> Web:
    """The console's parts for a running app (cookies Secure when its public URL is https);
    ``running``: the runtime's ready() for /readyz, when the console runs in `trygg run`."""
    url = app.settings.web_url
    return Web(
        app,
        secure=bool(url and url.startswith("https://")),
        on_commit=on_commit,
        public_url=url,
        running=running,
    )


def _config(app: App, web: Web) -> uvicorn.Config:
    return uvicorn.Config(
        create_web(web),
        host=app.settings.web_listen,
        port=app.settings.web_port,
        log_config=None,  # Trygg's logging: no paths (they hold references and login tokens)
        access_log=False,
        proxy_headers=True,
        forwarded_allow_ips=PROXIES,
        server_header=False,
        lifespan="off",
    )


class _Quiet(uvicorn.Server):
    """A server that leaves signals to its owner (`trygg run` stops every intake at once)."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield


async def serve(app: App) -> None:
    """Serve the console until SIGINT/SIGTERM (`trygg web`)."""
    await uvicorn.Server(_config(app, web_of_app(app))).serve()


class WebIntake:
    """The console inside `trygg run`: it stops with the bots, and its forms wake their outbox."""

    def __init__(
        self,
        app: App,
        stop: asyncio.Event,
        on_commit: Callable[[], None],
        running: Callable[[], bool] | None = None,
    ) -> None:
        self.stop = stop
        self.server = _Quiet(_config(app, web_of_app(app, on_commit, running)))

    async def open(self) -> None:
        """Nothing to connect before the runtime starts."""

    async def receive(self) -> None:
        """Serve pages until the runtime stops."""
        serving = asyncio.create_task(self.server.serve())
        await self.stop.wait()
        self.server.should_exit = True
        await serving

    async def close(self) -> None:
        """Nothing left open: the server ended in receive."""
