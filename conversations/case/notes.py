"""Notes on a case by those who handle it: internal (the default), or a message to the
targeted person, chosen explicitly and labelled as such when written and when read."""

from __future__ import annotations

import contextlib
from dataclasses import replace

from conversations.case.common import Case, found_case, gone, name_of
from conversations.case.next_step import carry_on
from conversations.desk.errors import Refused
from conversations.desk.notes import keep_note, send_note
from conversations.events import Button, InboundEvent, phrase_of
from conversations.flow import Context, StateResult
from conversations.texts import choose_below
from storage.access import Access
from storage.cases import CaseRepo
from storage.models import Report


async def start_note(ctx: Context, event: InboundEvent) -> StateResult:
    """Ask for the note, saying who will see it."""
    _ = ctx._
    found = await found_case(ctx, Access.HANDLER)
    if found is None:
        return await gone(ctx)
    report, _access = found
    ctx.data.pop("note", None)
    lines = [_("Write your note."), _("Internal note – only those who handle the case see it.")]
    if report.reporter_id is not None:
        person = await name_of(ctx, report.reporter_id)
        lines.append(_("Afterwards you can choose to send it to {name}.").format(name=person))
    ctx.reply("\n".join(lines), [[Button("case:view", _("Back"))]])
    return Case.NOTE_TEXT


async def note_text(ctx: Context, event: InboundEvent) -> StateResult:
    """Keep the note at once as internal (sealed), then ask whether the person gets it."""
    _ = ctx._
    found = await found_case(ctx, Access.HANDLER)
    if found is None:
        return await gone(ctx)
    report, access = found
    text = event.text.strip()
    if not text:
        ctx.again()
        return None
    try:
        note = await keep_note(ctx, report, access, text)
    except Refused as refused:
        ctx.reply(refused.message)
        ctx.again()
        return None
    ctx.data["note"] = note.id
    person = await name_of(ctx, report.reporter_id)
    ctx.reply(
        _("Saved as an internal note: {name} does not see it.").format(name=person)
        + "\n"
        + _("Keep it internal, or send it to {name}?").format(name=person),
        _kinds(ctx, report, person),
    )
    return Case.NOTE_KIND


def _kinds(ctx: Context, report: Report, person: str) -> list[list[Button]]:
    buttons = [[Button("note:internal", ctx._("Internal (default)"))]]
    if report.reporter_id is not None:
        buttons.append([Button("note:send", ctx._("Send to {name}").format(name=person))])
    return buttons


async def note_kind(ctx: Context, event: InboundEvent) -> StateResult:
    """Keep the note internal, or make it a message to the person and tell her."""
    _ = ctx._
    found = await found_case(ctx, Access.HANDLER)
    if found is None:
        return await gone(ctx)
    report, access = found
    note_id = ctx.data.pop("note", None)
    person = await name_of(ctx, report.reporter_id)
    if event.button != "note:send" or note_id is None or report.reporter_id is None:
        return await carry_on(
            ctx, _("The note is internal: {name} does not see it.").format(name=person)
        )
    said = ""
    with contextlib.suppress(Refused):
        said = await send_note(ctx, report, access, int(note_id))
    return await carry_on(ctx, said)


SEND = frozenset({"skicka", "skicka den", "skicka till henne", "send", "send it"})
PRONOUNS = frozenset({"henne", "honom", "hen", "dem", "her", "him", "them"})
INTERNAL = frozenset({"intern", "internt", "behåll intern", "internal", "keep it internal"})
"""Typed while the choice is open, these press its buttons."""


async def more_note(ctx: Context, event: InboundEvent) -> StateResult:
    """Text typed while the choice is open: "skicka" or "intern" choose; other words go on
    with the same note, which is shown whole (what is sent is what was written)."""
    _ = ctx._
    words = phrase_of(event.text).split()
    while words and words[0] in ("ja", "jo", "yes", "ok", "okej"):
        words = words[1:]  # "ja, skicka den"
    said = " ".join(words)
    if not said:  # "ja" alone answers neither "internal" nor "send"
        ctx.reply(choose_below(ctx))
        ctx.again()
        return None
    found = await found_case(ctx, Access.HANDLER)
    note_id = ctx.data.get("note")
    if found is None or note_id is None:
        return await note_text(ctx, event)
    report, _access = found
    person = await name_of(ctx, report.reporter_id)
    to = said.partition(" till ")[2] or said.partition(" to ")[2]
    sending = said.startswith(("skicka", "send"))
    if said in SEND or (sending and to and (to in PRONOUNS or to in phrase_of(person).split())):
        return await note_kind(ctx, replace(event, button="note:send"))
    if said in INTERNAL:
        return await note_kind(ctx, replace(event, button="note:internal"))
    repo = CaseRepo(ctx.session, ctx.keyring)
    whole = await repo.extend_note(ctx.viewer, report, int(note_id), event.text.strip(), ctx.now)
    ctx.reply(_("I added that to the note. It reads now:") + "\n" + whole)
    ctx.reply(
        _("Keep it internal, or send it to {name}?").format(name=person),
        _kinds(ctx, report, person),
    )
    return None
