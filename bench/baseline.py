"""The baseline: the same report dialogue written the idiomatic python-telegram-bot way.

A ``ConversationHandler`` with one ``CallbackQueryHandler`` and one ``MessageHandler`` per
state (as in PTB's examples/conversationbot.py and inlinekeyboard.py), answers kept in
``context.user_data``, run by PTB's ``Application`` + ``Updater`` polling the same fake Bot
API, in PTB's default sequential mode (``concurrent_updates=False``), or with
``concurrent_updates=True`` (its fastest setting: up to 256 updates at once, which gives up
per-person order; here each person waits for the reply before writing again, so nobody's
order is broken by the bench). Optionally with ``PicklePersistence`` (default
``update_interval``, 60 s).

It asks the same questions with the same buttons as Trygg (from the same routine pack) and
makes the same Bot API calls per update: a press is answered, the pressed message is
edited to show the choice, the next question is sent; at "send" the security contact is
alerted.
"""

from __future__ import annotations

import logging
import time
import warnings
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.ext import (
    Application,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    ConversationHandler,
    MessageHandler,
    PicklePersistence,
    filters,
)
from telegram.warnings import PTBUserWarning

from bench.fakeapi import TOKEN, FakeBotApi, now
from bench.people import run_reporters
from bench.stats import RssSampler, Run, ms, percentile
from conversations.packs import PackLibrary
from conversations.report.form import QUESTIONS, Known, Question, next_step

Context = ContextTypes.DEFAULT_TYPE
Callback = Callable[[Update, Context], Awaitable[int]]
SUMMARY = len(QUESTIONS)
INDEX = {q.step: index for index, q in enumerate(QUESTIONS)}
PACK = PackLibrary().get("oxelosund")
LOCALE = "en"
KNOWN = Known(registered=True, assignment=None)


def _label(msgid: str) -> str:
    if msgid.startswith("pack:"):
        _, field, choice_id = msgid.split(":", 2)
        return next(
            (c.label.get(LOCALE) for c in getattr(PACK, field) if c.id == choice_id), choice_id
        )
    return msgid


def _next(answers: dict[str, Any], index: int) -> int:
    """The next question that applies after ``index`` (or the summary)."""
    after = QUESTIONS[index].step if index >= 0 else None
    following = next_step(answers, KNOWN, after)
    return INDEX.get(following, SUMMARY)


def _keyboard(rows: list[list[tuple[str, str]]]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=data) for data, label in row] for row in rows]
    )


async def ask(message: Message, context: Context, index: int) -> int:
    """Send the question ``index`` (or the summary) with its buttons."""
    answers: dict[str, Any] = context.user_data["answers"]  # type: ignore[index]
    if index == SUMMARY:
        lines = ["Your report – check it before sending:", ""]
        lines += [f"{q.step.value}: {answers.get(q.step.value)}" for q in QUESTIONS]
        rows = [[("send", "Send"), ("cmd:avbryt", "Cancel")]]
        await message.reply_text("\n".join(lines), reply_markup=_keyboard(rows))
        return SUMMARY
    question: Question = QUESTIONS[index]
    rows: list[list[tuple[str, str]]] = []
    if question.options is not None:
        chosen = (answers.get(question.step.value) or {}).get("choices") or []
        for option, msgid in question.options(PACK):
            if question.kind == "multi":
                mark = "✓ " if option in chosen else ""
                rows.append([(f"tog:{option}", mark + _label(msgid))])
            else:
                rows.append([(f"opt:{option}", _label(msgid))])
    if question.kind == "multi":
        rows.append([("done", "Done")])
    nav = [("nav:back", "Back")]
    if not question.required:
        nav.append(("nav:skip", "Skip"))
    rows.append(nav)
    await message.reply_text(question.ask.format(name=""), reply_markup=_keyboard(rows))
    return index


async def start(update: Update, context: Context) -> int:
    assert update.message is not None
    context.user_data["answers"] = {}  # type: ignore[index]
    context.user_data["story"] = None  # type: ignore[index]
    return await ask(update.message, context, _next({}, -1))


def pressed(index: int) -> Callback:
    """The callback for a button press at question ``index``."""
    question = QUESTIONS[index]
    key = question.step.value

    async def on_press(update: Update, context: Context) -> int:
        query = update.callback_query
        assert query is not None and isinstance(query.message, Message)
        await query.answer()
        answers: dict[str, Any] = context.user_data["answers"]  # type: ignore[index]
        context.user_data["story"] = None  # type: ignore[index]
        data = query.data or ""
        markup = query.message.reply_markup
        rows = markup.inline_keyboard if markup is not None else ()
        label = next((b.text for row in rows for b in row if b.callback_data == data), data)
        await query.edit_message_text(f"{query.message.text}\n\n→ {label}")
        if data.startswith("tog:"):
            chosen = list((answers.get(key) or {}).get("choices") or [])
            option = data[4:]
            chosen.remove(option) if option in chosen else chosen.append(option)
            answers[key] = {"choices": chosen}
            return await ask(query.message, context, index)
        if data.startswith("opt:"):
            answers[key] = {"choice": data[4:]}
        elif data == "nav:skip":
            answers[key] = None
        elif data == "done":
            answers.setdefault(key, {"choices": []})
        return await ask(query.message, context, _next(answers, index))

    return on_press


def written(index: int) -> Callback:
    """The callback for a text message at question ``index``: its answer, or (right after
    a story, where options were asked) the story going on, as in Trygg."""
    question = QUESTIONS[index]

    async def on_text(update: Update, context: Context) -> int:
        message = update.message
        assert message is not None
        answers: dict[str, Any] = context.user_data["answers"]  # type: ignore[index]
        story = context.user_data.get("story")  # type: ignore[union-attr]
        if story is not None and question.kind != "text":
            answers[story]["text"] += "\n" + (message.text or "")
            await message.reply_text("I added that to your story.")
            return await ask(message, context, index)
        answers[question.step.value] = {"text": message.text or ""}
        context.user_data["story"] = question.step.value if question.story else None  # type: ignore[index]
        return await ask(message, context, _next(answers, index))

    return on_text


def submitter(alert: Callable[[int, Context], Awaitable[None]]) -> Callback:
    async def send(update: Update, context: Context) -> int:
        query = update.callback_query
        assert query is not None and isinstance(query.message, Message)
        await query.answer()
        await query.edit_message_text(f"{query.message.text}\n\n→ Send")
        await alert(query.message.chat.id, context)
        await query.message.reply_text(
            "Your report is sent. Who is told now: your party's security contact.",
            reply_markup=_keyboard([[("cmd:rensa", "Clear the chat")], [("cmd:meny", "Menu")]]),
        )
        context.user_data.clear()  # type: ignore[union-attr]
        return ConversationHandler.END

    return send


async def cancel(update: Update, context: Context) -> int:
    assert update.message is not None
    await update.message.reply_text("The report is deleted. Nothing was sent.")
    return ConversationHandler.END


def conversation(alert: Callable[[int, Context], Awaitable[None]], persistent: bool) -> Any:
    states: dict[object, list[Any]] = {
        index: [
            CallbackQueryHandler(pressed(index)),
            MessageHandler(filters.TEXT & ~filters.COMMAND, written(index)),
        ]
        for index in range(len(QUESTIONS))
    }
    states[SUMMARY] = [CallbackQueryHandler(submitter(alert), pattern="^send$")]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBUserWarning)  # per_message=False: as intended
        return ConversationHandler(
            entry_points=[CommandHandler("rapportera", start)],
            states=states,
            fallbacks=[CommandHandler("avbryt", cancel)],
            name="report",
            persistent=persistent,
        )


async def run_baseline(
    api: FakeBotApi,
    chats: list[int],
    contact_of: dict[int, int],
    *,
    pickle: Path | None,
    seconds: float | None,
    name: str,
    concurrent: bool = False,
) -> Run:
    """Run the PTB bot on the fake; N reporters write reports (all of them once, or in a loop
    for ``seconds``)."""
    alerts: list[float] = []
    commits: dict[int, float] = {}

    async def alert(chat_id: int, context: Context) -> None:
        commits[chat_id] = now()  # in memory: "committed" once decided
        await context.bot.send_message(
            contact_of[chat_id], f"New incident report in Trygg – reported by chat {chat_id}"
        )

    def seen(chat_id: int, text: str, arrived: float) -> None:
        if text.startswith("New incident report"):
            reporter = int(text.rsplit(" ", 1)[1])
            if reporter in commits:
                alerts.append(arrived - commits[reporter])

    api.on_message = seen
    started = now()
    builder = (
        Application.builder()
        .token(TOKEN)
        .request(api.request())
        .get_updates_request(api.request())
        .concurrent_updates(concurrent)
    )
    if pickle is not None:
        builder = builder.persistence(PicklePersistence(filepath=pickle))
    application = builder.build()
    application.add_handler(conversation(alert, persistent=pickle is not None))
    await application.initialize()
    await application.start()
    assert application.updater is not None
    await application.updater.start_polling(timeout=10)
    await api.polled.wait()
    startup = now() - started
    sampler = RssSampler()
    sampler.start()
    start, cpu_start = now(), time.process_time()
    until = None if seconds is None else start + seconds
    tally = await run_reporters(api, chats, until=until)
    end = until if until is not None else max(tally.completions, default=start)
    cpu = time.process_time() - cpu_start
    await sampler.stop()
    # stopping mid long-poll makes PTB log "Updater stopped unexpectedly" (CRITICAL): expected
    logging.getLogger("telegram.ext.Updater").setLevel(logging.CRITICAL + 1)
    await application.updater.stop()
    while not application.update_queue.empty():  # don't work off the backlog at shutdown
        application.update_queue.get_nowait()
        application.update_queue.task_done()
    saving = now()
    await application.stop()  # with persistence: the final save
    save_s = now() - saving
    await application.shutdown()
    run = Run(
        name,
        round(api.delay * 1000),
        tally.events,
        tally.reports,
        end - start,
        tally.latencies,
        tally.completions,
        start,
        end=until,
        failures=dict(tally.failures),
    )
    run.extra = {
        "alerts": len(alerts),
        "alert_p50_ms": ms(percentile(alerts, 50)),
        "alert_p99_ms": ms(percentile(alerts, 99)),
        "startup_s": round(startup, 3),
        "rss_peak_mb": round(sampler.peak / 2**20, 1),
        "rss_per_conversation_kb": round((sampler.peak - sampler.before) / len(chats) / 1024, 1),
        "final_save_s": round(save_s, 2) if pickle is not None else None,
        "cpu_busy_pct": round(100 * cpu / (end - start), 1) if end > start else None,
        "cpu_ms_per_event": round(cpu / tally.events * 1000, 3) if tally.events else None,
    }
    return run


def remove(path: Path) -> None:
    path.unlink(missing_ok=True)


async def baseline(
    delay: float,
    chats: list[int],
    contact_of: dict[int, int],
    *,
    pickle: Path | None = None,
    seconds: float | None = None,
    concurrent: bool = False,
) -> Run:
    """One baseline run on a fresh fake API: complete (``seconds`` None) or time-bounded."""
    api = FakeBotApi(delay)
    name = "ptb-pickle" if pickle is not None else "ptb-memory"
    if concurrent:
        name = "ptb-concurrent"
    if pickle is not None:
        remove(pickle)
    return await run_baseline(
        api, chats, contact_of, pickle=pickle, seconds=seconds, name=name, concurrent=concurrent
    )
