"""A request to call about a case from someone who handles it ("ring Per om ärendet", "ring
Anna om ärendet"), or a note of one ("ring Per i morgon om ärendet"): not her own call, and
no alert of hers. Trygg cannot call and sends the words to nobody; it says so, gives the
number of the contact she named, and shows her cases, where the words are kept when written
(conversations.case)."""

from __future__ import annotations

from dataclasses import replace

from conversations.akut_call import asked_card
from conversations.call_words import POLICE, asked_to_call, contact_names, for_a_case
from conversations.case.listing import list_cases
from conversations.events import EventKind, InboundEvent
from conversations.flow import Context
from conversations.texts import POLICE as POLICE_NUMBER
from conversations.texts import call_line, contacts_of


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
    named = asked_card(typed, contacts, names)
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
