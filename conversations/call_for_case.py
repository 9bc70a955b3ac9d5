"""A request to call about a case from someone who handles it ("ring Per om ärendet", "ring
Anna om ärendet"), or a note of one ("ring Per i morgon om ärendet"): not her own call, and
no alert of hers. Trygg cannot call and sends the words to nobody; it says so, gives the
number of the contact she named, and shows her cases, where the words are kept when written
(conversations.case)."""

from __future__ import annotations

from dataclasses import replace

from conversations.akut_words import name_of
from conversations.call_words import POLICE, asked_to_call, contact_names, for_a_case
from conversations.case.listing import list_cases
from conversations.events import EventKind, InboundEvent, words_of
from conversations.flow import Context
from conversations.texts import POLICE as POLICE_NUMBER
from conversations.texts import call_line, contacts_of
from storage.directory import ContactCard, Contacts


async def call_about_a_case(ctx: Context, event: InboundEvent) -> bool:
    """Answer words that ask for a call about a case, from someone who handles cases: not
    sent to anyone, whom to call herself, and where to write them (her cases, listed);
    False if the words are not that."""
    _ = ctx._
    typed = event.text.strip() if event.kind is EventKind.TEXT else ""
    if not typed or not for_a_case(typed, ctx.viewer):
        return False
    contacts = await contacts_of(ctx)
    names = contact_names(contacts)
    if asked_to_call(typed, names):  # a call now, not a note of one ("ring Per i morgon …")
        lines = [_("I cannot make calls, and what you wrote has not been sent to anyone.")]
    else:
        lines = [_("What you wrote has not been sent to anyone.")]
    named = _named(typed, contacts)
    if named is not None:  # "ring Per om ärendet": his number, to call him herself
        lines.append(call_line(ctx, named))
    elif asked_to_call(typed, names) in POLICE:
        lines.append(_("Not urgent: the police on {number}.").format(number=POLICE_NUMBER))
    lines.append(
        _(
            "Is it about a case? Open it and write there: then it is kept with the case. "
            "If it happened to you: /rapportera."
        )
    )
    ctx.reply("\n".join(lines))
    await list_cases(ctx, replace(event, text=""))  # the first page, whatever was typed
    return True


def _named(text: str, contacts: Contacts) -> ContactCard | None:
    """The contact she asked to be called ("Per" in "ring Per om ärendet"): of those whose
    name has the word, the one more of whose name she wrote."""
    word = asked_to_call(text, contact_names(contacts))
    if not word:
        return None
    said = set(words_of(text))
    cards = [
        c for c in (*contacts.party_security, *contacts.municipal_security) if word in name_of(c)
    ]
    return max(cards, key=lambda c: len(name_of(c) & said), default=None)
