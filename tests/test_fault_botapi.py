"""Bot API faults: 429 with retry_after, 500/502, connection resets and timeouts.

The bot runs in-process against the fake Bot API, which injects the faults. The same
seeded script (help, contacts, /akut with its alert to the security contact, the first
steps of a report) runs twice on fresh databases: once with faults before most actions,
once without. Every chat must end up with exactly the messages of the fault-free run, in
the same order: nothing dropped, nothing sent twice. A timeout is different: the server
may have processed the request whose answer never came, so the retry may show the same
message once more; that is allowed, once per timeout, and nothing is lost.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import random
import re
import shutil
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from telegram import Bot
from telegram.request import HTTPXRequest

import bot.transports.telegram as telegram_transport
from bot import orgfile
from bot.app import App
from bot.settings import Settings
from bot.transports.telegram import CONNECTIONS
from bot.transports.telegram_http import AiohttpRequest
from tests.conftest import DEMO_ORG, TEST_KEYS, FakeClock
from tests.fakebotapi import FakeBotApi
from tests.fault_support import report_figures, texts
from tests.telegram_harness import (
    TelegramHarness,
    bind,
    eventually,
    telegram_settings,
    wait_text,
)

SEED = 20261122
RANDOM_ID = re.compile(r"[0-9a-f]{32}")
ANNA, PIA = 1001, 1002
JSONDict = dict[str, Any]

# (method, HTTP status or "reset", retry_after); which ones may hit an action's calls
TEXT_FAULTS: list[tuple[str, int | str, int | None]] = [
    ("sendMessage", 429, 1),
    ("sendMessage", 500, None),
    ("sendMessage", 502, None),
    ("sendMessage", "reset", None),
    ("getUpdates", 500, None),
    ("getUpdates", "reset", None),
    ("getUpdates", 429, 1),
]
PRESS_FAULTS = [
    *TEXT_FAULTS,
    ("answerCallbackQuery", "reset", None),
    ("answerCallbackQuery", 500, None),
    ("editMessageText", 500, None),
    ("editMessageText", "reset", None),
]


@dataclass
class Action:
    """One thing Anna does: a text (or command), or a press of a button id."""

    text: str = ""
    button: str = ""


SCRIPT = [
    Action("/hjalp"),
    Action("/kontakter"),
    Action("/akut"),
    Action(button="akut:alert"),
    Action("/rapportera"),
    Action(button="opt:self"),
    Action("Ledamot i kommunfullmäktige"),
    Action(button="opt:party"),
    Action("Ett brev med hot kom i brevlådan."),
    Action("Samma person ringde sedan."),  # the rest of the story, a moment later
    Action(button="tog:threat"),
    Action(button="tog:letter"),
    Action(button="done"),
    Action(button="opt:yesterday"),
    Action("Utanför stadshuset."),
    Action(button="nav:skip"),
    Action("/meny"),
]


@contextlib.asynccontextmanager
async def running(
    tmp_path: Path, sqlite_template: Path, name: str
) -> AsyncIterator[TelegramHarness]:
    """A fresh SQLite database with the demo organisation, a fake Bot API and the bot."""
    db_file = tmp_path / f"{name}.db"
    shutil.copy(sqlite_template, db_file)
    settings = Settings(
        DATABASE_URL=f"sqlite+aiosqlite:///{db_file}",
        TRYGG_DATA_DIR=tmp_path,
        TRYGG_DEFAULT_LOCALE="sv",
        TRYGG_KEYS=TEST_KEYS,
    )
    async with FakeBotApi() as fake:
        app = App.create(telegram_settings(settings, fake), clock=FakeClock())
        try:
            async with app.db.unit_of_work() as session:
                await orgfile.apply(session, orgfile.parse(DEMO_ORG), app.keyring)
            await bind(app, "anna", ANNA)
            await bind(app, "pia", PIA)
            fake.add_chat(PIA)
            harness = TelegramHarness(app, fake)
            await harness.start()
            try:
                yield harness
            finally:
                await harness.stop()
        finally:
            await app.close()
        fake.assert_valid()


def _press_data(fake: FakeBotApi, button: str) -> tuple[int, str]:
    keyboards = [m for m in fake.sent(ANNA) if "reply_markup" in m]
    assert keyboards, "no keyboard"
    message = keyboards[-1]
    for _label, data in fake.buttons(ANNA, message["message_id"]):
        if data.partition("|")[2] == button:
            return message["message_id"], data
    raise AssertionError(f"no button {button!r}: {fake.buttons(ANNA)}")


async def play(tg: TelegramHarness, before: Callable[[Action], None] = lambda action: None) -> None:
    """Run the script; ``before`` may inject a fault before each action."""
    fake = tg.fake
    for action in SCRIPT:
        before(action)
        if action.button:
            message_id, data = _press_data(fake, action.button)
            start = len(fake.requests)
            await tg.act(ANNA, lambda m=message_id, d=data: fake.press(ANNA, m, d))
            await fake.wait_for("answerCallbackQuery", after=start, timeout=10)
        else:
            await tg.act(ANNA, lambda t=action.text: fake.send_text(ANNA, t))
    await wait_text(fake, PIA, "Anna Berg")  # the alert, through the outbox


def shown(fake: FakeBotApi, chat: int) -> list[tuple[str, str]]:
    """Every message the bot successfully sent to a chat, in order: (text, keyboard), with
    random ids (alerts, reports) in the keyboard's callback data made comparable."""
    return [
        (str(r.params["text"]), RANDOM_ID.sub("<id>", json.dumps(r.params.get("reply_markup"))))
        for r in fake.calls("sendMessage")
        if r.params.get("chat_id") == chat and r.status == 200
    ]


_REFERENCE: dict[int, list[tuple[str, str]]] = {}


async def fault_free(tmp_path: Path, sqlite_template: Path) -> dict[int, list[tuple[str, str]]]:
    """What each chat gets when nothing goes wrong (run once per test session)."""
    if not _REFERENCE:
        async with running(tmp_path, sqlite_template, "reference") as tg:
            await play(tg)
            _REFERENCE.update({chat: shown(tg.fake, chat) for chat in (ANNA, PIA)})
    return _REFERENCE


def _write(tmp_path: Path, name: str, figures: JSONDict) -> None:
    report_figures(name, figures, tmp_path)


async def test_429_500_and_resets_are_retried_and_nothing_is_dropped_or_doubled(
    tmp_path: Path, sqlite_template: Path
) -> None:
    began = time.monotonic()
    reference = await fault_free(tmp_path, sqlite_template)

    # Every kind of fault at least once (text actions meet the text kinds, presses the rest),
    # in a seeded order, one before each action.
    rng = random.Random(SEED)
    press_only = PRESS_FAULTS[len(TEXT_FAULTS) :]
    plans = {
        False: rng.sample(TEXT_FAULTS, len(TEXT_FAULTS)),
        True: rng.sample(press_only, len(press_only)),
    }
    injected: list[tuple[str, int | str, int | None]] = []
    async with running(tmp_path, sqlite_template, "faulty") as tg:
        fake = tg.fake

        def fault(action: Action) -> None:
            plan = plans[bool(action.button)]
            chosen = (
                plan.pop() if plan else rng.choice(PRESS_FAULTS if action.button else TEXT_FAULTS)
            )
            method, status, retry_after = chosen
            injected.append(chosen)
            if status == "reset":
                fake.reset_next(method)
            else:
                assert isinstance(status, int)
                fake.fail_next(method, status, retry_after)

        await play(tg, fault)
        await eventually(
            lambda: sum(r.status not in (200, None) for r in fake.requests) >= len(injected),
            "every injected fault to be met",
        )
        failed = [r for r in fake.requests if r.status not in (200, None)]
        got = {chat: shown(fake, chat) for chat in (ANNA, PIA)}

    assert {f[:2] for f in injected} == {f[:2] for f in PRESS_FAULTS}
    assert sorted((r.method, r.status) for r in failed) == sorted(
        (method, 0 if status == "reset" else status) for method, status, _ in injected
    )
    for chat in (ANNA, PIA):
        assert [text for text, _ in got[chat]] == [text for text, _ in reference[chat]]
        assert got[chat] == reference[chat]  # keyboards too
    assert sum(texts().alert_head in t or "Anna Berg" in t for t, _ in got[PIA]) == 1
    _write(
        tmp_path,
        "fault-botapi",
        {
            "faults_injected": len(injected),
            "by_kind": sorted({f"{m} {s}" for m, s, _ in injected}),
            "messages_checked": sum(len(v) for v in got.values()),
            "duplicates_seen": 0,
            "seconds": round(time.monotonic() - began, 1),
        },
    )


READ_TIMEOUT = 0.5
# which action's first call of which method is answered only after the client gave up:
# help, the alert (Anna's reply or Pia's alert, whichever goes first), two presses, a text
SLOW = {0: "sendMessage", 3: "sendMessage", 5: "answerCallbackQuery", 9: "editMessageText",
        12: "sendMessage", 15: "sendMessage"}  # fmt: skip


@pytest.fixture
def short_timeouts(monkeypatch: pytest.MonkeyPatch) -> None:
    """Build the bot's Bot API client with a 0.5 s read timeout (not 15 s)."""

    def build(app: App) -> Bot:
        settings = app.settings
        assert settings.telegram_bot_token
        return Bot(
            settings.telegram_bot_token,
            base_url=settings.telegram_api_base_url or "",
            base_file_url=settings.telegram_file_base_url or "",
            request=AiohttpRequest(CONNECTIONS, read_timeout=READ_TIMEOUT),
            get_updates_request=HTTPXRequest(read_timeout=40),
        )

    monkeypatch.setattr(telegram_transport, "build_bot", build)


@pytest.mark.usefixtures("short_timeouts")
async def test_timeouts_are_retried_and_duplicate_at_most_once(
    tmp_path: Path, sqlite_template: Path
) -> None:
    """The fake answers only after the client gave up: the message was shown, the bot
    cannot know, and sends it again (at most once more per timeout)."""
    began = time.monotonic()
    reference = await fault_free(tmp_path, sqlite_template)

    timeouts = 0
    async with running(tmp_path, sqlite_template, "slow") as tg:
        fake = tg.fake
        actions = iter(range(len(SCRIPT)))

        def slow_once(action: Action) -> None:
            nonlocal timeouts
            method = SLOW.get(next(actions))
            if method is None:
                return
            timeouts += 1
            fake.set_delay(method, READ_TIMEOUT * 2.5)
            start = len(fake.requests)

            async def clear_when_met() -> None:
                await fake.wait_for(method, after=start, answered=False, timeout=15)
                fake.set_delay(method, 0)  # only the first call is slow

            tasks.append(asyncio.ensure_future(clear_when_met()))

        tasks: list[asyncio.Future[None]] = []
        await play(tg, slow_once)
        await asyncio.gather(*tasks)
        await asyncio.sleep(READ_TIMEOUT * 3)  # the last slow answers land
        got = {chat: shown(fake, chat) for chat in (ANNA, PIA)}

    duplicates = 0
    for chat in (ANNA, PIA):
        # the fault-free sequence, where any message may appear twice in a row
        collapsed = [m for i, m in enumerate(got[chat]) if i == 0 or m != got[chat][i - 1]]
        duplicates += len(got[chat]) - len(collapsed)
        assert collapsed == reference[chat], chat
    assert timeouts == len(SLOW)
    assert duplicates <= timeouts
    _write(
        tmp_path,
        "fault-botapi-timeouts",
        {
            "timeouts": timeouts,
            "duplicates_seen": duplicates,
            "messages_checked": sum(len(v) for v in got.values()),
            "seconds": round(time.monotonic() - began, 1),
        },
    )
