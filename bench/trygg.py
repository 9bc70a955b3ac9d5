"""Trygg under load: the real TelegramBot, conversation core and storage, the fake Bot API.

Scenarios:

* :func:`run_trygg` — N reporters write full reports concurrently (throughput, latency,
  pauses, memory, alert latency, start-up; every person's events checked in order, every
  report checked in the database).
* :func:`run_priority` — 10,000 routine nudges queued behind a 30 messages/s limit, while
  people press /akut and answer a report: how fast do their alerts and replies go out?
* :func:`run_timers` — 100,000 pending timers: start-up load time, and 5,000 due ones fire
  exactly once.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
import time
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, insert, select, text
from sqlalchemy.ext.asyncio import create_async_engine
from telegram import Bot

from bench.fakeapi import TOKEN, FakeBotApi, now
from bench.people import (
    EVENTS_PER_REPORT,
    WHAT_1,
    WHAT_2,
    akut_person,
    paced_reporter,
    run_reporters,
)
from bench.stats import RssSampler, Run, Tally, ms, percentile, wait_until
from bot import orgfile
from bot.app import App, settle_heap
from bot.settings import Settings
from bot.throttle import Throttle
from bot.timers import TimerRunner, TimerWaker
from bot.transports.telegram import TelegramBot
from conversations.alerts import SystemContext
from conversations.events import Delivery, InboundEvent
from conversations.notices import FOLLOWUP_NUDGE
from storage import migrate
from storage.crypto import Keyring
from storage.db import is_sqlite
from storage.directory import DirectoryRepo
from storage.models import (
    OutboxMessage,
    OutboxStatus,
    Person,
    Report,
    ReportStatus,
    Timer,
    TimerState,
)
from storage.outbox import ROUTINE
from storage.reports import ReportRepo

# The throughput runs spread the reporters over a council's parties (eight sit in most
# Swedish municipal councils), each with its two security contacts. With one party, both
# contacts would get every alert of the run, one chat's round trip after the other.
COUNCIL_PARTIES = 8
OFFICIAL_CHAT = 1_000_000
CONTACT_CHAT = 2_000_000
NAME = re.compile(r"Official (\d{5})")
KEYS = Keyring.new_key_line()


class ErrorCounter(logging.Handler):
    """Counts ERROR log records (failed units of work, failed sends) during a run."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.count = 0

    def emit(self, record: logging.LogRecord) -> None:
        self.count += 1


ERRORS = ErrorCounter()
logging.getLogger().addHandler(ERRORS)


# --- the database and the synthetic organisation ---------------------------------------------


@dataclass
class Population:
    """A migrated database holding one municipality, its parties and officials, bound to
    Telegram chats."""

    settings: Settings
    officials: list[int]  # chat ids of the officials (the reporters)
    contacts: set[int]  # chat ids of the security contacts

    @property
    def url(self) -> str:
        return self.settings.db_url


def synthetic_org(officials: int, parties: int) -> orgfile.OrgFile:
    """One municipality (pack oxelosund) with parties, two security contacts per party, the
    municipal security unit, and ``officials`` officials spread over the parties."""
    keys = [f"p{j:02d}" for j in range(parties)]
    municipality = orgfile.MunicipalityIn(
        key="benchby",
        name="Benchby kommun",
        security_unit_phone="+46 8 465 004 10",
        pack="oxelosund",
        parties=[orgfile.PartyIn(key=k, name=f"Party {k}") for k in keys],
    )
    people = [
        orgfile.PersonIn(
            handle="unit",
            name="Security Unit",
            role="municipal_security",
            municipality="benchby",
            phone="+46 8 465 004 11",
            language="en",
        )
    ]
    for j, key in enumerate(keys):
        for a in (1, 2):
            people.append(
                orgfile.PersonIn(
                    handle=f"sec-{key}-{a}",
                    name=f"Security {key}/{a}",
                    role="party_security",
                    municipality="benchby",
                    party=key,
                    phone=f"+46 70 {j:03d} {a:04d}",
                    language="en",
                )
            )
    for i in range(officials):
        people.append(
            orgfile.PersonIn(
                handle=f"o{i:05d}",
                name=f"Official {i:05d}",
                role="official",
                municipality="benchby",
                party=keys[i % parties],
                language="en",
            )
        )
    return orgfile.OrgFile(municipalities=[municipality], people=people)


def new_sqlite_file(workdir: Path, tag: str) -> Path:
    path = workdir / f"trygg-{tag}.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    return path


async def fresh_database(url: str | None, workdir: Path, tag: str) -> str:
    """A new, migrated database: an SQLite file in ``workdir``, or ``url`` with its public
    schema dropped and created again (PostgreSQL)."""
    if url is None or is_sqlite(url):
        url = f"sqlite+aiosqlite:///{new_sqlite_file(workdir, tag)}"
    else:
        engine = create_async_engine(url, isolation_level="AUTOCOMMIT")
        async with engine.connect() as conn:
            await conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            await conn.execute(text("CREATE SCHEMA public"))
        await engine.dispose()
    await asyncio.to_thread(migrate.upgrade, url)
    return url


def bench_settings(url: str, workdir: Path) -> Settings:
    return Settings(
        DATABASE_URL=url,
        TRYGG_DATA_DIR=workdir,
        TRYGG_KEYS=KEYS,
        TRYGG_DEFAULT_LOCALE="en",
        TELEGRAM_BOT_TOKEN=TOKEN,
        TRYGG_LOG_LEVEL="WARNING",
    )


async def populate_bound(
    url: str | None,
    workdir: Path,
    tag: str,
    officials: int,
    parties: int,
    *,
    channel: str,
    address: Callable[[int, str], str],
) -> tuple[Settings, list[str], set[str]]:
    """Create a fresh database with the synthetic organisation and bind every person on
    ``channel`` at ``address(index, handle)``; return the settings and the officials' and
    the contacts' addresses."""
    db_url = await fresh_database(url, workdir, tag)
    settings = bench_settings(db_url, workdir)
    app = App.create(settings)
    try:
        async with app.db.unit_of_work() as session:
            await orgfile.apply(session, synthetic_org(officials, parties), app.keyring)
        found: list[str] = []
        contacts: set[str] = set()
        async with app.db.unit_of_work() as session:
            repo = DirectoryRepo(session)
            people = (await session.scalars(select(Person).order_by(Person.id))).all()
            for index, person in enumerate(people):
                bound = address(index, person.handle)
                if person.handle.startswith("o"):
                    found.append(bound)
                else:
                    contacts.add(bound)
                await repo.bind(channel, bound, person)
    finally:
        await app.close()
    return settings, found, contacts


def chat_of(index: int, handle: str) -> str:
    """A person's Telegram chat in the benchmark: officials by number, contacts by row."""
    if handle.startswith("o"):
        return str(OFFICIAL_CHAT + int(handle[1:]))
    return str(CONTACT_CHAT + index)


async def populate(
    url: str | None, workdir: Path, tag: str, officials: int, parties: int
) -> Population:
    """Create a fresh database with the synthetic organisation; bind every person to a chat."""
    settings, chats, contacts = await populate_bound(
        url, workdir, tag, officials, parties, channel="telegram", address=chat_of
    )
    return Population(settings, sorted(int(c) for c in chats), {int(c) for c in contacts})


# --- running the real bot against the fake ---------------------------------------------------


@dataclass
class Running:
    """A TelegramBot running (long polling) against a FakeBotApi, instrumented."""

    app: App
    tbot: TelegramBot
    api: FakeBotApi
    task: asyncio.Task[None]
    startup_s: float
    order: dict[str, list[int]]  # update ids per chat, in the order they were handled
    commits: dict[str, float]  # when each chat's latest event with notices committed
    in_units: list[float]  # [seconds spent handling events: their units of work, in all]

    async def stop(self) -> None:
        self.tbot.stop.set()
        await asyncio.wait_for(self.task, 60)
        await self.app.close()


async def start_trygg(settings: Settings, api: FakeBotApi, throttle: Throttle) -> Running:
    """Start the bot as `trygg run` would (migrations at head, start, polling); measure
    start-up to ready: from creating the app until the first getUpdates reaches the API."""
    started = now()
    app = App.create(settings)
    await app.migrate()
    bot = Bot(TOKEN, request=api.request(), get_updates_request=api.request())
    tbot = TelegramBot(app, bot=bot, throttle=throttle)
    order: dict[str, list[int]] = defaultdict(list)
    commits: dict[str, float] = {}
    in_units = [0.0]
    process = tbot.dispatcher.process

    async def traced(event: InboundEvent) -> Delivery | None:
        order[event.address].append(int(event.event_id.removeprefix("tg:")))
        # CPU time, not wall time: on a loaded machine waiting for the core is no work
        began = time.thread_time()
        delivery = await process(event)
        ended = now()
        in_units[0] += time.thread_time() - began
        if delivery is not None and delivery.notices:
            commits[event.address] = ended
        return delivery

    tbot.dispatcher.process = traced  # type: ignore[method-assign]
    settle_heap()  # as `trygg run` does (bot/transports/telegram.py run_telegram)
    task = asyncio.create_task(tbot.run_polling())
    polled = asyncio.create_task(api.polled.wait())
    await asyncio.wait({task, polled}, return_when=asyncio.FIRST_COMPLETED)
    if task.done():
        polled.cancel()
        task.result()
        raise RuntimeError("the bot stopped before polling")
    return Running(app, tbot, api, task, now() - started, order, commits, in_units)


def alert_watch(running: Running, contacts: set[int], latencies: list[float]) -> None:
    """Record, for every alert reaching a contact's chat, the time since its commit."""

    def seen(chat_id: int, message: str, arrived: float) -> None:
        if chat_id not in contacts:
            return
        match = NAME.search(message)
        if match is None:
            return
        address = str(OFFICIAL_CHAT + int(match.group(1)))
        committed = running.commits.get(address)
        if committed is not None:
            latencies.append(arrived - committed)

    running.api.on_message = seen


def fast_throttle() -> Throttle:
    """No per-chat spacing, a high overall rate: the throughput runs measure the bot."""
    return Throttle(per_second=100_000, per_chat_interval=0)


async def run_trygg(population: Population, delay: float, *, patience: float = 300.0) -> Run:
    """N reporters write full reports concurrently through the real stack."""
    api = FakeBotApi(delay)
    running = await start_trygg(population.settings, api, fast_throttle())
    alerts: list[float] = []
    alert_watch(running, population.contacts, alerts)
    errors_before = ERRORS.count
    sampler = RssSampler()
    sampler.start()
    start, cpu_start, units_start = now(), time.process_time(), running.in_units[0]
    tally = await run_reporters(api, population.officials, patience=patience)
    seconds = max(tally.completions, default=start) - start
    cpu, in_units = time.process_time() - cpu_start, running.in_units[0] - units_start
    await sampler.stop()
    n = len(population.officials)
    await wait_until(lambda: len(alerts) >= tally.reports, 60)  # the last ones may be on the way
    await running.stop()
    checks = await verify_reports(
        population.settings, [str(c) for c in population.officials], running.order
    )
    run = Run.of("trygg", delay, tally, seconds, start)
    run.extra = {
        "alerts": len(alerts),
        "alert_p50_ms": ms(percentile(alerts, 50)),
        "alert_p99_ms": ms(percentile(alerts, 99)),
        "startup_s": round(running.startup_s, 3),
        "rss_before_mb": round(sampler.before / 2**20, 1),
        "rss_peak_mb": round(sampler.peak / 2**20, 1),
        "rss_per_conversation_kb": round((sampler.peak - sampler.before) / n / 1024, 1),
        "errors_logged": ERRORS.count - errors_before,
        "bot_api_calls": dict(api.calls),
        **split(seconds, cpu, in_units, tally.events, sqlite=is_sqlite(population.url)),
        **checks,
    }
    return run


def split(
    seconds: float,
    cpu: float,
    in_units: float,
    events: int,
    *,
    sqlite: bool,
    cores: int = os.cpu_count() or 1,
) -> dict[str, float | None]:
    """Where a run's CPU time per event went: in the events' units of work (the core and
    storage, ``Dispatcher.process``) and in everything else in this process (the
    transport's polling and Bot API calls, the outbox and timers, the event loop, the fake
    API and the simulated people); the events/s that the rest alone, as measured,
    would allow if handling an event cost nothing; and the events/s if all of it were
    spread without loss over every core of the machine (no design gets more from it).

    On SQLite a unit of work runs without yielding (statements run inline), so its wall
    time is CPU time; on PostgreSQL it includes waiting for the server, and the split is
    not given."""
    if not sqlite or events == 0 or seconds <= 0 or cpu <= in_units:
        return dict.fromkeys(
            (
                "cpu_busy_pct",
                "cpu_ms_per_event",
                "unit_ms_per_event",
                "rest_ms_per_event",
                "ceiling_events_per_s",
                "all_cores_ceiling_events_per_s",
            )
        )
    rest = (cpu - in_units) / events
    return {
        "cpu_busy_pct": round(100 * cpu / seconds, 1),
        "cpu_ms_per_event": round(cpu / events * 1000, 3),
        "unit_ms_per_event": round(in_units / events * 1000, 3),
        "rest_ms_per_event": round(rest * 1000, 3),
        "ceiling_events_per_s": round(1 / rest, 1),
        "all_cores_ceiling_events_per_s": round(cores * events / cpu, 1),
    }


async def verify_reports(
    settings: Settings, addresses: list[str], order: Mapping[str, list[int]] | None
) -> dict[str, Any]:
    """Every person's events handled in the order they were sent, each exactly once (given
    the order they were handled in); every report submitted, with both parts of "what
    happened" stored in the order written."""
    in_order = None
    if order is not None:
        in_order = sum(
            1
            for address in addresses
            if (ids := order.get(address, [])) == sorted(set(ids)) and len(ids) == EVENTS_PER_REPORT
        )
    app = App.create(settings)
    try:
        async with app.db.unit_of_work() as session:
            repo = ReportRepo(session, app.keyring)
            reports = (
                await session.scalars(select(Report).where(Report.status == ReportStatus.SUBMITTED))
            ).all()
            complete = sum(
                1 for r in reports if repo.answers(r).get("what") == {"text": f"{WHAT_1}\n{WHAT_2}"}
            )
    finally:
        await app.close()
    return {
        "persons_in_order": in_order,
        "reports_stored": len(reports),
        "reports_complete": complete,
    }


# --- priority under the 30 messages/s limit ---------------------------------------------------


async def queue_nudges(population: Population, count: int, skip: int) -> None:
    """Queue ``count`` routine follow-up nudges (bulk insert) to the officials after the
    first ``skip`` (those are the people pressing /akut and answering a report)."""
    app = App.create(population.settings)
    try:
        async with app.db.unit_of_work() as session:
            officials = select(Person.id).where(Person.handle.startswith("o"))
            ids = (await session.scalars(officials.order_by(Person.handle).offset(skip))).all()
            at = datetime.now(UTC) - timedelta(seconds=1)
            rows = [
                {
                    "recipient_id": ids[i % len(ids)],
                    "kind": FOLLOWUP_NUDGE,
                    "priority": ROUTINE,
                    "payload": {"report": "none", "n": 1, "stage": "nudge"},
                    "status": OutboxStatus.PENDING,
                    "attempts": 0,
                    "created_at": at,
                    "due_at": at,
                }
                for i in range(count)
            ]
            await session.execute(insert(OutboxMessage), rows)
    finally:
        await app.close()


async def run_priority(
    population: Population,
    delay: float,
    *,
    nudges: int = 10_000,
    seconds: float = 20.0,
    akut_people: int = 40,
    reporters: int = 5,
    think: float = 2.0,
) -> dict[str, Any]:
    """Nudges flood a 30 messages/s limit; /akut alerts and replies must still go first.

    The urgent traffic itself stays well inside the limit (each button press costs three
    calls: the answer to the press, the reply, and the edit of the pressed message): 40
    people press /akut over the window, 5 people answer a report every ``think`` seconds.
    """
    await queue_nudges(population, nudges, akut_people + reporters)
    api = FakeBotApi(delay)
    running = await start_trygg(population.settings, api, Throttle(per_second=30))
    alerts: list[float] = []
    alert_watch(running, population.contacts, alerts)
    chats = population.officials
    akut_chats = chats[:akut_people]
    report_chats = chats[akut_people : akut_people + reporters]
    akut_tally, reply_tally = Tally(), Tally()
    await asyncio.sleep(2.0)  # let the nudges saturate the limit first
    start = now()
    until = start + seconds
    spread = seconds * 0.75  # /akut presses spread over the window
    await asyncio.gather(
        *(
            akut_person(api, c, akut_tally, start_after=spread * i / len(akut_chats), think=think)
            for i, c in enumerate(akut_chats)
        ),
        *(paced_reporter(api, c, reply_tally, think=think, until=until) for c in report_chats),
    )
    elapsed = now() - start
    await wait_until(lambda: len(alerts) >= len(akut_chats), 10)
    nudge_chats = chats[akut_people + reporters :]
    nudges_sent = sum(len(api.chat(c).sent_times) for c in nudge_chats)
    await running.stop()
    replies = akut_tally.latencies + reply_tally.latencies
    return {
        "delay_ms": round(delay * 1000),
        "seconds": round(elapsed, 1),
        "alerts": len(alerts),
        "alert_p50_ms": ms(percentile(alerts, 50)),
        "alert_p99_ms": ms(percentile(alerts, 99)),
        "replies": len(replies),
        "reply_p50_ms": ms(percentile(replies, 50)),
        "reply_p99_ms": ms(percentile(replies, 99)),
        "nudges_sent": nudges_sent,
        "sendMessage_per_s": round(api.calls["sendMessage"] / (elapsed + 2.0), 1),
        "failures": dict(akut_tally.failures + reply_tally.failures),
    }


# --- timers ----------------------------------------------------------------------------------

BENCH_TIMER = "bench_tick"


async def run_timers(
    url: str | None, workdir: Path, *, pending: int = 100_000, due: int = 5_000
) -> dict[str, Any]:
    """``pending`` timers in the table, ``due`` of them due now: load time, each fires once."""
    db_url = await fresh_database(url, workdir, "timers")
    settings = bench_settings(db_url, workdir)
    app = App.create(settings)
    fired: list[int] = []

    async def count(sc: SystemContext, timer: Timer) -> None:
        fired.append(timer.id)

    try:
        at = datetime.now(UTC)
        rows = [
            {
                "kind": BENCH_TIMER,
                "subject": str(i),
                "due_at": at - timedelta(seconds=due - i) if i < due else at + timedelta(days=1),
                "state": TimerState.PENDING,
                "payload": {},
                "created_at": at,
            }
            for i in range(pending)
        ]
        inserted = now()
        async with app.db.unit_of_work() as session:
            for chunk in range(0, pending, 20_000):
                await session.execute(insert(Timer), rows[chunk : chunk + 20_000])
        insert_s = now() - inserted
        del rows
        started = now()
        runner = TimerRunner(app.db, app.keyring, app.packs, {BENCH_TIMER: count}, app.clock)
        first = await runner.next_due()
        waker = TimerWaker(runner)
        waker.start()
        load_s = now() - started
        await wait_until(lambda: len(fired) >= due, 120)
        fire_s = now() - started
        await asyncio.sleep(0.5)  # a second round must not fire anything again
        await waker.stop()
        async with app.db.unit_of_work() as session:
            still_due = await session.scalar(
                select(func.count())
                .select_from(Timer)
                .where(Timer.state == TimerState.PENDING, Timer.due_at <= datetime.now(UTC))
            )
            remaining = await session.scalar(
                select(func.count()).select_from(Timer).where(Timer.state == TimerState.PENDING)
            )
    finally:
        await app.close()
    return {
        "pending": pending,
        "due": due,
        "insert_s": round(insert_s, 2),
        "first_due_found": first is not None,
        "load_s": round(load_s, 3),
        "fire_all_s": round(fire_s, 2),
        "fired": len(fired),
        "fired_distinct": len(set(fired)),
        "double_fired": len(fired) - len(set(fired)),
        "due_left_pending": int(still_due or 0),
        "future_still_pending": int(remaining or 0),
    }
