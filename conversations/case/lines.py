"""The checklist and the notes as a case view shows them: each item's state with who answered
and when (the paper form's "Check!" column), and the notes the viewer may read, each
labelled internal or a message."""

from __future__ import annotations

from datetime import timedelta

from conversations.about import about_someone_else, named_target
from conversations.desk.unit import unit_contacted, unit_reached
from conversations.desk.words import (
    ANSWERS,
    ROLE_LABELS,
    WRITTEN,
    answer_label,
    name_of,
    responsible_for,
)
from conversations.flow import Context
from conversations.packs import ChecklistItem, Pack, Reader
from conversations.report.legacy import upgrade
from storage.access import Access, responsibility_key
from storage.cases import CHECKIN_NOTE, INTERNAL_NOTE, CaseRepo, ItemState
from storage.models import CaseNote, Report, ReportStatus
from storage.reports import ReportRepo

MARKS = {"yes": "✓", "text": "✓", "no": "✗", "na": "–"}
OPEN = "·"


async def reader_of(ctx: Context, report: Report, access: Access) -> Reader | None:
    """How the viewer reads the checklist: the targeted person in the pack's words for her
    ("Har du valt en stödperson?"), someone who reported for another with that person's name
    ("Har Eva Ek valt en stödperson?"), staff in the routine's own (None, or only who at the
    unit has it). With who took the report and who at the municipality's unit has it (3.1.1
    is about them: done once the plan sent it there, for her and for staff alike)."""
    if access is not Access.OWN:
        unit = await unit_reached(ctx, report)
        return Reader(unit=unit) if unit is not None else None
    answers = upgrade(ReportRepo(ctx.session, ctx.keyring).answers(report))
    contact, unit = await _who_has_it(ctx, report)
    if about_someone_else(answers):
        name = named_target(answers) or ctx._("the person")
        return Reader(name=name, contact=contact, unit=unit)
    return Reader(own=True, contact=contact, unit=unit)


async def _who_has_it(ctx: Context, report: Report) -> tuple[str | None, str | None]:
    """The name of the one who took the report, and those of the unit's people it reached
    (the plan sent it there), if any."""
    taker = await CaseRepo(ctx.session, ctx.keyring).taken_by(report)
    contact = await name_of(ctx, taker) if taker is not None else None
    return contact, await unit_reached(ctx, report)


def sent_line(ctx: Context, item: ChecklistItem, reader: Reader, *, numbered: bool) -> str:
    """'✓ 3.1.1 Kommunens säkerhetsenhet är kontaktad (Sara Strand).': an item the report's
    sending answered (the plan sent it to the unit), with no answer stored."""
    step = f"{item.step} " if numbered else ""
    return f"✓ {step}" + unit_contacted(ctx, reader.unit or "")


async def answered(ctx: Context, state: ItemState) -> str:
    """'Nej, Kent Dahl 24 nov. 2026 10:12': the answer, who gave it and when."""
    who = await name_of(ctx, state.answered_by)
    return f"{answer_label(ctx, state)}, {who} {ctx.when(state.answered_at)}"


async def answered_line(
    ctx: Context,
    item: ChecklistItem,
    state: ItemState,
    *,
    numbered: bool = True,
    reader: Reader | None = None,
) -> str:
    """'✗ 3.1.3 Har händelsen polisanmälts? – Nej, Kent Dahl 24 nov. 2026 10:12' (without the
    plan's step number for the reporter, in the words for her: ``reader``)."""
    step = f"{item.step} " if numbered else ""
    line = (
        f"{MARKS.get(state.answer, '✓')} {step}{item.asked(ctx.locale, reader)}"
        f" – {await answered(ctx, state)}"
    )
    if state.previous is not None and state.previous != state.answer:
        before = ctx._(ANSWERS.get(state.previous, WRITTEN))
        line += " " + ctx._("(changed, before: {answer})").format(answer=before)
    return line


async def own_lines(
    ctx: Context,
    pack: Pack,
    state: dict[str, ItemState],
    open_case: bool = True,
    *,
    reader: Reader | None = None,
) -> list[str]:
    """The checklist as the targeted person reads it: what has been done, then (while the
    case is open) what is hers to answer; not the staff's open items, nor step numbers.
    ``reader``: asked of her ("Har du fått …"), or of someone who reported for her."""
    _ = ctx._
    lines = [_("What has been done in your case:")]
    done = [item for item in pack.checklist if item.id in state]
    sent = [i for i in pack.checklist if i.id not in state and i.done_by_sending(reader)]
    if sent and reader is not None:  # 3.1.1: the plan sent her report to the unit; not asked
        lines.append(sent_line(ctx, sent[0], reader, numbered=False))
    for item in done:
        lines.append(await answered_line(ctx, item, state[item.id], numbered=False, reader=reader))
        comment = state[item.id].comment
        if comment and state[item.id].answer != "text":  # storage gives her her own only
            label = _("Your comment")
            lines.append(f"    {label}: {comment}")
    if not done and not sent:
        lines.append(_("Nothing is marked as done yet."))
    key = responsibility_key(Access.OWN, ctx.person.role)  # "targeted": her part in a routine
    mine = [
        i for i in pack.checklist if i.id not in state and responsible_for(i, key) and i not in sent
    ]
    if mine and open_case:
        lines += ["", _("For you to answer:")]
        lines += [f"{OPEN} {item.asked(ctx.locale, reader)}" for item in mine]
    return lines


async def checklist_lines(
    ctx: Context,
    pack: Pack,
    state: dict[str, ItemState],
    access: Access,
    status: ReportStatus = ReportStatus.SUBMITTED,
    reporter_id: int | None = None,
    *,
    reader: Reader | None = None,
) -> list[str]:
    """Every item of the routine: done, answered no, not applicable, or open with the role
    responsible, or done by the report's sending (``reader``: 3.1.1 once the plan sent it to
    the unit); comments are internal notes, but for the targeted person's own (she reads
    :func:`own_lines`)."""
    _ = ctx._
    if access is Access.OWN:
        return await own_lines(ctx, pack, state, status is not ReportStatus.CLOSED, reader=reader)
    lines = []
    for item in pack.checklist:
        done = state.get(item.id)
        if done is None and reader is not None and item.done_by_sending(reader):
            lines.append(sent_line(ctx, item, reader, numbered=True))
            continue
        if done is None:
            roles = ", ".join(_(ROLE_LABELS[r]) for r in item.responsible)
            lines.append(f"{OPEN} {item.step} {item.check.get(ctx.locale)} ({roles})")
            continue
        lines.append(await answered_line(ctx, item, done))
        if done.comment and done.answer != "text":
            label = _("Internal note")
            if reporter_id is not None and done.answered_by == reporter_id:  # hers: not internal
                label = _("Comment from {name}").format(name=await name_of(ctx, reporter_id))
            lines.append(f"    {label}: {_hanging(done.comment)}")
        for before in done.earlier:  # a changed answer keeps what was written with the old one
            if before.comment and before.answer != "text":
                said = _("Before ({answer}): {comment}").format(
                    answer=await answered(ctx, before), comment=before.comment
                )
                lines.append(f"    {said}")
    return lines


def open_items(
    pack: Pack, state: dict[str, ItemState], key: str, reader: Reader | None = None
) -> tuple[list[ChecklistItem], list[ChecklistItem]]:
    """The open items that are the viewer's (by her part in the routine, ``key``), and all the
    open items of the case: the card, the next step and closing count the same. Not one the
    report's sending answered (``reader``: 3.1.1 once the plan sent it to the unit)."""
    still_open = [
        item for item in pack.checklist if item.id not in state and not item.done_by_sending(reader)
    ]
    return [item for item in still_open if responsible_for(item, key)], still_open


def open_counts(ctx: Context, mine: int, total: int) -> str:
    """'3 öppna för dig, 8 i ärendet': whose the open items are, in the same words everywhere."""
    if not total:
        return ctx._("all answered")
    if not mine:
        return ctx.ngettext(
            "{total} open in the case, none for you",
            "{total} open in the case, none for you",
            total,
        ).format(total=total)
    return ctx.ngettext(
        "{mine} open for you, {total} in the case", "{mine} open for you, {total} in the case", mine
    ).format(mine=mine, total=total)


LATELY = timedelta(days=1)


def lately_written(ctx: Context, notes: list[tuple[CaseNote, str]]) -> bool:
    """Whether the targeted person wrote to the case within the last day: those who handle it
    read her words first (they may tell of new danger)."""
    return any(
        row.kind == CHECKIN_NOTE and ctx.now - row.created_at <= LATELY for row, _text in notes
    )


async def written_lines(
    ctx: Context, report: Report, notes: list[tuple[CaseNote, str]], access: Access
) -> list[str]:
    """What the targeted person wrote to the case (check-in replies, words of her own)."""
    _ = ctx._
    replies = [(row, text) for row, text in notes if row.kind == CHECKIN_NOTE]
    if not replies:
        return []
    heading = (
        _("What you wrote:")
        if access is Access.OWN
        else _("What {name} wrote:").format(name=await name_of(ctx, report.reporter_id))
    )
    return [
        "",
        heading,
        *(
            f"• {ctx.when(row.created_at)}: " + _hanging(_("“{text}”").format(text=text))
            for row, text in replies
        ),
    ]


async def note_lines(
    ctx: Context,
    report: Report,
    notes: list[tuple[CaseNote, str]],
    access: Access,
    *,
    hers: bool = True,
) -> list[str]:
    """The notes the viewer may read (storage has filtered them): check-in replies (unless
    ``hers`` is False: shown already), internal notes and messages to the targeted person,
    each saying which it is."""
    _ = ctx._
    lines = await written_lines(ctx, report, notes, access) if hers else []
    written = [(row, text) for row, text in notes if row.kind != CHECKIN_NOTE]
    if not written:
        return lines
    lines += ["", _("Messages to you:") if access is Access.OWN else _("Notes:")]
    person = await name_of(ctx, report.reporter_id)
    for row, text in written:
        who = await name_of(ctx, row.author_id)
        when = ctx.when(row.created_at)
        if access is Access.OWN:
            label = _("Message from {name} ({when})").format(name=who, when=when)
        elif row.kind == INTERNAL_NOTE:
            label = _("Internal note ({name}, {when})").format(name=who, when=when)
        else:
            label = _("Message to {person} ({name}, {when})").format(
                person=person, name=who, when=when
            )
        lines.append(f"• {label}: {_hanging(text)}")
    return lines


def _hanging(text: str) -> str:
    """Indent the lines after the first, so that a note written in several messages
    reads as one item of the list."""
    return text.replace("\n", "\n  ")
