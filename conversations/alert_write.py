"""Writing to the person an /akut alert is about, through Trygg: for whoever took it (or,
while nobody has, anyone it went to who may take it) when a call is not possible. What is
written is kept sealed with the alert, logged, and given to her at once; her answer comes
back as her words after the alert do (:func:`answers_typed`)."""

from __future__ import annotations

from datetime import timedelta
from enum import StrEnum

from conversations.akut_alert import AFTER, after_alert
from conversations.akut_notices import ALERT_MESSAGE, write_button, written_to
from conversations.alert_carried import after_writing
from conversations.events import Button, EventKind, InboundEvent, phrase_of
from conversations.flow import END, Context, Flow, Input, StateResult
from conversations.i18n import shown_name
from conversations.taken_back import ALERTED, no_alert_for_them, refuse_alert
from storage.alert_notes import AlertNotes
from storage.alerts import AlertRepo
from storage.directory import DirectoryRepo
from storage.errors import NotAllowed, NotFound
from storage.models import Alert, Person
from storage.outbox import URGENT
from storage.trust import AuditRepo

CANCEL = "write:cancel"
SEND = "write:send"
WRITTEN = "alert_written"  # the audit action
SILENCE = timedelta(hours=1)  # after this, words typed are no longer taken as the message


class Write(StrEnum):
    TEXT = "text"  # what to write to her
    SEND_LATE = "send_late"  # words typed long after the question: send them?


async def _allowed(ctx: Context, alert_id: str) -> Alert | None:
    """The alert, if the viewer may write to its person now (storage decides); else None,
    and a kind refusal said."""
    _ = ctx._
    try:
        alert = await AlertNotes(ctx.session, ctx.keyring).may_write(ctx.viewer, alert_id)
    except NotAllowed:
        other = await ctx.session.get(Alert, alert_id)
        taker = other.acknowledged_by if other is not None else None
        if other is None or taker is None or other.subject_id is None:
            ctx.reply(_("That alert is not available to you."))
            return None
        directory = DirectoryRepo(ctx.session)
        card, _p, _m = await directory.describe(ctx.viewer, taker)
        person, _p, _m = await directory.describe(ctx.viewer, other.subject_id)
        ctx.reply(
            _("{name} has taken the alert and is in touch with {person}.").format(
                name=shown_name(_, card), person=shown_name(_, person)
            )
        )
        return None
    except NotFound:
        await refuse_alert(ctx, alert_id)
        return None
    ctx.drill_id = alert.drill_id
    return alert


async def _name(ctx: Context, alert: Alert) -> str:
    card, _p, _m = await DirectoryRepo(ctx.session).describe(ctx.viewer, alert.subject_id or 0)
    return shown_name(ctx._, card)


async def _writable(ctx: Context) -> list[Alert]:
    """The /akut alerts the viewer may write about now (open to her, or taken by her in the
    last day), one for each person, the newest first."""
    repo, notes = AlertRepo(ctx.session), AlertNotes(ctx.session, ctx.keyring)
    mine = [
        *await repo.open_for([ctx.person.id], untaken=True),
        *await repo.taken_by([ctx.person.id], ctx.now - AFTER),
    ]
    found: dict[int, Alert] = {}
    for alert in sorted(mine, key=lambda a: a.created_at, reverse=True):
        if not written_to(alert) or alert.subject_id in found:
            continue
        try:
            await notes.may_write(ctx.viewer, alert.id)
        except (NotAllowed, NotFound):
            continue
        found[alert.subject_id or 0] = alert
    return list(found.values())


async def ask(ctx: Context, event: InboundEvent) -> StateResult:
    """Ask what to write to the alert's person (``event.text``: the alert's id; none: the
    one alert she may write about, or a choice of them)."""
    _ = ctx._
    alert_id = event.text.strip()
    if not alert_id and ctx.viewer.role in ALERTED:
        alerts = await _writable(ctx)
        if len(alerts) > 1:
            names = [await _name(ctx, a) for a in alerts]
            buttons = [[write_button(_, a, name)] for a, name in zip(alerts, names, strict=True)]
            ctx.reply(_("Whom do you want to write to?"), buttons)
            return END
        alert_id = alerts[0].id if alerts else ""
    if no_alert_for_them(ctx, alert_id):
        return END
    alert = await _allowed(ctx, alert_id)
    if alert is None:
        return END
    ctx.data["alert"] = alert.id
    name = await _name(ctx, alert)
    ctx.reply(
        _("What do you want to write to {name}? {name} gets it in Trygg at once.").format(
            name=name
        ),
        [[Button(CANCEL, _("Cancel"))]],
    )
    return Write.TEXT


async def send(ctx: Context, event: InboundEvent) -> StateResult:
    """Keep what she wrote with the alert (sealed), give it to its person, and say so."""
    _ = ctx._
    text = (event.text if event.kind is EventKind.TEXT else str(ctx.data.get("text", ""))).strip()
    if not text:
        ctx.again()
        return None
    alert = await _allowed(ctx, str(ctx.data.get("alert", "")))
    if alert is None or alert.subject_id is None:
        ctx.reply(_("Nothing was sent. You wrote:") + "\n" + text)
        return END
    note = await AlertNotes(ctx.session, ctx.keyring).write(ctx.viewer, alert.id, text, ctx.now)
    subject = alert.subject_id
    person = await ctx.session.get(Person, subject)
    handle = person.handle if person is not None else ""
    AuditRepo(ctx.session).record(
        ctx.person.handle, WRITTEN, handle, alert.municipality_id, ctx.now, alert=alert.id
    )
    ctx.data.pop("text", None)
    ctx.notify(subject, ALERT_MESSAGE, {"alert": alert.id, "note": note.id}, URGENT)
    name = await _name(ctx, alert)
    ctx.reply(
        _("Sent to {name}.").format(name=name)
        + "\n"
        + _("When {name} answers, you see it here.").format(name=name),
        # numbered choices count only in the newest message: the prompt's "Avbryt" was it
        await after_writing(ctx, alert, ctx.now - AFTER),
    )
    return END


async def late(ctx: Context, event: InboundEvent) -> StateResult:
    """Words typed long after "What do you want to write?": ask before sending them (they
    may be meant for something else); they are kept until she says."""
    _ = ctx._
    if event.kind is not EventKind.TEXT or not event.text.strip():
        ctx.again()
        return None
    alert = await _allowed(ctx, str(ctx.data.get("alert", "")))
    if alert is None:
        ctx.reply(_("Nothing was sent. You wrote:") + "\n" + event.text.strip())
        return END
    ctx.data["text"] = event.text.strip()
    name = await _name(ctx, alert)
    ctx.reply(
        _("Send this to {name}?").format(name=name) + "\n" + event.text.strip(),
        [[Button(SEND, _("Yes, send")), Button(CANCEL, _("Cancel"))]],
    )
    return Write.SEND_LATE


async def cancel(ctx: Context, event: InboundEvent) -> StateResult:
    """Leave without sending anything."""
    ctx.reply(ctx._("Nothing was sent."))
    return END


async def answers_typed(ctx: Context, event: InboundEvent) -> bool:
    """Words she types after someone wrote to her about her /akut alert, however short
    ("ja"): her answer, for those who may act on the alert (as her words after it are);
    False if nobody wrote to her lately, or the words are a number alone."""
    if event.kind is not EventKind.TEXT or not phrase_of(event.text).strip("0123456789 "):
        return False
    notes = AlertNotes(ctx.session, ctx.keyring)
    alert = await notes.written_to_lately(ctx.viewer, ctx.now - AFTER)
    if alert is None:
        return False
    return await after_alert(ctx, event, alert=alert)


FLOW = Flow(
    name="alert_write",
    states=Write,
    entry=ask,
    table={
        Write.TEXT: {Input.TEXT: send, CANCEL: cancel},
        Write.SEND_LATE: {SEND: send, CANCEL: cancel, Input.TEXT: late},
    },
    typed={"avbryt": cancel, "cancel": cancel},
    # "ok" the next morning is not a message to her: after a silence she is asked first
    idle_after=SILENCE,
    on_idle=late,
)
