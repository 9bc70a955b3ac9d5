"""Reading posted forms and answering them: after a form, the person is sent on (303) to a
page that shows what happened, so reloading it never posts twice."""

from __future__ import annotations

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import RedirectResponse

from bot.web.desk import COOKIE, web_of
from storage.web_access import WebAccessRepo

MAX_FIELD = 20_000  # characters kept of one field (a note, an answer)
ERROR_MARK = "\x00"  # a notice that says what went wrong, not what was done


async def form_of(request: Request) -> dict[str, str]:
    """The posted fields as text (files are not taken here), each cut to MAX_FIELD."""
    data = await request.form(max_files=0, max_fields=200)
    return {
        key: value[:MAX_FIELD]
        for key, value in data.multi_items()
        if not isinstance(value, UploadFile)
    }


def see(path: str) -> RedirectResponse:
    """Send the browser on to ``path`` (a local path only) after a form."""
    safe = path if path.startswith("/") and not path.startswith("//") else "/cases"
    return RedirectResponse(safe, status_code=303)


async def refused(request: Request, message: str, back: str) -> RedirectResponse:
    """Say on the next page why a form was not done (nothing of it was saved)."""
    web = web_of(request)
    async with web.app.db.unit_of_work() as session:
        repo = WebAccessRepo(session, web.app.keyring)
        current = await repo.current(request.cookies.get(COOKIE), web.app.clock())
        if current is not None:
            await repo.leave_notice(current.session_id, ERROR_MARK + message)
    return see(back)
