"""After an address's identity changed (a new safety number): hold, tell the unit, confirm.

While an address is held, whoever writes from it gets the safety basics and why nothing
else comes, never anything of a case. The municipal security unit of the person's
municipality is told (who, which channel) with a button to confirm it is them; storage
checks that the one pressing it is that unit now. A fresh invite from the address also
ends the hold (conversations.start.redeem).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from conversations.events import Button, InboundEvent, Reply
from conversations.flow import Context, StateResult
from conversations.i18n import shown_name
from conversations.notice_context import NOTICE_TOKEN, RenderContext, Renderer
from storage.bindings import BindingRepo
from storage.directory import DirectoryRepo
from storage.errors import NotFound
from storage.models import OutboxMessage, Person
from storage.outbox import CONVERSATION, OutboxRepo
from storage.viewer import Viewer

IDENTITY_HELD = "identity_held"  # to the unit: someone's identity changed, confirm it
IDENTITY_CONFIRMED = "identity_confirmed"  # to the person: confirmed, welcome back
CONFIRM = "identity"  # the unit's button: identity:<binding id>


async def hold_address(session: AsyncSession, channel: str, address: str, now: datetime) -> int:
    """Hold an address whose identity changed and tell the person's municipal security
    unit; return how many notices were queued (none if it was held already)."""
    held = await BindingRepo(session).hold(channel, address, now)
    if held is None or held.municipality_id is None:
        return 0
    unit = await DirectoryRepo(session).municipal_security(held.municipality_id)
    outbox = OutboxRepo(session)
    notices = [
        (card.person_id, IDENTITY_HELD, {"binding": held.binding_id}, CONVERSATION)
        for card in unit
        if card.person_id != held.person_id
    ]
    await outbox.enqueue_all(notices, now)
    return len(notices)


async def held(ctx: Context, event: InboundEvent) -> StateResult:
    """Someone writes from a held address: the safety basics and why, nothing else."""
    _ = ctx._
    lines = [
        _("Are you in danger right now? Call {number}.").format(number="112"),
        _("Not urgent: the police on {number}.").format(number="114 14"),
        "",
        _(
            "The safety number of this chat has changed, for example because of a new "
            "phone. Before I send you anything more here, we must confirm that it is you."
        ),
        _(
            "Ask your party's security contact or the municipality's security unit for a new "
            "invitation, and send me its code. Or wait until the municipality's security "
            "unit has confirmed that it is you."
        ),
    ]
    ctx.reply("\n".join(lines))
    return None


async def confirm(ctx: Context, event: InboundEvent) -> StateResult:
    """The unit confirms that a held address is the person (storage checks the role)."""
    _ = ctx._
    repo = BindingRepo(ctx.session)
    try:
        binding_id = int(event.button.partition(":")[2])
        done = await repo.confirm(ctx.viewer, binding_id, ctx.now)
    except (ValueError, NotFound):  # also NotAllowed: forged or old, or another role now
        ctx.reply(_("You cannot confirm this. Only the municipality's security unit can."))
        return None
    found = await repo.describe(binding_id)
    name = await _name(ctx, found[1]) if found else "–"
    if not done:
        ctx.reply(_("{name} is already confirmed.").format(name=name))
        return None
    if found is not None:
        ctx.notify(found[1].id, IDENTITY_CONFIRMED, {"binding": binding_id}, CONVERSATION)
    ctx.reply(
        _("Thank you. {name} is confirmed: Trygg sends them messages there again.").format(
            name=name
        )
    )
    return None


async def _name(ctx: Context, person: Person) -> str:
    try:
        card, _party, _m = await DirectoryRepo(ctx.session).describe(ctx.viewer, person.id)
    except NotFound:
        return person.display_name or "–"
    return shown_name(ctx._, card)


async def may_receive(session: AsyncSession, recipient: Person, message: OutboxMessage) -> bool:
    """Only the person's municipal security unit, as the directory is now, gets the notice."""
    binding_id = int(message.payload.get("binding", 0) or 0)
    try:
        await BindingRepo(session).may_confirm(Viewer.of(recipient), binding_id)
    except NotFound:
        return False
    return True


async def render_held(rc: RenderContext, message: OutboxMessage) -> Reply:
    """Tell the unit whose identity changed on which channel, and how to confirm."""
    _ = rc._
    binding_id = int(message.payload.get("binding", 0) or 0)
    found = await BindingRepo(rc.session).describe(binding_id)
    if found is None:
        return Reply(_("A person's identity in Trygg was confirmed before you saw this."))
    binding, person = found
    if binding.held_at is None:
        return Reply(_("A person's identity in Trygg was confirmed before you saw this."))
    card, _party, _m = await DirectoryRepo(rc.session).describe(Viewer.of(rc.recipient), person.id)
    lines = [
        _("Trygg: the safety number of {name} on {channel} has changed.").format(
            name=shown_name(_, card), channel=binding.channel.capitalize()
        ),
        _(
            "It may be a new phone – or someone else. Until it is confirmed, Trygg sends "
            "them nothing about their cases there."
        ),
        _("Call: {phone}").format(phone=card.phone) if card.phone else _("No phone number known."),
        _("When you know it is them, confirm it here. They can also get a new invitation."),
    ]
    button = Button(f"{CONFIRM}:{binding_id}", _("Confirm it is them"))
    return Reply("\n".join(lines), ((button,),), NOTICE_TOKEN)


async def render_confirmed(rc: RenderContext, message: OutboxMessage) -> Reply:
    """Tell the person that the unit confirmed them."""
    _ = rc._
    return Reply(
        _("In danger now: call {number}.").format(number="112")
        + "\n"
        + _("The municipality's security unit has confirmed that it is you. Welcome back.")
    )


IDENTITY_RENDERERS: dict[str, Renderer] = {
    IDENTITY_HELD: render_held,
    IDENTITY_CONFIRMED: render_confirmed,
}
