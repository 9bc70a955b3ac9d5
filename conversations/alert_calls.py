"""Calling the person an alert is about: the number to call, "did you reach her?", and
the alert on to the next level at once when the call did not reach her."""

from __future__ import annotations

from dataclasses import replace

from conversations.akut_notices import VIEW
from conversations.alert_next import current_levels, not_yet_alerted
from conversations.alerts import acknowledge, escalate_soon
from conversations.events import Button, EventKind, InboundEvent, phrase_of
from conversations.flow import Context, StateResult
from conversations.i18n import names_list, shown_name
from conversations.taken_back import refuse_alert
from conversations.texts import call_line
from storage.alerts import AlertRepo
from storage.directory import ContactCard, DirectoryRepo
from storage.errors import NotFound
from storage.models import Alert, AlertStatus


async def _alert_onward(ctx: Context, alert: Alert, name: str) -> str:
    """The call did not reach the person: alert the next level now rather than at the
    deadline (the escalation timer fires now, once); say who, or that nobody is left."""
    _ = ctx._
    if not alert.untaken:
        return _("The alert is no longer open.")
    levels = await current_levels(ctx.session, ctx.packs, alert)
    fresh = await not_yet_alerted(ctx.session, levels, alert)
    if not fresh:
        return _(
            "There is nobody more to alert: the alert stays open for those who have it. "
            "If {name} may be in danger, call 112."
        ).format(name=name)
    await escalate_soon(ctx.session, alert, ctx.now, {"unreached": ctx.person.id})
    names = names_list(_, [shown_name(_, card) for card in fresh])
    return _("I am alerting {names} now.").format(names=names)


async def about_whom(ctx: Context, alert_id: str) -> tuple[Alert, ContactCard] | None:
    """The alert and the person it is about, for someone it went to who may still act on it
    (storage checks); None, and a kind refusal said, if not."""
    repo = AlertRepo(ctx.session)
    try:
        await repo.recipient(ctx.viewer, alert_id)
    except NotFound:
        alert = None
    else:
        alert = await repo.get(alert_id)
    if alert is None or alert.subject_id is None:
        await refuse_alert(ctx, alert_id)
        return None
    ctx.drill_id = alert.drill_id
    card, _party, _m = await DirectoryRepo(ctx.session).describe(ctx.viewer, alert.subject_id)
    return alert, card


async def call_info(ctx: Context, event: InboundEvent) -> StateResult:
    """Give the number to call the person who needs help; while nobody has taken the alert,
    ask whether the call reached them: "Yes" takes it (as "I'll take it" does), "No" leaves
    it open so that it goes on to the next person if nobody takes it."""
    _ = ctx._
    alert_id, _sep, answer = event.button.partition(":")[2].partition(":")
    found = await about_whom(ctx, alert_id)
    if found is None:
        return None
    alert, card = found
    if answer == "no":
        ctx.reply(await _alert_onward(ctx, alert, shown_name(ctx._, card)))
        return None
    number = call_line(ctx, card)
    if alert.status is AlertStatus.ACKNOWLEDGED:
        if alert.acknowledged_by is not None and alert.acknowledged_by != ctx.person.id:
            taker, _p, _m = await DirectoryRepo(ctx.session).describe(
                ctx.viewer, alert.acknowledged_by
            )
            number += "\n" + _("{name} has taken the alert.").format(name=shown_name(_, taker))
        ctx.reply(number)
        return None
    ctx.reply(
        number + "\n" + _("Did you reach {name}?").format(name=shown_name(_, card)),
        [
            [
                Button(f"ack:{alert.id}:reached", _("Yes, I'll take it")),
                Button(
                    f"call:{alert.id}:no",
                    _("No") if alert.status is AlertStatus.EXHAUSTED else _("No, keep alerting"),
                ),
            ]
        ],
        anew=f"{VIEW} {alert.id}",  # taken since, or not: shown as it is then
    )
    return None


REACHED_YES = ("ja", "jo", "japp", "yes", "yep", "fick tag", "reached", "got her", "got him")
REACHED_NO = (
    "nej",
    "nä",
    "no",
    "nope",
    "svarade inte",
    "fick inte tag",
    "no answer",
    "didn't answer",
    "did not answer",
    "inget svar",
)


async def reach_typed(ctx: Context, event: InboundEvent) -> bool:
    """Words typed to "Did you reach Anna Berg?" ("nej hon svarade inte") answer it as its
    buttons do; False if that was not the last question, or the words answer neither."""
    if ctx.prompt is None or event.kind is not EventKind.TEXT:
        return False
    offered = [b.id for row in ctx.prompt.buttons for b in row]
    took = next((b for b in offered if b.startswith("ack:") and b.endswith(":reached")), None)
    onward = next((b for b in offered if b.startswith("call:") and b.endswith(":no")), None)
    if took is None or onward is None:
        return False
    said = f" {phrase_of(event.text)} "
    no = any(f" {w} " in said for w in REACHED_NO) or said.startswith(" inte ")
    yes = not no and any(said.startswith(f" {w} ") or f" {w} " in said for w in REACHED_YES)
    if not (yes or no):
        return False
    pressed = replace(event, kind=EventKind.BUTTON, button=took if yes else onward)
    await (acknowledge(ctx, pressed) if yes else call_info(ctx, pressed))
    return True
