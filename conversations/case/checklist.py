"""The routine's checklist: each item answered, and changed, by the role the routine names."""

from __future__ import annotations

from conversations.akut_words import tells_danger
from conversations.case.common import (
    ANSWERS,
    NOTHING,
    Case,
    found_case,
    gone,
    keep_typed,
    name_of,
    repeat,
    responsible_for,
    role_key,
)
from conversations.case.lines import answered, reader_of
from conversations.case.next_step import carry_on, first_open, leave_open
from conversations.case.typed_answers import dated, read_typed
from conversations.case.view import show_case
from conversations.desk import checklist as desk
from conversations.desk.errors import Refused
from conversations.desk.words import WRITTEN
from conversations.events import Button, InboundEvent, phrase_of
from conversations.flow import Context, StateResult
from conversations.packs import ChecklistItem, Pack, Reader
from conversations.report.typed import normalised
from conversations.texts import choose_below
from storage.access import Access
from storage.cases import CaseRepo, ItemState
from storage.models import Report, ReportStatus

WAITING = "item_words"  # conversation data: words that become an item's comment when answered


def _short(ctx: Context, state: ItemState) -> str:
    """An answer in a word or two (a written one is only said to be written)."""
    return ctx._(ANSWERS.get(state.answer, WRITTEN))


def _item(pack: Pack, item_id: object) -> ChecklistItem | None:
    return next((i for i in pack.checklist if i.id == item_id), None)


UNSURE = frozenset(
    ("vet inte", "vet ej", "vet inte än", "ingen aning", "don't know", "dont know", "no idea")
)
"""Typed at an item: the answer is not known yet; it stays open."""

LATER = frozenset(("hoppa över", "hoppa över den", "skip", "skip it", "senare", "later"))
"""Typed where a written answer is asked ("Följande har informerats om händelsen:"): no
answer, the item stays open."""


async def _ask(
    ctx: Context,
    item: ChecklistItem,
    current: ItemState | None,
    *,
    own: bool = False,
    reader: Reader | None = None,
) -> StateResult:
    """Ask an item's Check! question: Ja / Nej / Inte aktuellt, or a written answer. The
    reporter gets the question alone, without the routine's words for staff, and may say
    she does not know, in the pack's words for her (``reader``: "Har du valt en
    stödperson?", or for someone who reported for another "Har Eva Ek valt en stödperson?")."""
    _ = ctx._
    text = f"{item.step}: {item.check.get(ctx.locale)}"
    if item.action is not None:  # the routine's words, then the check that follows them
        text = f"{item.step}: {item.action.get(ctx.locale)}\n\n{item.check.get(ctx.locale)}"
    if own:  # "Den som har blivit utsatt … informerar partiets säkerhetsansvarig": not for her
        text = _("A question about your case:") + "\n" + item.asked(ctx.locale, reader)
    if item.comment is not None:
        text += f"\n({item.comment.get(ctx.locale)})"
    if current is not None:
        text += "\n" + _("Now: {line}").format(line=await answered(ctx, current))
    if item.answer == "text":
        ctx.reply(text + "\n" + _("Write your answer."), [[Button("case:view", _("Back"))]])
        return Case.CHECK
    answers = [
        Button("check:yes", _("Yes")),
        Button("check:no", _("No")),
        Button("check:na", _("Not applicable")),
    ]
    unsure = [Button("check:unsure", _("I don't know"))] if own else []
    ctx.reply(text, [answers, [*unsure, Button("case:view", _("Back"))]])
    return Case.CHECK


async def typed_in_view(ctx: Context, event: InboundEvent) -> StateResult:
    """Keep words typed at the case view as storage lets the viewer; the director, who keeps
    no notes, has them kept for his next open item, as its comment once he answers it ("Jag
    har pratat med polisen" at 3.1.3)."""
    found = await found_case(ctx, Access.CHECKLIST)
    typed = event.text.strip()
    if found is None or found[1] is not Access.CHECKLIST or not typed:
        return await repeat(ctx, event)
    report, access = found
    item = await _open_item(ctx, report, access, await reader_of(ctx, report, access))
    if item is None or report.status is ReportStatus.CLOSED:
        return await repeat(ctx, event)
    _wait(ctx, item, typed)
    ctx.reply(
        ctx._("I will keep your words as the comment on {step} when you choose its answer.").format(
            step=item.step
        )
    )
    ctx.data["item"] = item.id
    ctx.data.pop("changing", None)
    return await _ask(ctx, item, None)


def _wait(ctx: Context, item: ChecklistItem, typed: str) -> None:
    """Keep words for an item's comment until it is answered."""
    waiting = ctx.data.get(WAITING) or {}
    earlier = waiting.get("text") if waiting.get("item") == item.id else None
    ctx.data[WAITING] = {"item": item.id, "text": "\n".join(filter(None, [earlier, typed]))}


def _waiting_for(ctx: Context, item: ChecklistItem) -> str | None:
    """The words kept for this item's comment (taken: they go with its answer now)."""
    waiting = ctx.data.get(WAITING) or {}
    if waiting.get("item") != item.id:
        return None
    ctx.data.pop(WAITING, None)
    return str(waiting.get("text") or "") or None


async def _open_item(
    ctx: Context, report: Report, access: Access, reader: Reader | None = None
) -> ChecklistItem | None:
    """The viewer's next open checklist item in this case (not one the report's sending
    answered: ``reader``, 3.1.1 once the plan sent it to the unit)."""
    pack = ctx.packs.get(report.pack)
    state = await CaseRepo(ctx.session, ctx.keyring).checklist(report, ctx.viewer)
    key = role_key(access, ctx.person.role, report)
    mine = [
        i
        for i in pack.checklist
        if i.id not in state and responsible_for(i, key) and not i.done_by_sending(reader)
    ]
    return first_open(ctx, report, mine)


async def next_item(ctx: Context, event: InboundEvent) -> StateResult:
    """Offer the next open checklist item that is the viewer's to answer."""
    _ = ctx._
    found = await found_case(ctx, Access.CHECKLIST)
    if found is None:
        return await gone(ctx)
    report, access = found
    if report.status is ReportStatus.CLOSED:
        return await show_case(ctx)
    reader = await reader_of(ctx, report, access)
    item = await _open_item(ctx, report, access, reader)
    ctx.data.pop("changing", None)
    if item is None:
        return await carry_on(ctx, _("You have no open checklist items in this case. Thank you."))
    ctx.data["item"] = item.id
    own = access is Access.OWN
    return await _ask(ctx, item, None, own=own, reader=reader)


async def start_change(ctx: Context, event: InboundEvent) -> StateResult:
    """List the answered items that are the viewer's to change."""
    _ = ctx._
    found = await found_case(ctx, Access.CHECKLIST)
    if found is None:
        return await gone(ctx)
    report, access = found
    pack = ctx.packs.get(report.pack)
    state = await CaseRepo(ctx.session, ctx.keyring).checklist(report, ctx.viewer)
    key = role_key(access, ctx.person.role, report)
    items = [i for i in pack.checklist if i.id in state and responsible_for(i, key)]
    if report.status is ReportStatus.CLOSED or not items:
        return await carry_on(ctx, _("You have no answers to change in this case."))
    own = access is Access.OWN  # the reporter reads no step numbers, and the words for her
    reader = await reader_of(ctx, report, access)
    buttons = [
        [
            Button(
                f"chg:{i.id}",
                ("" if own else f"{i.step} ")
                + f"{i.asked(ctx.locale, reader)} – {_short(ctx, state[i.id])}",
            )
        ]
        for i in items
    ]
    ctx.reply(
        _("Which answer do you want to change?"), [*buttons, [Button("case:view", _("Back"))]]
    )
    return Case.CHANGE


async def change_item(ctx: Context, event: InboundEvent) -> StateResult:
    """Ask the chosen item's question again, showing the answer it has now."""
    _ = ctx._
    found = await found_case(ctx, Access.CHECKLIST)
    if found is None:
        return await gone(ctx)
    report, access = found
    item = _item(ctx.packs.get(report.pack), event.button.removeprefix("chg:"))
    state = await CaseRepo(ctx.session, ctx.keyring).checklist(report, ctx.viewer)
    mine = item is not None and responsible_for(item, role_key(access, ctx.person.role, report))
    if item is None or not mine or report.status is ReportStatus.CLOSED:
        return await carry_on(ctx, _("That answer is not yours to change."))
    ctx.data["item"], ctx.data["changing"] = item.id, True
    reader = await reader_of(ctx, report, access)
    return await _ask(ctx, item, state.get(item.id), own=access is Access.OWN, reader=reader)


async def answer_item(ctx: Context, event: InboundEvent) -> StateResult:
    """Record Ja / Nej / Inte aktuellt (or a written answer) with who and when; ask for a
    comment, which stays internal."""
    _ = ctx._
    found = await found_case(ctx, Access.CHECKLIST)
    if found is None:
        return await gone(ctx)
    report, access = found
    pack = ctx.packs.get(report.pack)
    item = _item(pack, ctx.data.get("item"))
    if item is None or not responsible_for(item, role_key(access, ctx.person.role, report)):
        return await show_case(ctx)
    typed = event.text.strip()
    comment: str | None = None
    own = access is Access.OWN  # staff's typed words are kept ("Vet inte än" as a comment)
    if own and (event.button == "check:unsure" or normalised(typed) in UNSURE):  # "vet inte"
        ctx.data.pop("changing", None)
        leave_open(ctx, report, item.id)
        return await carry_on(
            ctx, _("Then I leave it open. Those handling your case can go through it with you.")
        )
    if event.button:
        answer = event.button.removeprefix("check:")
    elif item.answer == "text" and phrase_of(typed) in LATER:  # not its answer: left open
        ctx.data.pop("changing", None)
        leave_open(ctx, report, item.id)
        return await carry_on(
            ctx,
            _("I leave {step} open: you can answer it later.").format(step=item.step),
            ahead=False,
        )
    elif item.answer == "text":
        answer = "text" if typed else ""
    else:
        answer, comment = read_typed(typed, ctx.now, ctx.locale)
    if not (answer == "text" if item.answer == "text" else answer in ANSWERS):
        if own and comment:  # her words are for those handling it: she is not held here
            ctx.data.pop("changing", None)
            kept = await keep_typed(ctx, comment)
            return await carry_on(
                ctx, " ".join(filter(None, [kept, _("I leave the question open.")]))
            )
        ctx.reply(await _kept(ctx, item, comment))
        ctx.again()
        return None
    if answer == "text":
        comment = typed
    elif (waiting := _waiting_for(ctx, item)) is not None:  # the director's words, kept
        comment = "\n".join(filter(None, [waiting, comment]))
    try:
        _said, brought = await desk.answer_and_bring_in(ctx, report, item.id, answer, comment)
    except Refused as refused:
        return await carry_on(ctx, refused.message)
    if answer == "text":
        return await _after(ctx, event)
    if comment:
        if access is Access.OWN:
            said = _(
                "Saved: {answer}, with your words as the comment. "
                "Those who handle your case see it."
            )
        else:
            said = _("Saved: {answer}, with your words as the internal comment.")
        # "Sara Strand på kommunens säkerhetsenhet har nu ärendet …" (3.1.1 "Ja")
        ctx.reply("\n".join(filter(None, [said.format(answer=_(ANSWERS[answer])), brought])))
        return await _after(ctx, event)
    if access is Access.OWN:
        ask = _("Saved: {answer}. Add a comment, or skip. Those who handle your case see it.")
    else:
        ask = _(
            "Saved: {answer}. Add a comment (e.g. who), or skip. "
            "The comment is internal: {name} does not see it."
        )
    person = await name_of(ctx, report.reporter_id)
    asked = ask.format(answer=_(ANSWERS[answer]), name=person)
    ctx.reply("\n".join(filter(None, [asked, brought])), [[Button("check:skip", _("Skip"))]])
    return Case.CHECK_COMMENT


async def _kept(ctx: Context, item: ChecklistItem, typed: str | None) -> str:
    """Keep words typed without an answer where the viewer may; say so and ask for the answer."""
    _ = ctx._
    if not typed:
        return choose_below(ctx)
    kept = await keep_typed(ctx, typed)
    if kept is None:  # the director keeps no notes: his words go with the answer
        _wait(ctx, item, typed)
        return _(
            "I will keep your words as the comment on {step} when you choose its answer."
        ).format(step=item.step)
    return kept + " " + _("Now choose the answer for {step}:").format(step=item.step)


async def _after(ctx: Context, event: InboundEvent) -> StateResult:
    """After an answer: back to the case if it was a change, else the next item."""
    if ctx.data.pop("changing", None):
        return await carry_on(
            ctx, ctx._("Changed. The earlier answer is kept in the case's history.")
        )
    return await next_item(ctx, event)


async def skip_comment(ctx: Context, event: InboundEvent) -> StateResult:
    """No comment: go on."""
    return await _after(ctx, event)


async def comment_item(ctx: Context, event: InboundEvent) -> StateResult:
    """Keep the comment with the answer (sealed; internal), then go on."""
    found = await found_case(ctx, Access.CHECKLIST)
    if found is None:
        return await gone(ctx)
    report, access = found
    item_id = ctx.data.get("item")
    if phrase_of(event.text) in NOTHING:  # "hoppa över", as the button beside it
        return await skip_comment(ctx, event)
    typed = event.text.strip()
    asks = typed.endswith("?") and len(typed.split()) >= 2
    if access is Access.OWN and (asks or tells_danger(typed)):  # "Vad gör jag nu?": to them
        kept = await keep_typed(ctx, typed)
        if kept:
            ctx.reply(kept)
        return await _after(ctx, event)
    if typed and item_id:  # "gjort i fredags" kept with the day's date
        await CaseRepo(ctx.session, ctx.keyring).comment_item(
            ctx.viewer, report, str(item_id), dated(typed, ctx.now, ctx.locale), ctx.now
        )
    return await _after(ctx, event)
