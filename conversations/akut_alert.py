"""The /akut alert: raise it, and give what she writes around it to those it went to.

Words she typed at the guidance go with the alert when it is raised; words she types in
the day after it reach whoever took it (or, while nobody has, everyone it went to) with a
push to read them. If those words say the threat comes from inside her party, the party's
alert is withdrawn and the municipality's security unit is alerted instead, with her words.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta

from conversations.akut_notices import ALERT_WORDS
from conversations.akut_undo import offer_undo, readers
from conversations.akut_words import (
    from_inside,
    named_contacts,
    says_mistake,
    says_none,
    tells_danger,
)
from conversations.alert_next import ESCALATE
from conversations.alerts import LINKED_FOR, raise_alert
from conversations.call_words import ME, asked_to_call, asks_only_a_call
from conversations.desk.handover import calls_named
from conversations.events import InboundEvent
from conversations.flow import Context
from conversations.i18n import names_list, shown_name
from conversations.notices import ALERT_WITHDRAWN, CASE_HANDED_OVER
from conversations.privacy import KINDS
from conversations.report.draft import load_draft
from conversations.report.entry import keep_words
from conversations.report.form import ReportStep
from conversations.routing import Levels, alert_levels, escalation_lines
from conversations.texts import contacts_of, menu_buttons, police_lines
from conversations.words_to_case import TOLD_NOTES, names_of, open_case
from storage.alert_notes import AlertNotes, Written
from storage.alerts import AlertRepo
from storage.cases import CaseRepo
from storage.directory import ContactCard, Contacts, DirectoryRepo
from storage.handover import HandoverRepo
from storage.models import Alert, AlertStatus, CaseNote
from storage.outbox import URGENT
from storage.timers import TimerRepo
from storage.trust import PeopleRepo

AFTER = LINKED_FOR  # words typed this long after her /akut alert are for those it went to
TOLD_FROM = "told_from"  # conversation data: where the words told at this guidance begin


async def alert_now(ctx: Context, *, to_unit: bool, inside: bool = False, words: str = "") -> None:
    """Alert the security contact (or only the municipality's security unit) now, with the
    words she told at the guidance and ``words`` (told in this message); escalate if nobody
    takes it; say who was alerted. ``inside``: she says the threat comes from inside her
    party, so an alert of hers that stands with its contacts is withdrawn first (what she
    wrote with it goes to the unit)."""
    _ = ctx._
    person = ctx.person
    withdrawn, carried = await _withdraw_party_alert(ctx) if inside else ([], [])
    party_id = None if to_unit else person.party_id
    levels, minutes = await akut_route(ctx, to_unit=to_unit)
    withdrawn_line = (
        [_("I have withdrawn the alert to {names}.").format(names=names_list(_, withdrawn))]
        if withdrawn
        else []
    )
    waiting = await AlertRepo(ctx.session).untaken_akut(
        person.id, ctx.now - timedelta(minutes=minutes)
    )
    if waiting is not None and waiting.party_id == party_id:  # the same again: one is enough
        names = ", ".join(shown_name(_, c) for c in levels[0]) if levels else ""
        lines = [
            _("In danger now: call {number}.").format(number="112"),
            _("I alerted {names} {when}. I will tell you as soon as someone takes it.").format(
                names=names, when=ctx.when(waiting.created_at)
            ),
            *withdrawn_line,
        ]
        if await _told_with(ctx, waiting, carried, words):
            for person_id in await readers(ctx, waiting):
                ctx.notify(person_id, ALERT_WORDS, {"alert": waiting.id}, URGENT)
            lines.append(_("What you wrote goes with the alert."))
        ctx.reply("\n".join(lines), menu_buttons(ctx))
        return
    alert_id = await raise_alert(
        ctx, kind="akut", levels=levels, ack_minutes=minutes, party_id=party_id
    )
    contacts = await contacts_of(ctx)
    alert = await AlertRepo(ctx.session).get(alert_id) if alert_id else None
    if alert is None:
        ctx.reply(_("There is nobody in Trygg I can alert for you: call the numbers above."))
        ctx.reply("\n".join(police_lines(ctx)), menu_buttons(ctx))
        return
    told = await _told_with(ctx, alert, carried, words)
    names = ", ".join(shown_name(_, c) for c in levels[0])
    wait = ctx.ngettext("{n} minute", "{n} minutes", minutes).format(n=minutes)
    call = if_nobody_calls(ctx, levels[0], contacts, party_id=party_id)
    lines = [
        _("In danger now: call {number}.").format(number="112"),
        (
            _("I have alerted {names} and asked for a call to you now.")
            if ctx.person.phone
            else _("I have alerted {names}. Trygg has no phone number for you: call them.")
        ).format(names=names),
        *withdrawn_line,
        *([_("What you wrote goes with the alert.")] if told else []),
        *escalation_lines(ctx, levels, wait)[:1],
        call,
    ]
    ctx.reply("\n".join(lines), menu_buttons(ctx))


def if_nobody_calls(
    ctx: Context, alerted: Sequence[ContactCard], contacts: Contacts, *, party_id: int | None
) -> str:
    """Whom to call herself while nobody has called: the first alerted with a number, and
    the security unit (only the unit, when it was the unit that was alerted: the alert's
    ``party_id`` is none though she has a party)."""
    _ = ctx._
    unit = contacts.security_unit_phone or "114 14"
    unit_alerted = party_id is None and ctx.person.party_id is not None
    reachable = [] if unit_alerted else [c for c in alerted if c.phone]
    if reachable:
        call = _("If nobody calls: call {name} on {phone}, or the security unit on {unit}.")
        return call.format(name=shown_name(_, reachable[0]), phone=reachable[0].phone, unit=unit)
    return _("If nobody calls: call the security unit on {unit}.").format(unit=unit)


async def akut_route(ctx: Context, *, to_unit: bool) -> tuple[Levels, int]:
    """Whom her /akut alert goes to, level by level as the plan says (only the municipality's
    security unit, ``to_unit``), and the minutes each level has to take it."""
    person = ctx.person
    pack = ctx.packs.get(person.municipality_pack)
    levels = await alert_levels(
        ctx.session,
        exclude=person.id,
        municipality_id=person.municipality_id,
        party_id=None if to_unit else person.party_id,
        category=None,
        pack=pack,
        unverified=not ctx.viewer.registered,
        report=False,
    )
    return levels, pack.alerting.ack_minutes_akut if pack.alerting else 10


async def _party_alerts(ctx: Context) -> list[Alert]:
    """Her /akut alerts of the last day that stand with her party's contacts."""
    standing = await AlertRepo(ctx.session).standing_akut(ctx.person.id, ctx.now - AFTER)
    return [alert for alert in standing if alert.party_id is not None]


async def party_alert_stands(ctx: Context) -> bool:
    """Whether an /akut alert of hers from the last day stands with her party's contacts."""
    return bool(await _party_alerts(ctx))


async def _withdraw_party_alert(ctx: Context) -> tuple[list[str], list[Written]]:
    """Withdraw her /akut alerts of the last day that went to her party's contacts: nobody
    there is paged again or reads her words. Return the names of those they had reached,
    and what she wrote with them (for the unit's alert), oldest first."""
    alerts = list(reversed(await _party_alerts(ctx)))
    notes = AlertNotes(ctx.session, ctx.keyring)
    names: list[str] = []
    written: list[Written] = []
    for alert in alerts:
        written += await notes.read(ctx.viewer, alert.id)
        names += await names_of(ctx, await readers(ctx, alert))
    paged = await PeopleRepo(ctx.session).withdraw([a.id for a in alerts], ctx.now, KINDS)
    for recipient_id, alert_id in paged:  # her choice: they are told whose, never why
        ctx.notify(recipient_id, ALERT_WITHDRAWN, {"alert": alert_id, "by_her": True}, URGENT)
    return list(dict.fromkeys(names)), written


async def remember_told(ctx: Context) -> None:
    """Before words told at the guidance are kept in her report: remember where they begin,
    so that the alert, once raised, carries them (the conversation keeps only the offset)."""
    if TOLD_FROM in ctx.data:
        return
    draft = await load_draft(ctx)
    earlier = (draft.answer(ReportStep.WHAT) or {}) if draft is not None else {}
    ctx.data[TOLD_FROM] = len(str(earlier.get("text", "")))


async def _told_with(ctx: Context, alert: Alert, carried: list[Written], words: str) -> bool:
    """Give the alert what she wrote with a withdrawn one, the words she told earlier at
    this guidance (kept with her open case, or in her report from where
    :func:`remember_told` marked; what this message adds is written there only at its
    commit) and ``words``; whether there were any."""
    notes = AlertNotes(ctx.session, ctx.keyring)
    start = ctx.data.pop(TOLD_FROM, None)
    for note_id in ctx.data.pop(TOLD_NOTES, []):  # told here, and kept with her open case
        note = await ctx.session.get(CaseNote, int(note_id))
        if note is not None and note.author_id == ctx.person.id and note.text:
            text = CaseRepo(ctx.session, ctx.keyring).note_text(note)
            carried = [*carried, Written(note.created_at, text)]
    told = ""
    if start is not None:
        draft = await load_draft(ctx)
        text = str((draft.answer(ReportStep.WHAT) or {}).get("text", "")) if draft else ""
        told = text[int(start) :].strip()
    for earlier in carried:  # at the time she wrote it, not now
        await notes.add(ctx.viewer, alert, earlier.text, earlier.at)
    said = [text for text in [told, words.strip()] if text]
    for text in said:
        await notes.add(ctx.viewer, alert, text, ctx.now)
    return bool(said or carried)


async def after_alert(ctx: Context, event: InboundEvent, *, alert: Alert | None = None) -> bool:
    """Words typed in the day after her /akut alert ("han står utanför nu"): kept with the
    alert, those who may act on it told at once, and kept in her report too; False if she
    has no such alert (or nobody could read them). ``alert``: the alert someone wrote to her
    about, whose answer this is (also after her report was sent, and after that day)."""
    _ = ctx._
    answer = alert is not None
    alert = alert or await AlertRepo(ctx.session).latest_akut(ctx.person.id, ctx.now - AFTER)
    if alert is None:
        return False
    case = None if answer else await open_case(ctx)
    if case is not None and case.submitted_at is not None and case.submitted_at > alert.created_at:
        return False  # her report, sent since the alert, holds what she writes now
    contacts = await contacts_of(ctx)
    said_inside = from_inside(event, contacts)
    moved = await keep_named_off_case(ctx, event, contacts)  # "det är Per Ek"
    if said_inside and await party_alert_stands(ctx):
        if not contacts.municipal_security:
            if moved:
                ctx.reply(moved)
            return bool(moved)  # nobody else to give her words to: her own report only
        await _to_the_unit_instead(ctx, event.text.strip())
        if moved:
            ctx.reply(moved, menu_buttons(ctx))
        return True
    told = await readers(ctx, alert)
    if not told:
        return False
    notes = AlertNotes(ctx.session, ctx.keyring)
    earlier = [w.text for w in await notes.read(ctx.viewer, alert.id)]
    await notes.add(ctx.viewer, alert, event.text.strip(), ctx.now)
    # "han står utanför", then "förlåt, jag tryckte fel": she may not be free to say more;
    # no take-back, and those alerted read both
    feared = any(tells_danger(text) for text in earlier)
    mistake = says_mistake(event.text) and not feared
    if alert.untaken and mistake:  # "förlåt, jag tryckte fel"
        await offer_undo(ctx, alert, told)
        return True
    # so soon after the alert, any news may be danger; not "inga nya hot" nor "jag tryckte fel"
    danger = feared or not (says_none(event.text) or mistake)
    for person_id in told:  # "mår bättre, inga nya hot" is not announced as new danger
        ctx.notify(person_id, ALERT_WORDS, {"alert": alert.id, "danger": danger}, URGENT)
    directory = DirectoryRepo(ctx.session)
    cards = [(await directory.describe(ctx.viewer, i))[0] for i in told]
    names = names_list(_, [shown_name(_, card) for card in cards])
    if not ctx.viewer.registered:
        who = _("Those you alerted will see what you wrote.")
    elif alert.status is AlertStatus.ACKNOWLEDGED:
        who = _("{names} has your alert and will see what you wrote.").format(names=names)
    else:
        who = _("Nobody has taken your alert yet. {names} will see what you wrote.").format(
            names=names
        )
    call = ""
    if alert.untaken and ctx.viewer.registered:  # at night, her next step in every answer
        call = if_nobody_calls(ctx, cards, contacts, party_id=alert.party_id)
    only_call = asks_only_a_call(event.text)  # "kan du ringa mig?": nothing to report
    if not answer and not only_call:  # an answer to what was written to her: the alert's
        await keep_words(ctx, event.text.strip())
    lines = [
        _("In danger now: call {number}.").format(number="112"),
        who,
        *([moved] if moved else []),
    ]
    if alert.untaken and ctx.person.phone and asked_to_call(event.text) in ME:  # it is asked
        lines.append(_("The alert already asks {names} to call you.").format(names=names))
    if call:
        lines.append(call)
    if (
        not answer and not only_call and not tells_danger(event.text)
    ):  # with a knife at the door, no form
        lines.append(_("It is in the report you can go on with too: /rapportera."))
    ctx.reply("\n".join(lines), menu_buttons(ctx))
    return True


async def _to_the_unit_instead(ctx: Context, text: str) -> None:
    """She says the threat comes from inside her party after its contacts were alerted:
    withdraw that alert, alert the municipality's security unit with everything she wrote,
    and say so."""
    await keep_words(ctx, text)
    await alert_now(ctx, to_unit=True, inside=True, words=text)


async def keep_named_off_case(ctx: Context, event: InboundEvent, contacts: Contacts) -> str:
    """She names a party contact as the threat ("det är Per som hotar mig") while a case of
    hers is open: take them off it (storage.handover), give it to the municipality's unit,
    and say so ("" if there is no case or nobody to take off)."""
    _ = ctx._
    named = named_contacts(event, contacts)
    report = await open_case(ctx) if named else None
    if report is None:
        return ""
    ids = [card.person_id for card in named]
    removed = await HandoverRepo(ctx.session).keep_away(ctx.viewer, report, ids, ctx.now)
    if not removed:
        return ""
    unit = [card.person_id for card in contacts.municipal_security]
    repo = AlertRepo(ctx.session)
    await repo.bring_in(report.id, unit, ctx.now)
    for person_id in unit:
        payload: dict[str, object] = {"report": report.id, "from": ctx.person.id, "named": True}
        payload.update(await calls_named(ctx, report, person_id))  # the calls are the unit's
        ctx.notify(person_id, CASE_HANDED_OVER, payload, URGENT)
    timers = TimerRepo(ctx.session)
    for alert in await repo.of_report(report.id):  # taken back from him: open, and escalating
        if alert.status is AlertStatus.OPEN and not await timers.pending(ESCALATE, alert.id):
            due = ctx.now + timedelta(minutes=alert.ack_minutes)
            timers.schedule(ESCALATE, alert.id, due, drill_id=alert.drill_id)
    names = names_list(_, [shown_name(_, c) for c in named if c.person_id in removed])
    line = _("{names} can no longer read your case {ref}.").format(names=names, ref=report.ref)
    if unit:
        line += " " + _("The municipality's security unit has it now.")
    return line
