"""An /akut alert raised by mistake, taken back by the person herself: "förlåt, jag tryckte
fel" after the alert asks whether to take it back; yes withdraws it (nobody more is paged)
and tells those it reached, who may still call her if unsure; no lets it stand."""

from __future__ import annotations

from datetime import timedelta

from conversations.akut_notices import ALERT_WORDS
from conversations.events import Button, InboundEvent
from conversations.flow import Context, StateResult
from conversations.i18n import names_list
from conversations.notices import ALERT_WITHDRAWN
from conversations.privacy import KINDS
from conversations.texts import menu_buttons
from conversations.words_to_case import names_of
from storage.alert_notes import AlertNotes
from storage.alerts import AlertRepo
from storage.models import Alert, AlertStatus
from storage.outbox import URGENT
from storage.trust import PeopleRepo

UNDO = "undo"  # ``undo:<alert id>:<her words so far>`` takes it back; ``…:keep`` lets it stand
OFFER_FOR = timedelta(minutes=30)  # a take-back offered this long ago no longer holds


async def offer_undo(ctx: Context, alert: Alert, readers: list[int]) -> None:
    """Ask whether to take back the alert she says was a mistake (her words are kept with
    it; nobody is woken by them while she chooses)."""
    _ = ctx._
    names = names_list(_, await names_of(ctx, readers))
    written = await AlertNotes(ctx.session, ctx.keyring).count(alert.id)  # a later word voids it
    ctx.reply(
        "\n".join(
            [
                _("In danger now: call {number}.").format(number="112"),
                _(
                    "Do you want to take back the alert to {names}? Then nobody more is alerted."
                ).format(names=names),
            ]
        ),
        [
            [Button(f"{UNDO}:{alert.id}:{written}", _("Yes, take back the alert"))],
            [Button(f"{UNDO}:{alert.id}:keep", _("No, let it stand"))],
        ],
    )


async def undo(ctx: Context, event: InboundEvent) -> StateResult:
    """Take back her alert, or let it stand with her words sent on; if someone took it
    meanwhile, it is theirs: they are told what she wrote and will call her."""
    _ = ctx._
    alert_id, _sep, choice = event.button.partition(":")[2].partition(":")
    alert = await AlertRepo(ctx.session).get(alert_id)
    if alert is None or alert.subject_id != ctx.person.id or alert.status is AlertStatus.WITHDRAWN:
        ctx.reply(_("That alert is not available to you."), menu_buttons(ctx))
        return None
    told = await readers(ctx, alert)
    names = names_list(_, await names_of(ctx, told))
    danger_first = _("In danger now: call {number}.").format(number="112")
    if choice == "keep" or not alert.untaken:
        for person_id in told:  # her words, as said: not announced as new danger
            ctx.notify(person_id, ALERT_WORDS, {"alert": alert.id, "danger": False}, URGENT)
        if alert.untaken:
            said = _("The alert stands. {names} will see what you wrote.")
        else:
            said = _("{names} has already taken your alert and will contact you.")
        ctx.reply(f"{danger_first}\n{said.format(names=names)}", menu_buttons(ctx))
        return None
    if not await _still_meant(ctx, alert, choice):  # she wrote more, or it is long ago
        ctx.reply(
            "\n".join(
                [
                    danger_first,
                    _("The alert stands: you have written more since, or it was a while ago."),
                    _("If it was a mistake, write “take back the alert”."),
                ]
            ),
            menu_buttons(ctx),
        )
        return None
    paged = await PeopleRepo(ctx.session).withdraw([alert.id], ctx.now, KINDS)
    alert.taken_back_at = ctx.now  # her old alert's buttons then say so
    for recipient_id, withdrawn in paged:
        ctx.notify(recipient_id, ALERT_WITHDRAWN, {"alert": withdrawn, "mistake": True}, URGENT)
    taken_back = _("I have taken back the alert. {names} will be told that it was a mistake.")
    ctx.reply(f"{danger_first}\n{taken_back.format(names=names)}", menu_buttons(ctx))
    return None


async def _still_meant(ctx: Context, alert: Alert, written: str) -> bool:
    """Whether the offer still holds: she has written nothing since it, and it is recent."""
    notes = await AlertNotes(ctx.session, ctx.keyring).read(ctx.viewer, alert.id)
    if not written.isdigit() or len(notes) != int(written):
        return False
    return bool(notes) and ctx.now - notes[-1].at <= OFFER_FOR


async def readers(ctx: Context, alert: Alert) -> list[int]:
    """Whom the alert reached and who may still act on it: whoever took it, else all."""
    repo = AlertRepo(ctx.session)
    if alert.status is AlertStatus.ACKNOWLEDGED and alert.acknowledged_by is not None:
        candidates = [alert.acknowledged_by]
    else:
        candidates = [
            row.person_id
            for row in await repo.recipients(alert.id)
            if row.notified_at is not None and not row.failed
        ]
    return [person_id for person_id in candidates if await repo.may_act(alert, person_id)]
