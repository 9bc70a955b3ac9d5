"""Sending the report: who gets it (an internal case: whom the reporter chooses), the alert,
and four lines on what happens now. The plan's longer advice is one press away."""

from __future__ import annotations

from datetime import timedelta

from conversations import dates, quota
from conversations.about import about_someone_else
from conversations.alert_next import ESCALATE
from conversations.alerts import LINKED_FOR, raise_alert
from conversations.events import Button, InboundEvent, phrase_of, words_of
from conversations.flow import END, Context, StateResult
from conversations.followups import schedule_case
from conversations.i18n import names_list, shown_name
from conversations.item_owners import tell_item_owners
from conversations.report.answering import ask, lost, repeat
from conversations.report.calm import sent_calmly
from conversations.report.draft import Draft, known, load_draft
from conversations.report.entry import cancel
from conversations.report.form import BY_STEP, QUESTIONS, ReportStep
from conversations.report.hooks import moment_of, read_when, store_moment
from conversations.report.named import named_as_source
from conversations.report.summary import show_summary
from conversations.routing import Levels, alert_levels, everyone
from conversations.texts import choose_hint, menu_buttons
from conversations.words import button_said, says_nothing
from storage.access import INTERNAL
from storage.alerts import AlertRepo
from storage.directory import ContactCard, DirectoryRepo
from storage.models import Alert, AlertStatus
from storage.timers import TimerRepo
from storage.trust import AuditRepo

CHOSEN = "_recipients"  # an internal case's chosen recipients, sealed with the answers
CLOSED_GROUP_MAX = 3  # Kävlinge: a small closed group of 2–3


async def plan_levels(ctx: Context, draft: Draft) -> Levels:
    """Who the plan alerts about this report, in escalation order."""
    report = draft.report
    return await alert_levels(
        ctx.session,
        exclude=ctx.person.id,
        municipality_id=report.municipality_id,
        party_id=report.party_id,
        category=report.category,
        pack=draft.pack,
        unverified=report.unverified,
        report=True,
    )


def closed_group_max(draft: Draft) -> int:
    """How many people an internal case may go to, as the party's or municipality's plan says."""
    for pack in (draft.party_pack, draft.pack):
        if pack is not None and pack.internal is not None:
            return pack.internal.closed_group_max
    return CLOSED_GROUP_MAX


def chosen_ids(draft: Draft) -> list[int]:
    return [int(i) for i in draft.answers.get(CHOSEN) or []]


async def report_levels(ctx: Context, draft: Draft) -> Levels:
    """Who is alerted about this report, in escalation order. An internal case goes only to
    the people the reporter chose, all at once: nobody is chosen for them."""
    return (await _levels_and_named(ctx, draft))[0]


async def _levels_and_named(ctx: Context, draft: Draft) -> tuple[Levels, set[int]]:
    """The report's levels, without the people she named as the one who did it; and those."""
    levels = await plan_levels(ctx, draft)
    named = await named_as_source(ctx, draft, everyone(levels))  # never to who did it
    levels = [kept for level in levels if (kept := [c for c in level if c.person_id not in named])]
    if draft.report.category != INTERNAL:
        return levels, named
    chosen = set(chosen_ids(draft))
    group = [card for card in everyone(levels) if card.person_id in chosen]
    return ([group] if group else []), named


async def send(ctx: Context, event: InboundEvent) -> StateResult:
    """Check the report is complete; in internal cases let the reporter choose recipients."""
    _ = ctx._
    draft = await load_draft(ctx)
    if draft is None:
        return await lost(ctx)
    refusal = await quota.report_refusal(ctx, draft.report.municipality_id, written=True)
    if refusal is not None:
        ctx.reply(refusal)  # the summary's buttons stay: Send works again later
        return None
    who = known(ctx, draft)
    missing = [
        q.step
        for q in QUESTIONS
        if q.required and q.applies(draft.answers, who) and not draft.answers.get(q.step.value)
    ]
    if missing:
        ctx.data["editing"] = True
        return await ask(
            ctx, draft, missing[0], [_("One required answer is missing; let's fill it in.")]
        )
    if draft.report.category == INTERNAL:
        return await show_recipients(ctx, draft)
    return await submit(ctx, draft)


SUMMARY_WORDS: dict[str, tuple[str, ...]] = {
    "send": (
        *("skicka", "skicka den", "skicka in", "skicka in den", "skicka rapporten"),
        *("skicka in rapporten", "skicka iväg den", "ja skicka", "det stämmer skicka"),
        *("send", "send it", "send the report", "send it off", "submit", "submit it"),
    ),
    "cmd:avbryt": (
        *("avbryt", "avbryt den", "avbryt rapporten", "skicka inte", "skicka den inte"),
        *("skicka inte rapporten", "jag vill inte skicka", "jag vill inte skicka den"),
        *("nej avbryt", "nej skicka inte", "nej skicka den inte", "radera den", "ta bort den"),
        *("cancel", "cancel it", "don't send", "don't send it", "do not send", "do not send it"),
        *("no cancel", "delete it"),
    ),
}
"""Words typed at the summary that mean one of its buttons ("ja skicka": Send, "skicka inte":
Cancel, which asks before deleting), as a press of it would."""


UNCLEAR_AT_SUMMARY = frozenset(
    (
        *("ja", "ja tack", "jo", "yes", "yes please", "nej", "no"),
        # a button of the questions before, typed once more: nothing to keep for staff
        *("hoppa över", "skip", "klar", "klart", "done", "nästa", "next", "fortsätt", "continue"),
    )
)
"""Words at the summary that say neither Send nor what to change: asked, not kept."""


async def summary_typed(ctx: Context, event: InboundEvent) -> StateResult:
    """Send on a typed "skicka", ask to cancel on "avbryt"; keep other words with the report,
    and show it again."""
    typed = event.text.strip()
    button = button_said(typed, SUMMARY_WORDS)
    if button == "send":
        return await send(ctx, event)
    if button == "cmd:avbryt":
        return await cancel(ctx, event)
    draft = await load_draft(ctx)
    if draft is None:
        return await lost(ctx)
    if not typed:
        return await repeat(ctx, event)
    if says_nothing(typed) or phrase_of(typed) in UNCLEAR_AT_SUMMARY:  # "ja", "ok": send?
        ctx.reply(
            choose_hint(
                ctx,
                ctx._("To send the report, press “Send”. To change something, press it."),
                ctx._("To send the report, answer “Send”. To change something, answer its number."),
            )
        )
        ctx.again()
        return None
    changed = await _corrected_when(ctx, draft, typed)
    if changed is not None:  # "ändra datumet, det var i tisdags"
        return await show_summary(ctx, draft, changed)
    draft.note(typed)
    also = ctx._("Also written")
    return await show_summary(
        ctx, draft, [ctx._("I added that to the report, under “{topic}”.").format(topic=also)]
    )


CORRECTS_WHEN = frozenset(
    (
        "datum",
        "datumet",
        "dag",
        "dagen",
        "när",
        "tid",
        "tiden",
        "klockan",
        "ändra",
        "fel",
        "egentligen",
        "date",
        "day",
        "when",
        "time",
        "change",
        "wrong",
        "actually",
    )
)
"""Words that make a day typed at the summary a correction of when it happened."""


async def _corrected_when(ctx: Context, draft: Draft, typed: str) -> list[str] | None:
    """A day typed at the summary as a correction ("ändra datumet, det var i tisdags") goes
    to "When and where", as a change made there would, and is said back; None if the words
    correct no day (they are kept under "Also written")."""
    if not CORRECTS_WHEN & set(words_of(typed)):
        return None
    moment = dates.understand(typed, ctx.now, ctx.locale)
    if moment is None or dates.is_future(moment, ctx.now):
        return None
    step = ReportStep.WHEN
    earlier = draft.answer(step) or {}
    answer = {**earlier, "text": f"{earlier.get('text', '')}\n{typed}".strip()}
    answer.pop("choice", None)  # "I går" pressed before: the words typed now say the day
    said = await read_when(ctx, draft, answer)
    before = moment_of(earlier)
    if moment.time is None and before is not None and before.time is not None:
        kept = dates.Moment(moment.day, before.time, before.part, moment.about)  # the day was wrong
        if not dates.is_future(kept, ctx.now):
            store_moment(answer, kept)
            when = dates.describe(kept, ctx.now, ctx.locale)
            said = [ctx._("I noted: {when}.").format(when=when)]
    draft.answers[step.value] = answer
    draft.save(ctx)
    label = ctx._(BY_STEP[step].label)
    return [ctx._("I changed “{topic}”.").format(topic=label), *said]


async def _unit_ids(ctx: Context, draft: Draft) -> set[int]:
    unit = await DirectoryRepo(ctx.session).municipal_security(draft.report.municipality_id)
    return {card.person_id for card in unit}


async def show_recipients(ctx: Context, draft: Draft) -> StateResult:
    """Internal case: the reporter picks who gets the report; nobody is picked in advance."""
    _ = ctx._
    chosen = set(chosen_ids(draft))
    unit = await _unit_ids(ctx, draft)
    limit = closed_group_max(draft)
    lines = [
        _(
            "Internal case: only the people you choose get the report, at most {n}. Leave out "
            "anyone who may be close to the person who did it."
        ).format(n=limit),
        choose_hint(
            ctx,
            _("Nobody is chosen yet. Press a name to choose it, then send."),
            _("Nobody is chosen yet. Answer with a name's number to choose it, then send."),
        ),
    ]
    if chosen:
        lines[1] = choose_hint(
            ctx,
            ctx.ngettext(
                "{n} person chosen. Press a name to choose or remove it, then send.",
                "{n} people chosen. Press a name to choose or remove it, then send.",
                len(chosen),
            ),
            ctx.ngettext(
                "{n} person chosen. Answer with a name's number to choose or remove it, then send.",
                "{n} people chosen. Answer with a name's number to choose or remove it, then send.",
                len(chosen),
            ),
        ).format(n=len(chosen))
    buttons = []
    cards = everyone(await plan_levels(ctx, draft))
    named = await named_as_source(ctx, draft, cards)
    for card in cards:
        if card.person_id in named:
            lines.append(
                _("{name} is not offered: you named them as the one who did it.").format(
                    name=shown_name(_, card)
                )
            )
            continue
        where = _("municipality") if card.person_id in unit else _("party")
        mark = "✓ " if card.person_id in chosen else ""
        buttons.append([Button(f"rcpt:{card.person_id}", f"{mark}{shown_name(_, card)} ({where})")])
    buttons.append([Button("send", _("Send to the people chosen"))])
    buttons.append([Button("nav:summary", _("Back"))])
    draft.answers["_at"] = ReportStep.RECIPIENTS.value
    draft.save(ctx)
    ctx.reply("\n".join(lines), buttons)
    return ReportStep.RECIPIENTS


async def toggle_recipient(ctx: Context, event: InboundEvent) -> StateResult:
    """Choose or un-choose one recipient, up to the plan's closed group."""
    _ = ctx._
    draft = await load_draft(ctx)
    if draft is None:
        return await lost(ctx)
    target = event.button.removeprefix("rcpt:")
    if not target.isdigit():
        return await repeat(ctx, event)
    cards = everyone(await plan_levels(ctx, draft))
    ids = {c.person_id for c in cards} - await named_as_source(ctx, draft, cards)
    person_id = int(target)
    if person_id not in ids:
        return await repeat(ctx, event)
    chosen = chosen_ids(draft)
    limit = closed_group_max(draft)
    if person_id in chosen:
        chosen.remove(person_id)
    elif len(chosen) >= limit:
        ctx.reply(_("You can choose at most {n} people. Remove someone first.").format(n=limit))
    else:
        chosen.append(person_id)
    draft.answers[CHOSEN] = chosen
    return await show_recipients(ctx, draft)


async def back_to_summary(ctx: Context, event: InboundEvent) -> StateResult:
    """Return to the summary."""
    draft = await load_draft(ctx)
    if draft is None:
        return await lost(ctx)
    return await show_summary(ctx, draft)


async def confirm_recipients(ctx: Context, event: InboundEvent) -> StateResult:
    """Send the internal report to the people chosen (at least one)."""
    _ = ctx._
    draft = await load_draft(ctx)
    if draft is None:
        return await lost(ctx)
    if not await report_levels(ctx, draft):
        ctx.reply(_("Choose at least one person to send the report to."))
        return await show_recipients(ctx, draft)
    return await submit(ctx, draft)


def _duration(ctx: Context, minutes: int) -> str:
    if minutes % 60 == 0:
        hours = minutes // 60
        return ctx.ngettext("{n} hour", "{n} hours", hours).format(n=hours)
    return ctx.ngettext("{n} minute", "{n} minutes", minutes).format(n=minutes)


async def submit(ctx: Context, draft: Draft) -> StateResult:
    """Submit: the case reference, who has it now, what happens next, where help is."""
    _ = ctx._
    levels, named = await _levels_and_named(ctx, draft)
    report = draft.report
    case = await draft.repo.entity(report)  # the case as storage's access rules read it
    reference = await draft.repo.submit(ctx.viewer, report, ctx.now)
    AuditRepo(ctx.session).record(
        ctx.person.handle,
        "report_submitted",
        reference,
        report.municipality_id,
        ctx.now,
        report=report,
    )
    minutes = draft.pack.alerting.ack_minutes_report if draft.pack.alerting else 120
    taken = await _taken_akut(ctx, draft, levels)  # who took her /akut alert has it too
    alert_id = await raise_alert(
        ctx,
        kind="report",
        levels=levels,
        ack_minutes=minutes,
        party_id=report.party_id,
        report=report,
        taken_akut=taken,
        calm=await sent_calmly(ctx, draft.answers),
    )
    if taken is not None and alert_id is not None:  # theirs only if they may still act on it
        raised = await AlertRepo(ctx.session).get(alert_id)
        taken = taken if raised and raised.acknowledged_by == taken.acknowledged_by else None
    if alert_id and named:  # no escalation brings the report to them later either
        await AlertRepo(ctx.session).keep_off(alert_id, sorted(named))
    await tell_item_owners(ctx, case, draft.pack)
    await schedule_case(TimerRepo(ctx.session), report.id, draft.pack, ctx.now)
    lines = [
        _("In danger now: call 112. Not urgent: the police on 114 14."),
        _("Your report is sent: case {ref}.").format(ref=reference),
    ]
    if levels and not ctx.viewer.registered:  # an unregistered person sees nobody's name
        lines.append(_("I have sent it to the municipality's security unit, who will contact you."))
    elif taken is not None and (taker := _card(levels, taken.acknowledged_by)) is not None:
        lines.append(
            _("I have sent it to {name}, who took your alert and will contact you.").format(
                name=taker.name
            )
        )
        also = [c.name for c in levels[0] if c.person_id != taker.person_id]
        if also:  # sent to the plan's first level too (the unit, for a municipal assignment)
            lines.append(_("I have sent it to {names} too.").format(names=names_list(_, also)))
    elif levels:
        shown = names_list(_, [c.name for c in levels[0]])
        lines.append(_("I have sent it to {names}, who will contact you.").format(names=shown))
        if len(levels) > 1 and alert_id is not None:
            lines.append(
                await _goes_on(ctx, alert_id, minutes, ", ".join(c.name for c in levels[1]))
            )
    else:
        lines.append(
            _("There is nobody in Trygg to send it to: call your municipality's security unit.")
        )
    ctx.data.clear()
    ctx.reply(
        "\n".join(lines),
        [
            [Button(f"advice:{report.id}", _("What do I do now?"))],
            [Button("cmd:rensa", _("Clear the chat"))],
            *menu_buttons(ctx),
        ],
        anew=f"arende {reference}",  # back later: her case as it is then, who has it now
    )
    return END


async def _goes_on(ctx: Context, alert_id: str, minutes: int, following: str) -> str:
    """When the report goes on to the next if nobody takes it: within the plan's wait, or,
    sent calmly in the quiet hours, in the morning (not "within 2 hours" at 23:00)."""
    _ = ctx._
    due = min(
        (t.due_at for t in await TimerRepo(ctx.session).pending(ESCALATE, alert_id)), default=None
    )
    if due is None or due <= ctx.now + timedelta(minutes=minutes):
        return _("If nobody has taken it within {wait}, it goes to {names}.").format(
            wait=_duration(ctx, minutes), names=following
        )
    return _(
        "If nobody has taken it by {when}, it goes to {names}. If you need someone tonight: /akut"
    ).format(when=ctx.when(due), names=following)


async def _taken_akut(ctx: Context, draft: Draft, levels: Levels) -> Alert | None:
    """Her /akut alert of the last day that someone among the report's recipients took:
    a report about herself is most likely about the same danger, and theirs."""
    if about_someone_else(draft.answers):
        return None
    ids = {card.person_id for card in everyone(levels)}
    for alert in await AlertRepo(ctx.session).standing_akut(ctx.person.id, ctx.now - LINKED_FOR):
        if alert.status is AlertStatus.ACKNOWLEDGED and alert.acknowledged_by in ids:
            return alert
    return None


def _card(levels: Levels, person_id: int | None) -> ContactCard | None:
    return next((c for c in everyone(levels) if c.person_id == person_id), None)
