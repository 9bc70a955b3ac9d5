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
from conversations.packs import PackLibrary
from conversations.report.form import BY_STEP, Known, ReportStep, next_step

PACK = PackLibrary()

WHAT_1 = "Someone wrote on my Facebook page that they know where I live."
WHAT_2 = "Then the same account sent me a private message with a photo of my house."

Action = tuple[str, str]  # ("text" | "press", text or button id)

S = ReportStep
# What a benchmark reporter presses where the form offers a choice (the follow-ups they open
# are asked too); everything else comes from the form itself: a question with options gets
# its first one (several: the first, then Done), a question in words gets its example.
PRESSES = {
    S.WHO: "self",
    S.CATEGORY: "party",
    S.WHEN: "today",
    S.WITNESSES: "none",
    S.PERPETRATOR: "unknown",
    S.GROUP: "no",
    S.TRIGGER: "decision",
    S.EXPERIENCE: "unpleasant",
    S.SERIOUS: "unknown",
    S.MORE: "nothing",
}
SKIPS = {S.PERP_DESC}
WORDS = "In the town hall, after the council meeting."


def report_script() -> tuple[tuple[Action, ...], ...]:
    """A whole report as one person presses and types it, walked along the form."""
    known = Known(registered=True, assignment=None)
    answers: dict[str, object] = {}
    script: list[tuple[Action, ...]] = [(("text", "/rapportera"),)]
    step = next_step(answers, known, None)
    while step is not S.SUMMARY:
        question = BY_STEP[step]
        pack = PACK.get("oxelosund")
        options = [
            option for option, _label in (question.options(pack) if question.options else [])
        ]
        if step is S.WHAT:  # two messages typed at once: the story goes on
            script.append((("text", WHAT_1), ("text", WHAT_2)))
            answers[step.value] = {"text": WHAT_1}
        elif question.kind == "multi":
            script += [(("press", f"tog:{options[0]}"),), (("press", "done"),)]
            answers[step.value] = {"choices": options[:1]}
        elif step in PRESSES or (options and not question.example):
            choice = PRESSES.get(step, options[0] if options else "")
            script.append((("press", f"opt:{choice}"),))
            answers[step.value] = {"choice": choice}
        elif step in SKIPS:
            script.append((("press", "nav:skip"),))
            answers[step.value] = None
        else:
            script.append((("text", question.example or WORDS),))
            answers[step.value] = {"text": question.example or WORDS, "day": "today"}
        step = next_step(answers, known, step)
    script.append((("press", "send"),))
    return tuple(script)


REPORT = report_script()
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
