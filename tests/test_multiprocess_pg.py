"""Three `trygg run --webhook` processes on one PostgreSQL, one of them SIGKILLed mid-run.

A fake load balancer in front of them (tests/webhook_balancer.py) posts the fake Bot API's updates
to the processes' webhooks in turn, as Telegram would post them to a load-balanced URL:
each update until a process answers it with 200 (a process answers only once the update's
unit of work has committed), trying the next process when one fails. Every update is
posted as soon as it exists, so a person's update may reach any process. The officials
of the crash test (tests/crash_harness.py) write their reports through it, CONCURRENT at
a time; when a third of the reports are sent, one process is SIGKILLed, and started again
a second later. Timers planted before the run (a test-only kind whose handler records
each firing) come due while it goes on.

Checked afterwards: every answer the driver saw acknowledged is stored, every report is
whole and submitted once; each official's prompts came in the order of their steps (a
resent prompt may repeat the latest one, never an older one); each report's alert reached
the security contact, at most one duplicate per kill; every planted timer fired exactly
once. REPORTERS is 120 to keep the test short; TRYGG_MP_REPORTERS=300 runs the issue's
300.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import os
import random
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select

from bot.app import App
from bot.settings import Settings
from storage.models import HandledEvent, Timer, TimerState
from storage.timers import TimerRepo
from tests.conftest import TEST_KEYS, _pg_truncate
from tests.crash_harness import (
    SECURITY_CHAT,
    BotProcess,
    Driver,
    Official,
    alerts_seen,
    officials_of,
    prepare,
    stored,
    wait_for_alerts,
)
from tests.fakebotapi import FakeBotApi
from tests.fault_support import child_env, report_figures, write_org
from tests.webhook_balancer import Balancer

SEED = int(os.environ.get("TRYGG_FAULT_SEED", "20261205"))
REPORTERS = int(os.environ.get("TRYGG_MP_REPORTERS", "120"))
CONCURRENT = 20
PROCESSES = 3
SECRET = "trygg_mp_test_secret"
PROBES = 60  # planted timers, due over the first PROBE_SPREAD seconds of the run
PROBE_SPREAD = 20.0
RUN_TIMEOUT = 60.0 + 2.0 * REPORTERS

# The child: the CLI's `run --webhook URL`, with the crash test's lifted limits and short
# outbox lease, and a timer kind whose handler records each firing as a row (its id names
# the timer and the firing): a timer fired twice leaves two rows.
LAUNCH = """
import functools, sys, uuid
from datetime import timedelta
import bot.delivery, bot.throttle, bot.transports.telegram
import conversations.registry
from storage.models import HandledEvent
bot.transports.telegram.Throttle = functools.partial(
    bot.throttle.Throttle, per_second=10000.0, per_chat_interval=0.0
)
bot.delivery.LEASE = timedelta(seconds=float(sys.argv[1]))

async def probe(context, timer):
    context.session.add(
        HandledEvent(event_id=f"probe-{timer.subject}-{uuid.uuid4().hex}", handled_at=context.now)
    )

conversations.registry.TIMERS["probe"] = probe
from bot.cli import main
sys.exit(main(["run", *sys.argv[2:]]))
"""


def _in_order(driver: Driver, fake: FakeBotApi, chat: int) -> bool:
    """Whether the steps of the prompts an official got never went back."""
    steps = [driver.step_of(chat, m) for m in fake.sent(chat)]
    prompts = [s for s in steps if s >= 0]
    return all(a <= b for a, b in itertools.pairwise(prompts))


async def _plant_probes(settings: Settings, rng: random.Random) -> None:
    app = App.create(settings)
    try:
        async with app.db.unit_of_work() as session:
            repo = TimerRepo(session)
            now = app.clock()
            for i in range(PROBES):
                repo.schedule("probe", f"p{i:03d}", now + timedelta(seconds=rng.uniform(2, 20)))
    finally:
        await app.close()


async def _probe_firings(settings: Settings) -> tuple[Counter[str], int]:
    """(firings per planted timer, timers still pending)."""
    app = App.create(settings)
    try:
        async with app.db.unit_of_work() as session:
            ids = await session.scalars(
                select(HandledEvent.event_id).where(HandledEvent.event_id.like("probe-%"))
            )
            fired = Counter(event_id.split("-")[1] for event_id in ids)
            pending = await session.scalar(
                select(func.count())
                .select_from(Timer)
                .where(Timer.kind == "probe", Timer.state == TimerState.PENDING)
            )
    finally:
        await app.close()
    return fired, int(pending or 0)


async def test_three_processes_keep_each_persons_order_and_lose_nothing_when_one_dies(
    tmp_path: Path, pg_database: str
) -> None:
    began = time.monotonic()
    await _pg_truncate(pg_database)
    rng = random.Random(SEED)
    settings = Settings(
        DATABASE_URL=pg_database,
        TRYGG_DATA_DIR=tmp_path,
        TRYGG_KEYS=TEST_KEYS,
        TRYGG_DEFAULT_LOCALE="sv",
    )
    officials = officials_of(REPORTERS, SEED, rng)
    await prepare(settings, write_org(tmp_path / "org.yaml", REPORTERS), officials)
    await _plant_probes(settings, rng)

    async with FakeBotApi() as fake:
        fake.add_chat(SECURITY_CHAT)
        env = child_env(pg_database, fake) | {
            "TELEGRAM_WEBHOOK_SECRET": SECRET,
            "TRYGG_SEVERAL_PROCESSES": "1",
        }
        ports = [_free_port() for _ in range(PROCESSES)]
        urls = [f"http://127.0.0.1:{port}/hook" for port in ports]
        bots = []
        for n, (port, url) in enumerate(zip(ports, urls, strict=True)):
            data = tmp_path / f"p{n}"
            data.mkdir()
            bots.append(
                BotProcess(
                    fake,
                    env | {"TRYGG_WEBHOOK_PORT": str(port), "TRYGG_DATA_DIR": str(data)},
                    tmp_path,
                    tmp_path / f"bot{n}.log",
                    args=("--webhook", url),
                    ready="setWebhook",
                    launch=LAUNCH,
                )
            )
        balancer = Balancer(fake, urls, SECRET)
        stop_balancer = asyncio.Event()
        driver = Driver(fake)
        todo: asyncio.Queue[Official] = asyncio.Queue()
        for who in officials:
            todo.put_nowait(who)

        async def reporter() -> None:
            while not todo.empty():
                await driver.report(todo.get_nowait())

        for bot in bots:
            await bot.start()
        for bot in bots:
            await bot.polling()
        balancing = asyncio.create_task(balancer.run(stop_balancer))
        reporting = asyncio.gather(*(reporter() for _ in range(CONCURRENT)))
        victim = bots[rng.randrange(PROCESSES)]

        async def chaos() -> None:
            while sum(1 for o in officials if o.ref) < REPORTERS // 3:
                await asyncio.sleep(0.05)
            await victim.kill()
            await asyncio.sleep(1.0)
            await victim.start()
            await victim.polling()

        chaos_task = asyncio.create_task(chaos())
        try:
            try:
                await asyncio.wait_for(asyncio.shield(reporting), RUN_TIMEOUT)
            except TimeoutError:
                done = sum(1 for o in officials if o.ref)
                raise AssertionError(f"timed out: {done} reports\n{victim.tail()}") from None
            await chaos_task
            reported = time.monotonic() - began
            refs = {who.ref for who in officials}

            await wait_for_alerts(fake, refs)
            wait_probes = time.monotonic() + PROBE_SPREAD + 10
            while time.monotonic() < wait_probes:
                fired, pending = await _probe_firings(settings)
                if not pending:
                    break
                await asyncio.sleep(0.5)
            await asyncio.sleep(0.5)
            counted = alerts_seen(fake)
            codes = [await bot.stop() for bot in bots]
        finally:
            chaos_task.cancel()
            reporting.cancel()
            with contextlib.suppress(BaseException):
                await reporting
            with contextlib.suppress(BaseException):
                await chaos_task
            stop_balancer.set()
            with contextlib.suppress(BaseException):
                await balancing
            for bot in bots:
                if bot.proc is not None:
                    bot.proc.kill()
                    await bot.proc.wait()
        fake.assert_valid()
        lost_lines = sum(fake.messages_to(o.chat).count(driver.t.lost) for o in officials)
        out_of_order = [o.handle for o in officials if not _in_order(driver, fake, o.chat)]
        shown = [
            (driver.step_of(o.chat, m), str(m.get("text", ""))[:50])
            for o in officials
            if out_of_order and o.handle == out_of_order[0]
            for m in fake.sent(o.chat)
        ]

    checked, problems = await stored(settings, officials)
    fired, pending = await _probe_firings(settings)
    missing = sorted(refs - set(counted))
    duplicates = sum(n - 1 for n in counted.values())
    figures = {
        "seed": SEED,
        "processes": PROCESSES,
        "reports": len(officials),
        "kills": victim.kills,
        "answers_checked": checked,
        "actions": sum(o.actions for o in officials),
        "posts_per_process": [balancer.posted[i] for i in range(PROCESSES)],
        "posts_failed": balancer.failed,
        "alerts": sum(counted.values()),
        "alerts_lost": len(missing),
        "duplicates_seen": duplicates,
        "out_of_order": len(out_of_order),
        "replies_resent": lost_lines,  # "I lost the connection", and the replies again
        "timers_planted": PROBES,
        "timers_fired_twice": sum(1 for n in fired.values() if n > 1),
        "timers_not_fired": PROBES - len(fired),
        "try_again_answers": driver.sorry,
        "seconds_reporting": round(reported, 1),
        "seconds": round(time.monotonic() - began, 1),
    }
    summary = "multiprocess-pg: " + json.dumps(figures)
    report_figures("multiprocess-pg", figures, tmp_path)
    assert codes == [0] * PROCESSES, summary
    assert not problems, "\n".join(problems[:20]) + "\n" + summary
    assert not missing, f"reports without an alert: {missing}\n{summary}"
    assert duplicates <= victim.kills, summary
    assert not out_of_order, f"out of order: {out_of_order} {shown}\n{summary}"
    assert checked >= REPORTERS * 12, summary
    assert len(fired) == PROBES and pending == 0, summary
    assert all(n == 1 for n in fired.values()), summary
    assert all(balancer.posted[i] for i in range(PROCESSES)), summary  # all three served
    assert driver.sorry == 0, summary


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
