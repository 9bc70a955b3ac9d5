"""Words she writes to her open case after sending it: kept with the case, its handlers
told (at once and asked to read them now if they may tell of danger), and what she reads
about who will see them."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from conversations.akut_words import says_none, tells_danger
from conversations.alerts import SystemContext, hurry, someone_next
from conversations.events import Button
from conversations.flow import Context
from conversations.i18n import names_list, shown_name
from conversations.news_words import tells_news
from conversations.notices import CHECKIN_ASK, CHECKIN_REPLY
from conversations.schedule import out_of_quiet_hours, quiet_hours_of
from conversations.texts import contacts_of, menu_buttons
from storage.cases import CaseRepo
from storage.directory import DirectoryRepo
from storage.models import Report, ReportStatus, Timer
from storage.outbox import ROUTINE, URGENT, OutboxRepo
from storage.reports import ReportRepo
from storage.timers import TimerRepo

CASE_RECENT = timedelta(days=30)  # words typed this long after sending are for that case
ANSWER_AWAITED = timedelta(hours=12)  # her answer this soon after she was written to: now
CHECKIN_OPEN = timedelta(days=3)  # a reply typed this long after a check-in answers it
WORDS_LATER = "words_later"  # calm words written in the quiet hours: handlers told after


async def open_case(ctx: Context) -> Report | None:
    """The person's own case still open (not a drill's), if it was sent lately, or Trygg
    checked in with her about it lately, or someone who handles it wrote to her lately."""
    latest = await ReportRepo(ctx.session, ctx.keyring).latest_submitted(ctx.viewer)
    if (
        latest is None
        or latest.status is not ReportStatus.SUBMITTED
        or latest.drill_id is not None
        or latest.submitted_at is None
    ):
        return None
    if ctx.now - latest.submitted_at <= CASE_RECENT or await _answer_awaited(ctx, latest):
        return latest
    asked = await OutboxRepo(ctx.session).last_sent(
        ctx.person.id, CHECKIN_ASK, ctx.now - CASE_RECENT
    )
    return latest if asked is not None and asked.payload.get("report") == latest.id else None


async def _answer_awaited(ctx: Context, report: Report) -> bool:
    """Whether someone who handles the case wrote to her lately and waits for her answer."""
    written = await CaseRepo(ctx.session, ctx.keyring).last_written_to_her(report)
    return written is not None and ctx.now - written <= ANSWER_AWAITED


async def words_for_case(ctx: Context, text: str) -> bool:
    """Keep words typed after sending a report ("när ringer Pia mig?") with that case if it
    is still open, and tell those who handle it; False if there is no such case (the caller
    gives words to an unfinished report first)."""
    latest = await open_case(ctx)
    if latest is None:
        return False
    await keep_with_case(ctx, latest, text, unasked=True)
    return True


async def kept_with_open_case(ctx: Context, text: str, *, brief: bool = False) -> str | None:
    """Words she typed at /akut while a case of hers is open: kept with it, its handlers told
    (not a new report nobody reads); the line that says so (None: no open case), without
    when it goes on if ``brief``."""
    report = await open_case(ctx)
    if report is None:
        return None
    note = await CaseRepo(ctx.session, ctx.keyring).add_note(
        ctx.viewer, report, "checkin", text, ctx.now
    )
    danger = tells_danger(text)
    news = danger and await checkin_open(ctx, report)  # "han står utanför" after "Hur mår du?"
    handlers = await tell_handlers(ctx, report, note.id, danger=danger, news=news)
    # the alert she may ask for next carries them too (the conversation keeps only the id)
    ctx.data[TOLD_NOTES] = [*ctx.data.get(TOLD_NOTES, []), note.id]
    if not handlers or not ctx.viewer.registered:
        return ctx._("I have kept what you wrote with your case {ref}.").format(ref=report.ref)
    if danger:
        return await asked_to_read(ctx, report, handlers, brief=brief)
    names = names_list(ctx._, await names_of(ctx, handlers))
    kept = ctx._("I have kept what you wrote with your case {ref}.").format(ref=report.ref)
    return f"{kept} {seen_line(ctx, names, await held_until(ctx, report))}"


async def checkin_open(ctx: Context, report: Report) -> bool:
    """Whether Trygg checked in with her about this case lately, so that what she writes
    now answers it."""
    asked = await OutboxRepo(ctx.session).last_sent(
        ctx.person.id, CHECKIN_ASK, ctx.now - CHECKIN_OPEN
    )
    return asked is not None and asked.payload.get("report") == report.id


async def asked_to_read(
    ctx: Context, report: Report, handlers: list[int], *, brief: bool = False
) -> str:
    """Say that her words of danger are kept with her case and its handlers asked to read
    them now; while nobody has taken it, how soon it goes on (see :func:`hurry`), unless
    ``brief`` (the alert is offered next), or whom to call when nobody is left to alert."""
    names = names_list(ctx._, await names_of(ctx, handlers))
    kept = ctx._(
        "I have kept what you wrote with your case {ref} and asked {names} to read it now."
    ).format(ref=report.ref, names=names)
    if await CaseRepo(ctx.session, ctx.keyring).taken_by(report) is not None:
        return kept
    if brief and await someone_next(ctx.session, ctx.packs, report):
        return kept  # the alert is offered next; with nobody left, the unit's number stays
    return f"{kept} {await if_nobody_takes_it(ctx, report)}".rstrip()


async def if_nobody_takes_it(ctx: Context, report: Report) -> str:
    """What comes of her case if nobody takes it now (see :func:`hurry`): it goes on to the
    next level soon, or, with nobody left to alert, whom she may call herself."""
    if await someone_next(ctx.session, ctx.packs, report):
        wait = _akut_minutes(ctx, report)
        goes_on = ctx._("If nobody takes it within {wait}, it goes on to the next.")
        return goes_on.format(wait=ctx.ngettext("{n} minute", "{n} minutes", wait).format(n=wait))
    phone = (await contacts_of(ctx)).security_unit_phone  # nobody more to alert: no promise
    if phone is None:
        return ""
    return ctx._("You can also call the municipality's security unit on {phone}.").format(
        phone=phone
    )


async def names_of(ctx: Context, person_ids: list[int]) -> list[str]:
    """People's names as the directory gives them to this viewer."""
    directory = DirectoryRepo(ctx.session)
    return [shown_name(ctx._, (await directory.describe(ctx.viewer, i))[0]) for i in person_ids]


TOLD_NOTES = "told_notes"  # conversation data: her notes written at /akut, for its alert


async def note_for_handlers(
    ctx: Context, report: Report, text: str, *, checkin: bool = False
) -> list[int]:
    """Keep the reporter's words with her case and tell its handlers (the words stay inside
    the case); return who they are. An answer to a check-in (``checkin``) that tells of
    something new, or of danger, is told as news."""
    note = await CaseRepo(ctx.session, ctx.keyring).add_note(
        ctx.viewer, report, "checkin", text, ctx.now
    )
    danger = tells_danger(text)
    news = checkin and (danger or tells_news(text))
    return await tell_handlers(ctx, report, note.id, danger=danger, news=news)


async def tell_handlers(
    ctx: Context, report: Report, note_id: int, *, danger: bool = False, news: bool = False
) -> list[int]:
    """Tell those who handle her case, and the unit it was sent to, that she wrote to it, at
    once and asked to read it now if the words may tell of ``danger``; that her answer to a
    check-in tells of something new (``news``); return who they are."""
    handlers = await CaseRepo(ctx.session, ctx.keyring).told_of_her_words(report)
    payload: dict[str, Any] = {"report": report.id, "note": note_id}
    if news:  # "han har skrivit igen i natt" after "Hur mår du?": not "bättre, tack"
        payload["news"] = True
    if danger:
        payload["danger"] = True
        await hurry(ctx, report, _akut_minutes(ctx, report))  # nobody took it: the next sooner
    elif handlers and await held_for_morning(ctx, report, f"{report.id}:{note_id}", payload):
        return handlers  # "sover dåligt" at 02:00 woke Pia: she is told in the morning
    for person_id in handlers:
        ctx.notify(person_id, CHECKIN_REPLY, payload, URGENT if danger else ROUTINE)
    return handlers


NOTICE = "notice"  # in a words_later timer: what its handlers are told (else her words)


async def held_until(ctx: Context, report: Report) -> datetime | None:
    """When the quiet hours end, if they are now (routine to her case's handlers waits for
    it); None by day, in a drill, and while someone who handles it waits for her answer to
    what they wrote to her lately."""
    if report.drill_id is not None:
        return None
    if await _answer_awaited(ctx, report):
        return None
    later = out_of_quiet_hours(ctx.now, await quiet_hours_of(ctx.session, report.municipality_id))
    return later if later > ctx.now else None


def seen_line(ctx: Context, names: str, morning: datetime | None) -> str:
    """Say who will see what she sent: "Pia Lind ser det.", or in the quiet hours, when calm
    words and files wait for the morning, when ("Pia Lind får se det i dag kl. 08.00.
    Behöver du någon innan dess: /akut")."""
    if morning is None:
        return ctx._("{names} will see it.").format(names=names)
    return ctx._("{names} will see it {when}. If you need someone before then: /akut").format(
        names=names, when=ctx.when(morning)
    )


async def held_for_morning(
    ctx: Context, report: Report, subject: str, payload: dict[str, Any], notice: str = CHECKIN_REPLY
) -> bool:
    """In the quiet hours, hold a routine notice to her case's handlers (her calm words, a
    file she sent) until their end, for those who handle it then; False outside them (and
    in a drill): tell them now. One notice per ``subject``: three files sent in one night
    are told once."""
    later = await held_until(ctx, report)
    if later is None:
        return False
    timers = TimerRepo(ctx.session)
    if not await timers.pending(WORDS_LATER, subject):
        held = payload if notice == CHECKIN_REPLY else {**payload, NOTICE: notice}
        timers.schedule(WORDS_LATER, subject, later, held)
    return True


async def tell_words_later(sc: SystemContext, timer: Timer) -> None:
    """The quiet hours are over: tell those who handle her case now of the words she wrote
    (or the file she sent) in them, if it is still open."""
    report = await sc.session.get(Report, str(timer.payload.get("report", "")))
    if report is None or report.status is not ReportStatus.SUBMITTED:
        return
    payload = dict(timer.payload)
    notice = str(payload.pop(NOTICE, CHECKIN_REPLY))
    for person_id in await CaseRepo(sc.session, sc.keyring).told_of_her_words(report):
        sc.notify(person_id, notice, payload, ROUTINE)


def _akut_minutes(ctx: Context, report: Report) -> int:
    """How long the plan gives an alert in danger before the next level is alerted."""
    pack = ctx.packs.get(report.pack)
    return pack.alerting.ack_minutes_akut if pack.alerting else 10


async def keep_with_case(
    ctx: Context, report: Report, text: str, *, unasked: bool, ask_call: bool = False
) -> None:
    """Keep the reporter's words with her case, tell its handlers, and say who will see them
    (the way out first: the words may be new danger); after a check-in, ask once whether
    someone should call."""
    _ = ctx._
    cases = CaseRepo(ctx.session, ctx.keyring)
    handlers = await note_for_handlers(ctx, report, text, checkin=not unasked)
    danger = tells_danger(text)
    if handlers and ctx.viewer.registered:
        names = await names_of(ctx, handlers)
        taken = await cases.taken_by(report)
        morning = None if danger else await held_until(ctx, report)
        if danger and taken is None:
            asked = _("Nobody has taken your case yet. I have asked {names} to read it now.")
            who = asked.format(names=names_list(_, names))
            who = f"{who} {await if_nobody_takes_it(ctx, report)}".rstrip()
        elif danger:  # "han stod utanför mitt hus igen": they read it now
            who = _("I have asked {names} to read it now.").format(names=names_list(_, names))
        elif morning is not None or not unasked:  # "sover dåligt" at 02:00: in the morning
            who = seen_line(ctx, names_list(_, names), morning)
        elif taken is None:  # "when will Pia call me?"
            who = _("Nobody has taken your case yet. {names} will see what you wrote.").format(
                names=names_list(_, names)
            )
        else:
            who = _("{names} has your case: they see what you wrote and will contact you.").format(
                names=names_list(_, names)
            )
    else:
        who = _("The people handling your case will see it.")
    lines = [
        _("In danger now: call 112."),
        _("Thank you. I have kept what you wrote with your case {ref}.").format(ref=report.ref),
        who,
    ]
    if unasked and not (text.rstrip().endswith("?") or danger or says_none(text)):
        lines.append(_("Has something new happened? Then make a new report: /rapportera."))
    if not ask_call:
        ctx.reply("\n".join(lines), menu_buttons(ctx))
        return
    ctx.reply(
        "\n".join([*lines, _("Do you want someone to call you?")]),
        [
            [Button(f"checkin:{report.id}:yes", _("Yes, call me"))],
            [Button(f"checkin:{report.id}:no", _("No, I'm fine"))],
            [Button(f"checkin:{report.id}:stop", _("Stop asking"))],
        ],
    )
