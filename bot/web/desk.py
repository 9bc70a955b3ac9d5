"""One request of a signed-in person: a unit of work, the session checked, and a handler
Context so the web does a case operation exactly as the chat does it."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request

from bot.app import App
from conversations.casefile.build import reader_context
from conversations.flow import Context
from conversations.notices import EVERY_CHANNEL
from storage.outbox import OutboxRepo
from storage.viewer import Sender, Viewer
from storage.web_access import Current, WebAccessRepo

COOKIE = "trygg_session"
CSRF_FIELD = "csrf"


class SignedOut(Exception):
    """No live session: the person is sent to the page that says how to sign in."""


class BadForm(Exception):
    """A form came without the token of the session that showed it."""


@dataclass
class Web:
    """What every request reads: the app's parts, and who to wake after a commit."""

    app: App
    secure: bool  # cookies only over https (behind the operator's proxy)
    on_commit: Callable[[], None] = lambda: None  # wake the outbox, when in `trygg run`
    public_url: str | None = None
    running: Callable[[], bool] | None = None  # the runtime's ready(), when in `trygg run`


@dataclass
class Desk:
    """The signed-in person's request: their handler Context and their session."""

    ctx: Context
    current: Current
    notice: str | None = None  # shown on the next page (after a form's redirect)
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def csrf(self) -> str:
        return self.current.csrf


def web_of(request: Request) -> Web:
    """The console's shared parts, from the Starlette app's state."""
    web: Web = request.app.state.web
    return web


def _context(web: Web, current: Current, session: AsyncSession) -> Context:
    person = current.person
    app = web.app
    ctx = reader_context(
        session,
        Sender.of(person, person.party, person.municipality),
        Viewer.of(person),
        app.catalogs.pick(person.locale),
        app.catalogs,
        app.keyring,
        app.packs,
        app.clock(),
    )
    ctx.web_url = web.public_url
    return ctx


@asynccontextmanager
async def signed_in(request: Request, form: dict[str, str] | None = None) -> AsyncIterator[Desk]:
    """Open the person's unit of work: SignedOut without a live session; BadForm if a posted
    form lacks the session's token. Messages the operation queued go out after commit."""
    web = web_of(request)
    queued = 0
    async with web.app.db.unit_of_work() as session:
        repo = WebAccessRepo(session, web.app.keyring)
        current = await repo.current(request.cookies.get(COOKIE), web.app.clock())
        if current is None:
            raise SignedOut
        if form is not None and not secrets.compare_digest(
            form.get(CSRF_FIELD, "").encode(), current.csrf.encode()
        ):
            raise BadForm
        desk = Desk(_context(web, current, session), current)
        yield desk
        ctx = desk.ctx
        await OutboxRepo(session).enqueue_all(
            [(n.recipient_id, n.kind, n.payload, n.priority) for n in ctx.notices],
            ctx.now,
            every_channel=EVERY_CHANNEL,
            drill_id=ctx.drill_id,
        )
        queued = len(ctx.notices)
        if desk.notice:
            await repo.leave_notice(current.session_id, desk.notice)
    if queued:
        web.on_commit()
