"""/akut: what to do right now, the person's own contacts, and an alert to them at once."""

from __future__ import annotations

from enum import StrEnum

from conversations.alerts import raise_alert
from conversations.events import Button, InboundEvent
from conversations.flow import END, Context, Flow, Input, StateResult
from conversations.routing import alert_levels, escalation_lines
from conversations.texts import contact_lines, contacts_of, menu_buttons, police_lines


class Akut(StrEnum):
    GUIDANCE = "guidance"


ALERT = "akut:alert"
ALERT_UNIT = "akut:unit"  # the municipality's unit instead of the party (danger from inside it)


async def guidance(ctx: Context, event: InboundEvent) -> StateResult:
    """Tell the person what to do now and offer to alert their security contact."""
    _ = ctx._
    contacts = await contacts_of(ctx)
    lines = [
        _("Are you in danger right now? Call {number}.").format(number="112"),
        _("Not urgent: the police on {number}.").format(number="114 14"),
        "",
        _("Don't stay alone: ask a party colleague or someone close to you to be with you."),
        "",
        *contact_lines(ctx, contacts),
        "",
        _(
            "Save the evidence: don't delete messages, take screenshots, and write down "
            "the time and place."
        ),
    ]
    buttons: list[list[Button]] = []
    if contacts.party_security or contacts.municipal_security:
        buttons.append([Button(ALERT, _("Alert my security contact"))])
    if contacts.party_security and contacts.municipal_security:
        lines += [
            "",
            _(
                "Does the threat come from inside your party? Then you can alert the "
                "municipality's security unit instead."
            ),
        ]
        buttons.append([Button(ALERT_UNIT, _("Alert the security unit"))])
    elif ctx.viewer.registered:
        lines += ["", _("There is nobody in Trygg I can alert for you: call the numbers above.")]
    else:
        lines += [
            "",
            _(
                "You are not registered in Trygg yet, so I cannot alert anyone for you. "
                "Call your party's security contact or your municipality's security unit."
            ),
        ]
    buttons += menu_buttons(ctx)[1:]
    ctx.reply("\n".join(lines), buttons)
    return Akut.GUIDANCE


async def alert_contact(ctx: Context, event: InboundEvent) -> StateResult:
    """Alert the security contact (or, if asked, only the municipality's security unit) now;
    escalate if nobody takes it; say who was alerted."""
    _ = ctx._
    person = ctx.person
    pack = ctx.packs.get(person.municipality_pack)
    party_id = None if event.button == ALERT_UNIT else person.party_id
    levels = await alert_levels(
        ctx.session,
        exclude=ctx.person.id,
        municipality_id=person.municipality_id,
        party_id=party_id,
        category=None,
        pack=pack,
        unverified=not ctx.viewer.registered,
        report=False,
    )
    minutes = pack.alerting.ack_minutes_akut if pack.alerting else 10
    alert = await raise_alert(
        ctx, kind="akut", levels=levels, ack_minutes=minutes, party_id=party_id
    )
    contacts = await contacts_of(ctx)
    if alert is None:
        ctx.reply(_("There is nobody in Trygg I can alert for you: call the numbers above."))
        ctx.reply("\n".join(police_lines(ctx)), menu_buttons(ctx))
        return END
    first = ", ".join(f"{c.name} ({c.phone})" if c.phone else c.name for c in levels[0])
    lines = [_("I have alerted {names}. They have been asked to call you now.").format(names=first)]
    wait = ctx.ngettext("{n} minute", "{n} minutes", minutes).format(n=minutes)
    lines += escalation_lines(ctx, levels, wait)
    if party_id is None and person.party_id is not None:  # the unit, not the party
        call = _("If nobody calls you, call the municipality's security unit on {phone}.")
    else:
        call = _(
            "If nobody calls you, call them yourself, or the municipality's security unit on "
            "{phone}."
        )
    lines += [
        call.format(phone=contacts.security_unit_phone or "114 14"),
        _("In danger now: call {number}.").format(number="112"),
    ]
    ctx.reply("\n".join(lines), menu_buttons(ctx))
    return END


async def repeat_guidance(ctx: Context, event: InboundEvent) -> StateResult:
    """Show the guidance again when the person writes instead of pressing a button."""
    ctx.reply(ctx._("Choose one of the buttons below – or call 112 if you are in danger now."))
    ctx.again()
    return None


FLOW = Flow(
    name="akut",
    states=Akut,
    entry=guidance,
    table={
        Akut.GUIDANCE: {
            ALERT: alert_contact,
            ALERT_UNIT: alert_contact,
            Input.TEXT: repeat_guidance,
            Input.ATTACHMENT: repeat_guidance,
        },
    },
)
