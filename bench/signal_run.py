"""Trygg on Signal under load: the real SignalBot, conversation core and storage against the
fake signal-cli daemon (tests/fakesignal.py), the same reporters as the Telegram run.

A Signal reporter sees only texts: a reply's buttons are its numbered choices ("1 Done ·
2 Back"). It writes the same report as bench.people's reporters, typing the number of the
choice it wants (it knows each button's label, as a person knows the words), and waits
for the next message with choices after each input. The daemon answers each `send` after
the round-trip delay; a message counts as arrived once its answer is on the socket.
"""

from __future__ import annotations

import asyncio
import re
import time
import uuid
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bench.fakeapi import now
from bench.people import REPORT
from bench.stats import RssSampler, Run, Tally, ms, percentile, wait_until
from bench.trygg import ERRORS, populate_bound, split, verify_reports
from bot.app import App, settle_heap
from bot.settings import Settings
from bot.transports.signal import SignalBot
from bot.transports.signal_choices import numbered
from bot.transports.signal_rpc import Backoff, SignalRpc
from conversations.events import Delivery, InboundEvent, Reply
from storage.db import is_sqlite
from tests.fakesignal import FakeSignal

NAME = re.compile(r"Official (\d{5})")
CHOICES = re.compile(r"(?:^|\n\n)(1 [^\n]*)$")


def aci(handle: str) -> str:
    """A person's fixed Signal ACI in the benchmark."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"trygg-bench/{handle}"))


@dataclass
class Phone:
    """What one Signal user has received: texts, and when the latest ones with choices came."""

    texts: list[str] = field(default_factory=list)
    choice_times: list[float] = field(default_factory=list)
    waiter: tuple[int, asyncio.Future[float]] | None = None

    def arrived(self, text: str, at: float) -> None:
        self.texts.append(text)
        if CHOICES.search(text):
            self.choice_times.append(at)
            if self.waiter is not None and len(self.choice_times) >= self.waiter[0]:
                if not self.waiter[1].done():
                    self.waiter[1].set_result(self.choice_times[self.waiter[0] - 1])
                self.waiter = None

    async def wait_choices(self, count: int, patience: float) -> float:
        """Wait until ``count`` messages with choices have arrived; when the last came."""
        if len(self.choice_times) >= count:
            return self.choice_times[count - 1]
        future: asyncio.Future[float] = asyncio.get_running_loop().create_future()
        self.waiter = (count, future)
        return await asyncio.wait_for(future, patience)

    def number_for(self, meanings: list[str] | None, button: str) -> str | None:
        """The number to type for ``button`` among the latest message's choices."""
        if meanings is None or button not in meanings:
            return None
        return str(meanings.index(button) + 1)

    def latest_choices(self) -> str:
        return next((t for t in reversed(self.texts) if CHOICES.search(t)), "")


class BenchSignal(FakeSignal):
    """The fake daemon, answering each `send` after a round trip, delivering to phones."""

    def __init__(self, delay: float) -> None:
        super().__init__()
        self.delay = delay
        self.phones: dict[str, Phone] = defaultdict(Phone)
        self.on_message: Any = None  # (recipient ACI, text, when) for every message

    async def _do_send(self, params: dict[str, Any]) -> Any:
        if self.delay:
            await asyncio.sleep(self.delay)
        result = await super()._do_send(params)
        at = now()  # its answer goes on the socket right after this, before anything else
        for recipient in self._get_list(params, "recipient"):
            text = str(params.get("message") or "")
            self.phones[recipient].arrived(text, at)
            if self.on_message is not None:
                self.on_message(recipient, text, at)
        return result


@dataclass
class SignalPopulation:
    """A migrated database with the synthetic organisation, everyone bound to a Signal ACI."""

    settings: Settings
    officials: list[str]  # ACIs of the officials
    contacts: set[str]


async def populate(
    url: str | None, workdir: Path, tag: str, officials: int, parties: int
) -> SignalPopulation:
    """Create a fresh database with the synthetic organisation; bind everyone to an ACI."""
    settings, found, contacts = await populate_bound(
        url, workdir, tag, officials, parties, channel="signal", address=lambda _n, h: aci(h)
    )
    return SignalPopulation(settings, sorted(found), contacts)


def make_bot(app: App, address: str) -> SignalBot:
    """The one place the benchmark builds a SignalBot."""
    return SignalBot(app, SignalRpc(address, timeout=60, backoff=Backoff(first=0.05, cap=1.0)))


@dataclass
class Running:
    app: App
    bot: SignalBot
    task: asyncio.Task[None]
    startup_s: float
    order: dict[str, list[int]]
    commits: dict[str, float]
    in_units: list[float]

    async def stop(self) -> None:
        self.bot.stop.set()
        await asyncio.wait_for(self.task, 60)
        await self.app.close()


async def start(settings: Settings, fake: BenchSignal) -> Running:
    """Start the bot as `trygg run` would; start-up: from the app until it reads messages."""
    started = now()
    app = App.create(settings)
    await app.migrate()
    bot = make_bot(app, fake.address)
    order: dict[str, list[int]] = defaultdict(list)
    commits: dict[str, float] = {}
    in_units = [0.0]
    process = bot.dispatcher.process

    async def traced(event: InboundEvent) -> Delivery | None:
        order[event.address].append(int(event.event_id.rsplit("-", 1)[1]))
        began = now()
        delivery = await process(event)
        ended = now()
        in_units[0] += ended - began
        if delivery is not None and delivery.notices:
            commits[event.address] = ended
        return delivery

    bot.dispatcher.process = traced  # type: ignore[method-assign]
    settle_heap()
    task = asyncio.create_task(bot.run())

    def reading() -> bool:
        return any(t.get_name() == "signal-intake" for t in asyncio.all_tasks())

    if not await wait_until(lambda: reading() or task.done(), 30) or task.done():
        raise RuntimeError("the Signal bot did not start")
    return Running(app, bot, task, now() - started, order, commits, in_units)


def learn_meanings(bot: SignalBot, meanings: dict[tuple[str, str], list[str]]) -> None:
    """What each numbered choice means, by message (a person understands what she reads):
    (recipient, text) -> the buttons' ids in order."""
    send = bot.transport.send

    async def sending(address: str, replies: Sequence[Reply], *args: Any) -> None:
        for reply in replies:
            if reply.buttons:
                meanings[(address, numbered(reply))] = [b.id for row in reply.buttons for b in row]
        await send(address, replies, *args)

    bot.transport.send = sending  # type: ignore[method-assign]


async def reporter(
    fake: BenchSignal,
    who: str,
    meanings: dict[tuple[str, str], list[str]],
    tally: Tally,
    patience: float,
) -> None:
    """Write one full report by typing: the text, or the number of the wanted choice."""
    phone = fake.phones[who]
    user = fake.person(aci=who)
    for index, group in enumerate(REPORT):
        base = len(phone.choice_times)
        sent: list[float] = []
        for kind, value in group:
            if kind == "press":
                latest = meanings.pop((who, phone.latest_choices()), None)
                number = phone.number_for(latest, value)
                if number is None:
                    tally.failures[f"step {index}: no choice {value}"] += 1
                    return
                value = number
            sent.append(now())
            await fake.push_text(user, value)
        for k, started in enumerate(sent, 1):
            try:
                arrived = await phone.wait_choices(base + k, patience)
            except TimeoutError:
                tally.failures[f"step {index}: no answer"] += 1
                return
            tally.done(arrived - started, arrived)
    tally.reports += 1


async def run_signal(population: SignalPopulation, delay: float, *, patience: float = 300.0) -> Run:
    """N reporters write full reports concurrently through the real stack, on Signal."""
    async with BenchSignal(delay) as fake:
        running = await start(population.settings, fake)
        meanings: dict[tuple[str, str], list[str]] = {}
        learn_meanings(running.bot, meanings)
        alerts: list[float] = []
        officials = {aci(f"o{i:05d}"): f"o{i:05d}" for i in range(len(population.officials))}
        by_name = {handle: address for address, handle in officials.items()}

        def seen(recipient: str, text: str, at: float) -> None:
            found = NAME.search(text) if recipient in population.contacts else None
            committed = found and running.commits.get(by_name.get(f"o{found.group(1)}", ""))
            if committed:
                alerts.append(at - committed)

        fake.on_message = seen
        errors_before = ERRORS.count
        sampler = RssSampler()
        sampler.start()
        tally = Tally()
        start_at, cpu_start, units_start = now(), time.process_time(), running.in_units[0]
        await asyncio.gather(
            *(reporter(fake, who, meanings, tally, patience) for who in population.officials)
        )
        seconds = max(tally.completions, default=start_at) - start_at
        cpu, in_units = time.process_time() - cpu_start, running.in_units[0] - units_start
        await sampler.stop()
        await wait_until(lambda: len(alerts) >= tally.reports, 60)
        await running.stop()
        violations = len(fake.violations)
    checks = await verify_reports(population.settings, population.officials, running.order)
    n = len(population.officials)
    run = Run.of("signal", delay, tally, seconds, start_at)
    sqlite = is_sqlite(population.settings.db_url)
    run.extra = {
        "alerts": len(alerts),
        "alert_p50_ms": ms(percentile(alerts, 50)),
        "alert_p99_ms": ms(percentile(alerts, 99)),
        "startup_s": round(running.startup_s, 3),
        "rss_peak_mb": round(sampler.peak / 2**20, 1),
        "rss_per_conversation_kb": round((sampler.peak - sampler.before) / n / 1024, 1),
        "errors_logged": ERRORS.count - errors_before,
        "protocol_violations": violations,
        **split(seconds, cpu, in_units, tally.events, sqlite=sqlite),
        **checks,
    }
    return run
