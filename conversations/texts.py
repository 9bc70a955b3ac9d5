"""Texts and buttons shared by several flows: the menu, the contact list, police numbers."""

from __future__ import annotations

from conversations.events import Button
from conversations.flow import Context
from storage.directory import ContactCard, Contacts, DirectoryRepo
from storage.models import Role

EMERGENCY = "112"
POLICE = "114 14"


HANDLING = frozenset({Role.PARTY_SECURITY, Role.MUNICIPAL_SECURITY, Role.MUNICIPAL_DIRECTOR})
"""Roles whose menu opens the cases they handle first (after 'I need help now')."""


def menu_buttons(ctx: Context) -> list[list[Button]]:
    """Return the main menu; its first button is always 'I need help now'. Those who
    handle cases get them next: a contact woken by a push looks for the case, not a form."""
    _ = ctx._
    cases = [[Button("cmd:arenden", _("Cases"))]] if ctx.viewer.role in HANDLING else []
    return [
        [Button("cmd:akut", _("I need help now"))],
        *cases,
        [Button("cmd:rapportera", _("Report an incident"))],
        [Button("cmd:kontakter", _("My contacts")), Button("cmd:hjalp", _("What can Trygg do?"))],
    ]


def card_line(card: ContactCard) -> str:
    return f"• {card.name}, {card.phone}" if card.phone else f"• {card.name}"


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
        lines.extend(card_line(c) for c in contacts.party_security)
    elif contacts.municipality_name and ctx.person.party_id is not None:  # (not the director)
        lines.append(_("Your party has no security contact registered in Trygg."))
    if contacts.municipality_name:
        lines.append(
            _("Security unit of {municipality}: {phone}").format(
                municipality=contacts.municipality_name, phone=contacts.security_unit_phone
            )
        )
        lines.extend(card_line(c) for c in contacts.municipal_security)
    return lines


def police_lines(ctx: Context) -> list[str]:
    _ = ctx._
    return [
        _("In danger now: call {number}.").format(number=EMERGENCY),
        _("Not urgent: the police on {number}.").format(number=POLICE),
    ]
