"""The flows and commands the bot knows. Commands are Swedish, with English aliases."""

from __future__ import annotations

from collections.abc import Mapping

from conversations import (
    akut,
    alerts,
    case,
    followups,
    housekeeping,
    menu,
    privacy,
    report,
    start,
)
from conversations.alerts import TimerHandler
from conversations.engine import Command, Fallbacks
from conversations.flow import Flow, Handler

FLOWS: Mapping[str, Flow] = {
    flow.name: flow for flow in (start.FLOW, akut.FLOW, report.FLOW, case.FLOW, privacy.FLOW)
}

COMMANDS: Mapping[str, Command] = {
    "start": Command(start.FLOW, start.welcome),
    "akut": Command(akut.FLOW, akut.guidance),
    "rapportera": Command(report.FLOW, report.begin),
    "avbryt": Command(report.FLOW, report.cancel),
    "rensa": Command(None, report.clear_chat),
    "arenden": Command(None, alerts.list_cases),
    "arende": Command(case.FLOW, case.open_case),
    "cases": Command(None, alerts.list_cases),
    "glom": Command(privacy.FLOW, privacy.ask_forget),
    "forget": Command(privacy.FLOW, privacy.ask_forget),
    "logg": Command(None, privacy.show_log),
    "kontakter": Command(None, menu.show_contacts),
    "hjalp": Command(None, menu.show_help),
    "meny": Command(None, menu.show_menu),
    # English aliases (the Telegram command menu in English lists these)
    "help": Command(None, menu.show_help),
    "contacts": Command(None, menu.show_contacts),
    "menu": Command(None, menu.show_menu),
    "report": Command(report.FLOW, report.begin),
    "cancel": Command(report.FLOW, report.cancel),
}

ACTIONS: Mapping[str, Handler] = {
    "ack": alerts.acknowledge,
    "show": alerts.show_report,
    "call": alerts.call_info,
    "checkin": followups.answer_checkin,
    "hold": followups.hold_case,
}

TIMERS: Mapping[str, TimerHandler] = {
    alerts.ESCALATE: alerts.escalate,
    **followups.TIMERS,
    housekeeping.HOUSEKEEPING: housekeeping.housekeeping,
}

FALLBACKS = Fallbacks(
    menu=menu.show_menu,
    unknown_command=menu.unknown_command,
    stale_button=menu.stale_button,
    unsupported=menu.unsupported,
    unexpected=menu.unexpected,
    too_large=menu.too_large,
    edited=menu.edited,
)
