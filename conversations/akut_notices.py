"""Messages about what a person wrote around her /akut alert, to those it went to. The words
stay inside Trygg (a push shows on a locked phone): the message says she wrote, a button
shows what."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from conversations.events import Button, Reply
from conversations.i18n import format_when, shown_name
from conversations.notice_context import NOTICE_TOKEN, RenderContext
from storage.alert_notes import AlertNotes, Written
from storage.directory import DirectoryRepo
from storage.models import Alert, AlertStatus, OutboxMessage
from storage.viewer import Viewer

ALERT_WORDS = "alert_words"
READ = "words"  # the button that shows what she wrote: ``words:<alert id>``


def read_button(gettext: Callable[[str], str], alert: Alert, name: str) -> Button:
    """The button that shows what the alert's person wrote."""
    return Button(f"{READ}:{alert.id}", gettext("Read what {name} wrote").format(name=name))


def written_lines(
    gettext: Callable[[str], str],
    locale: str,
    name: str,
    written: Sequence[Written],
    now: datetime,
) -> list[str]:
    """What she wrote, each message with its time, under one heading."""
    lines = [gettext("{name} wrote to Trygg:").format(name=name)]
    for note in written:
        first, *more = note.text.splitlines() or [""]
        lines.append(f"• {format_when(note.at, locale, now)}: {first}")
        lines += [f"  {line}" for line in more]
    return lines


async def render_alert_words(rc: RenderContext, message: OutboxMessage) -> Reply:
    """Tell someone an alert went to that its person has written more, and how to read it."""
    _ = rc._
    alert = await rc.session.get(Alert, str(message.payload.get("alert", "")))
    if alert is None or alert.status is AlertStatus.WITHDRAWN or alert.subject_id is None:
        return Reply(_("An alert in Trygg was withdrawn before you saw it."))
    card, _party, _m = await DirectoryRepo(rc.session).describe(
        Viewer.of(rc.recipient), alert.subject_id
    )
    lines = [
        _("URGENT – Trygg alert"),
        _("{name} has written to you after the alert. Read it now: it may be new danger.").format(
            name=shown_name(_, card)
        ),
        _("If someone is in danger, call 112."),
    ]
    if message.payload.get("danger") is False:  # "mår bättre nu": said, not cried
        lines = [_("{name} has written to you after the alert.").format(name=shown_name(_, card))]
    buttons = [[read_button(_, alert, shown_name(_, card))]]
    if alert.untaken:  # every level tried: still there to take
        buttons.append([Button(f"ack:{alert.id}", _("I'll take it"))])
    return Reply("\n".join(lines), tuple(tuple(row) for row in buttons), NOTICE_TOKEN)


async def written_with(rc: RenderContext, alert: Alert) -> bool:
    """Whether the alert's person wrote anything with it (no words: for a push's button)."""
    return rc.keyring is not None and await AlertNotes(rc.session, rc.keyring).count(alert.id) > 0
