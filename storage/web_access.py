"""Who may use the web console, through one-time links and browser sessions kept here.

Only the roles that handle cases get a link (the municipal security unit, a party's
security contact); a session counts only while the person still has such a role, checked
on every request against the directory as it is now. Only hashes of the tokens are kept:
a copy of the database opens nobody's browser session.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import selectinload

from storage.crypto import Keyring
from storage.errors import NotAllowed, NotFound
from storage.models import Person, Role, WebLogin, WebSession
from storage.viewer import Viewer

LINK_VALID = timedelta(minutes=10)
LINKS_PER_HOUR = 5  # more than that, and someone is fishing for links
IDLE = timedelta(minutes=15)
ABSOLUTE = timedelta(hours=8)
HANDLING_ROLES = frozenset({Role.MUNICIPAL_SECURITY, Role.PARTY_SECURITY})


class TooManyLinks(NotAllowed):
    """The person asked for more login links within an hour than anyone needs."""


def handles_cases(viewer: Viewer) -> bool:
    """True if the viewer's current role handles cases (and so may use the web console)."""
    if viewer.person_id is None or viewer.municipality_id is None:
        return False
    if viewer.role is Role.PARTY_SECURITY:
        return viewer.party_id is not None
    return viewer.role in HANDLING_ROLES


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True, slots=True)
class Opened:
    """A new browser session: the cookie's token and the token its forms carry."""

    token: str
    csrf: str


@dataclass(frozen=True, slots=True)
class Current:
    """A live session: whose it is, the token its forms must carry, and the notice left
    for this page by the form before it (shown once)."""

    session_id: int
    person: Person
    csrf: str
    notice: str | None


class WebAccessRepo:
    """Login links and sessions for the web console. Never commits."""

    def __init__(self, session: AsyncSession, keyring: Keyring | None = None) -> None:
        self.session = session
        self.keyring = keyring

    async def issue_link(self, viewer: Viewer, now: datetime) -> str:
        """Return a new one-time login token for the viewer (NotAllowed if their role
        handles no cases; TooManyLinks past the hourly limit)."""
        if not handles_cases(viewer) or viewer.person_id is None:
            raise NotAllowed("web console")
        recent = await self.session.scalar(
            select(func.count(WebLogin.id)).where(
                WebLogin.person_id == viewer.person_id,
                WebLogin.created_at > now - timedelta(hours=1),
            )
        )
        if (recent or 0) >= LINKS_PER_HOUR:
            raise TooManyLinks("web console")
        token = secrets.token_urlsafe(32)
        self.session.add(
            WebLogin(
                token_hash=_hash(token),
                person_id=viewer.person_id,
                created_at=now,
                expires_at=now + LINK_VALID,
            )
        )
        return token

    async def redeem(self, token: str, now: datetime) -> Opened:
        """Use a login token once and open a session for its person (NotFound if the token
        is unknown, used or expired, or the person no longer handles cases)."""
        if not token or len(token) > 100:
            raise NotFound("login link")
        used = await self.session.execute(
            update(WebLogin)
            .where(
                WebLogin.token_hash == _hash(token),
                WebLogin.used_at.is_(None),
                WebLogin.expires_at > now,
            )
            .values(used_at=now)
            .returning(WebLogin.person_id)
        )
        person_id = used.scalar_one_or_none()
        if person_id is None:
            raise NotFound("login link")
        person = await self.session.get(Person, person_id)
        if person is None or not handles_cases(Viewer.of(person)):
            raise NotFound("login link")
        opened = Opened(secrets.token_urlsafe(32), secrets.token_urlsafe(24))
        self.session.add(
            WebSession(
                token_hash=_hash(opened.token),
                csrf=opened.csrf,
                person_id=person_id,
                created_at=now,
                seen_at=now,
            )
        )
        return opened

    async def current(self, token: str | None, now: datetime) -> Current | None:
        """Return the live session of a cookie, touched now; None if there is none, it was
        idle too long or is too old, or its person no longer handles cases."""
        if not token or len(token) > 100:
            return None
        row = (
            await self.session.scalars(
                select(WebSession).where(
                    WebSession.token_hash == _hash(token),
                    WebSession.ended_at.is_(None),
                    WebSession.seen_at > now - IDLE,
                    WebSession.created_at > now - ABSOLUTE,
                )
            )
        ).first()
        if row is None:
            return None
        person = await self.session.get(
            Person,
            row.person_id,
            options=[selectinload(Person.party), selectinload(Person.municipality)],
            populate_existing=True,  # the role as it is now, not as an earlier read saw it
        )
        if person is None or not handles_cases(Viewer.of(person)):
            row.ended_at = now
            return None
        row.seen_at = now
        notice = None
        if row.notice is not None and self.keyring is not None:
            notice = self.keyring.open(
                row.notice, table="web_session", column="notice", row=row.id
            ).decode()
            row.notice = None
        return Current(row.id, person, row.csrf, notice)

    async def leave_notice(self, session_id: int, text: str) -> None:
        """Keep a short confirmation for the next page this session shows (sealed)."""
        if self.keyring is None:
            raise ValueError("a notice is sealed: the repository needs the keyring")
        sealed = self.keyring.seal(
            text[:500].encode(), table="web_session", column="notice", row=session_id
        )
        await self.session.execute(
            update(WebSession).where(WebSession.id == session_id).values(notice=sealed)
        )

    async def end(self, session_id: int, now: datetime) -> None:
        """Sign a session out."""
        await self.session.execute(
            update(WebSession).where(WebSession.id == session_id).values(ended_at=now)
        )

    async def prune(self, now: datetime) -> int:
        """Delete links and sessions that can no longer be used; return how many."""
        # a link is kept an hour after it was made: the hourly limit counts it
        links = await self.session.execute(
            delete(WebLogin).where(WebLogin.created_at < now - timedelta(hours=1))
        )
        sessions = await self.session.execute(
            delete(WebSession).where(
                or_(
                    WebSession.ended_at.is_not(None),
                    WebSession.seen_at < now - IDLE,
                    WebSession.created_at < now - ABSOLUTE,
                )
            )
        )
        return int(links.rowcount or 0) + int(sessions.rowcount or 0)  # type: ignore[attr-defined]
