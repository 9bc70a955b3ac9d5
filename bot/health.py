"""Health, readiness and metrics for an operator, whichever HTTP server answers them.

``/healthz``: the process is alive. ``/readyz``: the database answers ``SELECT 1`` within
READY_TIMEOUT seconds and, in `trygg run`, the runtime's intakes are open and reading.
``/metrics``: bot.metrics in Prometheus's text format, behind a bearer token if
TRYGG_METRICS_TOKEN is set. The web console (bot.web.routes.health) and the Telegram
webhook's server (bot.transports.telegram_webhook) both serve them through :class:`Health`.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
from collections.abc import Callable
from dataclasses import dataclass

from bot.app import App
from bot.metrics import Metrics
from conversations.engine import Clock
from storage import health
from storage.db import Database

log = logging.getLogger(__name__)

READY_TIMEOUT = 2.0  # seconds the database has to answer SELECT 1
PATHS = ("/healthz", "/readyz", "/metrics")


@dataclass
class Health:
    """What the three endpoints read: the database, the metrics, the runtime's state."""

    db: Database
    metrics: Metrics
    clock: Clock
    running: Callable[[], bool] | None = None  # the runtime's ready(); None: no runtime
    token: str | None = None  # TRYGG_METRICS_TOKEN

    @classmethod
    def of(cls, app: App, running: Callable[[], bool] | None = None) -> Health:
        return cls(app.db, app.metrics, app.clock, running, app.settings.metrics_token)

    async def unready(self) -> str | None:
        """Why this process is not ready (a short reason, no data), or None if it is."""
        if self.running is not None and not self.running():
            return "not running: the transports are starting or stopping"
        try:
            await asyncio.wait_for(health.ping(self.db), READY_TIMEOUT)
        except TimeoutError:
            return "database: no answer within 2 s"
        except Exception as exc:
            log.warning("readiness: the database did not answer (%s)", type(exc).__name__)
            return "database: unreachable"
        return None

    def may_read_metrics(self, authorization: str | None) -> bool:
        """Whether a request with this Authorization header may read /metrics."""
        if not self.token:
            return True
        scheme, _, given = (authorization or "").partition(" ")
        if scheme.lower() != "bearer":
            return False
        return hmac.compare_digest(given.strip().encode(), self.token.encode())

    async def metrics_text(self) -> bytes:
        """Read the outbox's and the timers' counts from the database, then render all."""
        try:
            depth = await asyncio.wait_for(health.outbox_depth(self.db), READY_TIMEOUT)
            pending, due = await asyncio.wait_for(
                health.timers_waiting(self.db, self.clock()), READY_TIMEOUT
            )
        except Exception as exc:  # the counters still say what this process did
            log.warning("metrics: the database counts failed (%s)", type(exc).__name__)
        else:
            self.metrics.set_outbox_depth(depth)
            self.metrics.set_timers(pending, due)
        return self.metrics.text()
