"""Signing in with a one-time link from the chat, signing out, and the language."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from bot.web.desk import COOKIE, signed_in, web_of
from bot.web.forms import form_of, see
from bot.web.render import LANGUAGES, plain
from bot.web.security import client_of
from storage.directory import DirectoryRepo
from storage.errors import NotFound
from storage.web_access import ABSOLUTE, WebAccessRepo


def _link_spent(request: Request, status: int = 400) -> HTMLResponse:
    catalogs = web_of(request).app.catalogs
    _ = catalogs.gettext(catalogs.pick(request.headers.get("accept-language", "")[:2] or None))
    return plain(
        request,
        "message.html",
        status=status,
        title=_("This link no longer works"),
        lines=[
            _("A login link works once, for 10 minutes, and only for the person it was sent to."),
            _("Send /webb to Trygg in the chat for a new one."),
        ],
        link=None,
    )


async def confirm(request: Request) -> Response:
    """Ask before using a login link (a link preview must not use it up)."""
    if not request.app.state.attempts.allow(client_of(request.scope)):
        return _link_spent(request, 429)
    token = request.path_params["token"]
    return plain(request, "signin.html", token=token)


async def login(request: Request) -> Response:
    """Use a login link once: open a session and go to the cases."""
    if not request.app.state.attempts.allow(client_of(request.scope)):
        return _link_spent(request, 429)
    form = await form_of(request)
    web = web_of(request)
    try:
        async with web.app.db.unit_of_work() as session:
            opened = await WebAccessRepo(session).redeem(form.get("token", ""), web.app.clock())
    except NotFound:
        return _link_spent(request)
    response = RedirectResponse("/cases", status_code=303)
    response.set_cookie(
        COOKIE,
        opened.token,
        max_age=int(ABSOLUTE.total_seconds()),
        path="/",
        httponly=True,
        samesite="strict",
        secure=web.secure,
    )
    return response


async def logout(request: Request) -> Response:
    """End the session and say so."""
    form = await form_of(request)
    async with signed_in(request, form) as desk:
        await WebAccessRepo(desk.ctx.session).end(desk.current.session_id, desk.ctx.now)
        locale = desk.ctx.locale
        _ = desk.ctx._
    response = plain(
        request,
        "message.html",
        locale=locale,
        title=_("You are logged out"),
        lines=[_("Send /webb to Trygg in the chat when you want to log in again.")],
        link=None,
    )
    response.delete_cookie(
        COOKIE, path="/", httponly=True, samesite="strict", secure=web_of(request).secure
    )
    return response


async def language(request: Request) -> Response:
    """Speak another language (on the web and in the chat: it is the person's language)."""
    form = await form_of(request)
    async with signed_in(request, form) as desk:
        chosen = form.get("language", "")
        if chosen in dict(LANGUAGES):
            await DirectoryRepo(desk.ctx.session).set_locale(desk.ctx.viewer, chosen)
    return see(form.get("back", "/cases"))


async def home(request: Request) -> Response:
    """Go to the cases."""
    return see("/cases")


ROUTES = [
    Route("/", home),
    Route("/login/{token}", confirm),
    Route("/login", login, methods=["POST"]),
    Route("/logout", logout, methods=["POST"]),
    Route("/language", language, methods=["POST"]),
]
