"""/rapportera: the municipality's incident report form as a resumable conversation.

The questions come from the organisation's routine pack (conversations/packs/*.yaml).
Every answer is stored (sealed) the moment it arrives; ``STEPS`` (conversations/report_form.py)
is the whole form, in order, and the flow's table below is built from it.
"""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from conversations import quota
from conversations.alerts import raise_alert
from conversations.events import Button, InboundEvent
from conversations.flow import END, Context, Flow, Handler, Input, StateResult
from conversations.followups import schedule_case
from conversations.i18n import DISPLAY_TZ, format_when
from conversations.packs import Pack
from conversations.report_form import BY_STATE, ORDER, STEPS, Answers, R, Step
from conversations.routing import Levels, alert_levels, escalation_lines, everyone
from conversations.texts import menu_buttons
from storage.access import INTERNAL
from storage.directory import DirectoryRepo
from storage.models import Report
from storage.reports import AnyReport, ReportRepo
from storage.timers import TimerRepo
from storage.trust import AuditRepo

MAX_EVIDENCE_FILES = 30
MAX_EVIDENCE_BYTES = 200 * 1024 * 1024
SUMMARY_EXCERPT = 300
IDLE = timedelta(minutes=30)
CLEARABLE = timedelta(hours=47)  # Telegram lets a bot delete messages for 48 hours


# the form itself (states, questions in order) lives in conversations/report_form.py


# --- helpers ---------------------------------------------------------------------------------


@dataclass(slots=True)
class Draft:
    """The report being written and its answers (sealed at rest)."""

    repo: ReportRepo
    report: AnyReport  # the row every answer loads; its ORM object: repo.entity()
    answers: Answers
    pack: Pack
    party_pack: Pack | None

    def save(self, ctx: Context) -> None:
        self.repo.save_answers(self.report, self.answers, ctx.now)


async def load_draft(ctx: Context) -> Draft | None:
    """Return the person's unfinished report, if any."""
    repo = ReportRepo(ctx.session, ctx.keyring)
    report = await repo.draft(ctx.viewer)
    if report is None:
        return None
    party_pack = None
    if report.party_id is not None and ctx.person.party_id is not None:
        party_pack = ctx.packs.party_pack(ctx.person.party_pack)
    return Draft(repo, report, repo.answers(report), ctx.packs.get(report.pack), party_pack)


def text_of(ctx: Context, draft: Draft, msgid: str) -> str:
    """Translate a msgid, or look a 'pack:field:id' label up in the pack."""
    if msgid.startswith("pack:"):
        _, field, choice_id = msgid.split(":", 2)
        for choice in getattr(draft.pack, field):
            if choice.id == choice_id:
                return str(choice.label.get(ctx.locale))
        return choice_id
    return ctx._(msgid)


def question_text(ctx: Context, draft: Draft, step: Step) -> str:
    """Return the step's question: the pack's wording, or our sub-question."""
    question = draft.pack.questions.get(step.question)
    if question is None:
        return ctx._(step.question)
    text = question.text.get(ctx.locale)
    if question.help is not None:
        text += f"\n({question.help.get(ctx.locale)})"
    return text


def next_state(answers: Answers, after: R | None) -> R:
    """Return the first applicable step after ``after`` (or the summary)."""
    start = 0 if after is None else ORDER.index(after) + 1
    for state in ORDER[start:]:
        if BY_STATE[state].applies(answers):
            return state
    return R.SUMMARY


def nav_row(ctx: Context, step: Step) -> list[Button]:
    _ = ctx._
    row = [Button("nav:back", _("Back"))]
    if step.optional:
        row.append(Button("nav:skip", _("Skip")))
    return row


async def municipality_options(ctx: Context) -> list[tuple[str, str]]:
    return [(key, name) for key, name in await DirectoryRepo(ctx.session).municipalities()]


async def ask(ctx: Context, draft: Draft, state: R) -> StateResult:
    """Ask the question of ``state`` (or show the summary) and go there."""
    if state is R.SUMMARY:
        return await show_summary(ctx, draft)
    step = BY_STATE[state]
    _ = ctx._
    draft.answers["_at"] = state.value
    draft.save(ctx)
    text = question_text(ctx, draft, step)
    buttons: list[list[Button]] = []
    if step.state is R.MUNICIPALITY:
        options = await municipality_options(ctx)
        buttons += [[Button(f"opt:{key}", name)] for key, name in options]
    elif step.options is not None:
        chosen = draft.answers.get(state) or []
        for option_id, label in step.options(draft.pack):
            shown = text_of(ctx, draft, label)
            if step.kind == "multi":
                shown = ("✓ " if option_id in chosen else "") + shown
                buttons.append([Button(f"tog:{option_id}", shown)])
            else:
                buttons.append([Button(f"opt:{option_id}", shown)])
    if step.state is R.CATEGORY:
        text += "\n" + "\n".join(
            f"• {c.label.get(ctx.locale)}: {c.help.get(ctx.locale)}"
            for c in draft.pack.categories
            if c.help is not None
        )
    if step.state is R.KINDS and draft.pack.definitions:
        text += "\n" + "\n".join(
            f"• {text_of(ctx, draft, f'pack:kinds:{kind}')}: {d.get(ctx.locale)}"
            for kind, d in draft.pack.definitions.items()
        )
    if step.kind == "multi":
        text += "\n" + _("Choose all that fit, then press Done.")
        buttons.append([Button("done", _("Done"))])
    elif step.kind == "texts" and ctx.data.get("editing") and draft.answers.get(state):
        ctx.data["replace"] = state.value
        text += "\n" + _(
            "Write the new text: it replaces what you wrote before. Press Done to keep the "
            "old text."
        )
        buttons.append([Button("done", _("Done"))])
    elif step.kind == "texts":
        text += "\n" + _(
            "Write as much as you need, in one or several messages. Press Done when finished."
        )
        if draft.answers.get(state):
            buttons.append([Button("done", _("Done"))])
    elif step.kind == "evidence":
        count, _size = await draft.repo.evidence_totals(draft.report)
        text += "\n" + _(
            "Send photos, screenshots, documents, voice messages or forwarded messages – as "
            "many as you have. Press Done when finished."
        )
        if count:
            text += "\n" + _("Saved so far: {count}.").format(count=count)
        buttons.append([Button("done", _("Done") if count else _("I have no evidence"))])
    elif step.kind == "text" and step.optional:
        text += "\n" + _("Write your answer, or press Skip.")
    buttons.append(nav_row(ctx, step))
    ctx.data["report"] = draft.report.id
    ctx.reply(text, buttons)
    return state


async def advance(ctx: Context, draft: Draft, state: R) -> StateResult:
    """Store the answers and go to the next step (back to the summary when editing)."""
    draft.save(ctx)
    # A new list, never one changed in place: the stored one may be the loaded row's own.
    ctx.data["history"] = [*ctx.data.get("history", []), state.value][-60:]
    if ctx.data.get("editing"):
        following = next_state(draft.answers, state)
        if following is not R.SUMMARY and following not in draft.answers:
            return await ask(ctx, draft, following)  # a new sub-question opened up
        return await ask(ctx, draft, R.SUMMARY)
    return await ask(ctx, draft, next_state(draft.answers, state))


async def current(ctx: Context) -> tuple[Draft, R] | None:
    draft = await load_draft(ctx)
    if draft is None:
        return None
    try:
        return draft, R(draft.answers.get("_at", R.WHO.value))
    except ValueError:
        return draft, R.WHO


async def lost(ctx: Context) -> StateResult:
    """Say the report is gone (discarded elsewhere) and show the menu."""
    ctx.reply(ctx._("There is no unfinished report any more."), menu_buttons(ctx))
    return END


# --- entering, resuming, leaving -------------------------------------------------------------


async def begin(ctx: Context, event: InboundEvent) -> StateResult:
    """Start a report, or offer to continue an unfinished one."""
    draft = await load_draft(ctx)
    if draft is not None:
        return await offer_resume(ctx, draft)
    return await start_new(ctx, event)


async def offer_resume(ctx: Context, draft: Draft) -> StateResult:
    """Offer: continue the unfinished report / start a new one / delete the draft."""
    _ = ctx._
    ctx.data["report"] = draft.report.id
    ctx.reply(
        _("You have an unfinished report from {when}.").format(
            when=format_when(draft.report.updated_at, ctx.locale)
        ),
        [
            [Button("resume:continue", _("Continue the report"))],
            [Button("resume:new", _("Start a new report"))],
            [Button("resume:delete", _("Delete the draft"))],
        ],
    )
    return R.RESUME


async def resume_after_silence(ctx: Context, event: InboundEvent) -> StateResult:
    """Ask where to go on after a long silence instead of taking the message as an answer."""
    draft = await load_draft(ctx)
    if draft is None:
        return await lost(ctx)
    return await offer_resume(ctx, draft)


async def start_new(ctx: Context, event: InboundEvent) -> StateResult:
    """Create a new draft and ask the first question (unless today's reports are used up)."""
    refusal = await quota.report_refusal(ctx)
    if refusal is not None:
        ctx.reply(refusal, menu_buttons(ctx))
        return END
    person = ctx.person
    repo = ReportRepo(ctx.session, ctx.keyring)
    report = await repo.create_draft(
        ctx.viewer,
        pack=person.municipality_pack or "oxelosund",
        municipality_id=person.municipality_id,
        party_id=person.party_id,
        now=ctx.now,
    )
    draft = Draft(repo, report, {}, ctx.packs.get(report.pack), None)
    if person.party_id is not None:
        draft.party_pack = ctx.packs.party_pack(person.party_pack)
    if not ctx.viewer.registered:
        draft.answers["_unregistered"] = True
    if event.ref:
        draft.answers["_first_ref"] = event.ref  # where "clear the chat" starts
    ctx.data.clear()
    ctx.reply(
        ctx._(
            "Let's write the report together. Everything you answer is saved at once, so you "
            "can stop and continue later. In danger now: call 112."
        )
    )
    return await ask(ctx, draft, R.WHO)


async def resume_choice(ctx: Context, event: InboundEvent) -> StateResult:
    """Continue, start over, or delete, as the person chose."""
    found = await current(ctx)
    if found is None:
        return await lost(ctx)
    draft, state = found
    choice = event.button.removeprefix("resume:")
    if choice == "continue":
        return await ask(ctx, draft, state)
    if choice == "new" and (refusal := await quota.report_refusal(ctx)) is not None:
        ctx.reply(refusal, [[Button("resume:continue", ctx._("Continue the report"))]])
        return None  # the draft stays
    await draft.repo.discard(ctx.viewer, draft.report)
    if choice == "new":
        return await start_new(ctx, event)
    ctx.reply(ctx._("The draft is deleted."), menu_buttons(ctx))
    return END


async def cancel(ctx: Context, event: InboundEvent) -> StateResult:
    """Ask before discarding the unfinished report (/avbryt)."""
    _ = ctx._
    if await load_draft(ctx) is None:
        ctx.reply(_("There is nothing to cancel."), menu_buttons(ctx))
        return END
    ctx.reply(
        _("Do you want to delete the unfinished report? This cannot be undone."),
        [[Button("cancel:yes", _("Yes, delete it")), Button("cancel:no", _("No, continue"))]],
    )
    return R.CANCEL


async def cancel_choice(ctx: Context, event: InboundEvent) -> StateResult:
    """Delete the draft, or go back to where the person was."""
    found = await current(ctx)
    if found is None:
        return await lost(ctx)
    draft, state = found
    if event.button == "cancel:no":
        return await ask(ctx, draft, state)
    await draft.repo.discard(ctx.viewer, draft.report)
    ctx.reply(ctx._("The report is deleted. Nothing was sent."), menu_buttons(ctx))
    return END


# --- answering -------------------------------------------------------------------------------


async def _with_step(ctx: Context) -> tuple[Draft, Step] | None:
    found = await current(ctx)
    if found is None or found[1] not in BY_STATE:
        return None
    return found[0], BY_STATE[found[1]]


async def choose(ctx: Context, event: InboundEvent) -> StateResult:
    """Record the chosen option and go on."""
    found = await _with_step(ctx)
    if found is None:
        return await lost(ctx)
    draft, step = found
    option = event.button.removeprefix("opt:")
    allowed = (
        [key for key, _ in await municipality_options(ctx)]
        if step.state is R.MUNICIPALITY
        else [key for key, _ in (step.options(draft.pack) if step.options else [])]
    )
    if option not in allowed:
        return await repeat(ctx, event)
    draft.answers[step.state] = option
    if step.state is R.MUNICIPALITY:
        directory = DirectoryRepo(ctx.session)
        route: dict[str, Any] = {"municipality_id": await directory.municipality_id(option)}
        municipality = await directory.municipality_by_key(option)
        if municipality is not None:
            route["pack"] = municipality.pack
            draft.pack = ctx.packs.get(municipality.pack)
        await draft.repo.update_draft(draft.report, **route)
    if step.state is R.CATEGORY:
        await draft.repo.update_draft(draft.report, category=option)
    if step.state is R.WHEN:
        draft.answers["when_date"] = _quick_date(ctx, option)
    return await advance(ctx, draft, step.state)


async def toggle(ctx: Context, event: InboundEvent) -> StateResult:
    """Tick or untick one option of a multi-select."""
    found = await _with_step(ctx)
    if found is None:
        return await lost(ctx)
    draft, step = found
    option = event.button.removeprefix("tog:")
    if step.options is None or option not in [key for key, _ in step.options(draft.pack)]:
        return await repeat(ctx, event)
    chosen: list[str] = list(draft.answers.get(step.state) or [])
    chosen.remove(option) if option in chosen else chosen.append(option)
    draft.answers[step.state] = chosen
    return await ask(ctx, draft, step.state)


async def done(ctx: Context, event: InboundEvent) -> StateResult:
    """Finish a multi-select, a free-text or the evidence step."""
    found = await _with_step(ctx)
    if found is None:
        return await lost(ctx)
    draft, step = found
    if step.kind == "texts" and not draft.answers.get(step.state):
        ctx.reply(ctx._("Please write at least a few words first."))
        ctx.again()
        return None
    if step.kind == "evidence":
        count, _size = await draft.repo.evidence_totals(draft.report)
        draft.answers[step.state] = count
    draft.answers.setdefault(step.state, [] if step.kind == "multi" else None)
    return await advance(ctx, draft, step.state)


async def skip(ctx: Context, event: InboundEvent) -> StateResult:
    """Leave an optional question unanswered and go on."""
    found = await _with_step(ctx)
    if found is None:
        return await lost(ctx)
    draft, step = found
    if not step.optional:
        return await repeat(ctx, event)
    draft.answers[step.state] = None
    if step.kind == "evidence":  # files already sent are kept: count them
        count, _size = await draft.repo.evidence_totals(draft.report)
        draft.answers[step.state] = count or None
    return await advance(ctx, draft, step.state)


async def back(ctx: Context, event: InboundEvent) -> StateResult:
    """Go back to the previous question."""
    found = await _with_step(ctx)
    if found is None:
        return await lost(ctx)
    draft, step = found
    history: list[str] = list(ctx.data.get("history", []))
    ctx.data["history"] = history  # a copy (see advance)
    while history:
        previous = R(history.pop())
        if previous is not step.state and BY_STATE[previous].applies(draft.answers):
            return await ask(ctx, draft, previous)
    earlier = [s for s in ORDER[: ORDER.index(step.state)] if BY_STATE[s].applies(draft.answers)]
    return await ask(ctx, draft, earlier[-1] if earlier else step.state)


async def take_text(ctx: Context, event: InboundEvent) -> StateResult:
    """Store a written answer (free text is stored whole, whatever its length)."""
    found = await _with_step(ctx)
    if found is None:
        return await lost(ctx)
    draft, step = found
    text = event.text.strip()
    if not text:
        ctx.reply(ctx._("I got an empty message. Please write your answer."))
        ctx.again()
        return None
    if step.kind == "texts":
        parts: list[str] = list(draft.answers.get(step.state) or [])
        if ctx.data.pop("replace", None) == step.state.value:
            parts = []  # editing from the summary: the new text replaces the old
        parts.append(event.text)
        draft.answers[step.state] = parts
        draft.save(ctx)
        if event.ref:
            # only the latest message can be edited unambiguously (a new dict: see advance)
            ctx.data["refs"] = {event.ref: step.state.value}
        ctx.reply(
            ctx._("Saved. Write more, or press Done."),
            [[Button("done", ctx._("Done"))], nav_row(ctx, step)],
        )
        return None
    if step.state in (R.WHEN, R.WHEN_DATE):
        return await take_date(ctx, draft, text)
    if step.kind == "text":
        draft.answers[step.state] = text
        return await advance(ctx, draft, step.state)
    if step.state is R.TRIGGER:  # a written trigger is an answer too
        draft.answers[step.state] = "other"
        draft.answers["trigger_text"] = text
        return await advance(ctx, draft, step.state)
    if step.state is R.PROTECTION:
        draft.answers["protection_text"] = text
        return await ask(ctx, draft, step.state)
    return await repeat(ctx, event)


async def take_option_text(ctx: Context, event: InboundEvent) -> StateResult:
    """A text step's quick option (e.g. 'Nobody else saw it')."""
    found = await _with_step(ctx)
    if found is None:
        return await lost(ctx)
    draft, step = found
    option = event.button.removeprefix("opt:")
    labels = dict(step.options(draft.pack)) if step.options else {}
    if option not in labels:
        return await repeat(ctx, event)
    draft.answers[step.state] = {"option": option}
    return await advance(ctx, draft, step.state)


async def take_evidence(ctx: Context, event: InboundEvent) -> StateResult:
    """Keep a file or forwarded message as evidence: sealed, with size and SHA-256."""
    _ = ctx._
    found = await _with_step(ctx)
    if found is None:
        return await lost(ctx)
    draft, step = found
    attachment = event.attachment
    if step.kind != "evidence":
        ctx.reply(_("I'll ask for evidence at the end of the report – keep the original."))
        ctx.again()
        return None
    if attachment is None:
        return await repeat(ctx, event)
    content = attachment.content
    if content is None and attachment.kind == "forward":
        content = event.text.encode()
    if content is None:
        ctx.reply(_("I could not fetch that file. Please send it again."))
        ctx.again()
        return None
    if not content:
        ctx.reply(_("That file is empty, so I did not keep it."))
        ctx.again()
        return None
    count, total = await draft.repo.evidence_totals(draft.report)
    files = min(MAX_EVIDENCE_FILES, quota.files_per_report(ctx))
    if count >= files or total + len(content) > MAX_EVIDENCE_BYTES:
        ctx.reply(
            _(
                "This report already has as much evidence as I can keep ({count} files). Keep "
                "the rest and give it to your security contact."
            ).format(count=count)
        )
        ctx.again()
        return None
    refusal = await quota.evidence_refusal(ctx, len(content), draft.report.municipality_id)
    if refusal is not None:
        ctx.reply(refusal)
        ctx.again()
        return None
    meta = {
        "name": attachment.name,
        "mime": attachment.mime_type,
        "caption": event.text,
        "forwarded": attachment.forwarded,
    }
    info = await draft.repo.add_evidence(
        ctx.viewer, draft.report, kind=attachment.kind, content=content, meta=meta, now=ctx.now
    )
    ctx.reply(
        _(
            "Saved as evidence ({kind}, {size} kB, received {when}). Send more, or press Done."
        ).format(
            kind=info.kind,
            size=max(1, info.size // 1024),
            when=format_when(info.received_at, ctx.locale),
        ),
        [[Button("done", _("Done"))], nav_row(ctx, step)],
    )
    return None


async def repeat(ctx: Context, event: InboundEvent) -> StateResult:
    """Ask the open question again."""
    ctx.reply(ctx._("Please answer with the buttons below, or write your answer."))
    ctx.again()
    return None


async def edited(ctx: Context, event: InboundEvent) -> StateResult:
    """Apply an edit to the last free-text message when that is unambiguous."""
    _ = ctx._
    found = await _with_step(ctx)
    if found is None:
        return await lost(ctx)
    draft, step = found
    refs: dict[str, str] = ctx.data.setdefault("refs", {})
    key = refs.get(event.ref)
    if key and key == step.state and step.kind == "texts" and draft.answers.get(key):
        parts = list(draft.answers[key])
        parts[-1] = event.text
        draft.answers[key] = parts
        draft.save(ctx)
        ctx.reply(_("I updated your last message in the report."))
        return None
    ctx.reply(
        _(
            "You edited an earlier message. I have not changed anything: send the correction "
            "as a new message."
        )
    )
    ctx.again()
    return None


# --- dates -----------------------------------------------------------------------------------


def _local_today(ctx: Context) -> date:
    return ctx.now.astimezone(DISPLAY_TZ).date()


def _quick_date(ctx: Context, option: str) -> str | None:
    today = _local_today(ctx)
    if option == "now":
        return ctx.now.astimezone(DISPLAY_TZ).isoformat(timespec="minutes")
    if option == "today":
        return today.isoformat()
    if option == "yesterday":
        return (today - timedelta(days=1)).isoformat()
    return None


def parse_date(text: str, today: date) -> tuple[date, time | None] | None:
    """Parse '2026-11-20', '20/11', '20.11.2026', optionally followed by 'HH:MM'."""
    parts = text.replace(",", " ").split()
    if not parts:
        return None
    day_part, clock = parts[0], None
    if len(parts) > 1 and ":" in parts[1]:
        hh, _, mm = parts[1].partition(":")
        if hh.isdigit() and mm.isdigit() and int(hh) < 24 and int(mm) < 60:
            clock = time(int(hh), int(mm))
    try:
        if "-" in day_part:
            return date.fromisoformat(day_part), clock
        pieces = day_part.replace(".", "/").split("/")
        if len(pieces) in (2, 3) and all(p.isdigit() for p in pieces):
            year = int(pieces[2]) if len(pieces) == 3 else today.year
            year = year + 2000 if year < 100 else year
            day = date(year, int(pieces[1]), int(pieces[0]))
            if len(pieces) == 2 and day > today:  # no year: '28/12' typed in January
                with suppress(ValueError):
                    if (today - day.replace(year=year - 1)).days <= 183:
                        day = day.replace(year=year - 1)
            return day, clock
    except ValueError:
        return None
    return None


async def take_date(ctx: Context, draft: Draft, text: str) -> StateResult:
    """Store the day it happened; a day in the future is refused kindly."""
    _ = ctx._
    parsed = parse_date(text, _local_today(ctx))
    if parsed is None:
        ctx.reply(_("I didn't understand that date. Write it like 2026-11-20 or 20/11."))
        ctx.again()
        return None
    day, clock = parsed
    moment = datetime.combine(day, clock or time(0, 0), DISPLAY_TZ)
    if day > _local_today(ctx) or (clock is not None and moment > ctx.now):
        ctx.reply(_("That is in the future. When did it happen? Write a date up to today."))
        ctx.again()
        return None
    draft.answers[R.WHEN] = "other"
    draft.answers["when_date"] = moment.isoformat(timespec="minutes") if clock else day.isoformat()
    return await advance(ctx, draft, R.WHEN_DATE)


# --- summary and sending ---------------------------------------------------------------------


def _show(ctx: Context, draft: Draft, step: Step, value: Any) -> str:
    _ = ctx._
    if value is None or value == []:
        return "–"
    if isinstance(value, dict) and "option" in value:
        labels = dict(step.options(draft.pack)) if step.options else {}
        return text_of(ctx, draft, labels.get(value["option"]) or str(value["option"]))
    if step.kind == "texts" and isinstance(value, list):
        value = "\n".join(value)
    if step.state is R.MUNICIPALITY:
        return str(value)
    if step.options is not None and isinstance(value, str):
        labels = dict(step.options(draft.pack))
        return text_of(ctx, draft, labels[value]) if value in labels else value
    if step.options is not None and isinstance(value, list):
        labels = dict(step.options(draft.pack))
        return ", ".join(text_of(ctx, draft, labels.get(v) or str(v)) for v in value)
    if step.kind == "evidence":
        return ctx.ngettext("{count} file", "{count} files", int(value)).format(count=value)
    text = str(value)
    return text if len(text) <= SUMMARY_EXCERPT else text[:SUMMARY_EXCERPT] + "…"


def answer_lines(ctx: Context, draft: Draft) -> tuple[list[str], list[Button]]:
    """Return the report's answers as lines, and an edit button per topic."""
    _ = ctx._
    lines: list[str] = []
    edit_buttons: list[Button] = []
    for step in STEPS:
        if not step.applies(draft.answers) or step.state not in draft.answers:
            continue
        value = _show(ctx, draft, step, draft.answers.get(step.state))
        if step.state is R.WHEN:
            value = draft.answers.get("when_date") or value
        if step.section:
            lines.append(f"{_(step.section)}: {value}")
            edit_buttons.append(Button(f"edit:{step.state.value}", _(step.section)))
        else:
            lines.append(f"   {_(step.label)}: {value}" if step.label else f"   {value}")
    return lines, edit_buttons


def full_report_text(ctx: Context, report: Report) -> str:
    """Render a whole report for an allowed reader, in the reader's language."""
    _ = ctx._
    repo = ReportRepo(ctx.session, ctx.keyring)
    draft = Draft(repo, report, repo.answers(report), ctx.packs.get(report.pack), None)
    lines, _buttons = answer_lines(ctx, draft)
    head = _("Incident report {ref}").format(ref=report.ref)
    if report.submitted_at is not None:
        head += " – " + format_when(report.submitted_at, ctx.locale)
    return "\n".join([head, "", *lines])


async def show_summary(ctx: Context, draft: Draft) -> StateResult:
    """Show every answer with an edit button per section, and 'Send'."""
    _ = ctx._
    draft.answers["_at"] = R.SUMMARY.value
    draft.save(ctx)
    ctx.data["editing"] = False
    answers, edit_buttons = answer_lines(ctx, draft)
    lines = [_("Your report – check it before sending:"), "", *answers]
    rows = [edit_buttons[i : i + 3] for i in range(0, len(edit_buttons), 3)]
    lines += ["", _("Press a topic to change it, or send the report.")]
    ctx.reply(
        "\n".join(lines),
        [*rows, [Button("send", _("Send")), Button("cmd:avbryt", _("Cancel"))]],
    )
    return R.SUMMARY


async def edit_answer(ctx: Context, event: InboundEvent) -> StateResult:
    """Go to one answer from the summary; come back to the summary after it."""
    draft = await load_draft(ctx)
    if draft is None:
        return await lost(ctx)
    try:
        state = R(event.button.removeprefix("edit:"))
    except ValueError:
        return await repeat(ctx, event)
    if state not in BY_STATE or not BY_STATE[state].applies(draft.answers):
        return await repeat(ctx, event)
    ctx.data["editing"] = True
    return await ask(ctx, draft, state)


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


CHOSEN = "_recipients"  # an internal case's chosen recipients, sealed with the answers
CLOSED_GROUP_MAX = 3  # Kävlinge: a small closed group of 2–3


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
    levels = await plan_levels(ctx, draft)
    if draft.report.category != INTERNAL:
        return levels
    chosen = set(chosen_ids(draft))
    group = [card for card in everyone(levels) if card.person_id in chosen]
    return [group] if group else []


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
    missing = [
        s
        for s in STEPS
        if not s.optional and s.applies(draft.answers) and not draft.answers.get(s.state)
    ]
    if missing:
        ctx.reply(_("One required answer is missing; let's fill it in."))
        ctx.data["editing"] = True
        return await ask(ctx, draft, missing[0].state)
    if draft.report.category == INTERNAL:
        return await show_recipients(ctx, draft)
    return await submit(ctx, draft)


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
        _("Nobody is chosen yet. Press a name to choose it, then send."),
    ]
    if chosen:
        lines[1] = ctx.ngettext(
            "{n} person chosen. Press a name to choose or remove it, then send.",
            "{n} people chosen. Press a name to choose or remove it, then send.",
            len(chosen),
        ).format(n=len(chosen))
    buttons = []
    for card in everyone(await plan_levels(ctx, draft)):
        where = _("municipality") if card.person_id in unit else _("party")
        label = f"{card.name} ({where})"
        buttons.append(
            [Button(f"rcpt:{card.person_id}", ("✓ " if card.person_id in chosen else "") + label)]
        )
    buttons.append([Button("send", _("Send to the people chosen"))])
    buttons.append([Button("nav:summary", _("Back"))])
    ctx.reply("\n".join(lines), buttons)
    return R.RECIPIENTS


async def toggle_recipient(ctx: Context, event: InboundEvent) -> StateResult:
    """Choose or un-choose one recipient, up to the plan's closed group."""
    _ = ctx._
    draft = await load_draft(ctx)
    if draft is None:
        return await lost(ctx)
    target = event.button.removeprefix("rcpt:")
    if not target.isdigit():
        return await repeat(ctx, event)
    ids = {c.person_id for c in everyone(await plan_levels(ctx, draft))}
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
    draft.save(ctx)
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


async def submit(ctx: Context, draft: Draft) -> StateResult:
    """Submit: reference, who is alerted (and who next), the plan's actions, police advice."""
    _ = ctx._
    levels = await report_levels(ctx, draft)
    report = draft.report
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
    await raise_alert(
        ctx,
        kind="report",
        levels=levels,
        ack_minutes=minutes,
        party_id=report.party_id,
        report=report,
    )
    await schedule_case(TimerRepo(ctx.session), report.id, draft.pack, ctx.now)
    category = report.category or "unknown"
    lines = [_("Your report is sent. Reference: {ref}").format(ref=reference), ""]
    if levels and not ctx.viewer.registered:  # an unregistered person sees nobody's name
        lines.append(_("The municipality's security unit is told now and will contact you."))
    elif levels:
        lines.append(
            _("Who is told now: {names}.").format(names=", ".join(c.name for c in levels[0]))
        )
        lines += escalation_lines(ctx, levels, _duration(ctx, minutes))
    else:
        lines.append(
            _("There is nobody in Trygg to send it to: call your municipality's security unit.")
        )
    lines.append("")
    for pack in (draft.pack, draft.party_pack):
        if pack is None:
            continue
        lists = pack.action_lists.get("targeted", {})
        for action_list in (lists.get(category), lists.get("all")):
            if action_list is None:
                continue
            lines.append(action_list.title.get(ctx.locale) + ":")
            lines += [f"• {item.get(ctx.locale)}" for item in action_list.items]
            lines.append("")
    if draft.pack.police_report_advice is not None:
        lines.append(draft.pack.police_report_advice.get(ctx.locale))
    else:
        lines.append(
            _(
                "A report to Trygg is not a police report. You decide whether to report to the "
                "police (114 14; in danger 112)."
            )
        )
    ctx.data.clear()
    ctx.reply(
        "\n".join(lines).strip(),
        [[Button("cmd:rensa", _("Clear the chat"))], *menu_buttons(ctx)],
    )
    return END


def _duration(ctx: Context, minutes: int) -> str:
    if minutes % 60 == 0:
        hours = minutes // 60
        return ctx.ngettext("{n} hour", "{n} hours", hours).format(n=hours)
    return ctx.ngettext("{n} minute", "{n} minutes", minutes).format(n=minutes)


async def clear_chat(ctx: Context, event: InboundEvent) -> StateResult:
    """Delete the latest report's messages from the chat (the report stays in Trygg)."""
    _ = ctx._
    repo = ReportRepo(ctx.session, ctx.keyring)
    report = await repo.latest_submitted(ctx.viewer)
    first = str(repo.answers(report).get("_first_ref", "")) if report else ""
    if (
        report is None
        or ctx.now - report.created_at > CLEARABLE
        or not first.isdigit()
        or not event.ref.isdigit()
    ):
        ctx.reply(_("There is no recent report conversation to clear here."), menu_buttons(ctx))
        return END
    ctx.clear_range = (int(first), int(event.ref))
    ctx.reply(
        _(
            "I have deleted the report conversation from this chat. The report stays safe in "
            "Trygg (reference {ref})."
        ).format(ref=report.ref),
        menu_buttons(ctx),
    )
    return END


# --- the flow --------------------------------------------------------------------------------

ANSWERING: dict[str, Handler] = {
    "nav:back": back,
    "nav:skip": skip,
    Input.TEXT: take_text,
    Input.ATTACHMENT: take_evidence,
    Input.EDIT: edited,
}


def _table_for(step: Step) -> dict[str, Handler]:
    table = dict(ANSWERING)
    if step.kind == "choice":
        table["opt:*"] = choose
    elif step.kind == "multi":
        table["tog:*"] = toggle
        table["done"] = done
    elif step.kind in ("texts", "evidence"):
        table["done"] = done
    elif step.kind == "text" and step.options is not None:
        table["opt:*"] = take_option_text
    return table


FLOW = Flow(
    name="report",
    states=R,
    entry=begin,
    table={
        R.RESUME: {"resume:*": resume_choice, Input.TEXT: repeat},
        R.CANCEL: {"cancel:*": cancel_choice, Input.TEXT: repeat},
        R.RECIPIENTS: {
            "rcpt:*": toggle_recipient,
            "send": confirm_recipients,
            "nav:summary": back_to_summary,
            Input.TEXT: repeat,
        },
        R.SUMMARY: {
            "edit:*": edit_answer,
            "send": send,
            Input.TEXT: repeat,
            Input.ATTACHMENT: take_evidence,
        },
        **{step.state: _table_for(step) for step in STEPS},
    },
    idle_after=IDLE,
    on_idle=resume_after_silence,
)
