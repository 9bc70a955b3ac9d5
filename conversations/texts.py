"""Texts and buttons shared by several flows: the menu, the contact list, police numbers."""

from __future__ import annotations

from collections.abc import Callable

from conversations.events import Button
from conversations.flow import Context
from conversations.i18n import N_, place_name, shown_name
from storage.directory import ContactCard, Contacts, DirectoryRepo
from storage.models import Role

EMERGENCY = "112"
POLICE = "114 14"


HANDLING = frozenset({Role.PARTY_SECURITY, Role.MUNICIPAL_SECURITY, Role.MUNICIPAL_DIRECTOR})
"""Roles whose menu opens the cases they handle first (after 'I need help now')."""


MENU = {
    "akut": N_("I need help now"),
    "arenden": N_("Cases"),
    "rapportera": N_("Report an incident"),
    "kontakter": N_("My contacts"),
    "hjalp": N_("What can Trygg do?"),
}
"""The main menu's buttons by command; typed, a label works as its button (conversations.words)."""


def menu_buttons(ctx: Context) -> list[list[Button]]:
    """Return the main menu; its first button is always 'I need help now'. Those who
    handle cases get them next: a contact woken by a push looks for the case, not a form."""
    _ = ctx._

    def button(command: str) -> Button:
        return Button(f"cmd:{command}", _(MENU[command]))

    cases = [[button("arenden")]] if ctx.viewer.role in HANDLING else []
    return [
        [button("akut")],
        *cases,
        [button("rapportera")],
        [button("kontakter"), button("hjalp")],
    ]


def card_line(_: Callable[[str], str], card: ContactCard) -> str:
    name = shown_name(_, card)
    return f"• {name}, {card.phone}" if card.phone else f"• {name}"


async def contacts_of(ctx: Context) -> Contacts:
    return await DirectoryRepo(ctx.session).contacts_for(ctx.viewer)


def contact_lines(ctx: Context, contacts: Contacts) -> list[str]:
    """Return the person's party security contacts and municipal unit, as lines."""
    _ = ctx._
    lines: list[str] = []
    if contacts.party_security:
        lines.append(
            ctx.ngettext(
                "Your party security contact:",
                "Your party security contacts:",
                len(contacts.party_security),
            )
        )
        lines.extend(card_line(_, c) for c in contacts.party_security)
    elif contacts.municipality_name and ctx.person.party_id is not None:  # (not the director)
        lines.append(_nobody_else(ctx, contacts))
    if contacts.municipality_name:
        lines.append(
            _("Security unit of {municipality}: {phone}").format(
                municipality=place_name(ctx.locale, contacts.municipality_name),
                phone=contacts.security_unit_phone,
            )
        )
        lines.extend(card_line(_, c) for c in contacts.municipal_security)
    return lines


def _nobody_else(ctx: Context, contacts: Contacts) -> str:
    """No other security contact of her party: Britt, who is Blå partiet's, is told that
    she is the one (the list leaves her out), never that her party has none."""
    _ = ctx._
    if ctx.viewer.role is not Role.PARTY_SECURITY:
        return _("Your party has no security contact registered in Trygg.")
    if contacts.party_name:
        return _(
            "You are the security contact of {party} in Trygg; nobody else is registered."
        ).format(party=contacts.party_name)
    return _("You are your party's security contact in Trygg; nobody else is registered.")


def police_lines(ctx: Context) -> list[str]:
    _ = ctx._
    return [
        _("In danger now: call {number}.").format(number=EMERGENCY),
        _("Not urgent: the police on {number}.").format(number=POLICE),
    ]


def call_line(ctx: Context, card: ContactCard) -> str:
    """Whom to call, and on which number (or that Trygg has none)."""
    if card.phone:
        return ctx._("Call {name}: {phone}").format(name=shown_name(ctx._, card), phone=card.phone)
    return ctx._("There is no phone number for {name} in Trygg.").format(
        name=shown_name(ctx._, card)
    )


def choose_hint(ctx: Context, pressed: str, typed: str) -> str:
    """How to choose, as the person's channel lets them: ``pressed`` where choices are
    buttons, ``typed`` where they are numbered text (both already translated)."""
    return pressed if ctx.capabilities.has_buttons else typed


def earlier_choice(ctx: Context) -> str:
    """Say that a choice from an earlier message did nothing."""
    _ = ctx._
    return choose_hint(
        ctx,
        _("That button belongs to an earlier message, so I did nothing with it."),
        _("That choice belongs to an earlier message, so I did nothing with it."),
    )


def choose_below(ctx: Context) -> str:
    """Ask for one of the choices below, as the person's channel shows them."""
    _ = ctx._
    return choose_hint(
        ctx,
        _("Please choose one of the buttons below."),
        _("Please answer with one of the numbers below."),
    )
