"""Starting, resuming, cancelling and clearing a report, and going to one answer to change it."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from conversations import quota
from conversations.events import Button, EventKind, InboundEvent, phrase_of
from conversations.flow import END, Context, StateResult
from conversations.followups import checkin_reply
from conversations.report.answering import ask, lost, repeat
from conversations.report.draft import VERSION, Draft, known, load_draft, party_pack_of
from conversations.report.form import BY_STEP, ReportStep
from conversations.report.hooks import UNASKED
from conversations.texts import choose_hint, menu_buttons
from conversations.words import button_said
from storage.reports import ReportRepo


async def draft_to_keep_in(ctx: Context) -> Draft:
    """The report she began, else a new one to keep what she told or sent in."""
    draft = await load_draft(ctx)
    return draft if draft is not None else await _new_draft(ctx)


async def _new_draft(ctx: Context) -> Draft:
    """Create an empty report for the person, under her municipality's and party's plans."""
    repo = ReportRepo(ctx.session, ctx.keyring)
    person = ctx.person
    report = await repo.create_draft(
        ctx.viewer,
        pack=person.municipality_pack or "oxelosund",
        municipality_id=person.municipality_id,
        party_id=person.party_id,
        now=ctx.now,
    )
    draft = Draft(repo, report, {"_v": VERSION}, ctx.packs.get(report.pack), None)
    draft.party_pack = party_pack_of(ctx, report)
    if not ctx.viewer.registered:
        draft.answers["_unregistered"] = True
    return draft


async def keep_words(ctx: Context, text: str) -> str:
    """Keep words typed where no question asked for them (e.g. what happened, written before
    /akut) as the beginning of a report; return the line that says so."""
    draft = await draft_to_keep_in(ctx)
    earlier = draft.answer(ReportStep.WHAT) or {}
    told = f"{earlier.get('text', '')}\n{text}".strip()
    answer = {**earlier, "text": told}
    if not earlier or earlier.get(UNASKED):  # "Vad hände?" is still put to her, with these words
        answer[UNASKED] = True
    draft.answers[ReportStep.WHAT.value] = answer
    draft.save(ctx)
    return ctx._("I kept what you wrote in a report you can go on with: /rapportera.")


async def keep_told(ctx: Context, typed: str) -> str:
    """Keep words that tell what happened as the start of a report; return the answer,
    the way out first (whoever tells it may be in danger)."""
    return "\n".join([ctx._("In danger now: call 112."), await keep_words(ctx, typed)])


JUST_KEPT = timedelta(hours=1)
"""How recent words kept as a report's beginning are still the report she is starting."""


async def begin(ctx: Context, event: InboundEvent) -> StateResult:
    """Start a report, go on with the words just kept as one, or offer to continue an
    unfinished one."""
    draft = await load_draft(ctx)
    if draft is None:
        return await start_new(ctx, event)
    if "_at" not in draft.answers and ctx.now - draft.report.updated_at < JUST_KEPT:
        return await _go_on_with_kept(ctx, event, draft)
    return await offer_resume(ctx, draft)


async def _go_on_with_kept(ctx: Context, event: InboundEvent, draft: Draft) -> StateResult:
    """Ask the first question of the report her words were just kept in ("Jag sparade det
    du skrev i en rapport …", then /rapportera): it is the one she means, not one to choose."""
    if event.ref:
        draft.answers["_first_ref"] = event.ref
        draft.answers["_first_channel"] = event.channel
    ctx.data.clear()
    topic = ctx._(BY_STEP[ReportStep.WHAT].label)
    kept = ctx._("What you wrote is in it, as “{topic}”.").format(topic=topic)
    if not draft.answer(ReportStep.WHAT):  # only a file or a forwarded message so far
        kept = ctx._("What you sent is in it, as evidence.")
    lead = [_begun(ctx), kept]
    return await ask(ctx, draft, draft.at(known(ctx, draft)), lead)


def _begun(ctx: Context) -> str:
    return ctx._(
        "In danger now: call 112. Everything you answer is saved at once: you can stop "
        "and go on later, and send photos or screenshots at any time."
    )


async def offer_resume(ctx: Context, draft: Draft) -> StateResult:
    """Offer: continue the unfinished report / start a new one / delete the draft."""
    _ = ctx._
    ctx.data["report"] = draft.report.id
    ctx.reply(
        _("You have an unfinished report from {when}.").format(
            when=ctx.when(draft.report.updated_at)
        ),
        [
            [Button("resume:continue", _("Continue the report"))],
            [Button("resume:new", _("Start a new report"))],
            [Button("resume:delete", _("Delete the draft"))],
        ],
    )
    return ReportStep.RESUME


async def resume_after_silence(ctx: Context, event: InboundEvent) -> StateResult:
    """Ask where to go on after a long silence instead of taking the message as an answer;
    words that answer a check-in that came meanwhile go to her case, as its answer."""
    draft = await load_draft(ctx)
    if draft is None:
        return await lost(ctx)
    typed = event.text.strip() if event.kind is EventKind.TEXT else ""
    if typed and await checkin_reply(ctx, typed):
        ctx.reply(ctx._("Your unfinished report is kept: /rapportera"))
        return END
    return await offer_resume(ctx, draft)


RESUME_WORDS: dict[str, tuple[str, ...]] = {
    "resume:continue": (
        *("ja", "ja tack", "jo", "gärna", "fortsätt", "fortsätta", "fortsätt den"),
        *("fortsätt rapporten", "fortsätt med den", "yes", "continue", "continue it"),
    ),
    "resume:new": (
        *("ny", "en ny", "ny rapport", "en ny rapport", "börja om", "börja en ny", "new"),
        *("a new one", "new report", "a new report", "start a new one", "start over"),
    ),
    "resume:later": (
        *("nej", "nej tack", "inte nu", "inte just nu", "sen", "senare", "vänta"),
        *("nej inte", "nej inte just", "nej senare", "nej vänta", "nej inte än"),  # "nu": courtesy
        *("no", "no thanks", "not now", "later", "no not now", "no later", "not yet"),
    ),
}
"""Words typed at "continue / new / delete" that mean a choice. A no ("nej tack") says she
does not want to go on with it now, not what she wants instead: it is asked (deleting is only
ever a press, and a new report would delete this one)."""


async def resume_typed(ctx: Context, event: InboundEvent) -> StateResult:
    """Take words that mean a choice as it; keep other words typed at 'continue / new /
    delete' with the unfinished report, and go on with it (a new report would leave them
    behind in the old one)."""
    draft = await load_draft(ctx)
    if draft is None:
        return await lost(ctx)
    button = button_said(event.text, RESUME_WORDS)
    if button == "resume:later" and not _offered(ctx, "resume:later"):
        return _not_going_on(ctx)  # "nej tack": not this one now; then what?
    if button is not None:
        return await resume_choice(ctx, replace(event, button=button))
    draft.note(event.text.strip())
    draft.save(ctx)
    lead = [ctx._("I added what you wrote to your unfinished report. Here it goes on:")]
    return await ask(ctx, draft, draft.at(known(ctx, draft)), lead)


def _not_going_on(ctx: Context) -> StateResult:
    """Say what a "no" was taken as, and ask what she wants instead: a new report, delete
    the draft, or leave it for later."""
    _ = ctx._
    ctx.reply(
        "\n".join(
            [
                _("You don't want to go on with it now. The report is kept; nothing is sent."),
                _("Do you want to start a new report or delete the draft?"),
            ]
        ),
        [
            [Button("resume:new", _("Start a new report"))],
            [Button("resume:delete", _("Delete the draft"))],
            [Button("resume:later", _("Keep it for later"))],
        ],
    )
    return ReportStep.RESUME


def _offered(ctx: Context, button: str) -> bool:
    """Whether the message being answered offers this button."""
    return ctx.prompt is not None and any(b.id == button for row in ctx.prompt.buttons for b in row)


async def start_new(ctx: Context, event: InboundEvent) -> StateResult:
    """Create a new draft and ask the first question (unless today's reports are used up)."""
    refusal = await quota.report_refusal(ctx)
    if refusal is not None:
        ctx.reply(refusal, menu_buttons(ctx))
        return END
    draft = await _new_draft(ctx)
    if event.ref:
        draft.answers["_first_ref"] = event.ref  # where "clear the chat" starts
        draft.answers["_first_channel"] = event.channel  # ... in that channel's chat
    ctx.data.clear()
    return await ask(ctx, draft, ReportStep.WHO, [_begun(ctx)])


async def resume_choice(ctx: Context, event: InboundEvent) -> StateResult:
    """Continue, start over, or delete, as the person chose."""
    draft = await load_draft(ctx)
    if draft is None:
        return await lost(ctx)
    choice = event.button.removeprefix("resume:")
    if choice == "continue":
        return await ask(ctx, draft, draft.at(known(ctx, draft)))
    if choice == "later":
        ctx.reply(ctx._("Your unfinished report is kept: /rapportera"), menu_buttons(ctx))
        return END
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
    if _asking_to_delete(ctx):  # "radera" typed at the question itself: say how
        return _press_to_delete(ctx)
    ctx.reply(
        _("Do you want to delete the unfinished report? This cannot be undone."),
        [[Button("cancel:yes", _("Yes, delete it")), Button("cancel:no", _("No, continue"))]],
    )
    return ReportStep.CANCEL


async def cancel_choice(ctx: Context, event: InboundEvent) -> StateResult:
    """Delete the draft, or go back to where the person was."""
    draft = await load_draft(ctx)
    if draft is None:
        return await lost(ctx)
    if event.button == "cancel:no":
        return await ask(ctx, draft, draft.at(known(ctx, draft)))
    await draft.repo.discard(ctx.viewer, draft.report)
    ctx.reply(ctx._("The report is deleted. Nothing was sent."), menu_buttons(ctx))
    return END


NO = frozenset({"nej", "nej tack", "fortsätt", "no", "continue", "no thanks"})
"""Words typed at "delete the unfinished report?" that mean: no, go on with it."""
YES = frozenset({"ja", "jo", "japp", "ja radera", "ja radera den", "yes", "yes delete it"})
"""Words typed there that mean yes: deleting cannot be undone, so it is only ever a button."""


def _asking_to_delete(ctx: Context) -> bool:
    return _offered(ctx, "cancel:yes")


def _press_to_delete(ctx: Context) -> StateResult:
    _ = ctx._
    said = choose_hint(
        ctx,
        _("To delete the report, press “{button}”: it cannot be undone."),
        _("To delete the report, answer “{button}”: it cannot be undone."),
    )
    ctx.reply(said.format(button=_("Yes, delete it")))
    ctx.again()
    return None


async def cancel_typed(ctx: Context, event: InboundEvent) -> StateResult:
    """Go on with the report on a typed "nej"; keep other words with it, and ask again
    (deleting is only ever a button: it cannot be undone)."""
    draft = await load_draft(ctx)
    if draft is None:
        return await lost(ctx)
    typed = event.text.strip()
    said = phrase_of(typed)
    if said in NO:
        return await ask(ctx, draft, draft.at(known(ctx, draft)))
    if said in YES:
        return _press_to_delete(ctx)
    if typed:
        draft.note(typed)
        draft.save(ctx)
    _ = ctx._
    ctx.reply(
        choose_hint(
            ctx,
            _("I kept what you wrote with the report. To delete it, press the button."),
            _("I kept what you wrote with the report. To delete it, answer “{button}”."),
        ).format(button=_("Yes, delete it"))
    )
    ctx.again()
    return None


async def edit_answer(ctx: Context, event: InboundEvent) -> StateResult:
    """Go to one answer from the summary; come back to the summary after it."""
    draft = await load_draft(ctx)
    if draft is None:
        return await lost(ctx)
    try:
        step = ReportStep(event.button.removeprefix("edit:"))
    except ValueError:
        return await repeat(ctx, event)
    if step not in BY_STEP or not BY_STEP[step].applies(draft.answers, known(ctx, draft)):
        return await repeat(ctx, event)
    ctx.data["editing"] = True
    return await ask(ctx, draft, step)


async def clear_chat(ctx: Context, event: InboundEvent) -> StateResult:
    """Delete the latest report's messages from the chat; say what the person must delete."""
    _ = ctx._
    can = ctx.capabilities
    repo = ReportRepo(ctx.session, ctx.keyring)
    report = await repo.latest_submitted(ctx.viewer)
    answers = repo.answers(report) if report else {}
    first = str(answers.get("_first_ref", ""))
    window = can.delete_window
    here = report is not None and answers.get("_first_channel", event.channel) == event.channel
    too_old = report is not None and window is not None and ctx.now - report.created_at > window
    if (
        report is None
        or window is None
        or not here
        or too_old
        or not first.isdigit()
        or not event.ref.isdigit()
    ):
        lines = [_("There is no recent report conversation to clear here.")]
        if report is not None and here and too_old and not can.deletes_incoming:
            lines = [
                _(
                    "I can no longer delete my messages about your latest report here. The "
                    "report stays safe in Trygg (case {ref})."
                ).format(ref=report.ref),
                _("You can delete the messages yourself: press and hold one, then Delete."),
            ]
            if can.disappearing_messages:
                lines.append(_disappearing_tip(ctx))
        ctx.reply("\n\n".join(lines), menu_buttons(ctx))
        return END
    ctx.clear_range = (int(first), int(event.ref))
    if can.deletes_incoming:
        ctx.reply(
            _(
                "I have deleted the report conversation from this chat. The report stays safe "
                "in Trygg (case {ref})."
            ).format(ref=report.ref),
            menu_buttons(ctx),
        )
        return END
    lines = [
        _(
            "I have deleted my messages about the report from this chat. The report stays "
            "safe in Trygg (case {ref})."
        ).format(ref=report.ref),
        _("I cannot delete your own messages. Press and hold each one, then Delete."),
    ]
    if can.disappearing_messages:
        lines.append(_disappearing_tip(ctx))
    ctx.reply("\n\n".join(lines), menu_buttons(ctx))
    return END


def _disappearing_tip(ctx: Context) -> str:
    """Suggest disappearing messages for the chat."""
    return ctx._(
        "Tip: turn on disappearing messages for this chat. Tap the chat's name, then "
        "Disappearing messages."
    )
