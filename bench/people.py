"""Simulated people: closed-loop reporters and people pressing /akut.

A reporter sends one update, waits until the bot's answer with a keyboard reaches its chat,
reads that keyboard for the callback_data of the button it wants, and sends the next
update — as a person would, only without thinking time. Two free-text parts of "what
happened" are typed right after each other without waiting, so the per-person order is
exercised too (they must be stored in the order they were written).
"""

from __future__ import annotations

import asyncio

from bench.fakeapi import FakeBotApi, now
from bench.stats import Tally

WHAT_1 = "Someone wrote on my Facebook page that they know where I live."
WHAT_2 = "Then the same account sent me a private message with a photo of my house."

Action = tuple[str, str]  # ("text" | "press", text or button id)

REPORT: tuple[tuple[Action, ...], ...] = (
    (("text", "/rapportera"),),
    (("press", "opt:self"),),  # who: it happened to me
    (("text", "Kommunstyrelsen"),),  # committee
    (("press", "opt:party"),),  # category
    (("press", "tog:threat"),),  # kinds: toggle one ...
    (("press", "done"),),  # ... and done
    (("press", "done"),),  # channels: done
    (("text", WHAT_1), ("text", WHAT_2)),  # what happened: two messages, typed at once
    (("press", "done"),),
    (("press", "opt:today"),),  # when
    (("text", "In the town hall, after the council meeting."),),  # where
    (("press", "opt:none"),),  # witnesses: nobody
    (("press", "opt:yes"),),  # reached the recipient
    (("press", "opt:unknown"),),  # perpetrator
    (("press", "opt:one"),),  # how many
    (("press", "nav:skip"),),  # description
    (("press", "opt:unknown"),),  # targeted others
    (("press", "opt:no"),),  # group
    (("press", "opt:decision"),),  # trigger
    (("press", "opt:not_yet"),),  # police
    (("press", "done"),),  # protective measures
    (("press", "opt:somewhat"),),  # frightening
    (("press", "opt:unknown"),),  # seriously meant
    (("press", "nav:skip"),),  # more about how it felt
    (("press", "done"),),  # evidence: none
    (("press", "send"),),  # summary: send
)
EVENTS_PER_REPORT = sum(len(group) for group in REPORT)


class Stuck(Exception):
    """The bot did not answer as a person would expect (no answer, or no such button)."""


async def reporter(
    api: FakeBotApi,
    chat_id: int,
    tally: Tally,
    *,
    patience: float = 120.0,
    until: float | None = None,
) -> None:
    """Write one full report; with ``until``, keep writing new ones until then.

    ``patience``: how long to wait for one answer before giving up (a failure)."""
    chat = api.chat(chat_id)
    while True:
        for index, group in enumerate(REPORT):
            base = len(chat.kb_times)
            sent: list[float] = []
            for kind, value in group:
                if kind == "press":
                    data = chat.callback_data(value)
                    if data is None:
                        tally.failures[f"step {index}: no button {value}"] += 1
                        return
                    sent.append(now())
                    api.press(chat_id, data)
                else:
                    sent.append(now())
                    api.send_text(chat_id, value)
            for k, started in enumerate(sent, 1):
                wait = patience if until is None else min(patience, until - now())
                try:
                    arrived = await chat.wait_keyboards(base + k, max(wait, 0.0))
                except TimeoutError:
                    if until is None or now() < until:
                        tally.failures[f"step {index}: no answer"] += 1
                    return
                tally.done(arrived - started, arrived)
        tally.reports += 1
        if until is None:
            return


async def run_reporters(
    api: FakeBotApi,
    chats: list[int],
    *,
    patience: float = 120.0,
    until: float | None = None,
) -> Tally:
    """All reporters at once; return what they saw."""
    tally = Tally()
    await asyncio.gather(*(reporter(api, c, tally, patience=patience, until=until) for c in chats))
    return tally


async def paced_reporter(
    api: FakeBotApi, chat_id: int, tally: Tally, *, think: float, until: float
) -> None:
    """A person mid-report who takes ``think`` seconds per answer; measures how long until
    the bot's first answer to each event reaches the Bot API."""
    chat = api.chat(chat_id)
    for group in REPORT:
        for kind, value in group:
            if now() + think >= until:
                return
            await asyncio.sleep(think)
            seen = len(chat.sent_times)
            base = len(chat.kb_times)
            started = now()
            if kind == "press":
                data = chat.callback_data(value)
                if data is None:
                    tally.failures[f"no button {value}"] += 1
                    return
                api.press(chat_id, data)
            else:
                api.send_text(chat_id, value)
            try:
                first = await chat.wait_messages(seen + 1, until - now() + 5)
                await chat.wait_keyboards(base + 1, until - now() + 5)
            except TimeoutError:
                tally.failures["no answer"] += 1
                return
            tally.done(first - started, first)


async def akut_person(
    api: FakeBotApi, chat_id: int, tally: Tally, *, start_after: float, think: float
) -> None:
    """/akut, read the guidance, press "Alert my security contact" once."""
    chat = api.chat(chat_id)
    await asyncio.sleep(start_after)
    for action in ("/akut", "akut:alert"):
        seen = len(chat.sent_times)
        started = now()
        if action.startswith("/"):
            api.send_text(chat_id, action)
        else:
            data = chat.callback_data(action)
            if data is None:
                tally.failures["no alert button"] += 1
                return
            api.press(chat_id, data)
        try:
            first = await chat.wait_messages(seen + 1, 60)
        except TimeoutError:
            tally.failures["no answer"] += 1
            return
        tally.done(first - started, first)
        await asyncio.sleep(think)
