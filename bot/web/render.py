"""Pages from Jinja2 templates, in the person's language (escaped; no inline scripts)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.requests import Request
from starlette.responses import HTMLResponse

from bot.web.desk import CSRF_FIELD, Desk, web_of
from bot.web.forms import ERROR_MARK
from conversations import dates
from conversations.flow import Context
from conversations.i18n import N_
from storage.models import Role

HERE = Path(__file__).parent
ENV = Environment(
    loader=FileSystemLoader(HERE / "templates"),
    autoescape=select_autoescape(("html",), default=True),
    trim_blocks=True,
    lstrip_blocks=True,
)
LANGUAGES = (("sv", "Svenska"), ("en", "English"))


def nav_for(role: Role) -> list[tuple[str, str]]:
    """The console's sections for a role: (path, msgid of its name)."""
    sections = [("/cases", N_("Cases")), ("/stats", N_("Statistics"))]
    if role is Role.MUNICIPAL_SECURITY:
        sections += [("/drills", N_("Drills")), ("/audit", N_("Audit log"))]
    return sections


def _when(ctx: Context) -> Callable[[datetime | None], str]:
    def when(moment: datetime | None) -> str:
        return ctx.when(moment) if moment is not None else "–"

    return when


def _day(ctx: Context) -> Callable[[date | None], str]:
    def day(planned: date | None) -> str:
        return dates.say_day(planned, ctx.now, ctx.locale, weekday=True) if planned else "–"

    return day


def page(
    request: Request, desk: Desk, template: str, *, status: int = 200, **values: Any
) -> HTMLResponse:
    """Render a signed-in page: the navigation, the session's form token, a notice left by
    the form before, and the values of the page."""
    ctx = desk.ctx
    said = desk.current.notice or ""
    values.update(
        _=ctx._,
        ngettext=ctx.ngettext,
        locale=ctx.locale,
        when=_when(ctx),
        day=_day(ctx),
        me=ctx.person,
        nav=nav_for(ctx.viewer.role),
        here=request.url.path,
        csrf=desk.csrf,
        csrf_field=CSRF_FIELD,
        notice=None if said.startswith(ERROR_MARK) else said or None,
        problem=said[len(ERROR_MARK) :] if said.startswith(ERROR_MARK) else None,
        languages=LANGUAGES,
    )
    return HTMLResponse(ENV.get_template(template).render(values), status_code=status)


def plain(
    request: Request, template: str, *, status: int = 200, locale: str | None = None, **values: Any
) -> HTMLResponse:
    """Render a page for someone not signed in (sign-in, errors), in their browser's language."""
    catalogs = web_of(request).app.catalogs
    if locale is None:
        wanted = request.headers.get("accept-language", "")[:2].lower() or None
        locale = catalogs.pick(wanted)
    values.update(
        _=catalogs.gettext(locale),
        ngettext=catalogs.ngettext(locale),
        locale=locale,
        me=None,
        nav=[],
        here=request.url.path,
    )
    return HTMLResponse(ENV.get_template(template).render(values), status_code=status)
