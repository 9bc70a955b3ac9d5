"""Shared pieces of the fault tests (tests/test_fault_*.py): an organisation with many
officials, the Swedish texts the bot answers with, and where a report prompt stands.

A driver that types like a person needs to know which question a prompt asks; it reads
that from the prompt's text, with the wording taken from the real flow and catalogs.
"""

from __future__ import annotations

import functools
import json
import os
import re
from collections.abc import Callable, Collection
from pathlib import Path
from types import SimpleNamespace

import yaml

from conversations.i18n import Catalogs
from conversations.report.form import QUESTIONS, ReportStep
from tests.conftest import REPO, TEST_KEYS
from tests.fakebotapi import FakeBotApi

FIGURES: list[str] = []  # printed at the end of the run (conftest's terminal summary)


def report_figures(name: str, figures: dict[str, object], tmp_path: Path) -> None:
    """Print a fault test's figures now, keep them for the end of the run, and save them."""
    line = f"{name}: " + json.dumps(figures)
    print(line)
    FIGURES.append(line)
    (tmp_path / f"{name.replace('-', '_')}_figures.json").write_text(json.dumps(figures) + "\n")


SUBMITTED_STATE = "submitted"
SAVED_STATE = "what_saved"
REFERENCE = re.compile(r"\b[2-9A-Z]{4}-[2-9A-Z]{4}\b")


@functools.cache
def sv() -> Callable[[str], str]:
    """Swedish gettext, as the bot speaks it."""
    return Catalogs().gettext("sv")


@functools.cache
def en() -> Callable[[str], str]:
    return Catalogs().gettext("en")


def texts(locale: str = "sv") -> SimpleNamespace:
    """The bot's fixed answers that the fault tests look for, in one language."""
    _ = sv() if locale == "sv" else en()
    return SimpleNamespace(
        earlier=_("That button belongs to an earlier message, so I did nothing with it."),
        lost=_("I lost the connection for a moment – here is where we were:"),
        no_such=_("There is no such choice here."),
        db_down=_("I can't save anything right now. Please try again in a moment."),
        bug=_("Something went wrong on my side. What you told me before is saved."),
        saved=_("I added that to “{topic}”.").partition("{")[0],
        sent=_("Your report is sent: case {ref}.").partition("{")[0],
        summary=_("Your report – check it before sending:"),
        help=_("Trygg helps elected officials who are threatened, harassed or attacked."),
        unsupported=_("I can't use that here – please write, or send a photo."),
        unexpected=_("Please choose one of the buttons below."),
        answer_buttons=_("That choice is not open here. This is the question:"),
        too_large=_(
            "That file is larger than {limit} MB, the most I can receive. Keep the original, "
            "and send a smaller copy (e.g. a screenshot), or give it to your security contact "
            "another way."
        ).format(limit=20),
        empty_file=_("That file is empty, so I did not keep it."),
        evidence_later=_("I'll ask for evidence at the end of the report – keep the original."),
        edited=_(
            "You edited an earlier message. I have not changed anything: send the correction "
            "as a new message."
        ),
        group=_(
            "Trygg works only in a private chat with you, so that what you tell it stays "
            "between you and the people who help you. Write to me directly instead."
        ),
        unknown_command=_(
            "I don't know the command /{command}. All commands are under /{help}."
        ).partition("/")[0],
        empty=_("I got an empty message. Please write your answer."),
        resume=_("You have an unfinished report from {when}.").partition("{")[0],
        alert_head=_("New incident report in Trygg – case {ref}").partition("{")[0],
        updated=_("I updated your last message in the report."),
        bad_code=_("That invitation code is not valid (used or expired). Ask for a new one."),
        menu=_("This is what I can help you with:"),
        kept=_(
            "Saved as evidence: {kind}, {size} kB. You can remove it before you send."
        ).partition("{")[0],
    )


@functools.cache
def _questions(locale: str, pack_name: str) -> list[tuple[str, str]]:
    """(question text, step) for every report question, longest text first."""
    _ = sv() if locale == "sv" else en()
    pairs = [(_(q.ask).format(name=""), q.step.value) for q in QUESTIONS]
    return sorted(pairs, key=lambda pair: -len(pair[0]))


def prompt_state(
    text: str, button_ids: list[str], locale: str = "sv", pack: str = "oxelosund"
) -> str:
    """Which report step a prompt (a bot message with a keyboard) stands at; '' if none."""
    t = texts(locale)
    if t.sent in text:
        return SUBMITTED_STATE
    if "send" in button_ids:
        return ReportStep.SUMMARY.value
    if "resume:continue" in button_ids:
        return ReportStep.RESUME.value
    if text.startswith(t.saved):
        return SAVED_STATE
    for question, state in _questions(locale, pack):
        if question in text:  # after what was understood ("Jag skrev: …"), the question
            return state
    return ""


def button_ids(keyboard: list[tuple[str, str]]) -> list[str]:
    """Button ids from (label, callback_data) pairs: callback_data is 'token|id'."""
    return [data.partition("|")[2] for _label, data in keyboard]


def write_org(
    path: Path,
    officials: int,
    *,
    security_phone: str = "+46 70 174 06 99",
    english: Collection[int] = (),
) -> Path:
    """An organisation: one municipality, one party, ``officials`` officials (o000, o001,
    ...; those numbered in ``english`` speak English) and one party security contact
    ("sec") who gets every report's alert first."""
    people: list[dict[str, object]] = [
        {
            "handle": "sec",
            "name": "Sam Säker",
            "role": "party_security",
            "municipality": "sjovik",
            "party": "gp",
            "phone": security_phone,
            "language": "sv",
        }
    ]
    people += [
        {
            "handle": f"o{i:03d}",
            "name": f"Ledamot {i:03d}",
            "role": "official",
            "municipality": "sjovik",
            "party": "gp",
            "phone": f"+46 70 174 {i // 100:02d} {i % 100:02d}",
            "language": "en" if i in english else "sv",
        }
        for i in range(officials)
    ]
    org = {
        "municipalities": [
            {
                "key": "sjovik",
                "name": "Sjöviks kommun",
                "security_unit_phone": "+46 8 465 004 10",
                "pack": "oxelosund",
                "parties": [{"key": "gp", "name": "Gröna partiet"}],
            }
        ],
        "people": people,
    }
    path.write_text(yaml.safe_dump(org, allow_unicode=True), encoding="utf-8")
    return path


def child_env(database_url: str, fake: FakeBotApi) -> dict[str, str]:
    """A bot child's environment: this one without Trygg's and Telegram's settings, then the
    test database, keys and the fake Bot API."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("TRYGG_", "TELEGRAM_")) and k != "DATABASE_URL"
    }
    return env | {
        "PYTHONPATH": str(REPO),
        "DATABASE_URL": database_url,
        "TRYGG_KEYS": TEST_KEYS,
        "TRYGG_LOG_LEVEL": "WARNING",
        "TELEGRAM_BOT_TOKEN": fake.token,
        "TELEGRAM_API_BASE_URL": fake.base_url,
        "TELEGRAM_FILE_BASE_URL": fake.base_file_url,
    }
