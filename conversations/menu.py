"""One-shot answers and fallbacks: the menu, contacts, help, and kind replies to odd input."""

from __future__ import annotations

from conversations.akut_alert import after_alert
from conversations.alert_calls import reach_typed
from conversations.alert_write import answers_typed
from conversations.call_for_case import call_about_a_case
from conversations.call_words import tells_of_calls
from conversations.case.evidence import evidence_for_case
from conversations.case.listing import list_cases
from conversations.courtesy import answer_courtesy, courtesy_of
from conversations.events import EventKind, InboundEvent
from conversations.flow import END, Context, StateResult
from conversations.followups import checkin_reply
from conversations.i18n import N_, format_clock
from conversations.report.entry import keep_told
from conversations.schedule import quiet_hours_of, quiet_span
from conversations.texts import (
    HANDLING,
    choose_below,
    contact_lines,
    contacts_of,
    earlier_choice,
    menu_buttons,
    police_lines,
)
from conversations.unit_numbers import unit_lines
from conversations.waiting_alert import alert_waiting
from conversations.words import says_nothing
from conversations.words_to_case import words_for_case
from storage.reports import ReportRepo

TELLING = 5  # words: a message this long outside a question tells something; it is kept


async def show_menu(ctx: Context, event: InboundEvent) -> StateResult:
    """Show what the person can do; words typed after a check-in are kept with the case."""
    _ = ctx._
    typed = event.text.strip() if event.kind is EventKind.TEXT else ""
    if typed and await reach_typed(ctx, event):  # "nej hon svarade inte" to "Fick du tag…?"
        return END
    if typed and await checkin_reply(ctx, typed):
        return END
    if typed and await answers_typed(ctx, event):  # "ja" to what Pia Lind wrote to her
        return END
    # long enough to tell something, or calls to her ("he keeps calling me": harassment)
    polite = courtesy_of(typed) is not None  # "thank you very much for your help"
    tells = not polite and (len(typed.split()) >= TELLING or tells_of_calls(typed))
    telling = tells or (_asks(typed) and not polite)
    told = bool(typed) and not says_nothing(typed)
    if told and await after_alert(ctx, event):  # "han står utanför nu": for those alerted
        return END
    if typed and await call_about_a_case(ctx, event):  # "ring Per om ärendet" from a contact
        return END
    if typed and await alert_waiting(ctx, told):  # "ok jag ringer henne" under the push
        return END
    draft = await ReportRepo(ctx.session, ctx.keyring).draft(ctx.viewer) if told else None
    # after sending, any words but a greeting are for those handling her case ("passar ej"),
    # unless she has begun a report they may belong to
    if told and draft is None and await words_for_case(ctx, typed):
        return END
    if telling and ctx.viewer.role in HANDLING:  # most likely about a case they handle
        ctx.reply(
            _(
                "Is it about a case? Open it and write there: then it is kept with the case. "
                "If it happened to you: /rapportera."
            )
        )
        await list_cases(ctx, event)
        return END
    if tells or (draft is not None and not polite):  # telling, or more for her report
        ctx.reply(await keep_told(ctx, typed), menu_buttons(ctx))
        return END
    if answer_courtesy(ctx, typed):  # "tack", "hej": a kind word, and the menu
        return END
    if event.kind is EventKind.ATTACHMENT and await evidence_for_case(ctx, event):
        return END
    if event.kind is EventKind.ATTACHMENT:
        ctx.reply(_("Keep the original of what you sent – don't delete it; it may be evidence."))
    ctx.reply(_("This is what I can help you with:"), menu_buttons(ctx), rest=True)
    return END


async def welcome_back(ctx: Context, event: InboundEvent) -> StateResult:
    """Greet someone coming back to the chat with nothing in progress, and ask what next."""
    _ = ctx._
    ctx.reply(
        "\n".join([_("Welcome back."), _("What do you want to do?")]),
        menu_buttons(ctx),
        rest=True,
    )
    return END


def _asks(typed: str) -> bool:
    """Whether the words are a question ("när ringer Pia?"), however short."""
    return typed.endswith("?") and len(typed.split()) >= 2


async def show_contacts(ctx: Context, event: InboundEvent) -> StateResult:
    """Show the person's security contacts and the police numbers."""
    _ = ctx._
    contacts = await contacts_of(ctx)
    lines = [*police_lines(ctx), "", *contact_lines(ctx, contacts)]  # the way out first
    if not ctx.viewer.registered:
        lines.append(
            _(
                "You are not registered in Trygg yet, so I cannot show your party's "
                "contacts. Ask your party's security contact or your municipality's "
                "security unit for an invitation."
            )
        )
        if not contacts.municipality_name:  # none named in her report yet: the published ones
            named = event.text if event.kind is EventKind.COMMAND else ""
            units = await unit_lines(ctx, named)
            lines += ["", *units] if units else []
    ctx.reply("\n".join(lines), menu_buttons(ctx), rest=True)
    return END


_AKUT = ("akut", N_("what to do right now, and alert your security contact"))
_REPORT = ("rapportera", N_("report a threat, harassment or an attack"))
_MY_CASES = ("arenden", N_("your reports and what has been done"))
_CASES = ("arenden", N_("the cases you handle"))
_CASE = ("arende", N_("open a case: /arende and its reference"))
_CONTACTS = ("kontakter", N_("your security contacts and the police numbers"))
_FORGET = ("glom", N_("make Trygg forget you"))
_LOG = ("logg", N_("who read or changed what, in your municipality"))
_STATS = ("statistik", N_("statistics per month and kind, with a chart"))
_WEB = ("webb", N_("a link to open your cases in the web browser"))
_DRILL = ("ovning", N_("practise an alert, sped up, and get a report"))
_START = ("start", N_("welcome, language and how your data is handled"))
_HELP = ("hjalp", N_("this list"))
_OFFICIAL = (_AKUT, _REPORT, _MY_CASES, _CONTACTS, _FORGET, _START, _HELP)
ROLE_COMMANDS: dict[str, tuple[tuple[str, str], ...]] = {
    "official": _OFFICIAL,
    "unregistered": _OFFICIAL,
    "party_security": (_CASES, _CASE, _STATS, _WEB, _AKUT, _REPORT, _CONTACTS, _START, _HELP),
    "municipal_security": (
        _CASES,
        _CASE,
        _LOG,
        _STATS,
        _DRILL,
        _WEB,
        _AKUT,
        _REPORT,
        _CONTACTS,
        _START,
        _HELP,
    ),
    "municipal_director": (_CASES, _CASE, _STATS, _AKUT, _REPORT, _CONTACTS, _START, _HELP),
    "admin": (_CASES, _CASE, _LOG, _START, _HELP),
}
"""The commands each role uses, in the order of their menu (Telegram's command menu too)."""


NAMED_IN: dict[str, dict[str, str]] = {
    "en": {
        "rapportera": "report",
        "arenden": "cases",
        "arende": "case",
        "kontakter": "contacts",
        "glom": "forget",
        "hjalp": "help",
        "logg": "log",
        "statistik": "stats",
        "ovning": "drill",
        "webb": "web",
        "meny": "menu",
        "avbryt": "cancel",
    },
}
"""A command's name in a language other than Swedish (each is also a command: registry)."""


def commands_for(role: str, locale: str = "sv") -> tuple[tuple[str, str], ...]:
    """The commands of a role as a language names them: (command, msgid of what it does)."""
    named = NAMED_IN.get(locale, {})
    return tuple((named.get(c, c), what) for c, what in ROLE_COMMANDS.get(role, _OFFICIAL))


async def show_help(ctx: Context, event: InboundEvent) -> StateResult:
    """List the commands this person's role uses, in their language."""
    _ = ctx._
    lines = [
        _("In danger now: call {number}.").format(number="112"),
        _("Trygg helps elected officials who are threatened, harassed or attacked."),
        "",
        *(
            f"/{command} – {_(what)}"
            for command, what in commands_for(ctx.viewer.role.value, ctx.locale)
        ),
        "",
        _quiet_line(ctx, await quiet_hours_of(ctx.session, ctx.person.municipality_id)),
    ]
    ctx.menu_changed = True  # the command menu follows the role, as this list does
    ctx.reply("\n".join(lines), menu_buttons(ctx), rest=True)
    return END


def _quiet_line(ctx: Context, quiet: str) -> str:
    start, end = quiet_span(quiet)
    if start == end:
        return ctx._("Alerts always go through.")
    return ctx._(
        "I send no reminders between {start} and {end} – alerts always go through."
    ).format(start=format_clock(start, ctx.locale), end=format_clock(end, ctx.locale))


def unknown_line(ctx: Context, event: InboundEvent) -> str:
    """Say the command is unknown, and where all commands are listed."""
    help_command = NAMED_IN.get(ctx.locale, {}).get(_HELP[0], _HELP[0])
    return ctx._("I don't know the command /{command}. All commands are under /{help}.").format(
        command=event.command[:32], help=help_command
    )


async def unknown_command(ctx: Context, event: InboundEvent) -> StateResult:
    """Say the command is unknown and where all are listed; ask the open question again (the
    menu with none open)."""
    ctx.reply(unknown_line(ctx, event))
    return show_open_question(ctx)


def show_open_question(ctx: Context) -> StateResult:
    """Show the open question again with its buttons; with none open (or only the welcome,
    whose privacy text she has read), the menu."""
    _ = ctx._
    resting = ctx.prompt is not None and ctx.prompt.rest
    if resting or not ctx.again():
        ctx.reply(_("This is what I can help you with:"), menu_buttons(ctx), rest=True)
    return None


async def stale_button(ctx: Context, event: InboundEvent) -> StateResult:
    """Refuse a button from an earlier message and show the current question."""
    _ = ctx._
    if event.button:
        ctx.reply(earlier_choice(ctx))
    else:
        ctx.reply(_("There is no such choice here."))
    return show_open_question(ctx)


async def unsupported(ctx: Context, event: InboundEvent) -> StateResult:
    """Say kindly that this kind of message cannot be used here."""
    _ = ctx._
    ctx.reply(_("I can't use that here – please write, or send a photo."))
    return show_open_question(ctx)


async def unexpected(ctx: Context, event: InboundEvent) -> StateResult:
    """Ask the person to answer the open question with its buttons."""
    _ = ctx._
    ctx.reply(choose_below(ctx))
    return show_open_question(ctx)


async def too_large(ctx: Context, event: InboundEvent) -> StateResult:
    """Explain the channel's download limit for files."""
    _ = ctx._
    limit = ctx.capabilities.max_download_bytes or 0
    ctx.reply(
        _(
            "That file is larger than {limit} MB, the most I can receive. Keep the original, "
            "and send a smaller copy (e.g. a screenshot), or give it to your security contact "
            "another way."
        ).format(limit=limit // (1024 * 1024))
    )
    ctx.again()
    return None


async def edited(ctx: Context, event: InboundEvent) -> StateResult:
    """Say that an edit of an earlier message did not change anything."""
    _ = ctx._
    ctx.reply(
        _(
            "You edited an earlier message. I have not changed anything: send the correction "
            "as a new message."
        )
    )
    ctx.again()
    return None
