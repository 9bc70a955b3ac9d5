"""The web console as an ASGI app (Starlette): its routes, its error pages, its headers.

`trygg web` serves it on its own; `trygg run` serves it beside the bots when
TRYGG_WEB_URL is set. Every page opens one unit of work as the signed-in person (bot.web.desk)
and reads through storage's access rules, as the chat does.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles

from bot.web.desk import BadForm, SignedOut, Web
from bot.web.render import HERE, plain
from bot.web.routes import audit, auth, case, case_actions, cases, drills, health, stats
from bot.web.security import Attempts, SecurityHeaders
from conversations.desk.errors import Refused
from storage.errors import NotFound

log = logging.getLogger("trygg.web")


def _message(request: Request, status: int, title: str, *lines: str) -> Response:
    return plain(request, "message.html", status=status, title=title, lines=list(lines), link=None)


async def _signed_out(request: Request, exc: Exception) -> Response:
    _ = plain_gettext(request)
    return _message(
        request,
        401,
        _("You are not logged in"),
        _("Send /webb to Trygg in the chat: you get a link that logs you in."),
        _("A session ends after 15 minutes without use, and after 8 hours at most."),
    )


async def _bad_form(request: Request, exc: Exception) -> Response:
    _ = plain_gettext(request)
    return _message(
        request,
        403,
        _("The form could not be sent"),
        _("Nothing was saved. Go back, reload the page and try again."),
    )


async def _not_found(request: Request, exc: Exception) -> Response:
    _ = plain_gettext(request)
    return _message(request, 404, _("Not found"), _("There is nothing here that you may see."))


async def _refused(request: Request, exc: Exception) -> Response:
    _ = plain_gettext(request)
    said = exc.message if isinstance(exc, Refused) else ""
    return _message(request, 409, _("That did not work"), said, _("Go back and try again."))


async def _http(request: Request, exc: Exception) -> Response:
    status = exc.status_code if isinstance(exc, HTTPException) else 500
    if status == 404:
        return await _not_found(request, exc)
    _ = plain_gettext(request)
    return _message(request, status, _("That did not work"), _("Go back and try again."))


async def _failed(request: Request, exc: Exception) -> Response:
    log.error("a web request failed: %s", type(exc).__name__)  # the kind only, no values
    _ = plain_gettext(request)
    return _message(
        request,
        500,
        _("Something went wrong"),
        _("Nothing of what you sent was lost: try again in a moment."),
        _("In danger now: call 112."),
    )


def plain_gettext(request: Request) -> Callable[[str], str]:
    """The gettext of the browser's language (for pages shown to anyone)."""
    catalogs = request.app.state.web.app.catalogs
    wanted = request.headers.get("accept-language", "")[:2] or None
    gettext: Callable[[str], str] = catalogs.gettext(catalogs.pick(wanted))
    return gettext


def create_web(web: Web) -> Starlette:
    """Build the console's ASGI app on the running app's parts."""
    routes = [
        *health.ROUTES,
        *auth.ROUTES,
        *cases.ROUTES,
        *case.ROUTES,
        *case_actions.ROUTES,
        *stats.ROUTES,
        *drills.ROUTES,
        *audit.ROUTES,
        Mount("/static", app=StaticFiles(directory=HERE / "static"), name="static"),
    ]
    console = Starlette(
        routes=routes,
        middleware=[Middleware(SecurityHeaders, secure=web.secure)],
        exception_handlers={
            SignedOut: _signed_out,
            BadForm: _bad_form,
            NotFound: _not_found,
            Refused: _refused,  # a case operation said no outside a form (e.g. on a page)
            HTTPException: _http,
            Exception: _failed,
        },
    )
    console.state.web = web
    console.state.attempts = Attempts()
    return console
