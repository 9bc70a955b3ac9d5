"""/akut: what to do right now, the person's own contacts, and an alert to them at once."""

from __future__ import annotations

from datetime import timedelta
from enum import StrEnum

from conversations.alerts import raise_alert
from conversations.events import Button, EventKind, InboundEvent, words_of
from conversations.flow import END, Context, Flow, Input, StateResult
from conversations.followups import kept_with_open_case
from conversations.menu import show_menu
from conversations.report.entry import keep_words
from conversations.routing import alert_levels, escalation_lines
from conversations.texts import contact_lines, contacts_of, menu_buttons, police_lines
from conversations.words import POLITE
from storage.alerts import AlertRepo
from storage.directory import ContactCard, Contacts


class Akut(StrEnum):
    GUIDANCE = "guidance"


ALERT = "akut:alert"
ALERT_UNIT = "akut:unit"  # the municipality's unit instead of the party (danger from inside it)
SILENCE = timedelta(hours=1)  # after this, words are no longer an answer to the guidance

CALLS = frozenset({"akut", "larm", "sos"})
"""Words that open /akut from anywhere: the call itself, not words to keep with a report."""

ASKS = frozenset(
    {"larma", "alert", "ja", "jo", "japp", "yes", "please", "snälla", "hjälp", "hjalp", "help"}
)
"""Typed at the guidance, these ask for the alert the button offers ("larma pia snälla")."""
YES = frozenset({"ja", "jo", "japp", "yes"})
"""A bare yes: after the guidance's last question ("from inside your party?") it may say
yes to that, not to the first button."""
CALLING = frozenset({"larma", "alert"})
"""Typed anywhere, these ask for the alert itself: no guidance first."""
REQUEST = CALLING | {"call", "ring", "ringa"}
"""Said with a contact's name, these ask for her ("ring Pia"), not name her as the threat."""
UNIT = frozenset(
    {"unit", "municipality", "kommunen", "kommun", "säkerhetsenheten", "enheten", "strateg"}
)
"""Words that ask for the municipality's security unit instead of the party."""
NOT = frozenset({"inte", "ej", "nej", "not", "no", "don't", "dont"})
THANKS = frozenset(
    {"ok", "okej", "okay", "tack", "thanks", "thank", "you", "så", "mycket", "bra", "fint"}
)
"""A message of these words only ("ok tack") answers the guidance: nothing to keep."""
ASIDES = frozenset({"call", "ring", "ringa", "me", "mig", "nu", "now", "till", "to", "and", "och"})
"""Words around a request for the alert ("ring Pia nu") that tell nothing to keep."""
INSIDE = (
    "inifrån",
    "inom partiet",
    "i partiet",
    "från partiet",
    "egna partiet",
    "eget parti",
    "mitt parti",
    "partikamrat",
    "partikollega",
    "inside",
    "within",
    "my party",
    "own party",
    "party colleague",
)
"""Words that say the threat comes from inside her party: the unit, not the party, is alerted,
and her words are not kept where the party's contacts read them."""
SHORT = 3  # words: a message this short that names the contact asks for her ("Pia nu")


def telling(event: InboundEvent) -> bool:
    """True if the person wrote something to keep, not only "akut" (or "larm", "sos")."""
    text = event.text.strip().strip(".,!?:;\"'()").casefold()
    return event.kind is EventKind.TEXT and bool(text) and text not in CALLS


async def guidance(ctx: Context, event: InboundEvent) -> StateResult:
    """Tell the person what to do now and offer to alert their security contact; words
    that name the alert itself ("larma Pia") alert at once."""
    _ = ctx._
    contacts = await contacts_of(ctx)
    either = bool(contacts.party_security and contacts.municipal_security)
    inside = either and _from_party(ctx, event, contacts)
    if _asks(_words(event), _first(contacts), CALLING):  # "larma Pia", "larma kommunen"
        unit = either and (inside or _names_unit(event, contacts))
        if not inside or unit:
            return await _alert(ctx, to_unit=unit)
    who = contact_lines(ctx, contacts)
    lines = [
        _("Are you in danger right now? Call {number}.").format(number="112"),
        _("Not urgent: the police on {number}.").format(number="114 14"),
        "",
        _("Don't stay alone: ask a party colleague or someone close to you to be with you."),
        *(["", *who] if who else []),
        "",
        _(
            "Save the evidence: don't delete messages, take screenshots, and write down "
            "the time and place."
        ),
    ]
    buttons: list[list[Button]] = []
    first = _first(contacts)
    if first is not None and not inside:  # the button says whom it alerts
        buttons.append([Button(ALERT, _("Alert {name}").format(name=first.name))])
    if inside:  # she named someone in her party as the threat: the unit only
        buttons.append([Button(ALERT_UNIT, _("Alert the security unit"))])
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
                "Call your party's security contact or your municipality's security unit."
            ),
        ]
    buttons += menu_buttons(ctx)[1:]
    if telling(event):  # "hjälp jag har blivit hotad"
        lines += ["", await _kept(ctx, event, contacts)]
    ctx.reply("\n".join(lines), buttons)
    return Akut.GUIDANCE


async def _kept(ctx: Context, event: InboundEvent, contacts: Contacts) -> str:
    """Keep words told at /akut: with her open case (its handlers are told), else as the
    start of a report; the line that says where. Words that name someone in her party, or
    say the threat comes from inside it, go to her own report only, where no party contact
    reads them before she has chosen."""
    text = event.text.strip()
    if not (_party_names(contacts) & _words(event) or _inside(event)):
        case = await kept_with_open_case(ctx, text)
        if case is not None:
            return case
    return await keep_words(ctx, text)


def _inside(event: InboundEvent) -> bool:
    """Whether the words say the threat comes from inside her party (not "det är inte
    någon i partiet")."""
    said = f" {' '.join(words_of(event.text))} " if event.kind is EventKind.TEXT else ""
    if NOT & set(said.split()):
        return False
    return any(f" {phrase} " in said for phrase in INSIDE)


def _names_unit(event: InboundEvent, contacts: Contacts) -> bool:
    """Whether the words ask for the municipality's security unit ("larma kommunen", "alert
    the unit", "larma Sara"), not the party."""
    words = _words(event)
    named = {w for card in contacts.municipal_security for w in _name_of(card)}
    return bool(words & (UNIT | named))


def _named_as_threat(event: InboundEvent, contacts: Contacts) -> bool:
    """Whether the words name one of her party's security contacts other than to ask for
    them: "Pia Lind hotar mig", not "larma Pia" or "ring Pia nu"."""
    words = _words(event)
    return bool(_party_names(contacts) & words) and len(words) > SHORT and not REQUEST & words


def _party_names(contacts: Contacts) -> set[str]:
    """The words of the names of her party's security contacts ("pia", "lind")."""
    return {w for card in contacts.party_security for w in _name_of(card)}


def _from_party(ctx: Context, event: InboundEvent, contacts: Contacts) -> bool:
    """Whether the threat may come from inside her party: she says so, or names one of its
    security contacts as the threat, now or earlier at this guidance (a flag in the
    conversation, so that "larma" after it alerts the unit, not them)."""
    if _named_as_threat(event, contacts) or _inside(event):
        ctx.data["inside"] = True
    return bool(ctx.data.get("inside"))


async def alert_contact(ctx: Context, event: InboundEvent) -> StateResult:
    """Alert the security contact (or, if asked, only the municipality's security unit) now;
    escalate if nobody takes it; say who was alerted."""
    # she named someone in her party as the threat: an older "Larma Pia" pressed now alerts
    # the unit, and the reply says whom
    return await _alert(ctx, to_unit=event.button == ALERT_UNIT or bool(ctx.data.get("inside")))


async def _alert(ctx: Context, *, to_unit: bool) -> StateResult:
    _ = ctx._
    person = ctx.person
    pack = ctx.packs.get(person.municipality_pack)
    party_id = None if to_unit else person.party_id
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
    waiting = await AlertRepo(ctx.session).untaken_akut(
        person.id, ctx.now - timedelta(minutes=minutes)
    )
    if waiting is not None and waiting.party_id == party_id:  # the same again: one is enough
        names = ", ".join(c.name for c in levels[0]) if levels else ""
        lines = [
            _("In danger now: call {number}.").format(number="112"),
            _("I alerted {names} {when}. I will tell you as soon as someone takes it.").format(
                names=names, when=ctx.when(waiting.created_at)
            ),
        ]
        ctx.reply("\n".join(lines), menu_buttons(ctx))
        return END
    alert = await raise_alert(
        ctx, kind="akut", levels=levels, ack_minutes=minutes, party_id=party_id
    )
    contacts = await contacts_of(ctx)
    if alert is None:
        ctx.reply(_("There is nobody in Trygg I can alert for you: call the numbers above."))
        ctx.reply("\n".join(police_lines(ctx)), menu_buttons(ctx))
        return END
    names = ", ".join(c.name for c in levels[0])
    wait = ctx.ngettext("{n} minute", "{n} minutes", minutes).format(n=minutes)
    unit = contacts.security_unit_phone or "114 14"
    reachable = [c for c in levels[0] if c.phone]
    if reachable and not (party_id is None and person.party_id is not None):
        call = _("If nobody calls: call {name} on {phone}, or the security unit on {unit}.")
        call = call.format(name=reachable[0].name, phone=reachable[0].phone, unit=unit)
    else:  # the unit itself was alerted
        call = _("If nobody calls: call the security unit on {unit}.").format(unit=unit)
    lines = [
        _("In danger now: call {number}.").format(number="112"),
        (
            _("I have alerted {names} and asked for a call to you now.")
            if ctx.person.phone
            else _("I have alerted {names}. Trygg has no phone number for you: call them.")
        ).format(names=names),
        *escalation_lines(ctx, levels, wait)[:1],
        call,
    ]
    ctx.reply("\n".join(lines), menu_buttons(ctx))
    return END


def _words(event: InboundEvent) -> set[str]:
    return set(words_of(event.text)) if event.kind is EventKind.TEXT else set()


def _first(contacts: Contacts) -> ContactCard | None:
    """Whom the guidance's first button alerts: the party's first contact, else the unit's."""
    return next(iter([*contacts.party_security, *contacts.municipal_security]), None)


def _asks(words: set[str], first: ContactCard | None, asking: frozenset[str]) -> bool:
    """Whether the words ask for the alert (one of ``asking``, or the contact's name in a
    short message: "Pia nu", never "Pia Lind hotar mig") and do not say not to."""
    if first is None or NOT & words:
        return False
    named = len(words) <= SHORT and _name_of(first) & words
    return bool(asking & words or named)


def _name_of(card: ContactCard) -> set[str]:
    return set(card.name.casefold().split())


async def repeat_guidance(ctx: Context, event: InboundEvent) -> StateResult:
    """Words instead of a button: asking for the alert ("larma Pia", "ja") alerts; "ok tack"
    needs no more than the way out; anything else is kept as the start of a report. The
    guidance is not sent again (its buttons stay valid): only a line pointing to them."""
    _ = ctx._
    contacts = await contacts_of(ctx)
    first = _first(contacts)
    words = _words(event)
    either = bool(contacts.party_security and contacts.municipal_security)
    if either and (_inside(event) or _named_as_threat(event, contacts)):  # "Pia hotar mig"
        ctx.data["inside"] = True
        alerted = await _alert(ctx, to_unit=True)
        if telling(event) and not words <= ASKS | THANKS | ASIDES:
            ctx.reply(await _kept(ctx, event, contacts))
        return alerted
    if either and ctx.data.get("inside") and _asks(words, first, ASKS | CALLING):
        return await _alert(ctx, to_unit=True)  # "larma" after naming someone in the party
    if either and _names_unit(event, contacts):  # "larma kommunen", "alert the unit"
        return await _alert(ctx, to_unit=True)
    if first is not None and _asks(words, first, ASKS):
        bare_yes = words & YES and words <= YES | THANKS | ASIDES | POLITE  # "ja snälla"
        if either and bare_yes:  # to which question: alert the first, or from inside?
            ctx.reply(
                _("In danger now: call 112.") + "\n" + _("Whom shall I alert? Choose:"),
                [
                    [Button(ALERT, _("Alert {name}").format(name=first.name))],
                    [Button(ALERT_UNIT, _("Alert the security unit"))],
                ],
            )
            return None
        alerted = await _alert(ctx, to_unit=False)
        if words - ASKS - _name_of(first) - THANKS - ASIDES:  # "hjälp han står utanför": kept
            ctx.reply(await _kept(ctx, event, contacts))
        return alerted
    if telling(event) and not words <= THANKS | NOT:
        lines = [_("In danger now: call 112."), await _kept(ctx, event, contacts)]
    else:
        lines = [_("In danger now: call 112.")]
    if either and ctx.data.get("inside"):
        lines.append(
            _("Do you want me to alert the security unit? Write “alert”, or choose above.")
        )
    elif first is not None:
        lines.append(
            _("Do you want me to alert {name}? Write “alert”, or choose above.").format(
                name=first.name
            )
        )
    ctx.reply("\n".join(lines))
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
    # "ja" a week later answers a check-in, not this guidance's "shall I alert?": after a
    # silence the words are taken as they would be outside any flow
    idle_after=SILENCE,
    on_idle=show_menu,
)
