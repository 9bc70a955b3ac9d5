"""The operator's /healthz, /readyz and /metrics on the console's port (no session)."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from bot.health import Health
from bot.metrics import CONTENT_TYPE
from bot.web.desk import web_of


def _health(request: Request) -> Health:
    web = web_of(request)
    return Health.of(web.app, web.running)


async def healthz(request: Request) -> Response:
    """Alive: the process answers."""
    return PlainTextResponse("ok")


async def readyz(request: Request) -> Response:
    """Ready: the database answers and the runtime (if any) reads updates."""
    reason = await _health(request).unready()
    if reason is not None:
        return PlainTextResponse(reason, status_code=503)
    return PlainTextResponse("ready")


async def metrics(request: Request) -> Response:
    """This process's counts and durations, in Prometheus's text format."""
    health = _health(request)
    if not health.may_read_metrics(request.headers.get("authorization")):
        return PlainTextResponse(
            "unauthorized", status_code=401, headers={"WWW-Authenticate": "Bearer"}
        )
    return Response(await health.metrics_text(), media_type=CONTENT_TYPE)


ROUTES = [
    Route("/healthz", healthz),
    Route("/readyz", readyz),
    Route("/metrics", metrics),
]
