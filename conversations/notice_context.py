"""What every rendering of an outbox message shares: the recipient and their language, the
case a message is about, and the button that opens it."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from conversations.capabilities import UNDECLARED, Capabilities
from conversations.events import Button, Reply
from conversations.i18n import shown_name
from conversations.packs import PackLibrary
from storage.crypto import Keyring
from storage.directory import DirectoryRepo
from storage.models import OutboxMessage, Person, Report
from storage.viewer import Viewer

NOTICE_TOKEN = "n"  # noqa: S105 - buttons on notices are actions (ack:, show:, call:), not steps


@dataclass(frozen=True, slots=True)
class RenderContext:
    session: AsyncSession
    recipient: Person
    _: Callable[[str], str]
    locale: str
    packs: PackLibrary
    keyring: Keyring | None = None  # to open what is sealed (a check-in reply)
    ngettext: Callable[[str, str, int], str] | None = None  # plurals ("10 minutes")
    capabilities: Capabilities = UNDECLARED  # the channel it goes out on


Renderer = Callable[[RenderContext, OutboxMessage], Awaitable[Reply]]


async def report_of(rc: RenderContext, message: OutboxMessage) -> Report | None:
    """The case a message is about (None: purged since)."""
    return await rc.session.get(Report, str(message.payload.get("report", "")))


def opens_case(gettext: Callable[[str], str], report: Report) -> Button:
    """The button that opens the case (/arende REF): it works from any message."""
    return Button(f"cmd:arende {report.ref}", gettext("Open case {ref}").format(ref=report.ref))


def show_button(gettext: Callable[[str], str], report: Report) -> Button:
    """The button that shows the whole report (show:<report id>) to someone who may read it."""
    return Button(f"show:{report.id}", gettext("Show the report"))


def case_button(rc: RenderContext, report: Report) -> tuple[tuple[Button, ...], ...]:
    """The button that opens the case, as a notice's only row."""
    return ((opens_case(rc._, report),),)


async def name_for(rc: RenderContext, person_id: int) -> str:
    """Someone's name for the recipient of a message (someone erased has none)."""
    card, _party, _m = await DirectoryRepo(rc.session).describe(Viewer.of(rc.recipient), person_id)
    return shown_name(rc._, card)
