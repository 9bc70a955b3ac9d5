"""The flows and commands the bot knows. Commands are Swedish, with English aliases."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping

from sqlalchemy.ext.asyncio import AsyncSession

from conversations import (
    akut,
    akut_notices,
    akut_undo,
    akut_words,
    alert_calls,
    alert_gone,
    alert_next,
    alert_view,
    alert_write,
    alerts,
    call_words,
    case,
    drill_command,
    drills,
    followups,
    harmless_words,
    housekeeping,
    identity,
    item_owners,
    logbook,
    menu,
    notice_later,
    privacy,
    start,
    waiting_alert,
    web_link,
    words_to_case,
)
from conversations.alerts import TimerHandler
from conversations.case import listing
from conversations.case import reading as case_reading
from conversations.flow import Flow, Handler
from conversations.packs import PackLibrary
from conversations.report import advice as report_advice
from conversations.report import entry as report_entry
from conversations.report.flow import FLOW as REPORT
from conversations.router import Command, Fallbacks
from conversations.stats import flow as stats
from conversations.stats import view as stats_view
from conversations.texts import MENU
from conversations.words import Words
from storage.crypto import Keyring
from storage.viewer import Viewer

FLOWS: Mapping[str, Flow] = {
    flow.name: flow
    for flow in (
        start.FLOW,
        akut.FLOW,
        REPORT,
        case.FLOW,
        privacy.FLOW,
        stats.FLOW,
        alert_write.FLOW,
    )
}

SWEDISH: Mapping[str, Command] = {
    "start": Command(start.FLOW, start.welcome),
    "akut": Command(akut.FLOW, akut.guidance),
    "rapportera": Command(REPORT, report_entry.begin),
    "avbryt": Command(REPORT, report_entry.cancel),
    "rensa": Command(None, report_entry.clear_chat),
    "arenden": Command(None, listing.list_cases),
    "arende": Command(case.FLOW, case.open_case),
    "glom": Command(privacy.FLOW, privacy.ask_forget),
    "logg": Command(None, logbook.show_log),
    "statistik": Command(stats.FLOW, stats.ask_period),
    "ovning": Command(None, drill_command.ask),
    "webb": Command(None, web_link.send_link),
    "kontakter": Command(None, menu.show_contacts),
    "hjalp": Command(None, menu.show_help),
    "meny": Command(None, menu.show_menu),
    # behind "Skriv till Lisa Ek" (cmd:skriv <alert id>) on an /akut alert: listed nowhere
    akut_notices.WRITE: Command(alert_write.FLOW, alert_write.ask),
    akut_notices.VIEW: Command(None, alert_view.shown_again),  # an alert, as it is now
}

TRIED: Mapping[str, str] = {
    **dict.fromkeys(("larm", "alarm", "sos", "112", "nodlage", "emergency", "urgent"), "akut"),
    **dict.fromkeys(("rapport", "anmal", "incident"), "rapportera"),
    "kontakt": "kontakter",
}
"""Names people try for a command, as typed with å, ä, ö folded (listed nowhere): "/larm" at
23:00 is a cry for help, not an unknown command."""

REPORT_ASKED = (
    "rapport",
    "en rapport",
    "skriva rapport",
    "skriva en rapport",
    "rapportera något",
    "jag vill rapportera",
    "jag vill rapportera något",
    "jag vill skriva en rapport",
    "i want to report",
    "i want to report something",
    "write a report",
    "make a report",
)
"""A whole message that asks to write a report: the command, from anywhere."""

# Each command also under its English name (the English /help and command menu list these)
COMMANDS: Mapping[str, Command] = {
    **SWEDISH,
    **{english: SWEDISH[swedish] for swedish, english in menu.NAMED_IN["en"].items()},
    **{tried: SWEDISH[swedish] for tried, swedish in TRIED.items()},
}

ACTIONS: Mapping[str, Handler] = {
    "ack": alerts.acknowledge,
    akut_notices.READ: alert_view.read_words,  # what she wrote around her /akut alert
    akut_undo.UNDO: akut_undo.undo,  # she takes back an alert raised by mistake
    "show": case_reading.show_whole_case,
    case_reading.OPEN_FILE: case_reading.open_evidence,
    "call": alert_calls.call_info,
    "checkin": followups.answer_checkin,
    "hold": followups.hold_case,
    "advice": report_advice.advice,
    identity.CONFIRM: identity.confirm,  # the unit confirms a changed identity
    "lang": start.choose_language,  # another language, from the welcome or at any time
    drill_command.ACTION: drill_command.act,  # start or end a drill (the security unit)
}

FileMaker = Callable[
    [AsyncSession, Keyring, PackLibrary, Viewer, Mapping[str, str], str, Callable[[str], str]],
    Awaitable[bytes | None],
]
FILES: Mapping[str, FileMaker] = {stats_view.CHART: stats_view.chart_file}
"""Files made when a reply is sent (events.FileRef.made), for the recipient as they are
then: (session, keyring, packs, viewer, spec, locale, gettext) -> bytes, or None if they
may not have it."""

TIMERS: Mapping[str, TimerHandler] = {
    alert_next.ESCALATE: alerts.escalate,
    alerts.UNANSWERED_TELL: alerts.tell_unanswered,
    alert_gone.TAKER_GONE_LATER: alerts.tell_taker_gone_later,
    item_owners.ITEM_OWNERS_LATER: item_owners.tell_item_owners_later,
    words_to_case.WORDS_LATER: words_to_case.tell_words_later,
    notice_later.NOTICE_LATER: notice_later.notice_later,
    **followups.TIMERS,
    **drills.TIMERS,
    housekeeping.HOUSEKEEPING: housekeeping.housekeeping,
}

RETURNING = waiting_alert.shown_again
"""Shown first to someone coming back to the chat: the alerts still waiting for her."""

FALLBACKS = Fallbacks(
    menu=menu.show_menu,
    unknown_command=menu.unknown_command,
    stale_button=menu.stale_button,
    unsupported=menu.unsupported,
    unexpected=menu.unexpected,
    too_large=menu.too_large,
    edited=menu.edited,
    held=identity.held,
    back=menu.welcome_back,
)

# A cry for help needs no command: "akut" works from anywhere, and a first message that
# says what happened opens /akut rather than the menu (the words are kept: see akut.py).
WORDS = Words(
    command="akut",
    anywhere=akut_words.CALLS,
    first=akut_words.OPENING,
    not_first=akut_words.NOT_THREAT,
    crying=akut_words.CRYING,
    denied=akut_words.DENIED,
    harmless=harmless_words.harmless,  # "tack för hjälpen", "krossade tomater"
    also=akut_words.opens_akut,  # "jätterädd", "någon försöker ta sig in", "ring polisen"
    names=call_words.names_to_call,  # her contacts' names: "ring Pia", "kan du ringa Pia Lind?"
    acts={
        **dict.fromkeys(alerts.TAKE_WORDS, alerts.take_typed),
        **dict.fromkeys(case_reading.SHOW_WORDS, case_reading.show_typed),
    },
    menu={
        **dict.fromkeys(("meny", "menu", "huvudmeny", "main menu", "start menu"), "meny"),
        **dict.fromkeys(("ärenden", "arenden", "mina ärenden", "cases", "my cases"), "arenden"),
        **dict.fromkeys(("kontakter", "contacts"), "kontakter"),
        **dict.fromkeys(("statistik", "statistics"), "statistik"),
        # the command without its slash, alone: after /akut it had gone to Pia as new danger
        **dict.fromkeys(("rapportera", "ny rapport", "report", "new report"), "rapportera"),
        # how people ask for it in words: "rapport" at the menu had shown the menu again
        **dict.fromkeys(REPORT_ASKED, "rapportera"),
    },
    menu_labels=tuple(MENU.items()),
    opens=("öppna", "oppna", "ärende", "arende", "open", "case"),
)
