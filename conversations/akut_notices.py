"""Messages about what a person wrote around her /akut alert, to those it went to. The words
stay inside Trygg (a push shows on a locked phone): the message says she wrote, a button
shows what. And what one of them wrote back to her, to her."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime

from conversations.events import Button, Reply
from conversations.i18n import format_when, shown_name
from conversations.notice_context import NOTICE_TOKEN, RenderContext
from storage.alert_notes import AlertNotes, Written
from storage.directory import DirectoryRepo
from storage.models import Alert, AlertStatus, OutboxMessage, Person, Role
from storage.viewer import Viewer

ALERT_WORDS = "alert_words"
ALERT_MESSAGE = "alert_message"  # to her: what someone it went to wrote to her about it
READ = "words"  # the button that shows what she wrote: ``words:<alert id>``
WRITE = "skriv"  # the command behind "Write to …": ``cmd:skriv <alert id>``
VIEW = "visalarm"  # the alert as it is now, for someone coming back (Reply.anew): listed nowhere


def write_button(gettext: Callable[[str], str], alert: Alert, name: str) -> Button:
    """The button that writes to the alert's person through Trygg (from any message)."""
    return Button(f"cmd:{WRITE} {alert.id}", gettext("Write to {name}").format(name=name))


def written_to(alert: Alert) -> bool:
    """Whether those an alert went to may write to its person: an /akut alert of someone."""
    return alert.kind == "akut" and alert.subject_id is not None


def read_button(gettext: Callable[[str], str], alert: Alert, name: str) -> Button:
    """The button that shows what the alert's person wrote."""
    return Button(f"{READ}:{alert.id}", gettext("Read what {name} wrote").format(name=name))


def written_lines(
    gettext: Callable[[str], str],
    locale: str,
    name: str,
    written: Sequence[Written],
    now: datetime,
    writers: Mapping[int, str] | None = None,
) -> list[str]:
    """What she wrote, each message with its time, under one heading; with ``writers`` (the
    names of those who wrote to her, by id; the reader's own is ""), what was written to her
    too, in turn."""
    if not writers:
        lines = [gettext("{name} wrote to Trygg:").format(name=name)]
        for note in written:
            first, *more = note.text.splitlines() or [""]
            lines.append(f"• {format_when(note.at, locale, now)}: {first}")
            lines += [f"  {line}" for line in more]
        return lines
    lines = [gettext("Messages about the alert:")]
    for note in written:
        when = format_when(note.at, locale, now)
        writer = name if note.author_id is None else writers.get(note.author_id, "")
        said = (
            gettext("{when}, you wrote:").format(when=when)
            if not writer
            else gettext("{when}, {name} wrote:").format(when=when, name=writer)
        )
        lines.append(f"• {said} {note.text}".replace("\n", "\n  "))
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


async def render_alert_message(rc: RenderContext, message: OutboxMessage) -> Reply:
    """Give her what someone her /akut alert went to wrote to her, and how to answer."""
    _ = rc._
    viewer = Viewer.of(rc.recipient)
    notes = AlertNotes(rc.session, rc.keyring) if rc.keyring is not None else None
    opened = await notes.opened(viewer, int(message.payload.get("note", 0))) if notes else None
    author_id = opened[1].author_id if opened is not None else None
    if opened is None or author_id is None:
        return Reply(_("Trygg: write to me whenever you need."))
    _alert, note = opened
    card, _party, _m = await DirectoryRepo(rc.session).describe(viewer, author_id)
    writer = shown_name(_, card)
    if not viewer.registered:  # an unregistered person sees nobody's name
        author = await rc.session.get(Person, author_id)
        unit = author is not None and author.role is Role.MUNICIPAL_SECURITY
        label = _("municipal security unit") if unit else _("party security contact")
        writer = label[:1].upper() + label[1:]
    lines = [
        _("In danger now: call {number}.").format(number="112"),
        _("{name} writes to you:").format(name=writer),
        note.text,
        _("Answer here, and {name} will see it.").format(name=writer),
    ]
    return Reply("\n".join(lines))
