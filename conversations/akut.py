"""/akut: what to do right now, the person's own contacts, and an alert to them at once."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from enum import StrEnum

from conversations.akut_alert import (
    after_alert,
    alert_now,
    keep_named_off_case,
    party_alert_stands,
    remember_told,
)
from conversations.akut_call import answer_first, call_answer
from conversations.akut_words import (
    ASIDES,
    ASKS,
    CALLING,
    NOT,
    THANKS,
    YES,
    asks,
    first_contact,
    from_inside,
    inside,
    name_of,
    named_contacts,
    names_unit,
    party_names,
    telling,
    tells_danger,
    words,
)
from conversations.call_words import (
    asks_a_call,
    asks_only_a_call,
    asks_to_be_called,
    contact_names,
)
from conversations.case.evidence import keep_sent
from conversations.events import Button, EventKind, InboundEvent
from conversations.flow import END, Context, Flow, Input, StateResult
from conversations.followups import checkin_reply
from conversations.menu import show_menu, unknown_line
from conversations.report.entry import keep_words
from conversations.texts import HANDLING, choose_hint, contact_lines, contacts_of, menu_buttons
from conversations.unit_numbers import unit_lines
from conversations.what_now_words import only_asks_what_to_do
from conversations.words import POLITE
from conversations.words_to_case import kept_with_open_case
from storage.directory import Contacts


class Akut(StrEnum):
    GUIDANCE = "guidance"


ALERT = "akut:alert"
ALERT_UNIT = "akut:unit"  # the municipality's unit instead of the party (danger from inside it)
SILENCE = timedelta(hours=1)  # after this, words are no longer an answer to the guidance


async def guidance(ctx: Context, event: InboundEvent) -> StateResult:
    """Tell the person what to do now and offer to alert their security contact; words
    that name the alert itself ("larma Pia") alert at once."""
    _ = ctx._
    if only_asks_what_to_do(event.text) and ctx.viewer.role in HANDLING:
        # "vad gör jag nu?" from those who handle cases: most likely about an alert or a case
        return await show_menu(ctx, event)
    contacts = await contacts_of(ctx)
    names = contact_names(contacts)
    call = asks_a_call(event.text, names)  # "ring polisen", "kan du ringa Pia?"
    calm = not tells_danger(event.text)
    if calm and asks_to_be_called(event.text, names) and await checkin_reply(ctx, event.text):
        return END  # "kan någon ringa mig?" with her case open: its handlers are asked to call
    if (
        telling(event)
        and not asks(words(event), first_contact(contacts), CALLING, by_name=not call)
        and await after_alert(ctx, event)
    ):
        # "hjälp, han har en kniv" after her alert: to those it went to, at once; "det är en
        # partikamrat" after her party's alert: to the unit instead (after_alert)
        return END
    either = bool(contacts.party_security and contacts.municipal_security)
    threat_inside = either and _from_party(ctx, event, contacts)
    moved = await keep_named_off_case(ctx, event, contacts)  # "det är Per som hotar mig"
    shown = _without_named(ctx, event, contacts)  # his number is not offered to her
    first = first_contact(shown)
    if threat_inside and await party_alert_stands(ctx):
        kept = await _kept(ctx, event, contacts) if telling(event) else ""
        kept = "\n".join(filter(None, [moved, kept]))
        return await _alert(ctx, to_unit=True, kept=kept, event=event)  # not a minute more
    # "larma Pia", "larma kommunen"; "ring Pia" asks for a call: she is told what Trygg can do
    if asks(words(event), first, CALLING, by_name=not call):
        unit = either and (threat_inside or names_unit(event, contacts))
        if not threat_inside or unit:
            kept = await _kept_besides_asking(ctx, event, contacts)
            return await _alert(ctx, to_unit=unit, kept=kept, event=event)
    who = contact_lines(ctx, shown)
    answer = await call_answer(ctx, event.text, contacts, shown, inside=threat_inside)
    way_out = [
        _("Are you in danger right now? Call {number}.").format(number="112"),
        _("Not urgent: the police on {number}.").format(number="114 14"),
    ]
    lines = [
        *answer_first(event.text, answer.first, way_out),
        "",
        _("Don't stay alone: ask a party colleague or someone close to you to be with you."),
        *(["", *who] if who else []),
        "",
        _(
            "Save the evidence: don't delete messages, take screenshots or photos, and "
            "write down the time and place."
        ),
    ]
    if answer.named or answer.offer:  # "ring Per": what Trygg can do instead
        lines += ["", *answer.named, *answer.offer]
    buttons: list[list[Button]] = []
    if answer.unit:  # "ring kommunen": the unit's alert first
        buttons.append([Button(ALERT_UNIT, _("Alert the security unit"))])
    if first is not None and not threat_inside:  # the button says whom it alerts
        buttons.append([Button(ALERT, _("Alert {name}").format(name=first.name))])
    if threat_inside:  # she named someone in her party as the threat: the unit only
        buttons.append([Button(ALERT_UNIT, _("Alert the security unit"))])
    elif answer.unit:
        pass  # she asked for the unit: its button is there, and no question about it
    elif contacts.party_security and contacts.municipal_security:
        lines += [
            "",
            _(
                "Does the threat come from inside your party? Then you can alert the "
                "municipality's security unit instead."
            ),
        ]
        buttons.append([Button(ALERT_UNIT, _("Alert the security unit"))])
    elif first is not None:
        pass  # the button above says whom it alerts: nothing more to say
    elif ctx.viewer.registered:
        lines += ["", _("There is nobody in Trygg I can alert for you: call the numbers above.")]
    else:
        lines += [
            "",
            _(
                "You are not registered in Trygg yet, so I cannot alert anyone for you. "
                "Call the party's security contact or the municipality's security unit. "
                "Ask them for an invitation to Trygg: then I can alert them for you from here."
            ),
        ]
        units = [] if contacts.municipality_name else await unit_lines(ctx)  # whom to call
        lines += ["", *units] if units else []
    buttons += menu_buttons(ctx)[1:]
    if moved:
        lines += ["", moved]
    if telling(event) and not asks_only_a_call(event.text, names):
        lines += ["", await _kept(ctx, event, contacts)]  # "hjälp jag har blivit hotad"
    ctx.reply("\n".join(lines), buttons)
    return Akut.GUIDANCE


async def _kept(
    ctx: Context, event: InboundEvent, contacts: Contacts, *, brief: bool = False
) -> str:
    """Keep words told at /akut: with her open case (its handlers are told), else as the
    start of a report, marked to go with the alert if she asks for it; the line that says
    where. Words that name someone in her party, or say the threat comes from inside it, go
    to her own report only, where no party contact reads them before she has chosen.
    ``brief``: the alert is offered right after, so not when the case goes on."""
    text = event.text.strip()
    if not (party_names(contacts) & words(event) or inside(event)):
        case = await kept_with_open_case(ctx, text, brief=brief)
        if case is not None:
            return case
    await remember_told(ctx)
    return await keep_words(ctx, text)


async def _kept_besides_asking(ctx: Context, event: InboundEvent, contacts: Contacts) -> str:
    """Keep what she told besides asking for the alert ("larma Pia, han står utanför"); the
    line that says where ("" if she only asked)."""
    first = first_contact(contacts)
    told = words(event) - ASKS - CALLING - THANKS - ASIDES - POLITE
    told -= name_of(first) if first is not None else set()
    return await _kept(ctx, event, contacts) if telling(event) and told else ""


NAMED = "named"  # conversation data: the ids of the party contacts she named as the threat


def _without_named(ctx: Context, event: InboundEvent, contacts: Contacts) -> Contacts:
    """Her contacts without those she named as the threat, now or earlier at this guidance
    (she is not told to call them, and no button alerts them)."""
    named = [card.person_id for card in named_contacts(event, contacts)]
    if named:
        ctx.data[NAMED] = sorted({*ctx.data.get(NAMED, []), *named})
    left_out = set(ctx.data.get(NAMED, []))
    if not left_out:
        return contacts
    kept = tuple(c for c in contacts.party_security if c.person_id not in left_out)
    return replace(contacts, party_security=kept)


def _from_party(ctx: Context, event: InboundEvent, contacts: Contacts) -> bool:
    """Whether the threat may come from inside her party: she says so, or names one of its
    security contacts as the threat, now or earlier at this guidance (a flag in the
    conversation, so that "larma" after it alerts the unit, not them)."""
    if from_inside(event, contacts):
        ctx.data["inside"] = True
    return bool(ctx.data.get("inside"))


async def _alert(
    ctx: Context, *, to_unit: bool, kept: str = "", event: InboundEvent | None = None
) -> StateResult:
    """Raise the alert (with the words told here, and this message's if ``kept`` says they
    were kept), then say where her words are kept. To the unit because the threat comes
    from inside her party: her party's alert is withdrawn."""
    inside = to_unit and bool(ctx.data.get("inside"))
    words = event.text if kept and event is not None else ""
    await alert_now(ctx, to_unit=to_unit, inside=inside, words=words)
    if kept:
        ctx.reply(kept)
    return END


async def alert_contact(ctx: Context, event: InboundEvent) -> StateResult:
    """Alert the security contact (or, if asked, only the municipality's security unit) now;
    escalate if nobody takes it; say who was alerted."""
    # she named someone in her party as the threat: an older "Larma Pia" pressed now alerts
    # the unit, and the reply says whom
    unit = event.button == ALERT_UNIT or bool(ctx.data.get("inside"))
    return await _alert(ctx, to_unit=unit)


async def repeat_guidance(ctx: Context, event: InboundEvent) -> StateResult:
    """Words instead of a button: asking for the alert ("larma Pia", "ja") alerts; "ok tack"
    needs no more than the way out; anything else is kept as the start of a report. The
    guidance is not sent again (its buttons stay valid): only a line pointing to them."""
    _ = ctx._
    contacts = await contacts_of(ctx)
    first = first_contact(contacts)
    said = words(event)
    either = bool(contacts.party_security and contacts.municipal_security)
    if either and from_inside(event, contacts):  # "Pia hotar mig"
        ctx.data["inside"] = True
        moved = await keep_named_off_case(ctx, event, contacts)
        kept = await _kept_besides_asking(ctx, event, contacts)
        kept = "\n".join(filter(None, [moved, kept]))
        return await _alert(ctx, to_unit=True, kept=kept, event=event)
    if either and ctx.data.get("inside") and asks(said, first, ASKS | CALLING):
        return await _alert(ctx, to_unit=True)  # "larma" after naming someone in the party
    if either and names_unit(event, contacts):  # "larma kommunen", "alert the unit"
        return await _alert(ctx, to_unit=True)
    if first is not None and asks(said, first, ASKS):
        bare_yes = said & YES and said <= YES | THANKS | ASIDES | POLITE  # "ja snälla"
        if either and bare_yes:  # to which question: alert the first, or from inside?
            ctx.reply(
                _("In danger now: call 112.") + "\n" + _("Whom shall I alert? Choose:"),
                [
                    [Button(ALERT, _("Alert {name}").format(name=first.name))],
                    [Button(ALERT_UNIT, _("Alert the security unit"))],
                ],
            )
            return None
        kept = await _kept_besides_asking(ctx, event, contacts)  # "hjälp han står utanför"
        return await _alert(ctx, to_unit=False, kept=kept, event=event)
    names = contact_names(contacts)
    inside = either and bool(ctx.data.get("inside"))
    shown = _without_named(ctx, event, contacts)
    answer = await call_answer(ctx, event.text, contacts, shown, inside=inside)
    lines = answer_first(event.text, answer.first, [_("In danger now: call 112.")])
    lines += answer.named  # "ring Per": his number, and whom the alert reaches first
    if telling(event) and not said <= THANKS | NOT and not asks_only_a_call(event.text, names):
        lines.append(await _kept(ctx, event, contacts, brief=True))
    if event.kind is EventKind.ATTACHMENT:  # the threat forwarded, a screenshot: kept first
        sent = await keep_sent(ctx, event)
        if sent == []:  # an album's later file: kept, and said with its first
            return None
        lines += sent or []
    # the choice on this message itself: on a numbered channel only the newest one counts
    if inside:
        lines.append(
            choose_hint(
                ctx,
                _("Shall I alert the security unit now?"),
                _("Shall I alert the security unit now? Answer with the number 1."),
            )
        )
        ctx.reply("\n".join(lines), [[Button(ALERT_UNIT, _("Alert the security unit"))]])
    elif first is not None:
        asked = choose_hint(
            ctx,
            _("Shall I alert {name} now?"),
            _("Shall I alert {name} now? Answer with the number 1."),
        )
        lines.append(asked.format(name=first.name))
        ctx.reply("\n".join(lines), [[Button(ALERT, _("Alert {name}").format(name=first.name))]])
    else:
        ctx.reply("\n".join(lines))
    return None


async def leave(ctx: Context, event: InboundEvent) -> StateResult:
    """'Avbryt' at the guidance: the way out, and the menu (nothing kept as a report)."""
    _ = ctx._
    ctx.reply(
        _("In danger now: call 112.") + "\n" + _("What do you want to do?"), menu_buttons(ctx)
    )
    return END


async def unknown_here(ctx: Context, event: InboundEvent) -> StateResult:
    """A /command Trygg does not know, at the guidance: say so, and offer the alert and the
    menu on this answer, not the whole guidance again; she stays at the guidance."""
    _ = ctx._
    contacts = await contacts_of(ctx)
    first = first_contact(_without_named(ctx, event, contacts))  # not one she named
    inside = bool(ctx.data.get("inside"))
    buttons: list[list[Button]] = []
    if first is not None and not inside:
        buttons.append([Button(ALERT, _("Alert {name}").format(name=first.name))])
    if contacts.municipal_security and (inside or contacts.party_security):
        buttons.append([Button(ALERT_UNIT, _("Alert the security unit"))])
    lines = [_("In danger now: call 112."), unknown_line(ctx, event), _("What do you want to do?")]
    ctx.reply("\n".join(lines), buttons + menu_buttons(ctx)[1:])
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
    standing=frozenset({ALERT, ALERT_UNIT}),
    typed={"avbryt": leave, "cancel": leave},  # not kept as the start of a report
    # "ja" a week later answers a check-in, not this guidance's "shall I alert?": after a
    # silence the words are taken as they would be outside any flow
    idle_after=SILENCE,
    on_idle=show_menu,
    on_unknown=unknown_here,
)
