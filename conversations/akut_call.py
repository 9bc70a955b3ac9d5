"""Answer her request that Trygg itself call someone ("ring Per", "ring kommunen", "kan någon
ringa mig?"): it cannot, and says what it can do instead, truly: whom the alert goes to
first, and the number of the one she asked for, to call herself."""

from __future__ import annotations

from dataclasses import dataclass

from conversations.akut_alert import akut_route
from conversations.akut_words import first_contact, name_of, tells_danger
from conversations.call_words import (
    POLICE,
    asked_to_call,
    asks_a_call,
    asks_for_unit,
    asks_to_be_called,
    contact_names,
)
from conversations.events import words_of
from conversations.flow import Context
from conversations.i18n import names_list, shown_name
from conversations.routing import Levels
from conversations.texts import call_line
from storage.directory import ContactCard, Contacts


@dataclass(frozen=True, slots=True)
class CallAnswer:
    """What is said to her request: ``first`` answers it ("Jag kan inte ringa åt dig."),
    ``named`` gives the number of the one she asked for and whom the alert reaches first,
    ``offer`` says whom Trygg can alert now; ``unit``: she asked for the municipality's
    unit, whose alert is offered first."""

    first: list[str]
    named: list[str]
    offer: list[str]
    unit: bool = False


NO_CALL = CallAnswer([], [], [])


async def call_answer(
    ctx: Context, text: str, contacts: Contacts, shown: Contacts, *, inside: bool
) -> CallAnswer:
    """The answer to words that ask Trygg itself to call (NO_CALL if they do not);
    ``shown``: her contacts without any she named as the threat; ``inside``: the threat
    comes from inside her party, so only the municipality's unit is alerted."""
    _ = ctx._
    names = contact_names(contacts)
    if not asks_a_call(text, names):
        return NO_CALL
    if asked_to_call(text, names) in POLICE:  # "ring polisen": 112 and 114 14 are the answer
        return CallAnswer([_("I cannot call anyone for you.")], [], [])
    asked = asked_card(text, shown, names)
    unit_ids = {c.person_id for c in contacts.municipal_security}
    either = bool(contacts.party_security and unit_ids)
    for_unit = asks_for_unit(text, names) or (asked is not None and asked.person_id in unit_ids)
    unit = either and not inside and for_unit
    levels, minutes = await akut_route(ctx, to_unit=unit or (either and inside))
    if not (unit or (either and inside) or first_contact(shown)):  # no button alerts anyone
        levels = []
    first = names_list(_, [shown_name(_, c) for c in levels[0]]) if levels else ""
    named: list[str] = []
    if asked is not None and not _in(asked, levels[:1]):  # "ring Per": not the first alerted
        named = [call_line(ctx, asked), *_order_line(ctx, levels, asked, minutes)]
    elif for_unit and not unit_ids and contacts.security_unit_phone:  # no unit in Trygg
        phone = contacts.security_unit_phone
        named = [_("Call the municipality's security unit on {phone}.").format(phone=phone)]
    can_ask = bool(first and ctx.person.phone)
    if asks_to_be_called(text, names):  # "kan någon ringa mig?": she asks to be called
        if can_ask and not named:
            line = _("I cannot call anyone myself, but I can ask {names} to call you.")
            return CallAnswer([line.format(names=first)], [], [], unit)
        return CallAnswer([_("I cannot call anyone myself.")], named, _offer(ctx, first), unit)
    return CallAnswer([_("I cannot call anyone for you.")], named, _offer(ctx, first), unit)


def answer_first(text: str, answer: list[str], way_out: list[str]) -> list[str]:
    """The answer to her request, then the way out (112), or the way out first when her
    words tell of danger ("ring mig, han står utanför dörren")."""
    return [*way_out, *answer] if tells_danger(text) else [*answer, *way_out]


def _offer(ctx: Context, names: str) -> list[str]:
    """What Trygg can do when she asks it to call: alert ``names``, to call her."""
    if not names:
        return []
    if ctx.person.phone:
        return [ctx._("I can alert {name} now and ask for a call to you.").format(name=names)]
    return [ctx._("I can alert {name} now.").format(name=names)]


def asked_card(text: str, shown: Contacts, names: frozenset[str]) -> ContactCard | None:
    """The contact she asked for by name ("ring Per", "kan Per Ek ringa mig?"): of those
    whose name has the word, the one more of whose name she wrote."""
    word = asked_to_call(text, names)
    said = set(words_of(text))
    cards = [c for c in (*shown.party_security, *shown.municipal_security) if word in name_of(c)]
    return max(cards, key=lambda c: len(name_of(c) & said), default=None)


def _order_line(ctx: Context, levels: Levels, asked: ContactCard, minutes: int) -> list[str]:
    """Whom the alert reaches first, and when it reaches the one she asked for."""
    _ = ctx._
    at = next((i for i, level in enumerate(levels) if _in(asked, [level])), None)
    if at is None or at == 0:
        return []
    first = names_list(_, [shown_name(_, c) for c in levels[0]])
    wait = ctx.ngettext("{n} minute", "{n} minutes", minutes * at).format(n=minutes * at)
    line = _("The alert goes to {first} first, then to {name} if nobody takes it within {wait}.")
    return [line.format(first=first, name=shown_name(_, asked), wait=wait)]


def _in(card: ContactCard, levels: Levels) -> bool:
    return any(c.person_id == card.person_id for level in levels for c in level)
