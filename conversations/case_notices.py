"""Messages about a case's checklist, notes and closing: the owner of an item told it is
due, a message to the targeted person, a case closed or opened again."""

from __future__ import annotations

from datetime import date, datetime

from conversations.events import Button, Reply
from conversations.i18n import DISPLAY_TZ, format_day, format_when, names_list, shown_name
from conversations.notice_context import (
    NOTICE_TOKEN,
    RenderContext,
    Renderer,
    case_button,
    report_of,
)
from storage.alerts import AlertRepo
from storage.cases import CaseRepo
from storage.directory import DirectoryRepo
from storage.errors import NotFound
from storage.models import CaseNote, OutboxMessage, Person, Role
from storage.viewer import Viewer

ITEM_OWNED = "item_owned"  # a checklist item's owner: the case needs you now
CASE_MESSAGE = "case_message"  # a note sent to the targeted person
CASE_WRITTEN = "case_written"  # written to her from the case card: the words, and the answer
CASE_CLOSED = "case_closed"
CASE_REOPENED = "case_reopened"
CASE_EVIDENCE = "case_evidence"  # the targeted person sent a file after her report
ABOUT_A_CASE_TO_ANYONE = {ITEM_OWNED, CASE_CLOSED, CASE_REOPENED}  # anyone who may access it
FOR_THE_REPORTER = {CASE_MESSAGE, CASE_WRITTEN}
FOR_THE_HANDLERS = {CASE_EVIDENCE}


async def _shown_name(rc: RenderContext, person_id: object) -> str:
    """Someone's name for the recipient; a role for a recipient not in the directory."""
    person = await rc.session.get(Person, int(str(person_id))) if person_id else None
    if person is None:
        return "–"
    if not Viewer.of(rc.recipient).registered:  # an unregistered person sees nobody's name
        unit = person.role is Role.MUNICIPAL_SECURITY
        label = rc._("municipal security unit") if unit else rc._("party security contact")
        return label[:1].upper() + label[1:]
    card, _party, _m = await DirectoryRepo(rc.session).describe(Viewer.of(rc.recipient), person.id)
    return shown_name(rc._, card)


async def _reachable(rc: RenderContext, person_id: int) -> str:
    """'Pia Lind (+46 70 174 06 11)': someone the recipient is to ask, with the number the
    directory gives the recipient (no number for one who sees nobody's name)."""
    name = await _shown_name(rc, person_id)
    if person_id == rc.recipient.id or not Viewer.of(rc.recipient).registered:
        return name
    try:
        card, _p, _m = await DirectoryRepo(rc.session).describe(Viewer.of(rc.recipient), person_id)
    except NotFound:
        return name
    return f"{name} ({card.phone})" if card.phone else name


async def render_item_owned(rc: RenderContext, message: OutboxMessage) -> Reply:
    """Tell the owner of checklist items (the municipal director) that a case needs them:
    the reference and the routine's items, never the report's words."""
    _ = rc._
    report = await report_of(rc, message)
    if report is None:
        return Reply(_("A case in Trygg was closed before you saw this reminder."))
    items = {i.id: i for i in rc.packs.get(report.pack).checklist}
    ids = message.payload.get("items") or [message.payload.get("item")]  # older: one item
    mine = [items[str(i)] for i in ids if str(i) in items]
    lines = [_("Case {ref} needs you. Yours in its checklist:").format(ref=report.ref)]
    for item in mine:
        lines.append(f"• {item.step} {item.check.get(rc.locale)}")
        if item.action is not None:
            lines.append(item.action.get(rc.locale))
    lines.append(_("Reported by {name}.").format(name=await _shown_name(rc, report.reporter_id)))
    alerted = sorted(await AlertRepo(rc.session).report_alerted(report.id))
    taken = await AlertRepo(rc.session).report_taken_by(report.id)
    if taken is not None:  # Pia was alerted first, Per took it: he has it now
        alerted = [taken]
    if alerted:  # they read the report: the director reads only its header and checklist
        names = [await _reachable(rc, person_id) for person_id in alerted]
        ngettext = rc.ngettext or (lambda one, other, n: one if n == 1 else other)
        lines.append(
            ngettext(
                "{names} has the report and can tell you what happened.",
                "{names} have the report and can tell you what happened.",
                len(names),
            ).format(names=names_list(_, names))
        )
    return Reply("\n".join(lines), case_button(rc, report), NOTICE_TOKEN)


async def render_case_message(rc: RenderContext, message: OutboxMessage) -> Reply:
    """Tell the targeted person that someone who handles her case wrote to her; the words
    stay inside the case (a push is shown on a locked phone)."""
    _ = rc._
    report = await report_of(rc, message)
    note = await rc.session.get(CaseNote, int(message.payload.get("note", 0)))
    if report is None or note is None:
        return Reply(_("Trygg: write to me whenever you need."))
    who = await _shown_name(rc, note.author_id)
    return Reply(
        _("{name} has written to you about your case {ref}.").format(name=who, ref=report.ref),
        ((Button(f"cmd:arende {report.ref}", _("Read the message")),),),
        NOTICE_TOKEN,
    )


async def render_case_written(rc: RenderContext, message: OutboxMessage) -> Reply:
    """Give her what someone who handles her case wrote to her, and how to answer."""
    _ = rc._
    report = await report_of(rc, message)
    repo = CaseRepo(rc.session, rc.keyring) if rc.keyring is not None else None
    note_id, viewer = int(message.payload.get("note", 0)), Viewer.of(rc.recipient)
    note = await repo.message_to(viewer, report, note_id) if repo and report else None
    if report is None or repo is None or note is None:
        return Reply(_("Trygg: write to me whenever you need."))
    who = await _shown_name(rc, note.author_id)
    lines = [
        _("In danger now: call {number}.").format(number="112"),
        _("{name} writes about your case {ref}:").format(name=who, ref=report.ref),
        repo.note_text(note),
        _("Answer here, and {name} will see it.").format(name=who),
    ]
    return Reply("\n".join(lines))


async def render_case_evidence(rc: RenderContext, message: OutboxMessage) -> Reply:
    """Tell those who handle a case that its reporter sent a file to it (the file itself
    only inside the case: a push is shown on a locked phone)."""
    _ = rc._
    report = await report_of(rc, message)
    if report is None:
        return Reply(_("A case in Trygg has already been purged."))
    who = await _shown_name(rc, report.reporter_id)
    told = _("Case {ref}: {name} has sent a file to the case.").format(ref=report.ref, name=who)
    return Reply(
        told + "\n" + _("Open the case and show the report to see it."),
        case_button(rc, report),
        NOTICE_TOKEN,
    )


async def render_case_closed(rc: RenderContext, message: OutboxMessage) -> Reply:
    """Tell the targeted person, and the others with access, that the case was closed."""
    _ = rc._
    report = await report_of(rc, message)
    if report is None:
        return Reply(_("A case in Trygg has already been purged."))
    who = await _shown_name(rc, message.payload.get("by"))
    off = [datetime.fromisoformat(str(when)) for when in message.payload.get("off", [])]
    if report.reporter_id == rc.recipient.id:
        text = "\n".join(
            [
                _("In danger now: call 112. Not urgent: the police on 114 14."),  # it may return
                _("Your case {ref} has been closed by {name}.").format(ref=report.ref, name=who),
                *(
                    _("The follow-up call {when} is called off.").format(
                        when=format_when(when, rc.locale, message.created_at)
                    )
                    for when in off
                ),
                *(
                    _("The follow-up call planned for around {day} is called off.").format(
                        day=format_day(
                            date.fromisoformat(str(day)),
                            message.created_at.astimezone(DISPLAY_TZ).date(),
                            rc.locale,
                        )
                    )
                    for day in message.payload.get("days_off", [])
                ),
                *(
                    [_("You asked for a call: that stands, someone will call you.")]
                    if await AlertRepo(rc.session).untaken_calls(report.id)
                    else []
                ),
                _("You can always write to me."),
            ]
        )
    else:
        text = _("Case {ref} has been closed by {name}.").format(ref=report.ref, name=who)
    return Reply(text, case_button(rc, report), NOTICE_TOKEN)


async def render_case_reopened(rc: RenderContext, message: OutboxMessage) -> Reply:
    """Tell the targeted person, and the others with access, that the case is open again."""
    _ = rc._
    report = await report_of(rc, message)
    if report is None:
        return Reply(_("A case in Trygg has already been purged."))
    who = await _shown_name(rc, message.payload.get("by"))
    if report.reporter_id != rc.recipient.id:
        text = _("Case {ref} has been opened again by {name}.").format(ref=report.ref, name=who)
        return Reply(text, case_button(rc, report), NOTICE_TOKEN)
    lines = [
        _("In danger now: call 112. Not urgent: the police on 114 14."),
        _("Your case {ref} has been opened again by {name}.").format(ref=report.ref, name=who),
    ]
    handler = await CaseRepo(rc.session, rc.keyring).taken_by(report) if rc.keyring else None
    if handler is not None:  # who she will hear from
        name = await _shown_name(rc, handler)
        lines.append(_("{name} has your case and will contact you.").format(name=name))
    return Reply("\n".join(lines), case_button(rc, report), NOTICE_TOKEN)


CASE_RENDERERS: dict[str, Renderer] = {
    ITEM_OWNED: render_item_owned,
    CASE_MESSAGE: render_case_message,
    CASE_WRITTEN: render_case_written,
    CASE_EVIDENCE: render_case_evidence,
    CASE_CLOSED: render_case_closed,
    CASE_REOPENED: render_case_reopened,
}
